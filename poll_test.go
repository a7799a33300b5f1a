package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// eventCollector is a MailHandler that records what it gets.
type eventCollector struct {
	events []*MailEvent
}

func (c *eventCollector) handle(_ context.Context, ev *MailEvent) error {
	c.events = append(c.events, ev)
	return nil
}

func (c *eventCollector) subjects() []string {
	var out []string
	for _, e := range c.events {
		out = append(out, string(e.Kind)+":"+e.Subject)
	}
	return out
}

func newTestFileStore(t *testing.T, path string) *FileStateStore {
	t.Helper()
	s, err := NewFileStateStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// countOps counts the requests of an operation the server received.
func opCount(srv *testserver.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op && !refusedForVersion(srv, r) {
			n++
		}
	}
	return n
}

func TestPollBaselineThenNewMail(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		for i := 0; i < 3; i++ {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("old %d", i)})
		}
		path := filepath.Join(t.TempDir(), "poll.json")
		p, err := c.NewPoller(PollerOptions{Store: newTestFileStore(t, path), PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		var got eventCollector
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		if len(got.events) != 0 {
			t.Fatalf("baseline delivered %v", got.subjects())
		}
		if n := syncRequests(srv, c); n != 2 {
			t.Errorf("baseline of 3 items with PageSize 2 took %d SyncFolderItems, want 2", n)
		}
		id := srv.AddMessage("inbox", testserver.Item{Subject: "new </t:Subject>]]>", From: testserver.Address{Name: "Mallory", Email: "mallory@evil.example"},
			To: []testserver.Address{{Email: "alice@example.com"}}, Body: "click here", Headers: []testserver.InternetHeader{{Name: "X-Spam", Value: "yes"}}})
		srv.AddMessage("sentitems", testserver.Item{Subject: "not watched"})
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		it, _ := srv.Item(id)
		if len(got.events) != 1 {
			t.Fatalf("delivered %v, want the new message", got.subjects())
		}
		ev := got.events[0]
		want := MailEvent{Kind: ChangeCreated, Mailbox: srv.Email(), Folder: Inbox, ItemID: id, ChangeKey: it.ChangeKey,
			InternetMessageID: it.InternetMessageID, Subject: it.Subject, From: "mallory@evil.example", FromName: "Mallory",
			ItemClass: "IPM.Note", Size: int64(it.Size())}
		if c.Backend() == BackendGraph {
			want.Size = 0 // Graph's message has no size
		}
		ev2 := *ev
		ev2.Received, ev2.Message = want.Received, nil
		if sameID(ev2.ItemID, id) {
			ev2.ItemID = id // a Graph id over Graph
		}
		if ev2 != want || !ev.Received.Equal(it.DateTimeReceived) {
			t.Errorf("event = %+v\nwant    %+v (received %v)", *ev, want, it.DateTimeReceived)
		}
		// The event carries the whole message, read with MailService.Get.
		if m := ev.Message; m == nil || !sameID(m.ID, id) || m.Subject != it.Subject || m.Body != "click here" || len(m.To) != 1 ||
			m.To[0].Email != "alice@example.com" || m.From.Email != "mallory@evil.example" || len(m.Headers) == 0 {
			t.Errorf("Message = %+v", ev.Message)
		}
		// Nothing new: nothing delivered, and a fresh poller on the same file agrees.
		if err := p.Poll(ctx, got.handle); err != nil || len(got.events) != 1 {
			t.Fatalf("second poll: %v %v", err, got.subjects())
		}
		p2, _ := c.NewPoller(PollerOptions{Store: newTestFileStore(t, path)})
		srv.AddMessage("inbox", testserver.Item{Subject: "after restart"})
		if err := p2.Poll(ctx, got.handle); err != nil || len(got.events) != 2 || got.events[1].Subject != "after restart" {
			t.Fatalf("after restart: %v %v", err, got.subjects())
		}
		// The state file is private and holds the sync state and the delivered identities, not the password.
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("state file: %v %v", fi, err)
		}
		b, _ := os.ReadFile(path)
		if !strings.Contains(string(b), `"sync_state"`) || !strings.Contains(string(b), it.InternetMessageID) || strings.Contains(string(b), srv.Password()) {
			t.Errorf("state file = %s", b)
		}
		if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(matches) != 0 {
			t.Errorf("temporary files left: %v", matches)
		}
	})
}

// update changes an item through the server's UpdateItem.
func pollUpdateItem(t *testing.T, c *Client, id string, u soap.Update) {
	t.Helper()
	var r soap.UpdateItemResponse
	if err := doInto(testCtx(t), c, &soap.UpdateItem{ConflictResolution: "AlwaysOverwrite", MessageDisposition: "SaveOnly",
		ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: id}, Updates: []soap.Update{u}}}}, &r); err != nil || r.ResponseMessages[0].Err() != nil {
		t.Fatalf("UpdateItem: %v %+v", err, r)
	}
}

