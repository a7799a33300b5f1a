package testserver

// Sent returns copies of the messages the server's users sent (SendItem, and CreateItem or UpdateItem with
// SendOnly or SendAndSaveCopy), oldest first, whether or not a copy was saved and whether
// or not the recipients have mailboxes on the server.
func (s *Server) Sent() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Item, len(s.sent))
	for i := range s.sent {
		out[i] = s.sent[i].clone()
	}
	return out
}
