package ews_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// Search and purge: delete a phishing message, by its Message-ID, from every mailbox of the organisation. The
// service account has the ApplicationImpersonation role; the mailboxes share its connections and its back-off.
func ExampleClient_FanOut() {
	srv := ewstest.NewServer(nil, ewstest.WithUser(ewstest.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1",
		Email: "svc@example.com", CanImpersonate: true}))
	defer srv.Close()
	mailboxes := []string{"alice@example.com", "bob@example.com", "carol@example.com"}
	for i, addr := range mailboxes {
		mb := srv.AddMailbox(addr, "")
		if i != 1 {
			if _, err := mb.AddMessage("inbox", ewstest.Message{Subject: "Invoice overdue", MessageID: "<x1@evil.example>"}); err != nil {
				log.Fatal(err)
			}
		}
	}
	cfg := srv.Config() // for the service account, the server's first user
	cfg.AccessType = ews.Impersonation
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	results := c.FanOut(context.Background(), mailboxes, 8, func(ctx context.Context, mc *ews.Client) error {
		msgs, err := mc.Mail().FindByMessageID(ctx, "<x1@evil.example>")
		if err != nil || len(msgs) == 0 {
			return err
		}
		ids := make([]string, len(msgs))
		for i, m := range msgs {
			ids[i] = m.ID
		}
		return mc.Mail().Delete(ctx, ews.DeleteOptions{How: ews.SoftDelete}, ids...)
	})
	for _, r := range results {
		fmt.Println(r.Mailbox, r.Err)
	}
	fmt.Println(len(srv.Mailbox("alice@example.com").Messages("inbox")), "left in alice's inbox")
	// Output:
	// alice@example.com <nil>
	// bob@example.com <nil>
	// carol@example.com <nil>
	// 0 left in alice's inbox
}

// A large scan: only the properties needed, several requests in flight while the loop body runs.
func ExampleMailService_Search_scan() {
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		for i := range 250 {
			s.AddMessage("inbox", ewstest.Message{Subject: fmt.Sprintf("alert %d", i), Body: "<p>...</p>", HTML: true,
				From: "siem@example.com", Received: mailDay.Add(time.Duration(i) * time.Minute)})
		}
	})
	defer srv.Close()
	n := 0
	var newest string
	for m, err := range c.Mail().Search(context.Background(), ews.SearchOptions{
		Only:        []string{"subject", "sender", "datetime_received", "is_read", "body"},
		Concurrency: 4,
	}) {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			newest = m.Subject
		}
		n++
	}
	fmt.Println(n, "messages, newest:", newest)
	// Output: 250 messages, newest: alert 249
}
