package ews

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// The reliability tests through the public mail API: Search and Unread page through faults, Send, Move,
// Copy and Delete are never carried out twice, and waits follow the server's back-off (recorded by a fake clock).

// faultCounts counts the requests each fault hit, by fault name.
func faultCounts(srv *testserver.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			out[r.Fault]++
		}
	}
	return out
}

// checkWaits checks that the client waited the server's back-off once per ServerBusy answer, and otherwise only
// exponential waits.
func checkWaits(t *testing.T, clk *fakeClock, backOff time.Duration, busy int) {
	t.Helper()
	n := 0
	for _, d := range clk.Sleeps() {
		switch {
		case d == backOff:
			n++
		case d < defaultBaseDelay/2 || d > defaultMaxDelay:
			t.Errorf("wait %v is neither the server's back-off %v nor an exponential one", d, backOff)
		}
	}
	if n != busy {
		t.Errorf("%d waits of the server's %v for %d ServerBusy answers", n, backOff, busy)
	}
}

func TestMailSearchUnderFaults(t *testing.T) {
	const n = 5000
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(250*time.Millisecond).Every(3),
		testserver.ResetAfter().Every(7),
	))
	ids := seedMessages(srv, "inbox", n, nil)
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	i := n - 1 // newest first
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 250}) {
		if err != nil {
			t.Fatalf("Search under faults, after %d messages: %v", n-1-i, err)
		}
		if i < 0 || m.ID != ids[i] || m.Subject != fmt.Sprintf("msg %04d", i) {
			t.Fatalf("got %s (%q), want message %d: a message was skipped, repeated or out of order", m.ID, m.Subject, i)
		}
		i--
	}
	if i != -1 {
		t.Fatalf("Search returned %d messages, want %d", n-1-i, n)
	}
	hit := faultCounts(srv)
	if hit["ServerBusy"] == 0 || hit["ResetAfter"] == 0 {
		t.Fatalf("faults hit: %v; the test did not exercise them", hit)
	}
	var faultedOps []string
	for _, r := range srv.Requests() {
		if r.Fault != "" && !slices.Contains(faultedOps, r.Operation) {
			faultedOps = append(faultedOps, r.Operation)
		}
	}
	if slices.Sort(faultedOps); !slices.Equal(faultedOps, []string{"FindItem", "GetItem"}) {
		t.Errorf("faults hit %v, want both the paging FindItem and the fetching GetItem", faultedOps)
	}
	checkWaits(t, clk, 250*time.Millisecond, hit["ServerBusy"])
	// Every page was asked for exactly once successfully: the retries did not move the paging.
	var offsets []int
	for _, r := range srv.Requests() {
		if r.Operation == "FindItem" && r.Fault == "" && !refusedForVersion(srv, r) {
			offsets = append(offsets, pageOffset(r.Body))
		}
	}
	want := []int{}
	for off := 0; off < n; off += 250 {
		want = append(want, off)
	}
	if !slices.Equal(offsets, want) {
		t.Errorf("answered FindItem offsets = %v, want %v", offsets, want)
	}
}

var pageViewRE = regexp.MustCompile(`IndexedPageItemView MaxEntriesReturned="\d+" Offset="(\d+)"`)

// pageOffset returns the Offset of a FindItem request body, or -1.
func pageOffset(body []byte) int {
	m := pageViewRE.FindSubmatch(body)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func TestMailUnreadMarkReadUnderFaults(t *testing.T) {
	const n = 300
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(400*time.Millisecond).Every(3),
		testserver.ResetAfter().Every(7),
	))
	ids := seedMessages(srv, "inbox", n, nil)
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	var got []string
	for m, err := range c.Mail().Unread(testCtx(t), UnreadOptions{MarkRead: true, PageSize: 40, BatchSize: 15}) {
		if err != nil {
			t.Fatalf("Unread under faults: %v", err)
		}
		got = append(got, m.ID)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("Unread yielded %d messages, want the %d unread ones once each, oldest first", len(got), n)
	}
	for _, it := range srv.Default().Items("inbox") {
		if !it.IsRead {
			t.Fatalf("%s (%s) is still unread on the server", it.ID, it.Subject)
		}
	}
	hit := faultCounts(srv)
	if hit["ServerBusy"] == 0 || hit["ResetAfter"] == 0 {
		t.Fatalf("faults hit: %v", hit)
	}
	checkWaits(t, clk, 400*time.Millisecond, hit["ServerBusy"])
}

