package ews

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// syncRequests counts the synchronisation requests of c's backend: SyncFolderItems over EWS, message delta
// over Graph.
func syncRequests(srv *testserver.Server, c *Client) int {
	if c.Backend() == BackendEWS {
		return opCount(srv, "SyncFolderItems")
	}
	n := 0
	for _, r := range srv.GraphRequests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/messages/delta") {
			n++
		}
	}
	return n
}

// TestPollSwitchBackendKeepsState polls a folder over EWS, then goes on with the same state file over Graph
// (and back): the other wire's state is refused and the folder synchronised again, delivering what arrived in
// between once and nothing twice.
func TestPollSwitchBackendKeepsState(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	ews, gr := newTestClient(t, srv, nil), newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "poll.json")
	for i := range 3 {
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("old %d", i)})
	}
	var got eventCollector
	poll := func(c *Client) {
		t.Helper()
		var errs []error
		p, err := c.NewPoller(PollerOptions{Store: newTestFileStore(t, path), PageSize: 2, OnError: func(err error) { errs = append(errs, err) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatalf("Poll (%s): %v", c.Backend(), err)
		}
	}
	poll(ews)
	srv.AddMessage("inbox", testserver.Item{Subject: "new 1"})
	poll(ews)
	srv.AddMessage("inbox", testserver.Item{Subject: "new 2"})
	poll(gr)
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), srv.GraphURL()) {
		t.Errorf("after the graph poll the state holds no delta link: %s", b)
	}
	srv.AddMessage("inbox", testserver.Item{Subject: "new 3"})
	poll(gr)
	srv.AddMessage("inbox", testserver.Item{Subject: "new 4"})
	poll(ews) // back: EWS refuses the link as a sync state and re-synchronises
	want := []string{"created:new 1", "created:new 2", "created:new 3", "created:new 4"}
	if !slices.Equal(got.subjects(), want) {
		t.Errorf("delivered %v, want %v", got.subjects(), want)
	}
}

// TestPollWatchOverGraph: Watch over the graph backend synchronises every Interval (no subscription).
func TestPollWatchOverGraph(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, nil)
	ctx, cancel := context.WithTimeout(testCtx(t), 20*time.Second)
	defer cancel()
	srv.AddMessage("inbox", testserver.Item{Subject: "baseline"})
	p, err := c.NewPoller(PollerOptions{Interval: 20 * time.Millisecond, Notifications: NotifyStreaming})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		done <- p.Watch(ctx, func(_ context.Context, ev *MailEvent) error {
			got <- ev.Subject
			return nil
		})
	}()
	for i := range 3 {
		// Wait for the baseline (the first delta round) before the first arrival.
		for i == 0 && syncRequests(srv, c) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("live %d", i)})
		select {
		case s := <-got:
			if s != fmt.Sprintf("live %d", i) {
				t.Fatalf("got %q", s)
			}
		case <-ctx.Done():
			t.Fatalf("live %d not delivered", i)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch = %v", err)
	}
	if srv.Subscriptions() != 0 || len(mailOps(srv)) != 0 {
		t.Errorf("graph Watch made %d subscriptions, %d EWS requests", srv.Subscriptions(), len(mailOps(srv)))
	}
}

// TestPollUpdatesAndDeletesBothBackends: with IncludeUpdated and IncludeDeleted, a read flag set and a
// message deleted are delivered over both wires (Graph's delta does not tell a read-flag change from another
// change: it comes as ChangeUpdated).
func TestPollUpdatesAndDeletesBothBackends(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		a := srv.AddMessage("inbox", testserver.Item{Subject: "a", InternetMessageID: "<a@corp.example>"})
		b := srv.AddMessage("inbox", testserver.Item{Subject: "b", InternetMessageID: "<b@corp.example>"})
		p, err := c.NewPoller(PollerOptions{IncludeExisting: true, IncludeUpdated: true, IncludeDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		var got eventCollector
		if err := p.Poll(ctx, got.handle); err != nil || fmt.Sprint(got.subjects()) != "[created:a created:b]" {
			t.Fatalf("IncludeExisting: %v %v", err, got.subjects())
		}
		if err := c.Mail().MarkRead(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, b); err != nil {
			t.Fatal(err)
		}
		got.events = nil
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		if len(got.events) != 2 {
			t.Fatalf("changes = %v", got.subjects())
		}
		upd, del := got.events[0], got.events[1]
		if upd.Kind == ChangeDeleted {
			upd, del = del, upd
		}
		wantKind := ChangeReadFlag
		if c.Backend() == BackendGraph {
			wantKind = ChangeUpdated
		}
		if upd.Kind != wantKind || !sameID(upd.ItemID, a) || !upd.IsRead || del.Kind != ChangeDeleted || !sameID(del.ItemID, b) {
			t.Errorf("update %+v\ndelete %+v", upd, del)
		}
		// A new message is still a ChangeCreated, and nothing comes twice.
		srv.AddMessage("inbox", testserver.Item{Subject: "c"})
		got.events = nil
		if err := p.Poll(ctx, got.handle); err != nil || fmt.Sprint(got.subjects()) != "[created:c]" {
			t.Errorf("after: %v %v", err, got.subjects())
		}
	})
}
