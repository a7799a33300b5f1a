package ews

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// pagerGoroutines counts the goroutines running the search pipeline.
func pagerGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "ews.(*pager).produce") || strings.Contains(g, "ews.(*pager).fetch") {
			n++
		}
	}
	return n
}

// waitFor polls cond for up to ten seconds (the condition depends on requests other goroutines send).
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// holdFirstGetItem shows concurrency by events, not timing (the Kerberos run of CI, whose tokens are made one at
// a time, once saw no overlap in the server): srv holds the first GetItem until a second one arrives, which only
// a client with two GetItem requests in flight at once sends. The flag says whether that happened.
func holdFirstGetItem(srv *testserver.Server) *atomic.Bool {
	together := new(atomic.Bool)
	overlap := make(chan struct{})
	var arrived atomic.Int32
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetItem")) {
			return false
		}
		switch arrived.Add(1) {
		case 1:
			select {
			case <-overlap:
				together.Store(true)
			case <-r.Context().Done():
			case <-time.After(30 * time.Second): // the test fails on the flag
			}
		case 2:
			close(overlap)
		}
		return false
	})
	return together
}

// With Concurrency, the next batches are fetched while the loop body runs, messages still come in order, and one
// connection (and one NTLM handshake) serves each concurrent stream.
func TestSearchPipelined(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 1000, nil)
	together := holdFirstGetItem(srv)
	var got []string
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100, BatchSize: 25, Concurrency: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			// While the loop body holds the first message, the other three batches of the page are requested.
			if !waitFor(func() bool { return mailCountOp(srv, "GetItem") == 4 }) {
				t.Fatalf("%d GetItem requests while the loop body runs, want 4", mailCountOp(srv, "GetItem"))
			}
			// The second page may be asked for already (at the offset the first names), no further one.
			if n := mailCountOp(srv, "FindItem"); n > 2 {
				t.Fatalf("%d FindItem requests before the first page is handled", n)
			}
		}
		got = append(got, m.ID)
	}
	want := slices.Clone(ids)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d messages, want all %d newest first", len(got), len(want))
	}
	if f, g := mailCountOp(srv, "FindItem"), mailCountOp(srv, "GetItem"); f != 10 || g != 40 {
		t.Errorf("%d FindItem and %d GetItem requests, want 10 and 40", f, g)
	}
	if !together.Load() {
		t.Errorf("no second GetItem arrived while the first was held: the batches were not fetched in parallel")
	}
	if n := srv.MaxInFlight(); n > 4 {
		t.Errorf("%d requests in flight, want at most 4 (the Concurrency)", n)
	}
	handshakes := 0
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.AuthScheme == "NTLM" {
			handshakes++ // the request that completed a handshake; the next ones ride on the connection
		}
	}
	if kerberosMode() == "" && (handshakes < 1 || handshakes > 4 || srv.Connections() > 4) { // Kerberos has no handshake
		t.Errorf("%d NTLM handshakes over %d connections for 4 concurrent streams", handshakes, srv.Connections())
	}
	if !waitFor(func() bool { return pagerGoroutines() == 0 }) {
		t.Errorf("%d pipeline goroutines left", pagerGoroutines())
	}
}

// Breaking out of a pipelined search cancels the requests ahead and leaves no goroutine behind.
func TestSearchPipelinedBreak(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 500, nil)
	before := runtime.NumGoroutine()
	if kerberosMode() != "" {
		before++ // the Kerberos client's TGT renewal, from its login on the first request until the client is gone
	}
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100, BatchSize: 10, Concurrency: 6}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 15 {
			break
		}
	}
	if !waitFor(func() bool { return pagerGoroutines() == 0 }) {
		t.Fatalf("%d pipeline goroutines running after break", pagerGoroutines())
	}
	// Batches 1 and 2 were handled; at most six batches were in flight or done, and at most the second page was
	// asked for.
	if g, f := mailCountOp(srv, "GetItem"), mailCountOp(srv, "FindItem"); g < 2 || g > 7 || f > 2 {
		t.Errorf("%d GetItem and %d FindItem requests after break at message 15", g, f)
	}
	c.CloseIdleConnections()
	if !waitFor(func() bool { return runtime.NumGoroutine() <= before }) {
		t.Errorf("%d goroutines after the search, %d before", runtime.NumGoroutine(), before)
	}
	// Requests cancelled in flight may reach the server after the iterator returned; no new one is sent.
	if g, f := mailCountOp(srv, "GetItem"), mailCountOp(srv, "FindItem"); g > 7 || f > 2 {
		t.Errorf("%d GetItem and %d FindItem requests in all", g, f)
	}
}