func TestMailMarkReadUnderFaults(t *testing.T) {
	srv := testserver.New(t)
	ids := seedMessages(srv, "inbox", 6, nil)
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	settleVersion(t, srv, c)
	// Setting IsRead again is harmless: a request reset after the server handled it is sent again.
	srv.AddFault(testserver.ResetAfter().For("UpdateItem").Times(1))
	srv.AddFault(testserver.ServerBusy(3 * time.Second).For("UpdateItem").Times(1))
	if err := c.Mail().WithBatch(BatchOptions{Size: 3}).MarkRead(testCtx(t), ids...); err != nil {
		t.Fatalf("MarkRead under faults: %v", err)
	}
	for _, id := range ids {
		if it := storedItem(t, srv, id); !it.IsRead {
			t.Errorf("%s is unread on the server", id)
		}
	}
	if all, faulted := ops(srv, "UpdateItem"); all != 4 || faulted != 2 {
		t.Errorf("server saw %d UpdateItem (%d faulted), want 4 (2): two batches, each retried once", all, faulted)
	}
	checkWaits(t, clk, 3*time.Second, 1)
}

func TestMailSendUnderFaults(t *testing.T) {
	const subject = "phishing notice </t:Subject><t:Foo>]]>"
	for _, tt := range []struct {
		fault   testserver.Fault
		unknown bool
		waits   string // the recorded waits, when the server asked for them
	}{
		{testserver.ResetAfter(), true, "[]"},
		{testserver.DropAfter(), true, "[]"},
		{testserver.Truncate(100), true, "[]"},
		{testserver.Malformed(), true, "[]"},
		{testserver.ResetBefore(), true, "[]"}, // not carried out, but the client cannot tell
		{testserver.ServerBusy(1500 * time.Millisecond), false, "[1.5s]"},
		{testserver.Unavailable("2"), false, "[2s]"},
		{testserver.TooManyRequests("4"), false, "[4s]"},
	} {
		t.Run(tt.fault.Name(), func(t *testing.T) {
			srv := testserver.New(t, testserver.WithFaults(tt.fault.For("CreateItem").Times(1)))
			bob := srv.AddMailbox("bob@example.com", "Bob")
			clk := newFakeClock()
			c := retryClient(t, srv, clk, nil)
			settleVersion(t, srv, c)
			ctx := testCtx(t)
			sent, err := c.Mail().Send(ctx, Draft{To: []string{"Bob <bob@example.com>"}, Subject: subject, Body: "quarantined"})
			if tt.unknown != errors.Is(err, ErrOutcomeUnknown) || !tt.unknown && err != nil {
				t.Fatalf("Send under %s: err = %v, want outcome unknown = %v", tt.fault.Name(), err, tt.unknown)
			}
			if strings.HasPrefix(tt.fault.Name(), "Reset") && !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("err = %v, want it to wrap the connection reset", err)
			}
			if sent == nil || sent.InternetMessageID == "" {
				t.Fatalf("Send returned %+v: the Message-ID must come with the error, to look the message up", sent)
			}
			all, _ := ops(srv, "CreateItem")
			handled := srv.Handled("CreateItem")
			if want := map[bool]int{true: 1, false: 2}[tt.unknown]; all != want {
				t.Errorf("server received %d CreateItem, want %d", all, want)
			}
			// The recipient got the message as often as the server carried the send out, and that is at most once.
			in := bob.Items("inbox")
			if len(in) != handled || handled > 1 {
				t.Fatalf("bob received %d messages, the server carried out %d sends; want equal and at most 1", len(in), handled)
			}
			if tt.fault.Name() != "ResetBefore" && len(in) != 1 {
				t.Fatalf("bob received %d messages, want exactly 1", len(in))
			}
			if len(in) == 1 && (in[0].Subject != subject || in[0].InternetMessageID != sent.InternetMessageID) {
				t.Errorf("bob received %q (%s), want %q (%s)", in[0].Subject, in[0].InternetMessageID, subject, sent.InternetMessageID)
			}
			if got := fmt.Sprint(clk.Sleeps()); got != tt.waits {
				t.Errorf("waits = %s, want %s", got, tt.waits)
			}
			// What the error tells the caller to do: look the Message-ID up.
			found, err := c.Mail().FindByMessageID(ctx, sent.InternetMessageID, SentItems)
			if err != nil || len(found) != handled {
				t.Errorf("FindByMessageID(%s) in Sent Items = %d messages, %v; want %d", sent.InternetMessageID, len(found), err, handled)
			}
		})
	}
}

