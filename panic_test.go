package ews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ewsgo/ews/internal/testhook"
	"github.com/ewsgo/ews/internal/testserver"
)

// panicAt makes the n-th arrival (from 1) at the hook point where panic, for the rest of the test.
func panicAt(t *testing.T, where string, n int64) {
	t.Helper()
	var seen atomic.Int64
	testhook.Set(func(w string) {
		if w == where && seen.Add(1) == n {
			panic(fmt.Sprintf("injected panic in %s", w))
		}
	})
	t.Cleanup(func() { testhook.Set(nil) })
}

// checkPanicError checks that err is the recovered panic of where: it matches ErrInternal, has the stack apart,
// and its text holds no stack.
func checkPanicError(t *testing.T, err error, where string) {
	t.Helper()
	var pe *PanicError
	if !errors.Is(err, ErrInternal) || !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want a *PanicError matching ErrInternal", err, err)
	}
	if pe.Where != where || pe.Value != "injected panic in "+where {
		t.Errorf("PanicError{Where: %q, Value: %v}, want the panic of %q", pe.Where, pe.Value, where)
	}
	if !strings.Contains(string(pe.Stack), "testhook.Point") {
		t.Errorf("Stack does not show where the panic happened:\n%s", pe.Stack)
	}
	if msg := err.Error(); strings.Contains(msg, "goroutine ") || strings.Contains(msg, ".go:") {
		t.Errorf("error text holds the stack: %q", msg)
	}
}

// TestPanicInSearchGoroutines: a panic in any goroutine of the pipelined pager (the producer, a FindItem page, a
// GetItem batch) is yielded as the last value of the search, after a prefix of the messages, instead of ending
// the process (before, the test binary died with exit status 2).
func TestPanicInSearchGoroutines(t *testing.T) {
	const total = 40
	srv := testserver.New(t)
	for i := range total {
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%02d", i)})
	}
	c := newTestClient(t, srv, nil)
	for _, tc := range []struct {
		where string
		n     int64
	}{{"search pager", 1}, {"FindItem page", 1}, {"FindItem page", 2}, {"GetItem batch", 1}, {"GetItem batch", 3}} {
		for _, conc := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s#%d/concurrency%d", tc.where, tc.n, conc), func(t *testing.T) {
				panicAt(t, tc.where, tc.n)
				var got int
				var errs []error
				for m, err := range c.Mail().Search(testCtx(t), SearchOptions{Folder: Inbox, PageSize: 10, BatchSize: 5, Concurrency: conc}) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					if len(errs) > 0 {
						t.Fatalf("message %q after the error", m.Subject)
					}
					got++
				}
				if len(errs) != 1 {
					t.Fatalf("%d messages and errors %v; want exactly one error", got, errs)
				}
				checkPanicError(t, errs[0], tc.where)
				if got >= total {
					t.Errorf("%d messages of %d and an error: the panic lost nothing?", got, total)
				}
			})
		}
	}
	// The client still works.
	testhook.Set(nil)
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{Folder: Inbox, Concurrency: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != total {
		t.Errorf("after the panics, a search found %d messages, want %d", n, total)
	}
}

// TestPanicInBatchWorker: a panic in one batch of MarkRead fails that batch's items with the panic, and the call
// returns an error; the other items are marked on the server.
func TestPanicInBatchWorker(t *testing.T) {
	srv := testserver.New(t)
	var ids []string
	for i := range 12 {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%02d", i)}))
	}
	c := newTestClient(t, srv, nil)
	if _, err := c.Mail().Get(testCtx(t), ids[0]); err != nil { // the version is known: batches run together
		t.Fatal(err)
	}
	panicAt(t, "batch request", 2)
	err := c.Mail().WithBatch(BatchOptions{Size: 4, Concurrency: 1}).MarkRead(testCtx(t), ids...)
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("MarkRead = %v, want a *BatchError", err)
	}
	checkPanicError(t, be.Failed[0].Err, "batch request")
	if !errors.Is(err, ErrInternal) {
		t.Errorf("errors.Is(MarkRead's error, ErrInternal) = false")
	}
	var failed []string
	for _, f := range be.Failed {
		failed = append(failed, f.ID)
	}
	if fmt.Sprint(failed) != fmt.Sprint(ids[4:]) { // the panicking batch, and those not attempted after it
		t.Errorf("failed %v, want %v", failed, ids[4:])
	}
	for i, id := range ids {
		if it, _ := srv.Item(id); it.IsRead != (i < 4) {
			t.Errorf("message %d: IsRead = %v on the server", i, it.IsRead)
		}
	}
}