func TestPollIncludeExistingUpdatesDeletes(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	b := srv.AddMessage("inbox", testserver.Item{Subject: "b"})
	p, err := c.NewPoller(PollerOptions{IncludeExisting: true, IncludeUpdated: true, IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	var got eventCollector
	if err := p.Poll(ctx, got.handle); err != nil || fmt.Sprint(got.subjects()) != "[created:a created:b]" {
		t.Fatalf("IncludeExisting: %v %v", err, got.subjects())
	}
	tr := true
	pollUpdateItem(t, c, a, soap.Update{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: &tr}})
	pollUpdateItem(t, c, b, soap.Update{Path: soap.Path{FieldURI: "item:Subject"}, Item: &soap.Message{Subject: "b2"}})
	var dr soap.DeleteItemResponse
	if err := doInto(ctx, c, &soap.DeleteItem{DeleteType: "HardDelete", ItemIDs: []soap.ItemID{{ID: a}}}, &dr); err != nil {
		t.Fatal(err)
	}
	got.events = nil
	if err := p.Poll(ctx, got.handle); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.subjects()) != "[deleted: updated:b2]" || got.events[0].ItemID != a || got.events[1].ItemID != b {
		t.Errorf("changes = %v", got.subjects())
	}
	// A read-flag change alone.
	pollUpdateItem(t, c, b, soap.Update{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: &tr}})
	got.events = nil
	if err := p.Poll(ctx, got.handle); err != nil || len(got.events) != 1 || got.events[0].Kind != ChangeReadFlag || !got.events[0].IsRead {
		t.Errorf("read flag: %v %+v", err, got.events)
	}
	// Without IncludeUpdated/IncludeDeleted these are not delivered.
	p2, _ := c.NewPoller(PollerOptions{IncludeExisting: true})
	got.events = nil
	_ = p2.Poll(ctx, got.handle)
	pollUpdateItem(t, c, b, soap.Update{Path: soap.Path{FieldURI: "item:Subject"}, Item: &soap.Message{Subject: "b3"}})
	n := len(got.events)
	if err := p2.Poll(ctx, got.handle); err != nil || len(got.events) != n {
		t.Errorf("update delivered without IncludeUpdated: %v", got.subjects()[n:])
	}
}

func TestPollHandlerErrorRedelivers(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		p, _ := c.NewPoller(PollerOptions{Store: newTestFileStore(t, filepath.Join(t.TempDir(), "s.json"))})
		if err := p.Poll(ctx, (&eventCollector{}).handle); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"one", "two", "three"} {
			srv.AddMessage("inbox", testserver.Item{Subject: s})
		}
		boom := errors.New("downstream unavailable")
		var calls []string
		failOn := "two"
		h := func(_ context.Context, ev *MailEvent) error {
			calls = append(calls, ev.Subject)
			if ev.Subject == failOn {
				return boom
			}
			return nil
		}
		err := p.Poll(ctx, h)
		var he *HandlerError
		if !errors.Is(err, boom) || !errors.As(err, &he) || he.Event.Subject != "two" {
			t.Fatalf("Poll = %v, want the handler's error", err)
		}
		failOn = ""
		// A new poller from the same file (a restart) redelivers "two" and goes on, and never "one" again.
		p2, _ := c.NewPoller(PollerOptions{Store: p.store})
		if err := p2.Poll(ctx, h); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(calls) != "[one two two three]" {
			t.Errorf("handler calls = %v", calls)
		}
	})
}

func TestPollResyncAfterExpiredSyncState(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		for i := 0; i < 5; i++ {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("baseline %d", i)})
		}
		var errs []error
		p, _ := c.NewPoller(PollerOptions{Store: newTestFileStore(t, filepath.Join(t.TempDir(), "s.json")), PageSize: 3,
			OnError: func(err error) { errs = append(errs, err) }})
		var got eventCollector
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("delivered %d", i)})
		}
		if err := p.Poll(ctx, got.handle); err != nil || len(got.events) != 4 {
			t.Fatalf("before expiry: %v %v", err, got.subjects())
		}
		srv.ExpireSyncStates()
		srv.AddMessage("inbox", testserver.Item{Subject: "during outage 1"})
		srv.AddMessage("inbox", testserver.Item{Subject: "during outage 2"})
		before := syncRequests(srv, c)
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		want := []string{"created:delivered 0", "created:delivered 1", "created:delivered 2", "created:delivered 3", "created:during outage 1", "created:during outage 2"}
		if !slices.Equal(got.subjects(), want) {
			t.Errorf("after the server refused the sync state:\n got %v\nwant %v", got.subjects(), want)
		}
		// 11 items with PageSize 3: one refused request and four pages of the full re-sync.
		if n := syncRequests(srv, c) - before; n != 5 {
			t.Errorf("re-sync took %d SyncFolderItems, want 5", n)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrInvalidSyncStateData) {
			t.Errorf("OnError got %v", errs)
		}
		srv.AddMessage("inbox", testserver.Item{Subject: "after"})
		if err := p.Poll(ctx, got.handle); err != nil || got.subjects()[len(got.events)-1] != "created:after" || len(got.events) != 7 {
			t.Errorf("after the re-sync: %v %v", err, got.subjects())
		}
	})
}