// Sends with attachments to Exchange 2007 go through a draft: CreateItem, then CreateAttachment, then SendItem. A
// fault on any of them never sends twice.
func TestMailSendThroughDraftUnderFaults(t *testing.T) {
	for _, tt := range []struct {
		op        string
		fault     testserver.Fault
		delivered int
		unknown   bool
	}{
		{"SendItem", testserver.ResetAfter(), 1, true},
		{"SendItem", testserver.ServerBusy(time.Second), 1, false},
		{"CreateAttachment", testserver.ResetAfter(), 0, true},
		{"CreateItem", testserver.ResetAfter(), 0, true},
	} {
		t.Run(tt.op+" "+tt.fault.Name(), func(t *testing.T) {
			srv := testserver.New(t, testserver.WithVersion(exchange2007), testserver.WithFaults(tt.fault.For(tt.op).Times(1)))
			bob := srv.AddMailbox("bob@example.com", "Bob")
			c := retryClient(t, srv, newFakeClock(), nil)
			sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "evidence",
				Attachments: []Attachment{{Name: "ioc.txt", Content: []byte("1.2.3.4")}}})
			if tt.unknown != errors.Is(err, ErrOutcomeUnknown) || !tt.unknown && err != nil {
				t.Fatalf("err = %v, want outcome unknown = %v", err, tt.unknown)
			}
			if sent == nil || sent.InternetMessageID == "" {
				t.Fatalf("Send returned %+v without a Message-ID", sent)
			}
			if got := mailOps(srv); slices.Index(got, "SendItem") < 0 && tt.delivered > 0 {
				t.Fatalf("operations %v", got)
			}
			in := bob.Items("inbox")
			if len(in) != tt.delivered || srv.Handled("SendItem") != tt.delivered {
				t.Fatalf("bob received %d messages after %d SendItem carried out, want %d", len(in), srv.Handled("SendItem"), tt.delivered)
			}
			if tt.delivered == 1 && (len(in[0].Attachments) != 1 || string(in[0].Attachments[0].Content) != "1.2.3.4") {
				t.Errorf("bob received %+v", in[0])
			}
			// Every request counts. (The client learns the version with a GetFolder before it sends: no request
			// of the send is refused for its RequestServerVersion.)
			if got := mailOps(srv); len(got) == 0 || got[0] != "GetFolder" {
				t.Errorf("operations %v, want the version learnt first (GetFolder)", got)
			}
			all := 0
			for _, r := range srv.Requests() {
				if r.Operation == tt.op {
					all++
				}
			}
			if all != map[bool]int{true: 1, false: 2}[tt.unknown] {
				t.Errorf("server received %d %s, want no resend after an unknown outcome", all, tt.op)
			}
		})
	}
}

