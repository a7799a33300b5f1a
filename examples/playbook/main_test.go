package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

// TestPhishingPlaybook runs the playbook over 50 mailboxes and checks the server's state afterwards: every copy
// of the phishing message (in any folder) is in Quarantine and nowhere else, nothing else moved, the report has
// one line per copy, and the forwarding rule of the compromised mailbox is off with its actions intact.
func TestPhishingPlaybook(t *testing.T) {
	srv := testserver.New(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1",
		Email: "soc@example.com", CanImpersonate: true}))
	w := seedWorld(srv, 50)
	c, err := ews.New(ews.Config{Host: srv.URL, Username: `CORP\svc-soar`, Password: "Svc-Pass-1", EmailAddress: "soc@example.com",
		AccessType: ews.Impersonation, Auth: ews.AuthNTLM})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := Input{Report: w.report, Mailboxes: append(w.mailboxes, "left@example.com"), Quarantine: "Quarantine",
		Compromised: w.compromised, InternalDomains: []string{"example.com"}}
	start := time.Now()
	rep, err := run(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("playbook over %d mailboxes: %v, %d requests", len(w.mailboxes), time.Since(start), len(srv.Requests()))

	if rep.Phish.Sender != phishSender || rep.Phish.Subject != phishSubject || rep.Phish.MessageID != "<reset-2024@evil.example>" ||
		len(rep.Phish.Attachments) != 1 || !strings.HasPrefix(rep.Phish.Attachments[0], "reset.html ") {
		t.Errorf("phish = %+v", rep.Phish)
	}
	if rep.MailboxesSearched != 50 || len(rep.MailboxesFailed) != 1 || rep.MailboxesFailed["left@example.com"] == "" {
		t.Errorf("searched %d, failed %v", rep.MailboxesSearched, rep.MailboxesFailed)
	}
	if len(rep.Items) != w.copies {
		t.Fatalf("report has %d items, want %d copies", len(rep.Items), w.copies)
	}
	folders := map[string]int{}
	for _, it := range rep.Items {
		folders[it.Folder]++
		if it.Status != "moved" || it.NewID == "" {
			t.Errorf("item %+v", it)
			continue
		}
		moved, ok := srv.Item(it.NewID)
		if !ok || moved.Subject != phishSubject {
			t.Errorf("%s: moved item %s not on the server", it.Mailbox, it.NewID)
			continue
		}
		if q := srv.Mailbox(it.Mailbox).FolderID("Quarantine"); moved.FolderID != q {
			t.Errorf("%s: item in folder %s, not Quarantine", it.Mailbox, moved.FolderID)
		}
	}
	if folders["Inbox"] != 50 || folders["Junk Email"] != 10 || folders["Inbox/Projects"] != 10 || folders["Deleted Items"] != 10 {
		t.Errorf("copies by folder = %v", folders)
	}
	// Server state: no copy left outside Quarantine; the look-alikes untouched.
	for _, a := range w.mailboxes {
		mb := srv.Mailbox(a)
		if n := len(mb.Items("Quarantine")); n < 1 {
			t.Errorf("%s: Quarantine holds %d", a, n)
		}
		for _, f := range []string{"inbox", "junkemail", "deleteditems"} {
			for _, it := range mb.Items(f) {
				if it.From.Email == phishSender {
					t.Errorf("%s: a copy is still in %s", a, f)
				}
			}
		}
		if len(mb.Items("inbox")) != 2 {
			t.Errorf("%s: the Inbox holds %d messages, want the 2 look-alikes", a, len(mb.Items("inbox")))
		}
	}
	// The compromised mailbox's forwarding rule is off, everything else about it unchanged.
	rules := srv.Mailbox(w.compromised).InboxRules()
	if len(rep.RulesDisabled) != 1 || rep.RulesDisabled[0].Name != "." || rep.RulesDisabled[0].ForwardsTo[0] != "collector@evil-mail.example" {
		t.Errorf("rules disabled = %+v", rep.RulesDisabled)
	}
	if len(rules) != 2 || !rules[0].Enabled || rules[1].Enabled || rules[1].ForwardTo[0] != "collector@evil-mail.example" ||
		!rules[1].MarkAsRead || rules[1].FromAddresses[0] != "cfo@example.com" {
		t.Errorf("server's rules = %+v", rules)
	}

	// A second run finds nothing left to move (the quarantined copies are skipped).
	again, err := run(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Items) != 0 || len(again.RulesDisabled) != 0 {
		t.Errorf("second run: %d items, %d rules", len(again.Items), len(again.RulesDisabled))
	}
}