// Limit, deleted messages and per-message errors behave with a pipeline as without.
func TestSearchPipelinedLimitAndDeletions(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 300, nil)
	ctx := testCtx(t)
	victim := ids[len(ids)-1-80] // in the fourth batch, which is not asked for before the first is handled
	var got []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{PageSize: 100, BatchSize: 25, Concurrency: 3, Limit: 250}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, victim); err != nil {
				t.Fatal(err)
			}
		}
		got = append(got, m.ID)
	}
	var want []string
	for i := len(ids) - 1; i >= 0 && len(want) < 250; i-- {
		if ids[i] != victim {
			want = append(want, ids[i])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d messages, want %d in order, none skipped or repeated", len(got), len(want))
	}
	// The second page, first asked for at offset 100 before the deletion was seen, is asked for again at 99; the
	// third page asks for the 51 messages Limit leaves.
	if pages := pageRequests(srv); len(pages) > 4 || !slices.Contains(pages, [2]int{99, 100}) || pages[len(pages)-1] != [2]int{199, 51} {
		t.Errorf("pages = %v", pages)
	}
}

// A request that fails ends the search with its error, after the messages of the batches before it, in order.
func TestSearchPipelinedError(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 200, nil)
	bad := ids[len(ids)-1-45] // in the third batch of 20
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(bad)) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return true
		}
		return false
	})
	n, errs := 0, 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100, BatchSize: 20, Concurrency: 5}) {
		if err != nil {
			errs++
			var he *HTTPError
			if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
				t.Errorf("error %v, want the 403 of the third batch", err)
			}
			continue
		}
		n++
	}
	if n != 40 || errs != 1 {
		t.Errorf("%d messages and %d errors, want the 40 of two batches, then one error", n, errs)
	}
	if !waitFor(func() bool { return pagerGoroutines() == 0 }) {
		t.Errorf("%d pipeline goroutines left", pagerGoroutines())
	}
}

func TestSearchConcurrencyBadInput(t *testing.T) {
	srv, c := setup(t)
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{Concurrency: -1}) {
		wantInputErr(t, err, "SearchOptions.Concurrency")
	}
	noRequests(t, srv, 0)
}

// Each message a pipelined search yields is the server's message, fields and all.
func TestSearchPipelinedContent(t *testing.T) {
	srv, c := setup(t)
	for i := range 120 {
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("s%03d <&>", i), Body: fmt.Sprintf("<p>body %d</p>", i), BodyType: "HTML",
			From: testserver.Address{Name: "Sender", Email: fmt.Sprintf("s%d@example.com", i)}, IsRead: i%2 == 0,
			DateTimeReceived: mailBase.Add(time.Duration(i) * time.Minute)})
	}
	i := 119
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{BatchSize: 7, Concurrency: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		it, ok := srv.Item(m.ID)
		if !ok || m.Subject != fmt.Sprintf("s%03d <&>", i) || m.BodyHTML != it.Body || m.From.Email != it.From.Email ||
			m.IsRead != it.IsRead || !m.Received.Equal(it.DateTimeReceived) {
			t.Fatalf("message %d: %+v", i, m)
		}
		i--
	}
	if i != -1 {
		t.Errorf("%d messages missing", i+1)
	}
}