// moveCase is one of the operations that could act twice, with what it did to each message on the server.
type moveCase struct {
	name string
	op   string
	run  func(ctx context.Context, m *MailService, ids []string) error
	// done reports whether the operation was carried out on the message with id and subject; it fails the test
	// when the message was acted on twice.
	done func(t *testing.T, srv *testserver.Server, id, subject string) bool
}

// copiesIn counts the messages of folder with the subject.
func copiesIn(srv *testserver.Server, folder, subject string) int {
	n := 0
	for _, it := range srv.Default().Items(folder) {
		if it.Subject == subject {
			n++
		}
	}
	return n
}

var moveCases = []moveCase{
	{"Move", "MoveItem", func(ctx context.Context, m *MailService, ids []string) error {
		_, err := m.Move(ctx, FolderByPath("Inbox/Phishing"), ids...)
		return err
	}, func(t *testing.T, srv *testserver.Server, id, subject string) bool {
		_, left := srv.Item(id)
		n := copiesIn(srv, "Inbox/Phishing", subject)
		if n > 1 || left == (n == 1) {
			t.Errorf("%s: %d in Phishing, original still there: %v", subject, n, left)
		}
		return n == 1
	}},
	{"Copy", "CopyItem", func(ctx context.Context, m *MailService, ids []string) error {
		// A folder every release has (the distinguished Archive folder is Exchange 2013's).
		_, err := m.Copy(ctx, FolderByPath("Inbox/Phishing"), ids...)
		return err
	}, func(t *testing.T, srv *testserver.Server, id, subject string) bool {
		n := copiesIn(srv, "Inbox/Phishing", subject)
		if _, ok := srv.Item(id); n > 1 || !ok {
			t.Errorf("%s: %d copies in Phishing, original there: %v; want at most one copy and the original", subject, n, ok)
		}
		return n == 1
	}},
	{"HardDelete", "DeleteItem", func(ctx context.Context, m *MailService, ids []string) error {
		return m.Delete(ctx, DeleteOptions{How: HardDelete}, ids...)
	}, func(t *testing.T, srv *testserver.Server, id, subject string) bool {
		_, ok := srv.Item(id)
		return !ok
	}},
	{"MoveToDeletedItems", "DeleteItem", func(ctx context.Context, m *MailService, ids []string) error {
		return m.Delete(ctx, DeleteOptions{How: MoveToDeletedItems}, ids...)
	}, func(t *testing.T, srv *testserver.Server, id, subject string) bool {
		n := copiesIn(srv, "deleteditems", subject)
		if _, ok := srv.Item(id); n > 1 || ok == (n == 1) {
			t.Errorf("%s: %d in Deleted Items, original still there: %v", subject, n, ok)
		}
		return n == 1
	}},
}

