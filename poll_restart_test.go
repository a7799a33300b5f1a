package ews

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// crashingStore fails some of the Puts that would advance a folder's sync state, before writing anything, as a
// crash between delivering a page and committing it would.
type crashingStore struct {
	base    *FileStateStore
	mu      sync.Mutex
	rng     *rand.Rand
	rate    float64
	crashes int
}

var errCrash = errors.New("simulated crash before the commit")

func (s *crashingStore) Get(ctx context.Context, key string) (*PollState, error) {
	return s.base.Get(ctx, key)
}

func (s *crashingStore) Put(ctx context.Context, key string, st *PollState) error {
	s.mu.Lock()
	old, err := s.base.Get(ctx, key)
	if err == nil && old != nil && old.SyncState != st.SyncState && s.rng.Float64() < s.rate {
		s.crashes++
		s.mu.Unlock()
		return errCrash
	}
	s.mu.Unlock()
	return s.base.Put(ctx, key, st)
}

// TestPollerExactlyOnceAcrossRestarts delivers 1,000 messages that arrive while pollers are started and stopped
// at random: stopped from the handler, stopped in the middle of requests, failed by the handler, crashed before
// a commit, with streaming, pull or no notifications, random page sizes, and streaming connections that the
// server closes every few milliseconds. The state lives in a file. The handler must see each message once, and
// nothing that was in the folder before the first poll.
func TestPollerExactlyOnceAcrossRestarts(t *testing.T) {
	for _, backend := range []Backend{BackendEWS, BackendGraph} {
		t.Run(string(backend), func(t *testing.T) { pollerExactlyOnceAcrossRestarts(t, backend) })
	}
}