// A server that compresses its answers (IIS dynamic compression) is asked to, and its answers are read.
func TestSearchGzip(t *testing.T) {
	srv, c := setup(t, testserver.WithGzip())
	ids := seedMessages(srv, "inbox", 250, func(i int, it *testserver.Item) {
		it.Body = strings.Repeat("<p>compressible</p>", 50)
		it.BodyType = "HTML"
	})
	n := 0
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{Concurrency: 2, Only: []string{"subject", "body"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != ids[len(ids)-1-n] || m.BodyHTML != strings.Repeat("<p>compressible</p>", 50) {
			t.Fatalf("message %d: %s %q", n, m.ID, m.BodyHTML)
		}
		n++
	}
	if n != 250 {
		t.Fatalf("%d messages", n)
	}
	for _, r := range srv.Requests() {
		if r.Operation == "" {
			continue
		}
		if !strings.Contains(r.AcceptEncoding, "gzip") || !r.Gzip {
			t.Errorf("%s: Accept-Encoding %q, compressed %v", r.Operation, r.AcceptEncoding, r.Gzip)
		}
	}
}

// Only fetches the properties named and nothing else; a name that is not a message field is refused first.
func TestSearchOnly(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 3, func(i int, it *testserver.Item) {
		it.From = testserver.Address{Name: "Mallory", Email: "m@evil.example"}
		it.To = []testserver.Address{{Email: "bob@example.com"}}
	})
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{Only: []string{"subject", "sender", "is_read"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject == "" || m.Sender.Email != "m@evil.example" || m.Body != "" || len(m.To) != 0 || !m.Received.IsZero() {
			t.Errorf("message with Only subject, sender, is_read: %+v", m)
		}
	}
	b := mailLastBody(t, srv, "GetItem")
	for _, want := range []string{`FieldURI="item:Subject"`, `FieldURI="message:Sender"`, `FieldURI="message:IsRead"`, "<t:BaseShape>IdOnly</t:BaseShape>"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("GetItem request lacks %s: %s", want, b)
		}
	}
	if bytes.Contains(b, []byte("item:Body")) || bytes.Contains(b, []byte("ToRecipients")) {
		t.Errorf("GetItem asks for more than Only names: %s", b)
	}
	before := len(mailOps(srv))
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{Only: []string{"subject", "nope"}}) {
		wantInputErr(t, err, "SearchOptions.Only")
	}
	noRequests(t, srv, before)
}

// Unread with Concurrency returns what it returns one request at a time, marks the same messages read, and
// fetches a page's batches ahead of the loop body; with MarkRead the next page waits until the loop body has
// handled (marked) the whole page.
func TestUnreadPipelined(t *testing.T) {
	read := func(i int, it *testserver.Item) { it.IsRead = i%7 == 3 }
	run := func(t *testing.T, conc int, markRead bool) (*testserver.Server, []string, *atomic.Bool) {
		srv, c := setup(t)
		seedMessages(srv, "inbox", 730, read)
		together := new(atomic.Bool)
		if conc > 1 {
			together = holdFirstGetItem(srv)
		}
		var got []string
		for m, err := range c.Mail().Unread(testCtx(t), UnreadOptions{MarkRead: markRead, BatchSize: 25, Concurrency: conc}) {
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && conc > 1 {
				// While the loop body holds the first message, the other batches of the first page are fetched.
				if !waitFor(func() bool { return mailCountOp(srv, "GetItem") == conc }) {
					t.Fatalf("%d GetItem requests while the loop body runs, want %d", mailCountOp(srv, "GetItem"), conc)
				}
				if n := mailCountOp(srv, "FindItem"); markRead && n != 1 {
					t.Fatalf("%d FindItem requests before the first page is marked read, want 1", n)
				}
			}
			if it, _ := srv.Item(m.ID); markRead && it.IsRead {
				t.Fatalf("%s marked read before the loop body ran", m.Subject)
			}
			got = append(got, m.Subject)
		}
		return srv, got, together
	}
	var want []string
	for i := range 730 {
		if i%7 != 3 {
			want = append(want, fmt.Sprintf("msg %04d", i))
		}
	}
	for _, markRead := range []bool{true, false} {
		t.Run(fmt.Sprintf("MarkRead=%v", markRead), func(t *testing.T) {
			_, one, _ := run(t, 1, markRead)
			srv, four, together := run(t, 4, markRead)
			if !slices.Equal(one, want) || !slices.Equal(four, one) {
				t.Fatalf("Concurrency 1: %d messages, 4: %d; want the same %d unread ones oldest first, each once", len(one), len(four), len(want))
			}
			unread := 0
			for _, it := range srv.Default().Items("inbox") {
				if !it.IsRead {
					unread++
				}
			}
			if wantUnread := map[bool]int{true: 0, false: len(want)}[markRead]; unread != wantUnread {
				t.Errorf("%d messages unread after the loop, want %d", unread, wantUnread)
			}
			if !together.Load() {
				t.Errorf("no second GetItem arrived while the first was held: the batches were not fetched in parallel")
			}
			if n := srv.MaxInFlight(); n > 4 {
				t.Errorf("%d requests in flight, want at most 4 (the Concurrency)", n)
			}
			// With MarkRead each page starts at 0: the page before it was all marked read, and nothing else moved.
			for _, pg := range pageRequests(srv) {
				if markRead && pg[0] != 0 {
					t.Errorf("pages %v, want each at offset 0 (the next page asked for before the loop body marked the last)", pageRequests(srv))
					break
				}
			}
			if !waitFor(func() bool { return pagerGoroutines() == 0 }) {
				t.Errorf("%d pipeline goroutines left", pagerGoroutines())
			}
		})
	}
}