func TestMailMoveCopyDeleteUnderFaults(t *testing.T) {
	for _, mc := range moveCases {
		for _, tt := range []struct {
			fault   testserver.Fault
			unknown bool
			waits   string
		}{
			{testserver.ResetAfter(), true, "[]"},
			{testserver.DropAfter(), true, "[]"},
			{testserver.Truncate(150), true, "[]"},
			{testserver.ServerBusy(2500 * time.Millisecond), false, "[2.5s]"},
			{testserver.Unavailable("3"), false, "[3s]"},
		} {
			t.Run(mc.name+" "+tt.fault.Name(), func(t *testing.T) {
				srv := testserver.New(t)
				if _, err := srv.Default().AddFolder("inbox", "Phishing", ""); err != nil {
					t.Fatal(err)
				}
				ids := seedMessages(srv, "inbox", 4, nil)
				srv.AddFault(tt.fault.For(mc.op).Times(1)) // strikes the first batch
				clk := newFakeClock()
				c := retryClient(t, srv, clk, nil)
				settleVersion(t, srv, c)
				err := mc.run(testCtx(t), c.Mail().WithBatch(BatchOptions{Size: 2}), ids)
				all, _ := ops(srv, mc.op)
				if !tt.unknown {
					if err != nil {
						t.Fatalf("%s under %s: %v, want it retried", mc.name, tt.fault.Name(), err)
					}
					for i, id := range ids {
						if !mc.done(t, srv, id, fmt.Sprintf("msg %04d", i)) {
							t.Errorf("message %d was not acted on", i)
						}
					}
					if all != 3 || srv.Handled(mc.op) != 2 {
						t.Errorf("server received %d %s and carried out %d, want 3 and 2", all, mc.op, srv.Handled(mc.op))
					}
					if got := fmt.Sprint(clk.Sleeps()); got != tt.waits {
						t.Errorf("waits = %s, want %s", got, tt.waits)
					}
					return
				}
				var be *BatchError
				if !errors.As(err, &be) || !errors.Is(err, ErrOutcomeUnknown) || len(be.Failed) != 4 {
					t.Fatalf("%s under %s: err = %v, want a *BatchError with outcome unknown", mc.name, tt.fault.Name(), err)
				}
				for i, f := range be.Failed {
					if f.Ref != ids[i] || i < 2 != errors.Is(f.Err, ErrOutcomeUnknown) || i >= 2 != errors.Is(f.Err, ErrNotAttempted) {
						t.Errorf("failure %d = %v, want outcome unknown for the first batch, not attempted after it", i, f)
					}
				}
				// The first batch was carried out, once; nothing was sent again, and the rest left alone.
				for i, id := range ids {
					if done := mc.done(t, srv, id, fmt.Sprintf("msg %04d", i)); done != (i < 2) {
						t.Errorf("message %d acted on: %v, want %v", i, done, i < 2)
					}
				}
				if all != 1 || srv.Handled(mc.op) != 1 || len(clk.Sleeps()) != 0 {
					t.Errorf("server received %d %s (carried out %d) after waits %v, want 1 and no retry", all, mc.op, srv.Handled(mc.op), clk.Sleeps())
				}
			})
		}
	}
}

