package ews

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

var mailBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// seedMessages stores n messages in folder, received one second apart, with subjects "msg 0000" ... in that order.
func seedMessages(srv *testserver.Server, folder string, n int, edit func(i int, it *testserver.Item)) []string {
	ids := make([]string, n)
	for i := range n {
		it := testserver.Item{Subject: fmt.Sprintf("msg %04d", i), Body: "body", DateTimeReceived: mailBase.Add(time.Duration(i) * time.Second)}
		if edit != nil {
			edit(i, &it)
		}
		ids[i] = srv.AddMessage(folder, it)
	}
	return ids
}

// pageRequests returns the Offset and MaxEntriesReturned of each FindItem request.
func pageRequests(srv *testserver.Server) [][2]int {
	re := regexp.MustCompile(`IndexedPageItemView MaxEntriesReturned="(\d+)" Offset="(\d+)"`)
	var out [][2]int
	for _, b := range mailBodies(srv, "FindItem") {
		if m := re.FindSubmatch(b); m != nil {
			max, _ := strconv.Atoi(string(m[1]))
			off, _ := strconv.Atoi(string(m[2]))
			out = append(out, [2]int{off, max})
		}
	}
	return out
}

func TestSearch5000InOrder(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 5000, nil)
	i := len(ids) - 1 // newest first
	seen := map[string]bool{}
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[m.ID] {
			t.Fatalf("%s yielded twice", m.ID)
		}
		seen[m.ID] = true
		if i < 0 || m.ID != ids[i] || m.Subject != fmt.Sprintf("msg %04d", i) {
			t.Fatalf("got %s (%q), want message %d", m.ID, m.Subject, i)
		}
		i--
	}
	if len(seen) != 5000 || i != -1 {
		t.Fatalf("got %d messages", len(seen))
	}
	pages := pageRequests(srv)
	if len(pages) != 50 || pages[0] != [2]int{0, 100} || pages[49] != [2]int{4900, 100} {
		t.Errorf("%d FindItem pages: first %v last %v", len(pages), pages[0], pages[len(pages)-1])
	}
	if n := mailCountOp(srv, "GetItem"); n != 50 {
		t.Errorf("%d GetItem requests, want 50", n)
	}
	if b := mailBodies(srv, "FindItem")[0]; !hasText(b, `<t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"></t:FieldURI>`) ||
		!hasText(b, `<t:BaseShape>IdOnly</t:BaseShape>`) || hasText(b, "Restriction") {
		t.Errorf("FindItem request: %s", b)
	}
}

// PageSize 1000 is Exchange's cap; the iterator pages past it.
func TestSearchPagesPastTheCap(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 2500, nil)
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 1000, BatchSize: 500, Ascending: true}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2500 {
		t.Fatalf("got %d messages", n)
	}
	if pages := pageRequests(srv); !slices.Equal(pages, [][2]int{{0, 1000}, {1000, 1000}, {2000, 1000}}) {
		t.Errorf("pages = %v", pages)
	}
	if got := mailCountOp(srv, "GetItem"); got != 5 {
		t.Errorf("%d GetItem requests for 2500 messages in batches of 500", got)
	}
}

func TestSearchBreakStopsRequests(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 1000, nil)
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100, BatchSize: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 120 {
			break
		}
	}
	// 120 messages: 2 pages of 100, and 3 GetItem batches of 50.
	if got := mailOps(srv); mailCountOp(srv, "FindItem") != 2 || mailCountOp(srv, "GetItem") != 3 || len(got) != 5 {
		t.Errorf("operations after break = %v", got)
	}
}

func TestSearchLimit(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 300, nil)
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{PageSize: 100, Limit: 250}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 250 {
		t.Errorf("got %d messages with Limit 250", n)
	}
	if pages := pageRequests(srv); !slices.Equal(pages, [][2]int{{0, 100}, {100, 100}, {200, 50}}) {
		t.Errorf("pages = %v", pages)
	}
}

