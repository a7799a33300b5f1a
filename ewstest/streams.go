package ewstest

import "context"

// WaitStreams waits until n streaming-notification connections (GetStreamingEvents, as ews.Poller.Watch
// opens) are open, or ctx ends: a test adds mail once the code under test listens.
func (s *Server) WaitStreams(ctx context.Context, n int) error { return s.srv.WaitStreams(ctx, n) }