// pollerExactlyOnceAcrossRestarts is TestPollerExactlyOnceAcrossRestarts over one backend. Over Graph, requests
// are cut off by a watcher of the server's Graph requests (the server's hooks see EWS requests only), and Watch
// synchronises every Interval whatever the notification mode.
func pollerExactlyOnceAcrossRestarts(t *testing.T, backend Backend) {
	const total = 1000
	srv := testserver.New(t, testserver.WithStreamingMinute(20*time.Millisecond), testserver.WithGraphApp(testGraphApp))
	c := newTestClient(t, srv, nil)
	if backend == BackendGraph {
		c = newGraphClient(t, srv, nil)
	}
	ctx := testCtx(t)
	requests := func() int { return len(srv.Requests()) + len(srv.GraphRequests()) }
	rng := rand.New(rand.NewPCG(9, 1000))
	store := &crashingStore{base: newTestFileStore(t, filepath.Join(t.TempDir(), "state.json")), rng: rand.New(rand.NewPCG(1, 2)), rate: 0.05}

	baseline := map[string]bool{}
	for i := 0; i < 10; i++ {
		baseline[srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("baseline %d", i)})] = true
	}
	p0, _ := c.NewPoller(PollerOptions{Store: store.base})
	if err := p0.Poll(ctx, func(_ context.Context, ev *MailEvent) error {
		t.Errorf("baseline delivered %q", ev.Subject)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	seen := map[string]int{} // subject -> deliveries
	ids := map[string]bool{}
	progress := make(chan struct{}, 1)
	delivered := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen)
	}

	// Mail arrives in bursts; the next burst comes when the poller has delivered most of the last one.
	producerDone := make(chan struct{})
	go func() {
		defer close(producerDone)
		prng := rand.New(rand.NewPCG(3, 4))
		for i := 0; i < total; {
			for n := 1 + prng.IntN(30); n > 0 && i < total; n-- {
				srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("msg %04d", i)})
				i++
			}
			for delivered() < i-5 {
				select {
				case <-progress:
				case <-ctx.Done():
					return
				}
			}
		}
	}()

	// Requests may be cut off: a hook cancels the running poller when the server receives the chosen request.
	var hookMu sync.Mutex
	var hookCancel context.CancelFunc
	hookAt := 0
	cutAt := func(n int) {
		hookMu.Lock()
		defer hookMu.Unlock()
		if hookCancel != nil && n >= hookAt {
			hookCancel()
			hookCancel = nil
		}
	}
	srv.AddHook(func(_ http.ResponseWriter, _ *http.Request, n int) bool {
		cutAt(n)
		return false
	})
	if backend == BackendGraph {
		watchCtx, stopWatch := context.WithCancel(ctx)
		defer stopWatch()
		go func() {
			for watchCtx.Err() == nil {
				cutAt(requests())
				time.Sleep(200 * time.Microsecond)
			}
		}()
	}

	modes := []NotifyMode{NotifyStreaming, NotifyPull, NotifyNone}
	if !streams(srv) {
		modes = modes[1:] // TestWatchStreamingOnExchange2007: asked for streaming, Watch fails there
	}
	var runs, handlerStops, handlerFailures, cutOff, crashes int
	for delivered() < total {
		if ctx.Err() != nil {
			t.Fatalf("gave up after %d runs with %d of %d delivered", runs, delivered(), total)
		}
		runs++
		p, err := c.NewPoller(PollerOptions{Store: store, PageSize: 1 + rng.IntN(40), Notifications: modes[rng.IntN(len(modes))],
			Interval: 2 * time.Millisecond, RetryDelay: time.Millisecond, StreamMinutes: 1})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		hookMu.Lock()
		hookCancel, hookAt = cancel, requests()+2+rng.IntN(40)
		hookMu.Unlock()
		stopAfter, failAt, calls := 1+rng.IntN(60), -1, 0
		if rng.IntN(4) == 0 {
			failAt = rng.IntN(stopAfter)
		}
		errFail := errors.New("handler failure")
		h := func(_ context.Context, ev *MailEvent) error {
			calls++
			if calls == failAt {
				return errFail
			}
			mu.Lock()
			seen[ev.Subject]++
			ids[testserver.EWSID(ev.ItemID)] = true
			n := len(seen)
			mu.Unlock()
			select {
			case progress <- struct{}{}:
			default:
			}
			if calls >= stopAfter || n == total {
				cancel() // stop right after a delivery: it must still be committed
			}
			return nil
		}
		if rng.IntN(5) == 0 {
			err = p.Poll(rctx, h)
		} else {
			err = p.Watch(rctx, h)
		}
		cancel()
		switch {
		case err == nil || errors.Is(err, context.Canceled):
			if calls >= stopAfter {
				handlerStops++
			} else {
				cutOff++
			}
		case errors.Is(err, errFail):
			handlerFailures++
		case errors.Is(err, errCrash):
			crashes++
		default:
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	<-producerDone

	// A last poller finds nothing new.
	p, _ := c.NewPoller(PollerOptions{Store: store.base})
	if err := p.Poll(ctx, func(_ context.Context, ev *MailEvent) error {
		t.Errorf("delivered after the end: %q", ev.Subject)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for i := 0; i < total; i++ {
		s := fmt.Sprintf("msg %04d", i)
		if n := seen[s]; n != 1 {
			dups++
			if dups < 10 {
				t.Errorf("%s delivered %d times", s, n)
			}
		}
	}
	if len(seen) != total {
		t.Errorf("%d distinct subjects delivered, want %d", len(seen), total)
	}
	// What was delivered is exactly what the server holds, less the baseline.
	inbox := srv.Default().Items("inbox")
	if len(inbox) != total+len(baseline) {
		t.Errorf("inbox holds %d items", len(inbox))
	}
	for _, it := range inbox {
		if ids[it.ID] == baseline[it.ID] {
			t.Errorf("item %q: delivered %v, baseline %v", it.Subject, ids[it.ID], baseline[it.ID])
		}
	}
	t.Logf("%d runs: %d stopped by the handler, %d cut off mid-request, %d handler failures, %d crashes before a commit; %d SyncFolderItems or message delta requests, %d GetStreamingEvents, %d GetEvents",
		runs, handlerStops, cutOff, handlerFailures, crashes, syncRequests(srv, c), opCount(srv, "GetStreamingEvents"), opCount(srv, "GetEvents"))
	if handlerStops == 0 || cutOff == 0 || handlerFailures == 0 || crashes == 0 {
		t.Errorf("not every kind of stop happened: %d %d %d %d", handlerStops, cutOff, handlerFailures, crashes)
	}
}
