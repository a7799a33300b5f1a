package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// opGate holds requests of one operation at the server while closed, and tells when one arrives.
type opGate struct {
	mu      sync.Mutex
	closed  chan struct{} // nil when open
	arrived chan struct{}
}

func newOpGate(srv *testserver.Server, op string) *opGate {
	g := &opGate{arrived: make(chan struct{}, 1)}
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:"+op+">")) && !bytes.Contains(body, []byte("<m:"+op+" ")) {
			return false
		}
		g.mu.Lock()
		ch := g.closed
		g.mu.Unlock()
		if ch != nil {
			select {
			case g.arrived <- struct{}{}:
			default:
			}
			select {
			case <-ch:
			case <-r.Context().Done():
			}
		}
		return false
	})
	return g
}

func (g *opGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = make(chan struct{})
}

func (g *opGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
}

// watcher runs Watch in the background and hands the events over a channel.
type watcher struct {
	events chan *MailEvent
	done   chan error
	cancel context.CancelFunc
}

func startWatch(t *testing.T, p *Poller) *watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(testCtx(t))
	w := &watcher{events: make(chan *MailEvent, 1000), done: make(chan error, 1), cancel: cancel}
	go func() {
		w.done <- p.Watch(ctx, func(_ context.Context, ev *MailEvent) error {
			w.events <- ev
			return nil
		})
	}()
	t.Cleanup(func() { w.stop() })
	return w
}

// expect waits for the next events and checks their subjects.
func (w *watcher) expect(t *testing.T, subjects ...string) []*MailEvent {
	t.Helper()
	var got []*MailEvent
	for range subjects {
		select {
		case ev := <-w.events:
			got = append(got, ev)
		case err := <-w.done:
			t.Fatalf("Watch ended: %v", err)
		}
	}
	var gs []string
	for _, e := range got {
		gs = append(gs, e.Subject)
	}
	if strings.Join(gs, "|") != strings.Join(subjects, "|") {
		t.Fatalf("delivered %q, want %q", gs, subjects)
	}
	return got
}

// waitStreams waits until n streaming connections are ready, failing the test if Watch ends first.
func (w *watcher) waitStreams(t *testing.T, srv *testserver.Server, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- srv.WaitStreams(ctx, n) }()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case err := <-w.done:
		w.done <- err
		t.Fatalf("Watch ended: %v", err)
	}
}

// streams reports whether the server's release has streaming notifications (Exchange 2010 SP1 and later); on the
// others Watch (NotifyAuto) uses pull notifications.
func streams(srv *testserver.Server) bool { return serverPersonality(srv).Accepts("Exchange2010_SP1") }

