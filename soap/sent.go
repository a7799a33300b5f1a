package soap

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
)

// sentTracker records whether a request was written to a connection, through httptrace.
type sentTracker struct{ n atomic.Int32 }

func (s *sentTracker) wrote() bool { return s.n.Load() > 0 }

func withSentTracker(ctx context.Context, s *sentTracker) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { s.n.Add(1) },
	})
}
