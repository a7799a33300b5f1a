package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// A search whose context ends while one of its requests is in flight yields the context's error, however far it
// got: it never ends as if the folder held only what came before (issue 15, finding 1).
func TestSearchCancelledMidRequestYieldsTheError(t *testing.T) {
	for _, tc := range []struct {
		name        string
		op          string // the request during which the context ends
		nth         int    // ... the nth of them
		concurrency int
	}{
		{"FindItem page", "<m:FindItem", 2, 1},
		{"FindItem page, pipelined", "<m:FindItem", 2, 4},
		{"GetItem batch", "<m:GetItem", 3, 1},
		{"GetItem batch, pipelined", "<m:GetItem", 3, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t)
			for i := range 250 {
				srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%03d", i)})
			}
			ctx, cancel := context.WithCancel(testCtx(t))
			defer cancel()
			var mu sync.Mutex
			seen := 0
			srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
				if r.Body == nil {
					return false
				}
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if !bytes.Contains(body, []byte(tc.op)) {
					return false
				}
				mu.Lock()
				seen++
				n := seen
				mu.Unlock()
				if n != tc.nth {
					return false
				}
				cancel() // the caller gives up while the server works on this request
				<-r.Context().Done()
				return true
			})
			got, errs := 0, 0
			var last error
			for m, err := range c.Mail().Search(ctx, SearchOptions{PageSize: 100, BatchSize: 50, Concurrency: tc.concurrency}) {
				if err != nil {
					errs++
					last = err
					continue
				}
				if m != nil {
					got++
				}
			}
			if !errors.Is(last, context.Canceled) || errs != 1 {
				t.Fatalf("search cancelled during %s %d: %d messages then %d errors, last %v; want the context's error once", tc.op, tc.nth, got, errs, last)
			}
			if got >= 250 {
				t.Errorf("search cancelled during %s %d yielded all %d messages", tc.op, tc.nth, got)
			}
		})
	}
}