func TestMailManyGoroutinesShareOneClient(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(10*time.Millisecond).Every(5),
		testserver.ResetAfter().Every(11),
		testserver.Unavailable("0").Every(13),
	))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	ids := seedMessages(srv, "inbox", 120, nil)
	const max = 4
	// Concurrent requests share the faults' counters, so one request can draw a fault on many attempts in a row;
	// enough attempts (the waits are on a fake clock) keep that from failing the test by chance.
	c := retryClient(t, srv, newFakeClock(), func(cfg *Config) {
		cfg.MaxConcurrency = max
		cfg.Retry.MaxAttempts, cfg.Retry.MaxWait = 30, time.Hour
	})
	// On a server older than the client's default version (Exchange 2007 SP1), the first requests are refused for
	// their RequestServerVersion; a ResetAfter striking such a refusal leaves a send or a copy that the server did
	// not carry out with ErrOutcomeUnknown, rightly. Learn the version first: the faults are for the operations.
	settleVersion(t, srv, c)
	ctx := testCtx(t)
	var (
		wg                   sync.WaitGroup
		mu                   sync.Mutex
		sends, copies        []string // subjects sent, copy calls made
		unknownSends, unCopy int
	)
	errs := make(chan error, 128)
	for g := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := c
			if g%2 == 1 {
				cl, _ = c.ForMailbox(srv.Email())
			}
			m := cl.Mail()
			for r := range 3 {
				switch g % 4 {
				case 0:
					i := len(ids) - 1
					for msg, err := range m.Search(ctx, SearchOptions{PageSize: 50, BatchSize: 20}) {
						if err != nil {
							errs <- fmt.Errorf("Search: %w", err)
							return
						}
						if i < 0 || msg.ID != ids[i] {
							errs <- fmt.Errorf("Search yielded %s out of order", msg.ID)
							return
						}
						i--
					}
					if i != -1 {
						errs <- fmt.Errorf("Search yielded %d messages, want %d", len(ids)-1-i, len(ids))
					}
				case 1:
					part := ids[g*3 : g*3+10]
					err := m.WithBatch(BatchOptions{Size: 4, Concurrency: 2}).MarkRead(ctx, part...)
					if err == nil {
						err = m.MarkUnread(ctx, part[:3]...)
					}
					if err != nil {
						errs <- fmt.Errorf("MarkRead: %w", err)
					}
				case 2:
					subject := fmt.Sprintf("g%02d-%d", g, r)
					_, err := m.Send(ctx, Draft{To: []string{"bob@example.com"}, Subject: subject})
					mu.Lock()
					sends = append(sends, subject)
					if errors.Is(err, ErrOutcomeUnknown) {
						unknownSends++
					}
					mu.Unlock()
					if err != nil && !errors.Is(err, ErrOutcomeUnknown) {
						errs <- fmt.Errorf("Send: %w", err)
					}
				case 3:
					_, err := m.Copy(ctx, archiveRef(srv), ids[g])
					mu.Lock()
					copies = append(copies, ids[g])
					if errors.Is(err, ErrOutcomeUnknown) {
						unCopy++
					}
					mu.Unlock()
					if err != nil && !errors.Is(err, ErrOutcomeUnknown) {
						errs <- fmt.Errorf("Copy: %w", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every send was carried out exactly once: each fault either refused it (and it was retried) or struck after
	// the server carried it out (and it was not sent again).
	got := map[string]int{}
	for _, it := range bob.Items("inbox") {
		got[it.Subject]++
	}
	for _, s := range sends {
		if got[s] != 1 {
			t.Errorf("bob received %q %d times, want once", s, got[s])
		}
	}
	if len(got) != len(sends) {
		t.Errorf("bob received %d distinct messages for %d sends", len(got), len(sends))
	}
	if n := len(srv.Default().Items("archive")); n != len(copies) || srv.Handled("CopyItem") != len(copies) {
		t.Errorf("Archive holds %d copies, server carried out %d CopyItem, for %d Copy calls", n, srv.Handled("CopyItem"), len(copies))
	}
	if m := srv.MaxInFlight(); m > max {
		t.Errorf("server had %d requests in flight at once, want at most MaxConcurrency %d", m, max)
	}
	hit := faultCounts(srv)
	if hit["ServerBusy"] == 0 || hit["ResetAfter"] == 0 || hit["Unavailable"] == 0 {
		t.Errorf("faults hit: %v", hit)
	}
	t.Logf("faults %v; %d sends (%d outcome unknown), %d copies (%d outcome unknown)", hit, len(sends), unknownSends, len(copies), unCopy)
}

func TestMailSearchCancelLeaksNoGoroutine(t *testing.T) {
	base := runtime.NumGoroutine()
	srv := testserver.NewServer()
	seedMessages(srv, "inbox", 300, nil)
	c := retryClient(t, srv, newFakeClock(), nil)
	for round := range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		var got int
		var errs []error
		for _, err := range c.Mail().Search(ctx, SearchOptions{PageSize: 100, BatchSize: 40}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got++
			if got == 1 {
				// The next GetItem (the second batch of the first page) hangs until the search is cancelled.
				srv.AddFault(testserver.Delay(time.Hour).Times(1))
				go cancelWhenInFlight(srv, cancel)
			}
		}
		cancel()
		if got != 40 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Fatalf("round %d: %d messages and errors %v; want the first batch of 40, then context.Canceled once", round, got, errs)
		}
	}
	c.CloseIdleConnections()
	srv.Close()
	var n int
	for range 500 {
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines left, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
}