// TestPollResyncInterrupted stops a re-sync halfway (a handler error) and finishes it in a new poller: still no
// duplicates, and the baseline is not delivered.
func TestPollResyncInterrupted(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		store := newTestFileStore(t, filepath.Join(t.TempDir(), "s.json"))
		for i := 0; i < 6; i++ {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("baseline %d", i)})
		}
		p, _ := c.NewPoller(PollerOptions{Store: store, PageSize: 2})
		var got eventCollector
		_ = p.Poll(ctx, got.handle)
		srv.ExpireSyncStates()
		for i := 0; i < 3; i++ {
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("new %d", i)})
		}
		fail := errors.New("stop")
		err := p.Poll(ctx, func(ctx context.Context, ev *MailEvent) error {
			if ev.Subject == "new 1" {
				return fail
			}
			return got.handle(ctx, ev)
		})
		if !errors.Is(err, fail) {
			t.Fatalf("Poll = %v", err)
		}
		p2, _ := c.NewPoller(PollerOptions{Store: store, PageSize: 2})
		if err := p2.Poll(ctx, got.handle); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.subjects()) != "[created:new 0 created:new 1 created:new 2]" {
			t.Errorf("delivered %v", got.subjects())
		}
	})
}

func TestNewPollerChecksOptions(t *testing.T) {
	_, c := setup(t)
	for _, tc := range []struct {
		opts PollerOptions
		want string
	}{
		{PollerOptions{PageSize: 513}, "PageSize 513"},
		{PollerOptions{RecentIDs: -1}, "RecentIDs -1"},
		{PollerOptions{BatchSize: 1001}, "PollerOptions.BatchSize: 1001 is not between 1 and 1000"},
		{PollerOptions{Concurrency: -2}, "PollerOptions.Concurrency: -2 is negative"},
		{PollerOptions{StreamMinutes: 31}, "StreamMinutes 31"},
		{PollerOptions{Interval: -1}, "Interval"},
		{PollerOptions{Notifications: "push"}, `Notifications "push"`},
		{PollerOptions{Folders: []FolderRef{DistinguishedFolder("inbx")}}, `Folders[0]: "inbx"`},
		{PollerOptions{Folders: []FolderRef{Inbox, DistinguishedFolder("INBOX")}}, "listed twice"},
		{PollerOptions{Mailboxes: []string{"bob"}}, `Mailboxes[0] "bob"`},
		{PollerOptions{Mailboxes: []string{"bob@example.com", "BOB@example.com"}}, "listed twice"},
	} {
		_, err := c.NewPoller(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewPoller(%+v) = %v, want an error about %s", tc.opts, err, tc.want)
		}
	}
	if _, err := NewFileStateStore(""); err == nil {
		t.Error("NewFileStateStore(\"\") succeeded")
	}
}

