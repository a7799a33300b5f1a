package ewstest_test

import (
	"context"
	"testing"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// A test seeds a forwarding rule, the client under test disables it, and the server's state says so.
func TestInboxRulesSeedAndState(t *testing.T) {
	srv := ewstest.NewServer(t)
	mb := srv.Mailbox()
	mb.AddInboxRule(ewstest.InboxRule{Name: "news", Enabled: true, ContainsSubjectStrings: []string{"newsletter"}, MarkAsRead: true})
	id := mb.AddInboxRule(ewstest.InboxRule{Name: ".", Enabled: true, ForwardTo: []string{"drop@evil.example"}})
	c, err := ews.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Rules().SetEnabled(context.Background(), id, false); err != nil {
		t.Fatal(err)
	}
	rules := mb.InboxRules()
	if len(rules) != 2 {
		t.Fatalf("server holds %d rules, want 2: %+v", len(rules), rules)
	}
	for _, r := range rules {
		if want := r.Name == "news"; r.Enabled != want {
			t.Errorf("rule %q (%s) enabled = %v, want %v", r.Name, r.ID, r.Enabled, want)
		}
	}
}

// A reported phish seeded as an attached message is read back by the client as the nested message, and by
// the test from the server's state.
func TestItemAttachmentSeedAndState(t *testing.T) {
	phish := &ewstest.Message{Subject: "Reset your password", From: "it-desk@evil.example",
		Attachments: []ewstest.Attachment{{Name: "reset.html", ContentType: "text/html", Content: []byte("<form>")}}}
	srv := ewstest.NewServer(t, ewstest.WithMessages("inbox", ewstest.Message{Subject: "Is this phishing?",
		Attachments: []ewstest.Attachment{{Name: "Reset your password", Message: phish}}}))
	stored := srv.Messages("inbox")
	if len(stored) != 1 || len(stored[0].Attachments) != 1 || stored[0].Attachments[0].Message == nil ||
		stored[0].Attachments[0].Message.Subject != phish.Subject || len(stored[0].Attachments[0].Message.Attachments) != 1 {
		t.Fatalf("server state: %+v", stored)
	}
	c, err := ews.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	atts, err := c.Mail().GetAttachments(context.Background(), stored[0].ID, ews.AttachmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 1 || atts[0].Message == nil || atts[0].Message.Subject != phish.Subject ||
		len(atts[0].Attachments) != 1 || string(atts[0].Attachments[0].Content) != "<form>" {
		t.Fatalf("GetAttachments = %+v", atts)
	}
}