// TestPanicInFanOutFunction: a FanOut function that panics for one mailbox gives that mailbox a *PanicError;
// the others are handled.
func TestPanicInFanOutFunction(t *testing.T) {
	srv, addrs := fanOutServer(t, 6)
	c := impersonatingClient(t, srv, nil)
	res := c.FanOut(testCtx(t), addrs, 3, func(ctx context.Context, mc *Client) error {
		if mc.Mailbox() == addrs[2] {
			panic("injected panic in FanOut")
		}
		return purge(ctx, mc)
	})
	for i, r := range res {
		if i == 2 {
			checkPanicErrorValue(t, r.Err, "FanOut", "injected panic in FanOut")
			continue
		}
		if r.Err != nil {
			t.Errorf("%s: %v", r.Mailbox, r.Err)
		}
		for _, it := range srv.Mailbox(r.Mailbox).Items("inbox") {
			if it.InternetMessageID == phishID {
				t.Errorf("%s: the phishing message is still there", r.Mailbox)
			}
		}
	}
	// The same through SearchMailboxes: a panic of its goroutine is every mailbox's error.
	panicAt(t, "SearchMailboxes", 1)
	var errs []error
	for f, err := range c.SearchMailboxes(testCtx(t), addrs[:2], SearchMailboxesOptions{}) {
		if err == nil {
			t.Fatalf("found %v after a panic before the search", f)
		}
		errs = append(errs, err)
	}
	if len(errs) != 2 {
		t.Fatalf("SearchMailboxes yielded %v, want one error per mailbox", errs)
	}
	for _, err := range errs {
		var me *MailboxError
		if !errors.As(err, &me) {
			t.Errorf("%v is not a *MailboxError", err)
		}
		checkPanicError(t, err, "SearchMailboxes")
	}
}

func checkPanicErrorValue(t *testing.T, err error, where string, value any) {
	t.Helper()
	var pe *PanicError
	if !errors.Is(err, ErrInternal) || !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want a *PanicError matching ErrInternal", err, err)
	}
	if pe.Where != where || pe.Value != value || len(pe.Stack) == 0 {
		t.Errorf("PanicError{Where: %q, Value: %v, %d bytes of stack}", pe.Where, pe.Value, len(pe.Stack))
	}
}

// TestPanicInWatchHandler: a handler that panics ends Watch with a *PanicError (not the process), and the event
// it was handling is not recorded: the next Watch delivers it again.
func TestPanicInWatchHandler(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	store := &MemoryStateStore{}
	srv.AddMessage("inbox", testserver.Item{Subject: "first"})
	srv.AddMessage("inbox", testserver.Item{Subject: "poison"})
	p, _ := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true})
	var seen []string
	err := p.Watch(testCtx(t), func(_ context.Context, ev *MailEvent) error {
		seen = append(seen, ev.Subject)
		if ev.Subject == "poison" {
			panic("injected panic in Watch")
		}
		return nil
	})
	checkPanicErrorValue(t, err, "Watch", "injected panic in Watch")
	if fmt.Sprint(seen) != "[first poison]" {
		t.Errorf("the handler saw %v", seen)
	}
	p2, _ := c.NewPoller(PollerOptions{Store: store})
	w := startWatch(t, p2)
	w.expect(t, "poison")
	w.noMore(t)

	// Events yields a panic of Watch's goroutines as its last value.
	panicAt(t, "Watch", 1)
	p3, _ := c.NewPoller(PollerOptions{Store: &MemoryStateStore{}, IncludeExisting: true})
	var errs []error
	for ev, err := range p3.Events(testCtx(t)) {
		if err == nil {
			t.Fatalf("event %q after a panic before the first synchronisation", ev.Subject)
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 {
		t.Fatalf("Events yielded %v, want one error", errs)
	}
	checkPanicError(t, errs[0], "Watch")
}