func TestFileStateStore(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s := newTestFileStore(t, path)
	if st, err := s.Get(ctx, "k"); st != nil || err != nil {
		t.Fatalf("Get on a missing file = %v, %v", st, err)
	}
	if err := s.Put(ctx, "a@x|inbox", &PollState{SyncState: "S1", Recent: []string{"m:<1@x>"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "b@x|inbox", &PollState{SyncState: "S2"}); err != nil {
		t.Fatal(err)
	}
	s2 := newTestFileStore(t, path)
	a, err := s2.Get(ctx, "a@x|inbox")
	if err != nil || a.SyncState != "S1" || !slices.Equal(a.Recent, []string{"m:<1@x>"}) {
		t.Errorf("reloaded a = %+v %v", a, err)
	}
	if b, _ := s2.Get(ctx, "b@x|inbox"); b == nil || b.SyncState != "S2" {
		t.Errorf("reloaded b = %+v", b)
	}
	// Get returns a copy.
	a.Recent[0] = "changed"
	if again, _ := s2.Get(ctx, "a@x|inbox"); again.Recent[0] != "m:<1@x>" {
		t.Error("Get returned the store's own state")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the state file", len(entries))
	}
	// A corrupt file is an error, not a silent restart (which would deliver old mail again or lose new mail).
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newTestFileStore(t, path).Get(ctx, "a@x|inbox"); !errors.Is(err, ErrCorruptState) || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt file: %v", err)
	}
	// A directory that does not exist fails at Put, naming nothing secret.
	if err := newTestFileStore(t, filepath.Join(dir, "nope", "s.json")).Put(ctx, "k", &PollState{}); err == nil {
		t.Error("Put into a missing directory succeeded")
	}
}

func TestRecentSetBounded(t *testing.T) {
	r := newRecentSet([]string{"a", "b"}, 3)
	for _, id := range []string{"c", "a", "d", "e"} {
		r.add(id)
	}
	if !slices.Equal(r.order, []string{"c", "d", "e"}) || r.has["a"] || !r.has["e"] || len(r.has) != 3 {
		t.Errorf("recent = %v %v", r.order, r.has)
	}
}

// TestPollMessages: events carry whole messages, read with one GetItem per page; SummaryOnly reads none; a
// message deleted between the sync and the read is delivered without one.
func TestPollMessages(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic }) // one HTTP request per operation
	ctx := testCtx(t)
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%d", i), Body: fmt.Sprintf("body %d", i)}))
	}
	getItems := 0
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte("<m:GetItem>")) {
			getItems++
		}
		if getItems == 2 && bytes.Contains(body, []byte("<m:GetItem>")) { // the second page: m3 and m4
			var dr soap.DeleteItemResponse
			if err := doInto(r.Context(), c, &soap.DeleteItem{DeleteType: "HardDelete", ItemIDs: []soap.ItemID{{ID: ids[3]}}}, &dr); err != nil {
				t.Errorf("DeleteItem: %v", err)
			}
		}
		return false
	})
	p, _ := c.NewPoller(PollerOptions{IncludeExisting: true, PageSize: 3})
	var got eventCollector
	if err := p.Poll(ctx, got.handle); err != nil {
		t.Fatal(err)
	}
	if len(got.events) != 5 {
		t.Fatalf("delivered %v", got.subjects())
	}
	for i, ev := range got.events {
		switch {
		case i == 3 && ev.Message != nil:
			t.Errorf("deleted message delivered with %+v", ev.Message)
		case i != 3 && (ev.Message == nil || ev.Message.Body != fmt.Sprintf("body %d", i)):
			t.Errorf("event %d: Message = %+v", i, ev.Message)
		}
	}
	if n := opCount(srv, "GetItem"); n != 2 {
		t.Errorf("%d GetItem for 2 pages", n)
	}
	p2, _ := c.NewPoller(PollerOptions{IncludeExisting: true, SummaryOnly: true})
	got.events = nil
	if err := p2.Poll(ctx, got.handle); err != nil || len(got.events) != 4 || got.events[0].Message != nil {
		t.Errorf("SummaryOnly: %v %v", err, got.subjects())
	}
	if n := opCount(srv, "GetItem"); n != 2 {
		t.Errorf("SummaryOnly sent GetItem")
	}
}

// TestPollResyncAfterHandlerError: a message the handler failed on is not taken as delivered by a re-sync,
// although later messages of its page were already read.
func TestPollResyncAfterHandlerError(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	srv := testserver.New(t, testserver.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	tick := func() { mu.Lock(); now = now.Add(time.Minute); mu.Unlock() }
	c := newTestClient(t, srv, nil)
	ctx := testCtx(t)
	p, _ := c.NewPoller(PollerOptions{})
	var got eventCollector
	_ = p.Poll(ctx, got.handle)
	srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	tick()
	if err := p.Poll(ctx, got.handle); err != nil {
		t.Fatal(err)
	}
	tick()
	srv.AddMessage("inbox", testserver.Item{Subject: "x"})
	tick()
	srv.AddMessage("inbox", testserver.Item{Subject: "y"})
	fail := errors.New("x fails")
	if err := p.Poll(ctx, func(ctx context.Context, ev *MailEvent) error {
		if ev.Subject == "x" {
			return fail
		}
		return got.handle(ctx, ev)
	}); !errors.Is(err, fail) {
		t.Fatalf("Poll = %v", err)
	}
	srv.ExpireSyncStates()
	if err := p.Poll(ctx, got.handle); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.subjects()) != "[created:a created:x created:y]" {
		t.Errorf("delivered %v", got.subjects())
	}
}
