package ews_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

func ExampleMailService_GetAttachments() {
	var report string
	c, srv := irExampleClient(func(s *testserver.Server) {
		phish := &testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", From: testserver.Address{Email: "it-desk@evil.example"},
			Attachments: []testserver.Attachment{{Name: "reset.html", Content: []byte("<form action=http://evil.example>")}}}
		report = s.AddMessage("inbox", testserver.Item{Subject: "Is this phishing?", DateTimeReceived: mailDay,
			Attachments: []testserver.Attachment{{Name: "Reset your password", Item: phish}}})
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
	c, srv := irExampleClient(func(s *testserver.Server) {
		s.Default().AddInboxRule(testserver.InboxRule{Name: "newsletters", Enabled: true, ContainsSubjectStrings: []string{"newsletter"}, MarkAsRead: true})
		s.Default().AddInboxRule(testserver.InboxRule{Name: ".", Enabled: true, ForwardTo: []string{"drop@evil.example"}})
	})
	defer srv.Close()
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
	c, srv := irExampleClient(nil)
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

// irExampleClient is mailExampleClient on the internal server, for seeding that ewstest does not offer yet
// (item attachments, inbox rules).
func irExampleClient(seed func(*testserver.Server)) (*ews.Client, *testserver.Server) {
	srv := testserver.NewServer()
	if seed != nil {
		seed(srv)
	}
	c, err := ews.New(ews.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(),
		EmailAddress: srv.Email(), Auth: ews.AuthNTLM})
	if err != nil {
		log.Fatal(err)
	}
	return c, srv
}
