package ews_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

func ExampleMailService_GetAttachments() {
	var report string
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		phish := &ewstest.Message{Subject: "Reset your password", From: "it-desk@evil.example",
			Attachments: []ewstest.Attachment{{Name: "reset.html", Content: []byte("<form action=http://evil.example>")}}}
		report = s.AddMessage("inbox", ewstest.Message{Subject: "Is this phishing?", Received: mailDay,
			Attachments: []ewstest.Attachment{{Name: "Reset your password", Message: phish}}})
	})
	defer srv.Close()
	atts, err := c.Mail().GetAttachments(context.Background(), report, ews.AttachmentOptions{})
	if err != nil {
		log.Fatal(err)
	}
	m := atts[0].Message // the reported message, decoded
	fmt.Println(m.Subject, "from", m.From.Email)
	for _, a := range atts[0].Attachments { // its own attachments, with content
		fmt.Println(a.Name, a.SHA256[:16])
	}
	// Output:
	// Reset your password from it-desk@evil.example
	// reset.html 1cf88629f19d3244
}

func ExampleRulesService_SetEnabled() {
	srv := ewstest.NewServer(nil, ewstest.WithVersion(ewstest.Exchange2019)) // inbox rules need Exchange 2010 SP1+
	defer srv.Close()
	srv.Mailbox().AddInboxRule(ewstest.InboxRule{Name: "newsletters", Enabled: true, ContainsSubjectStrings: []string{"newsletter"}, MarkAsRead: true})
	srv.Mailbox().AddInboxRule(ewstest.InboxRule{Name: ".", Enabled: true, ForwardTo: []string{"drop@evil.example"}})
	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	rules, err := c.Rules().List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rules {
		if out := r.ForwardsOutside("example.com"); len(out) > 0 {
			if _, err := c.Rules().SetEnabled(ctx, r.ID, false); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("disabled rule %q forwarding to %v\n", r.Name, out)
		}
	}
	// Output: disabled rule "." forwarding to [drop@evil.example]
}

func ExampleClient_CreateFolder() {
	c, srv := mailExampleClient(nil)
	defer srv.Close()
	ctx := context.Background()
	q, err := c.CreateFolder(ctx, ews.MsgFolderRoot, "Quarantine")
	if errors.Is(err, ews.ErrFolderExists) {
		q, err = c.GetFolder(ctx, ews.FolderByPath("Quarantine"))
	}
	if err != nil {
		log.Fatal(err)
	}
	found, err := c.FindFolders(ctx, "quarantine", ews.FolderFindOptions{Exact: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.DisplayName, found[0].Path)
	// Output: Quarantine Quarantine
}
