package ews

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestSearchAllFolders(t *testing.T) { backends(t, testSearchAllFolders) }

func testSearchAllFolders(t *testing.T, srv *testserver.Server, c *Client) {
	ctx := testCtx(t)
	mb := srv.Default()
	if _, err := mb.AddFolder("inbox", "Projects", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.AddFolder("Inbox/Projects", "Deep", ""); err != nil {
		t.Fatal(err)
	}
	phish := testserver.Item{ItemClass: "IPM.Note", Subject: "Your invoice", From: testserver.Address{Email: "billing@evil.example"}}
	for _, f := range []string{"inbox", "Inbox/Projects/Deep", "junkemail", "deleteditems", "recoverableitemsdeletions"} {
		mb.AddItem(f, phish)
	}
	mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "lunch", From: testserver.Address{Email: "bob@example.com"}})
	mb.AddItem("calendar", testserver.Item{Subject: "Your invoice meeting"})

	folders := func(opts SearchAllOptions) []string {
		var out []string
		for f, err := range c.Mail().SearchAll(ctx, opts) {
			if err != nil {
				t.Fatal(err)
			}
			if f.Subject != "Your invoice" || f.Mailbox != srv.Email() {
				t.Errorf("found %q in %s", f.Subject, f.Mailbox)
			}
			out = append(out, f.Folder)
		}
		sort.Strings(out)
		return out
	}
	opts := SearchAllOptions{SearchOptions: SearchOptions{Sender: "billing@evil.example", Subject: "invoice"}}
	if diff := cmp.Diff([]string{"Deleted Items", "Inbox", "Inbox/Projects/Deep", "Junk Email"}, folders(opts)); diff != "" {
		t.Errorf("SearchAll (-want +got):\n%s", diff)
	}
	opts.RecoverableItems = true
	if c.Backend() == BackendGraph {
		// Graph cannot list the Recoverable Items' folders: refused before any request.
		before := len(srv.GraphRequests())
		for _, err := range c.Mail().SearchAll(ctx, opts) {
			if !errors.Is(err, ErrNotSupportedByBackend) {
				t.Errorf("RecoverableItems over Graph: %v", err)
			}
		}
		if len(srv.GraphRequests()) != before {
			t.Errorf("the refused search sent a request")
		}
		opts.RecoverableItems = false
	} else if !serverPersonality(srv).Accepts("Exchange2010_SP1") {
		// Exchange 2007 has no Recoverable Items folders in EWS: refused before any folder is looked at.
		before := len(mailOps(srv))
		var errs []error
		for _, err := range c.Mail().SearchAll(ctx, opts) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrInvalidServerVersion) || !strings.Contains(errs[0].Error(), "RecoverableItems") {
			t.Errorf("SearchAll with RecoverableItems on %s: %v", serverPersonality(srv), errs)
		}
		noRequests(t, srv, before)
		return
	} else if diff := cmp.Diff([]string{"Deleted Items", "Inbox", "Inbox/Projects/Deep", "Junk Email", "Recoverable Items/Deletions"}, folders(opts)); diff != "" {
		t.Errorf("SearchAll with RecoverableItems (-want +got):\n%s", diff)
	}
	opts.Limit = 2
	if got := folders(opts); len(got) != 2 {
		t.Errorf("Limit 2 gave %v", got)
	}
}

// TestSearchMailboxes: SearchMailboxes searches every mail folder of each mailbox (over EWS by impersonation,
// over Graph with the app's token), a mailbox that is not there fails alone, and breaking out stops the search.
func TestSearchMailboxes(t *testing.T) { backends(t, testSearchMailboxes, fanOutUser) }

func testSearchMailboxes(t *testing.T, srv *testserver.Server, c *Client) {
	addrs := addFanOutMailboxes(srv, 6)
	if c.Backend() == BackendEWS {
		c = impersonatingClient(t, srv, nil)
	}
	ctx := testCtx(t)
	mailboxes := append(addrs, "ghost@example.com")
	perMailbox := map[string][]string{}
	var failed []*MailboxError
	for f, err := range c.SearchMailboxes(ctx, mailboxes, SearchMailboxesOptions{Concurrency: 3,
		Search: SearchAllOptions{SearchOptions: SearchOptions{Query: Where("message_id", phishID)}}}) {
		var me *MailboxError
		if errors.As(err, &me) {
			failed = append(failed, me)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		perMailbox[f.Mailbox] = append(perMailbox[f.Mailbox], f.Folder)
	}
	for i, a := range addrs {
		want := []string{"Inbox"}
		if i%3 == 0 {
			want = []string{"Inbox", "Junk Email"}
		}
		got := perMailbox[a]
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", a, diff)
		}
	}
	if len(failed) != 1 || failed[0].Mailbox != "ghost@example.com" || !errors.Is(failed[0], ErrNonExistentMailbox) {
		t.Errorf("failed = %v", failed)
	}
	// Breaking out stops the search without leaking the goroutines (the race detector and the test's end check).
	n := 0
	for _, err := range c.SearchMailboxes(ctx, addrs, SearchMailboxesOptions{Search: SearchAllOptions{SearchOptions: SearchOptions{Subject: "invoice"}}}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 2 {
			break
		}
	}
	for _, err := range c.SearchMailboxes(ctx, nil, SearchMailboxesOptions{}) {
		wantInputErr(t, err, "mailboxes")
	}
}

// A sweep through a throttling, flaky server finds every copy: ErrorServerBusy back-offs and connections reset
// before the request are retried (searching only reads).
func TestSearchMailboxesThroughFaults(t *testing.T) {
	srv, addrs := fanOutServer(t, 12, testserver.WithFaults(testserver.ServerBusy(20*time.Millisecond).Every(5), testserver.ResetBefore().Every(7)))
	c := impersonatingClient(t, srv, nil)
	n := 0
	for f, err := range c.SearchMailboxes(testCtx(t), addrs, SearchMailboxesOptions{Concurrency: 4,
		Search: SearchAllOptions{SearchOptions: SearchOptions{Query: Where("message_id", phishID)}}}) {
		if err != nil {
			t.Fatal(err)
		}
		if f.Subject != "Your invoice" {
			t.Errorf("found %q", f.Subject)
		}
		n++
	}
	if want := 12 + 4; n != want { // every Inbox, and Junk Email of every third mailbox
		t.Errorf("found %d copies, want %d", n, want)
	}
	faults := 0
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			faults++
		}
	}
	if faults == 0 {
		t.Error("no fault was injected")
	}
}
