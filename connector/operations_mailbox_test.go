package connector_test

import (
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// The mail operations from before take the mailbox parameter too: a search_mailboxes match is moved, searched
// and marked in its own mailbox.
func TestMailOperationsOnAnotherMailbox(t *testing.T) {
	srv, cfg := setupImpersonation(t, "bob@example.com")
	bob := srv.Mailbox("bob@example.com")
	bob.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "phish", From: testserver.Address{Email: "x@evil.example"},
		InternetMessageID: "<phish@evil.example>"})
	if _, err := bob.AddFolder("msgfolderroot", "Quarantine", ""); err != nil {
		t.Fatal(err)
	}
	var found []connector.Email
	execOK(t, cfg, "search_query", `{"subject": "phish", "mailbox": "bob@example.com"}`, &found)
	if len(found) != 1 {
		t.Fatalf("search_query in bob's mailbox found %d", len(found))
	}
	execOK(t, cfg, "mark_as_read", `{"message_id": "<phish@evil.example>", "mailbox": "bob@example.com"}`, nil)
	var moved connector.MovedEmail
	execOK(t, cfg, "move_email", `{"message_id": "<phish@evil.example>", "destination_folder": "Quarantine", "mailbox": "bob@example.com"}`, &moved)
	q := bob.Items("Quarantine")
	if len(q) != 1 || !q[0].IsRead || len(bob.Items("inbox")) != 0 {
		t.Errorf("bob's Quarantine: %+v", q)
	}
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.Impersonating != "bob@example.com" {
			t.Errorf("%s impersonated %q", r.Operation, r.Impersonating)
		}
	}
	info, _ := connector.Lookup("delete_email")
	if p := info.Params[len(info.Params)-1]; p.Name != "mailbox" {
		t.Errorf("delete_email's last parameter is %q", p.Name)
	}
	execFail(t, cfg, "get_email", `{"mailbox": "nobody"}`, "InvalidParameter", "mailbox")
}

// The calendar, contacts and poll operations act on another mailbox with the mailbox parameter too.
func TestCalendarContactsPollOnAnotherMailbox(t *testing.T) {
	srv, cfg := setupImpersonation(t, "bob@example.com")
	bob := srv.Mailbox("bob@example.com")
	var ev connector.Event
	execOK(t, cfg, "create_event", `{"subject": "Incident bridge", "start_date": "2024-07-16T10:00:00Z", "end_date": "2024-07-16T11:00:00Z", "mailbox": "bob@example.com"}`, &ev)
	if cal := bob.Items("calendar"); len(cal) != 1 || cal[0].Subject != "Incident bridge" {
		t.Fatalf("bob's calendar: %+v", cal)
	}
	if cal := srv.Default().Items("calendar"); len(cal) != 0 {
		t.Errorf("the event was also booked in the configured mailbox: %+v", cal)
	}
	var evs []connector.Event
	execOK(t, cfg, "get_events", `{"from_time": "2024-07-16T00:00:00Z", "to_time": "2024-07-17T00:00:00Z", "mailbox": "bob@example.com"}`, &evs)
	if len(evs) != 1 || evs[0].Subject != "Incident bridge" {
		t.Errorf("get_events in bob's calendar: %+v", evs)
	}
	execOK(t, cfg, "get_events", `{"from_time": "2024-07-16T00:00:00Z", "to_time": "2024-07-17T00:00:00Z"}`, &evs)
	if len(evs) != 0 {
		t.Errorf("get_events in the configured calendar: %+v", evs)
	}

	bob.AddContact(testserver.Item{DisplayName: "Carol Analyst", EmailAddresses: map[string]string{"EmailAddress1": "carol@example.com"}})
	var cts []connector.Contact
	execOK(t, cfg, "get_contacts", `{"mailbox": "bob@example.com"}`, &cts)
	if len(cts) != 1 || cts[0].DisplayName != "Carol Analyst" {
		t.Errorf("get_contacts of bob: %+v", cts)
	}

	state := t.TempDir() + "/bob.state"
	bob.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "before"})
	execOK(t, cfg, "poll", `{"state_file": "`+state+`", "mailbox": "bob@example.com"}`, nil) // the baseline
	bob.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "new in bob's inbox"})
	srv.Default().AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "new in the configured inbox"})
	var polled []connector.Email
	execOK(t, cfg, "poll", `{"state_file": "`+state+`", "mailbox": "bob@example.com"}`, &polled)
	if len(polled) != 1 || polled[0].Subject != "new in bob's inbox" {
		t.Errorf("poll of bob's inbox: %+v", polled)
	}
	for _, op := range []string{"create_event", "get_events", "get_contacts", "poll"} {
		info, _ := connector.Lookup(op)
		if p := info.Params[len(info.Params)-1]; p.Name != "mailbox" {
			t.Errorf("%s's last parameter is %q, want mailbox", op, p.Name)
		}
	}
}