// waitListening waits until Watch listens for notifications in n mailboxes: n ready streaming connections where
// the server has streaming notifications, n pull subscriptions otherwise. It fails the test if Watch ends first.
func (w *watcher) waitListening(t *testing.T, srv *testserver.Server, n int) {
	t.Helper()
	if streams(srv) {
		w.waitStreams(t, srv, n)
		return
	}
	ctx := testCtx(t)
	for srv.Subscriptions() < n {
		select {
		case err := <-w.done:
			w.done <- err
			t.Fatalf("Watch ended: %v", err)
		case <-ctx.Done():
			t.Fatalf("no %d pull subscriptions: %v", n, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// stop ends Watch and returns its error; events delivered after the last expect are an error.
func (w *watcher) stop() error {
	w.cancel()
	err := <-w.done
	w.done <- err
	return err
}

func (w *watcher) noMore(t *testing.T) {
	t.Helper()
	if err := w.stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Watch = %v, want context.Canceled", err)
	}
	close(w.events)
	for ev := range w.events {
		t.Errorf("delivered again: %q", ev.Subject)
	}
}

// On a server without streaming notifications (Exchange 2007 SP1) Watch falls back to pull notifications, and
// the same test checks the catch-up after an expired subscription there (a pull subscription has no connection
// to drop).
func TestWatchStreamingReconnectsAndCatchesUp(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	var mu sync.Mutex
	var errs []error
	p, err := c.NewPoller(PollerOptions{RetryDelay: time.Millisecond, Interval: 5 * time.Millisecond, OnError: func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, p)
	w.waitListening(t, srv, 1)
	srv.AddMessage("inbox", testserver.Item{Subject: "one"})
	w.expect(t, "one")

	if streams(srv) {
		// The connection drops mid-stream; mail arrives while the poller reconnects.
		release := srv.HoldStreams()
		srv.DropStreamingConnections()
		srv.AddMessage("inbox", testserver.Item{Subject: "two"})
		srv.AddMessage("inbox", testserver.Item{Subject: "three"})
		release()
		w.expect(t, "two", "three")
		// (They may have come through a sync the old connection asked for before it dropped; either way the
		// poller reconnects.)
		if err := srv.WaitStreamsOpened(testCtx(t), 2); err != nil {
			t.Fatalf("no reconnection after the drop: %v", err)
		}
	}

	// The subscription expires; mail arrives before the poller has a new one, so no subscription reports it:
	// only the catch-up synchronisation after subscribing again can find it.
	gate := newOpGate(srv, "Subscribe")
	gate.close()
	srv.ExpireSubscriptions()
	<-gate.arrived
	srv.AddMessage("inbox", testserver.Item{Subject: "four"})
	gate.open()
	w.expect(t, "four")
	w.waitListening(t, srv, 1)
	srv.AddMessage("inbox", testserver.Item{Subject: "five"})
	w.expect(t, "five")
	w.noMore(t)

	if n := opCount(srv, "Subscribe"); n != 2 {
		t.Errorf("Subscribe sent %d times, want 2", n)
	}
	if streams(srv) {
		if n := opCount(srv, "GetEvents"); n != 0 {
			t.Errorf("GetEvents sent %d times with streaming notifications", n)
		}
	} else {
		if n, pulls := opCount(srv, "GetStreamingEvents"), opCount(srv, "GetEvents"); n != 0 || pulls == 0 {
			t.Errorf("%s: %d GetStreamingEvents, %d GetEvents; want pull notifications only", serverPersonality(srv), n, pulls)
		}
		for _, r := range srv.Requests() {
			if bytes.Contains(r.Body, []byte("StreamingSubscriptionRequest")) {
				t.Errorf("a streaming subscription was asked of %s", serverPersonality(srv))
			}
		}
	}
	if n := srv.Subscriptions(); n != 0 {
		t.Errorf("%d subscriptions left after Watch returned", n)
	}
	mu.Lock()
	defer mu.Unlock()
	var sawGone bool
	for _, e := range errs {
		// GetStreamingEvents says the subscription is not found, GetEvents that it expired.
		sawGone = sawGone || errors.Is(e, ErrSubscriptionNotFound) || !streams(srv) && errors.Is(e, ErrExpiredSubscription)
	}
	if !sawGone {
		t.Errorf("OnError got %v, want the expired subscription", errs)
	}
}

// Watch asked for streaming notifications by a server that has none (Exchange 2007 SP1) fails at once with the
// refusal, before any streaming subscription is sent, rather than retrying for ever; NotifyAuto uses pull ones.
func TestWatchStreamingOnExchange2007(t *testing.T) {
	srv := testserver.New(t, testserver.WithPersonality(testserver.Exchange2007SP1))
	c := newTestClient(t, srv, nil)
	p, err := c.NewPoller(PollerOptions{Notifications: NotifyStreaming, RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = p.Watch(testCtx(t), func(context.Context, *MailEvent) error { return nil })
	if !errors.Is(err, ErrInvalidServerVersion) || !strings.Contains(err.Error(), "PollerOptions.Notifications") {
		t.Errorf("Watch(NotifyStreaming) on Exchange 2007 = %v, want ErrInvalidServerVersion naming the option", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Watch took %v to give up", d)
	}
	if n := opCount(srv, "Subscribe") + opCount(srv, "GetStreamingEvents"); n != 0 {
		t.Errorf("%d Subscribe/GetStreamingEvents sent to Exchange 2007", n)
	}

	p, err = c.NewPoller(PollerOptions{Interval: 5 * time.Millisecond, RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	gate := newOpGate(srv, "GetEvents")
	gate.close()
	w := startWatch(t, p)
	<-gate.arrived // subscribed (pull) and asking for events
	gate.open()
	srv.AddMessage("inbox", testserver.Item{Subject: "on 2007"})
	w.expect(t, "on 2007")
	w.noMore(t)
	if opCount(srv, "GetEvents") == 0 || opCount(srv, "GetStreamingEvents") != 0 {
		t.Errorf("NotifyAuto on Exchange 2007: GetEvents %d, GetStreamingEvents %d", opCount(srv, "GetEvents"), opCount(srv, "GetStreamingEvents"))
	}
}

func TestWatchPullNotifications(t *testing.T) {
	srv := testserver.New(t, testserver.WithVersion(testserver.ServerVersion{MajorVersion: 14, MinorVersion: 0, MajorBuildNumber: 639, MinorBuildNumber: 21}))
	c := newTestClient(t, srv, nil)
	p, err := c.NewPoller(PollerOptions{Interval: 5 * time.Millisecond, RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	gate := newOpGate(srv, "GetEvents")
	gate.close()
	w := startWatch(t, p)
	<-gate.arrived // subscribed and waiting for events
	gate.open()
	srv.AddMessage("inbox", testserver.Item{Subject: "one"})
	w.expect(t, "one")

	sub := newOpGate(srv, "Subscribe")
	sub.close()
	srv.ExpireSubscriptions()
	<-sub.arrived
	srv.AddMessage("inbox", testserver.Item{Subject: "two"})
	sub.open()
	w.expect(t, "two")
	w.noMore(t)
	if opCount(srv, "GetStreamingEvents") != 0 || opCount(srv, "Subscribe") != 2 || opCount(srv, "GetEvents") < 2 {
		t.Errorf("requests: Subscribe %d, GetEvents %d, GetStreamingEvents %d", opCount(srv, "Subscribe"), opCount(srv, "GetEvents"), opCount(srv, "GetStreamingEvents"))
	}
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.Version != "Exchange2010" && r.Operation != "SyncFolderItems" {
			t.Errorf("%s sent with RequestServerVersion %s to Exchange 2010", r.Operation, r.Version)
		}
	}
}

func TestWatchSeveralMailboxesAndFolders(t *testing.T) {
	srv := testserver.New(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1", Email: "svc@example.com", CanImpersonate: true}))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	carol := srv.AddMailbox("carol@example.com", "Carol")
	for _, mb := range []*testserver.Mailbox{bob, carol} {
		if _, err := mb.AddFolder("inbox", "Phish", ""); err != nil {
			t.Fatal(err)
		}
		mb.AddItem("inbox", testserver.Item{Subject: "old", ItemClass: "IPM.Note"})
	}
	// NTLM, with the mailboxes watched concurrently: each stream holds one authenticated connection of its own.
	c, err := New(Config{Host: srv.URL, Username: `CORP\svc-soar`, Password: "Svc-Pass-1", EmailAddress: "svc@example.com", AccessType: Impersonation, Auth: AuthNTLM})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.NewPoller(PollerOptions{Mailboxes: []string{"bob@example.com", "carol@example.com"},
		Folders: []FolderRef{Inbox, FolderByPath("Inbox/Phish")}, RetryDelay: time.Millisecond, Interval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, p)
	w.waitListening(t, srv, 2)
	bob.AddItem("Inbox/Phish", testserver.Item{Subject: "bob phish", ItemClass: "IPM.Note"})
	ev := w.expect(t, "bob phish")[0]
	if ev.Mailbox != "bob@example.com" || ev.Folder != FolderByPath("Inbox/Phish") {
		t.Errorf("event = %+v", ev)
	}
	carol.AddItem("inbox", testserver.Item{Subject: "carol inbox", ItemClass: "IPM.Note"})
	ev = w.expect(t, "carol inbox")[0]
	if ev.Mailbox != "carol@example.com" || ev.Folder != Inbox {
		t.Errorf("event = %+v", ev)
	}
	if it, ok := srv.Item(ev.ItemID); !ok || it.Subject != "carol inbox" {
		t.Errorf("ItemID %q names %+v", ev.ItemID, it)
	}
	srv.AddMessage("inbox", testserver.Item{Subject: "svc's own, not watched"})
	bob.AddItem("sentitems", testserver.Item{Subject: "not watched", ItemClass: "IPM.Note"})
	carol.AddItem("Inbox/Phish", testserver.Item{Subject: "carol phish", ItemClass: "IPM.Note"})
	w.expect(t, "carol phish")
	w.noMore(t)
	imp := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Operation == "Subscribe" || r.Operation == "GetStreamingEvents" || r.Operation == "GetEvents" {
			imp[r.Impersonating] = true
		}
	}
	if !imp["bob@example.com"] || !imp["carol@example.com"] || len(imp) != 2 {
		t.Errorf("subscriptions impersonated %v", imp)
	}
}

func TestWatchHandlerErrorStopsAndRedelivers(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	store := newTestFileStore(t, filepath.Join(t.TempDir(), "s.json"))
	p, _ := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true})
	srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	srv.AddMessage("inbox", testserver.Item{Subject: "b"})
	boom := errors.New("boom")
	var seen []string
	err := p.Watch(testCtx(t), func(_ context.Context, ev *MailEvent) error {
		seen = append(seen, ev.Subject)
		if ev.Subject == "b" {
			return boom
		}
		return nil
	})
	var he *HandlerError
	if !errors.Is(err, boom) || !errors.As(err, &he) {
		t.Fatalf("Watch = %v", err)
	}
	p2, _ := c.NewPoller(PollerOptions{Store: store})
	w := startWatch(t, p2)
	w.expect(t, "b")
	w.noMore(t)
	if fmt.Sprint(seen) != "[a b]" {
		t.Errorf("first run saw %v", seen)
	}
}

func TestEventsIterator(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	store := &MemoryStateStore{}
	for _, s := range []string{"a", "b", "c"} {
		srv.AddMessage("inbox", testserver.Item{Subject: s})
	}
	p, _ := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true, PageSize: 1})
	ctx := testCtx(t)
	var got []string
	for ev, err := range p.Events(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Subject)
		if ev.Subject == "b" {
			break // b was handled: it counts as delivered
		}
	}
	// A new poller on the same store starts after b.
	p2, _ := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true})
	ctx2, cancel := context.WithCancel(ctx)
	defer cancel()
	for ev, err := range p2.Events(ctx2) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Subject)
		if ev.Subject == "c" {
			srv.AddMessage("inbox", testserver.Item{Subject: "d"})
		}
		if ev.Subject == "d" {
			cancel() // the sequence ends without an error
		}
	}
	if fmt.Sprint(got) != "[a b c d]" {
		t.Errorf("events = %v", got)
	}
	// An error Watch does not recover from ends the sequence.
	p3, _ := c.NewPoller(PollerOptions{Folders: []FolderRef{FolderByPath("Inbox/Nope")}})
	n := 0
	for ev, err := range p3.Events(ctx) {
		n++
		if ev != nil || !errors.Is(err, ErrFolderNotFound) {
			t.Errorf("got %v, %v; want ErrFolderNotFound", ev, err)
		}
	}
	if n != 1 {
		t.Errorf("%d items for a failing watch", n)
	}
}

// TestWatchStartsWhenTheServerComesBack: a server that fails at first (HTTP 503) delays Watch, which retries;
// a folder that does not exist stops it.
func TestWatchStartsWhenTheServerComesBack(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{MaxAttempts: 1} }) // the poller retries
	failures := 3
	var mu sync.Mutex
	srv.AddHook(func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	var errs []error
	p, _ := c.NewPoller(PollerOptions{IncludeExisting: true, RetryDelay: time.Millisecond, OnError: func(err error) { errs = append(errs, err) }})
	srv.AddMessage("inbox", testserver.Item{Subject: "waiting"})
	w := startWatch(t, p)
	w.expect(t, "waiting")
	w.noMore(t)
	var he *HTTPError
	if len(errs) != 3 || !errors.As(errs[0], &he) || he.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("OnError got %v", errs)
	}
	p2, _ := c.NewPoller(PollerOptions{Folders: []FolderRef{FolderByPath("Inbox/Nope")}})
	if err := p2.Watch(testCtx(t), (&eventCollector{}).handle); !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("Watch on a missing folder = %v", err)
	}
}

// TestEventsBodyPanics: an event whose loop body panicked is not committed, and comes again.
func TestEventsBodyPanics(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	store := &MemoryStateStore{}
	srv.AddMessage("inbox", testserver.Item{Subject: "poison"})
	p, _ := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true})
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v", r)
			}
		}()
		for range p.Events(testCtx(t)) {
			panic("boom")
		}
	}()
	p2, _ := c.NewPoller(PollerOptions{Store: store})
	w := startWatch(t, p2)
	w.expect(t, "poison")
	w.noMore(t)
}