func TestSearchFilters(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	if _, err := mb.AddFolder("inbox", "Reported", ""); err != nil {
		t.Fatal(err)
	}
	seedMessages(srv, "Inbox/Reported", 40, func(i int, it *testserver.Item) {
		it.From = testserver.Address{Email: "user@example.com"}
		if i%2 == 0 {
			it.From = testserver.Address{Name: "Mallory", Email: "mallory@evil.example"}
		}
		if i%4 == 0 {
			it.Subject += " URGENT Invoice"
		}
		if i%8 == 0 {
			it.Body = "please pay via <a href='http://evil.example/pay'>link</a>"
		}
		it.IsRead = i%16 != 0
	})
	seedMessages(srv, "inbox", 10, func(_ int, it *testserver.Item) { it.Subject += " URGENT Invoice" })
	collect := func(o SearchOptions) []string {
		t.Helper()
		o.Folder = FolderByPath("Inbox/Reported")
		var got []string
		for m, err := range c.Mail().Search(testCtx(t), o) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m.Subject)
		}
		return got
	}
	if got := collect(SearchOptions{Sender: "mallory@evil.example"}); len(got) != 20 {
		t.Errorf("Sender: %d messages, want 20", len(got))
	}
	if got := collect(SearchOptions{Subject: "urgent invoice"}); len(got) != 10 {
		t.Errorf("Subject (any case): %d messages, want 10", len(got))
	}
	if got := collect(SearchOptions{Body: "EVIL.EXAMPLE/PAY"}); len(got) != 5 {
		t.Errorf("Body: %d messages, want 5", len(got))
	}
	got := collect(SearchOptions{Sender: "mallory@evil.example", Subject: "invoice", Body: "pay", UnreadOnly: true, SortBy: SortBySubject, Ascending: true})
	if want := []string{"msg 0000 URGENT Invoice", "msg 0016 URGENT Invoice", "msg 0032 URGENT Invoice"}; !slices.Equal(got, want) {
		t.Errorf("all filters: %v, want %v", got, want)
	}
	b := mailLastBody(t, srv, "FindItem")
	for _, want := range []string{
		`<m:Restriction><t:And>`,
		`<t:IsEqualTo><t:FieldURI FieldURI="message:Sender"></t:FieldURI><t:FieldURIOrConstant><t:Constant Value="mallory@evil.example"></t:Constant>`,
		`<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"></t:FieldURI><t:Constant Value="invoice"></t:Constant></t:Contains>`,
		`<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Body"></t:FieldURI><t:Constant Value="pay"></t:Constant></t:Contains>`,
		`<t:IsEqualTo><t:FieldURI FieldURI="message:IsRead"></t:FieldURI><t:FieldURIOrConstant><t:Constant Value="0"></t:Constant>`,
		`<t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:Subject"></t:FieldURI>`,
	} {
		if !hasText(b, want) {
			t.Errorf("FindItem request lacks %s:\n%s", want, b)
		}
	}
	if n := bytes.Count(b, []byte("<t:And>")); n != 1 {
		t.Errorf("%d And elements, want the filters in one And", n)
	}
}

// XML-special characters in a filter are sent escaped and match verbatim.
func TestSearchEscapesFilters(t *testing.T) {
	srv, c := setup(t)
	srv.AddMessage("inbox", testserver.Item{Subject: `a </t:Constant><t:Foo> "]]>" & b`})
	srv.AddMessage("inbox", testserver.Item{Subject: "plain"})
	var got []string
	for m, err := range c.Mail().Search(testCtx(t), SearchOptions{Subject: `</t:Constant><t:Foo> "]]>" &`}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Subject)
	}
	if len(got) != 1 || got[0] != `a </t:Constant><t:Foo> "]]>" & b` {
		t.Errorf("got %q", got)
	}
}

// A message deleted while the search runs is skipped, and the paging does not skip or repeat the others.
func TestSearchSkipsMessagesDeletedMeanwhile(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 250, nil)
	ctx := testCtx(t)
	victim := ids[len(ids)-51] // in the first page's second batch
	var got []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{PageSize: 100, BatchSize: 25}) {
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
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] != victim {
			want = append(want, ids[i])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d messages, want the %d others in order", len(got), len(want))
	}
}

func TestSearchBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		field string
		o     SearchOptions
	}{
		{"SearchOptions.PageSize", SearchOptions{PageSize: 1001}},
		{"SearchOptions.PageSize", SearchOptions{PageSize: -1}},
		{"SearchOptions.BatchSize", SearchOptions{BatchSize: 5000}},
		{"SearchOptions.Limit", SearchOptions{Limit: -5}},
		{"SearchOptions.Sender", SearchOptions{Sender: "not an address"}},
		{"SearchOptions.SortBy", SearchOptions{SortBy: "item:Nope"}},
	} {
		n := 0
		for _, err := range c.Mail().Search(ctx, tc.o) {
			n++
			wantInputErr(t, err, tc.field)
		}
		if n != 1 {
			t.Errorf("%s: %d values yielded, want one error", tc.field, n)
		}
	}
	for _, err := range c.Mail().Search(ctx, SearchOptions{Folder: DistinguishedFolder("nosuch")}) {
		if !errors.Is(err, ErrInvalidFolder) {
			t.Errorf("unknown folder: %v", err)
		}
	}
	for _, err := range c.Mail().Unread(ctx, UnreadOptions{PageSize: 2000}) {
		wantInputErr(t, err, "UnreadOptions.PageSize")
	}
	noRequests(t, srv, 0)
}

