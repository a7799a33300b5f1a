package connector_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestSearchMailboxesOperation(t *testing.T) { overBackends(t, testSearchMailboxesOperation) }

func testSearchMailboxesOperation(t *testing.T, setup setupFunc) {
	var addrs []string
	for i := 0; i < 5; i++ {
		addrs = append(addrs, fmt.Sprintf("user%d@example.com", i))
	}
	// The service account reaches the mailboxes by impersonation over EWS, with its app-only token over Graph.
	srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
		Email: "soc@example.com", CanImpersonate: true}))
	graph := cfg.Backend == "graph"
	if !graph {
		cfg.AccessType = "Impersonation"
	}
	for _, a := range addrs {
		srv.AddMailbox(a, "")
	}
	phish := testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", From: testserver.Address{Email: "it-desk@evil.example"}}
	for i, a := range addrs {
		mb := srv.Mailbox(a)
		mb.AddItem("inbox", phish)
		if i == 1 {
			if _, err := mb.AddFolder("inbox", "Later", ""); err != nil {
				t.Fatal(err)
			}
			mb.AddItem("Inbox/Later", phish)
			mb.AddItem("recoverableitemsdeletions", phish)
		}
		mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "lunch", From: testserver.Address{Email: "bob@example.com"}})
	}
	params := func(extra string) string {
		b, _ := json.Marshal(append(addrs, "ghost@example.com"))
		return `{"mailboxes": ` + string(b) + `, "email_address": "it-desk@evil.example", "subject": "password"` + extra + `}`
	}
	var rows []json.RawMessage
	execOK(t, cfg, "search_mailboxes", params(""), &rows)
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 6 matches and a summary", len(rows))
	}
	var where []string
	for _, r := range rows[:6] {
		var m connector.MailboxMatch
		if err := json.Unmarshal(r, &m); err != nil || m.Email == nil || m.Subject != "Reset your password" {
			t.Fatalf("row %s: %v", r, err)
		}
		where = append(where, m.Mailbox+":"+m.Folder)
	}
	sort.Strings(where)
	want := []string{"user0@example.com:Inbox", "user1@example.com:Inbox", "user1@example.com:Inbox/Later",
		"user2@example.com:Inbox", "user3@example.com:Inbox", "user4@example.com:Inbox"}
	if diff := cmp.Diff(want, where); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
	var sum connector.SearchSummary
	if err := json.Unmarshal(rows[6], &sum); err != nil || sum.Summary == nil {
		t.Fatalf("summary %s: %v", rows[6], err)
	}
	s := sum.Summary
	if s.MailboxesSearched != 5 || s.Matches != 6 || s.MatchesPerMailbox["user1@example.com"] != 2 ||
		len(s.MailboxesFailed) != 1 || s.MailboxesFailed[0].Mailbox != "ghost@example.com" || s.MailboxesFailed[0].Code != "ErrorNonExistentMailbox" {
		t.Errorf("summary = %+v", s)
	}

	if graph {
		// Graph cannot list the Recoverable Items' folders: refused before any request.
		before := len(srv.GraphRequests())
		execFail(t, cfg, "search_mailboxes", params(`, "recoverable_items": true`), "NotSupportedByBackend", "")
		if len(srv.GraphRequests()) != before {
			t.Errorf("the refused search sent requests")
		}
	} else {
		execOK(t, cfg, "search_mailboxes", params(`, "recoverable_items": true`), &rows)
		if len(rows) != 8 {
			t.Errorf("with recoverable_items: %d rows, want 8", len(rows))
		}
	}
	execOK(t, cfg, "search_mailboxes", params(`, "all_folders": false`), &rows)
	if len(rows) != 6 {
		t.Errorf("all_folders false: %d rows, want 5 matches and a summary", len(rows))
	}

	sent := func() int { return len(srv.Requests()) + len(srv.GraphRequests()) }
	before := sent()
	execFail(t, cfg, "search_mailboxes", `{"mailboxes": "a@example.com, not-an-address"}`, "InvalidParameter", "mailboxes")
	execFail(t, cfg, "search_mailboxes", `{"mailboxes": "a@example.com"}`, "InvalidParameter", "at least one")
	execFail(t, cfg, "search_mailboxes", `{"mailboxes": "a@example.com", "query": "{'subjekt': 'x'}"}`, "InvalidParameter", "query")
	if sent() != before {
		t.Errorf("bad parameters sent requests")
	}
}
