package testserver

// Attachments of attached items: Exchange gives every attachment of an item attachment's item its own
// AttachmentId, which GetAttachment accepts like a top-level one (that is how clients open a message attached to
// a message attached to a report).

// idNestedLocked gives the attachments of the items attached in atts ids of their own, recursively, on copies of
// those items (a stored copy never shares its attached items with the original). Callers hold s.mu.
func (mb *Mailbox) idNestedLocked(atts []Attachment) {
	for i := range atts {
		if atts[i].Item == nil {
			continue
		}
		inner := atts[i].Item.clone()
		for j := range inner.Attachments {
			inner.Attachments[j].ID = mb.newID("A")
		}
		mb.idNestedLocked(inner.Attachments)
		atts[i].Item = &inner
	}
}

// findAttachmentDeep finds an attachment by id in the mailbox its id names, at any depth of attached items. It
// returns the item stored in a folder that holds it.
func (r *request) findAttachmentDeep(id string) (*Mailbox, *Item, *Attachment, *errorCode) {
	addr, kind, ok := decodeID(id)
	if !ok || kind != "A" {
		return nil, nil, nil, errMalformedID()
	}
	mb := r.srv.mailboxes[lower(addr)]
	if mb == nil || (mb != r.mailbox && !r.mayAccess(mb)) {
		return nil, nil, nil, errItemNotFound()
	}
	var find func(atts []Attachment) *Attachment
	find = func(atts []Attachment) *Attachment {
		for i := range atts {
			if atts[i].ID == id {
				return &atts[i]
			}
			if atts[i].Item != nil {
				if a := find(atts[i].Item.Attachments); a != nil {
					return a
				}
			}
		}
		return nil
	}
	for _, it := range mb.items {
		if a := find(it.Attachments); a != nil {
			return mb, it, a, nil
		}
	}
	return nil, nil, nil, errItemNotFound()
}
