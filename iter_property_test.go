package ews

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// Property of every iterator: it yields an error, or all the items; never a silent prefix. Random folders,
// page and batch sizes, concurrency, and a random failure (a server error, a cut or malformed answer, a
// broken connection) at a random request, or a context that ends while a request is in flight.
func TestIteratorErrorOrAll(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 15))
	faults := []func() testserver.Fault{
		func() testserver.Fault { return testserver.ErrorCode("ErrorInternalServerError") },
		func() testserver.Fault { return testserver.Truncate(200 + rng.IntN(2000)) },
		func() testserver.Fault { return testserver.Malformed() },
		func() testserver.Fault { return testserver.ResetAfter() },
		func() testserver.Fault { return testserver.HTMLPage(502) },
		nil, // the context ends while a request is in flight
	}
	for round := range 24 {
		n := 1 + rng.IntN(120)
		srv := testserver.New(t)
		for i := range n {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%d", i), DateTimeReceived: time.Date(2024, 5, 6, 0, i, 0, 0, time.UTC)})
		}
		c := newTestClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{MaxAttempts: 1} })
		opts := SearchOptions{Folder: Inbox, PageSize: 1 + rng.IntN(40), BatchSize: 1 + rng.IntN(20), Concurrency: 1 + rng.IntN(4)}
		op := []string{"FindItem", "GetItem"}[rng.IntN(2)]
		f := faults[rng.IntN(len(faults))]
		ctx, cancel := context.WithCancel(testCtx(t))
		after := 1 + rng.IntN(4) // the failing request of op
		if f != nil {
			srv.AddFault(f().For(op).Every(after).Times(1))
		} else {
			srv.AddFault(testserver.Delay(time.Minute).For(op).Every(after).Times(1))
			go func() {
				for srv.Delayed() == 0 && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
		}
		got, failed := 0, false
		for _, err := range c.Mail().Search(ctx, opts) {
			if err != nil {
				failed = true
				break
			}
			got++
		}
		cancel()
		if !failed && got != n {
			t.Errorf("round %d (%d messages, %+v, fault on %s #%d, fault %v): %d messages and no error", round, n, opts, op, after, f != nil, got)
		}
	}
}
