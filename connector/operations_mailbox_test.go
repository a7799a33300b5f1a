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
