package connector_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// TestPhishingPlaybookThroughConnector runs the phishing playbook the way a SOAR platform does, one connector
// operation at a time with JSON in and out: the reported message is opened from the user's report, its sender
// and subject are searched in 50 mailboxes across all folders, every copy is moved to a quarantine folder of its
// mailbox (one move_email result per item), and the compromised mailbox's forwarding rule is found and disabled.
func TestPhishingPlaybookThroughConnector(t *testing.T) {
	var mailboxes []string
	for i := 0; i < 50; i++ {
		mailboxes = append(mailboxes, fmt.Sprintf("user%02d@example.com", i))
	}
	srv, cfg := setupImpersonation(t, mailboxes...)
	phish := testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", From: testserver.Address{Email: "it-desk@evil.example"},
		InternetMessageID: "<reset-1@evil.example>"}
	copies := 0
	for i, m := range mailboxes {
		mb := srv.Mailbox(m)
		mb.AddItem("inbox", phish)
		copies++
		if i%4 == 0 {
			mb.AddItem("junkemail", phish)
			copies++
		}
		mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", From: testserver.Address{Email: "it@example.com"}})
	}
	compromised := srv.Mailbox(mailboxes[21])
	compromised.AddInboxRule(testserver.InboxRule{Name: "fwd", Enabled: true, ForwardTo: []string{"collect@evil.example"}})
	// The user's report in the SOC mailbox.
	srv.Default().AddItem("inbox", reportedPhish(mailboxes[3]))

	// 1. Open the report.
	var atts []connector.AttachmentData
	execOK(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>"}`, &atts)
	email := atts[0].Email
	sender, subject := email.From.Email, email.Subject

	// 2. Search every mailbox, every folder.
	list, _ := json.Marshal(mailboxes)
	var rows []json.RawMessage
	execOK(t, cfg, "search_mailboxes", fmt.Sprintf(`{"mailboxes": %s, "email_address": %q, "subject": %q, "range": 0}`, list, sender, subject), &rows)
	var summary connector.SearchSummary
	if err := json.Unmarshal(rows[len(rows)-1], &summary); err != nil || summary.Summary == nil {
		t.Fatalf("summary: %s", rows[len(rows)-1])
	}
	if summary.Summary.MailboxesSearched != 50 || summary.Summary.Matches != copies || len(rows) != copies+1 {
		t.Fatalf("summary = %+v, %d rows; want %d copies", summary.Summary, len(rows), copies)
	}

	// 3. Quarantine every copy, one result per item.
	created := map[string]bool{}
	type line struct{ Mailbox, Folder, Status, Code string }
	var report []line
	for _, r := range rows[:len(rows)-1] {
		var m connector.MailboxMatch
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		if !created[m.Mailbox] {
			execOK(t, cfg, "create_folder", fmt.Sprintf(`{"folder_name": "Quarantine", "parent_folder": "msgfolderroot", "exist_ok": true, "mailbox": %q}`, m.Mailbox), nil)
			created[m.Mailbox] = true
		}
		res, _, _ := execJSON(t, cfg, "move_email", fmt.Sprintf(`{"message_id": %q, "destination_folder": "Quarantine", "mailbox": %q}`, m.ID, m.Mailbox))
		report = append(report, line{m.Mailbox, m.Folder, res.Status, res.Code})
	}
	for _, l := range report {
		if l.Status != "Success" {
			t.Errorf("move failed: %+v", l)
		}
	}
	for _, m := range mailboxes {
		mb := srv.Mailbox(m)
		if n := len(mb.Items("Quarantine")); n < 1 || n > 2 {
			t.Errorf("%s: Quarantine holds %d", m, n)
		}
		for _, f := range []string{"inbox", "junkemail"} {
			for _, it := range mb.Items(f) {
				if it.From.Email == sender {
					t.Errorf("%s: a copy is left in %s", m, f)
				}
			}
		}
		if len(mb.Items("inbox")) != 1 {
			t.Errorf("%s: the look-alike from it@example.com was moved", m)
		}
	}

	// 4. The compromised mailbox: find the forwarding rule and disable it.
	var rules []connector.InboxRuleOut
	execOK(t, cfg, "get_inbox_rules", fmt.Sprintf(`{"mailbox": %q}`, mailboxes[21]), &rules)
	for _, r := range rules {
		if r.ForwardsOutside {
			execOK(t, cfg, "update_inbox_rule", fmt.Sprintf(`{"rule_id": %q, "is_enabled": false, "mailbox": %q}`, r.ID, mailboxes[21]), nil)
		}
	}
	if got := compromised.InboxRules(); len(got) != 1 || got[0].Enabled || got[0].ForwardTo[0] != "collect@evil.example" {
		t.Errorf("compromised mailbox's rules: %+v", got)
	}
}