func TestUnreadMarksEachAfterHandling(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 300, func(i int, it *testserver.Item) { it.IsRead = i%6 == 5 })
	ctx := testCtx(t)
	var got []string
	prev := ""
	for m, err := range c.Mail().Unread(ctx, UnreadOptions{MarkRead: true, PageSize: 100, BatchSize: 30}) {
		if err != nil {
			t.Fatal(err)
		}
		if it, _ := srv.Item(m.ID); it.IsRead || m.IsRead {
			t.Fatalf("%s was marked read before the loop body ran", m.Subject)
		}
		if prev != "" {
			if it, _ := srv.Item(prev); !it.IsRead {
				t.Fatalf("the previous message is still unread")
			}
		}
		prev = m.ID
		got = append(got, m.ID)
	}
	var want []string
	for i, id := range ids {
		if i%6 != 5 {
			want = append(want, id)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %d messages, want the %d unread ones oldest first, each once", len(got), len(want))
	}
	for _, it := range srv.Default().Items("inbox") {
		if !it.IsRead {
			t.Errorf("%s still unread", it.Subject)
		}
	}
	if n := mailCountOp(srv, "UpdateItem"); n != 250 {
		t.Errorf("%d UpdateItem requests, want one per message", n)
	}
}

func TestUnreadBreakLeavesTheRestUnread(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 50, nil)
	n := 0
	for _, err := range c.Mail().Unread(testCtx(t), UnreadOptions{MarkRead: true, PageSize: 20}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 10 {
			break
		}
	}
	for i, id := range ids {
		if it, _ := srv.Item(id); it.IsRead != (i < 10) {
			t.Errorf("message %d: IsRead = %v", i, it.IsRead)
		}
	}
	// Without MarkRead nothing changes.
	count := 0
	for _, err := range c.Mail().Unread(testCtx(t), UnreadOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		count++
	}
	if count != 40 || mailCountOp(srv, "UpdateItem") != 10 {
		t.Errorf("second pass: %d unread, %d UpdateItem", count, mailCountOp(srv, "UpdateItem"))
	}
}

func TestSearchQuery(t *testing.T) {
	srv, c := setup(t)
	seedMessages(srv, "inbox", 30, func(i int, it *testserver.Item) {
		if i%3 == 0 {
			it.Importance = "High"
		}
		if i%2 == 0 {
			it.Subject += " invoice"
		}
	})
	ctx := testCtx(t)
	since := mailBase.Add(10 * time.Second)
	var got []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{Subject: "INVOICE", Ascending: true,
		Query: Where("importance", "High").And(Where("datetime_received__gte", since))}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Subject)
	}
	if want := []string{"msg 0012 invoice", "msg 0018 invoice", "msg 0024 invoice"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	b := mailLastBody(t, srv, "FindItem")
	if !hasText(b, "<m:Restriction><t:And>") || !hasText(b, `FieldURI="item:Importance"`) || !hasText(b, `FieldURI="item:DateTimeReceived"`) || !hasText(b, `FieldURI="item:Subject"`) {
		t.Errorf("FindItem request: %s", b)
	}
	// Unread takes a query as well.
	n := 0
	for _, err := range c.Mail().Unread(ctx, UnreadOptions{Query: Where("importance", "High")}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 10 {
		t.Errorf("Unread with a query: %d messages, want 10", n)
	}
	// A query that matches nothing sends nothing; a bad query is reported before any request.
	before := len(mailOps(srv))
	for range c.Mail().Search(ctx, SearchOptions{Query: Where("subject__in", []string{})}) {
		t.Error("a query matching nothing yielded a value")
	}
	for _, err := range c.Mail().Search(ctx, SearchOptions{Query: Where("subjekt__icontains", "x")}) {
		var qe *QueryError
		if !errors.Is(err, ErrInvalidQuery) || !errors.As(err, &qe) || qe.Suggestion == "" {
			t.Errorf("bad query: %v", err)
		}
	}
	noRequests(t, srv, before)
}
