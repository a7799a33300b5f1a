package ews_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// mailExampleClient starts the fake EWS server, seeds it with seed and returns a client for its user.
func mailExampleClient(seed func(*ewstest.Server)) (*ews.Client, *ewstest.Server) {
	srv := ewstest.NewServer(nil) // in a test: ewstest.NewServer(t), closed when the test ends
	if seed != nil {
		seed(srv)
	}
	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	return c, srv
}

var mailDay = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

func ExampleMailService_Send() {
	c, srv := mailExampleClient(func(s *ewstest.Server) { s.AddMailbox("bob@example.com", "Bob") })
	defer srv.Close()
	ctx := context.Background()

	sent, err := c.Mail().Send(ctx, ews.Draft{
		To:      []string{"Bob <bob@example.com>"},
		Subject: "Incident 4711: phishing report",
		Body:    "<p>See the attached <b>indicators</b>.</p>",
		HTML:    true,
		Attachments: []ews.Attachment{
			{Name: "iocs.csv", ContentType: "text/csv", Content: []byte("type,value\ndomain,evil.example\n")},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The copy saved in Sent Items.
	msgs, err := c.Mail().Get(ctx, sent.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msgs[0].Subject, "->", msgs[0].To[0], "with", msgs[0].Attachments[0].Name)
	// Output: Incident 4711: phishing report -> Bob <bob@example.com> with iocs.csv
}

func ExampleMailService_Unread() {
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		s.AddMessage("inbox", ewstest.Message{Subject: "Suspicious login", Received: mailDay,
			From: "alerts@idp.example.com"})
		s.AddMessage("inbox", ewstest.Message{Subject: "Already handled", Received: mailDay.Add(time.Hour), IsRead: true})
		s.AddMessage("inbox", ewstest.Message{Subject: "Invoice overdue", Received: mailDay.Add(2 * time.Hour),
			From: "Mallory <mallory@evil.example>"})
	})
	defer srv.Close()
	ctx := context.Background()

	// Each message is marked read once the loop body has handled it.
	for m, err := range c.Mail().Unread(ctx, ews.UnreadOptions{Folder: ews.Inbox, MarkRead: true}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (from %s)\n", m.Subject, m.From.Email)
	}
	n := 0
	for range c.Mail().Unread(ctx, ews.UnreadOptions{}) {
		n++
	}
	fmt.Println("unread now:", n)
	// Output:
	// Suspicious login (from alerts@idp.example.com)
	// Invoice overdue (from mallory@evil.example)
	// unread now: 0
}

func ExampleMailService_Search() {
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		for i, subject := range []string{"Invoice 1", "Lunch", "INVOICE 2 overdue", "invoice 3"} {
			s.AddMessage("inbox", ewstest.Message{Subject: subject, Received: mailDay.Add(time.Duration(i) * time.Hour),
				From: "billing@evil.example"})
		}
	})
	defer srv.Close()

	// Newest first; the iterator pages and fetches details in batches, and stops requesting when the loop ends.
	for m, err := range c.Mail().Search(context.Background(), ews.SearchOptions{
		Folder:  ews.Inbox,
		Sender:  "billing@evil.example",
		Subject: "invoice",
		Limit:   2,
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Received.Format(time.Kitchen), m.Subject)
	}
	// Output:
	// 12:00PM invoice 3
	// 11:00AM INVOICE 2 overdue
}

func ExampleMailService_Move() {
	var id string
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		if _, err := s.Mailbox().AddFolder("Inbox/Phishing"); err != nil {
			log.Fatal(err)
		}
		id = s.AddMessage("inbox", ewstest.Message{Subject: "Reset your password", MessageID: "<reset@evil.example>"})
	})
	defer srv.Close()
	ctx := context.Background()

	// By Internet Message-ID or by ItemId; a moved message gets a new id.
	moved, err := c.Mail().Move(ctx, ews.FolderByPath("Inbox/Phishing"), "<reset@evil.example>")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(moved[0].ID == id, moved[0].NewID != id)
	found, err := c.Mail().FindByMessageID(ctx, "<reset@evil.example>", ews.FolderByPath("Inbox/Phishing"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(found), found[0].ID == moved[0].NewID)
	// Output:
	// true true
	// 1 true
}

func ExampleMailService_Delete() {
	var ids []string
	c, srv := mailExampleClient(func(s *ewstest.Server) {
		ids = append(ids, s.AddMessage("inbox", ewstest.Message{Subject: "spam 1"}), s.AddMessage("inbox", ewstest.Message{Subject: "spam 2"}))
	})
	defer srv.Close()
	ctx := context.Background()

	// One id was already deleted: the other is deleted, and the error names the one that failed.
	if err := c.Mail().Delete(ctx, ews.DeleteOptions{How: ews.HardDelete}, ids[0]); err != nil {
		log.Fatal(err)
	}
	err := c.Mail().Delete(ctx, ews.DeleteOptions{How: ews.MoveToDeletedItems}, ids...)
	fmt.Println(err != nil, len(srv.Messages("deleteditems")))
	var be *ews.BatchError
	if errors.As(err, &be) {
		fmt.Println(be.Failed[0].Ref == ids[0], be.Failed[0].Err)
	}
	// Output:
	// true 1
	// true ews: DeleteItem: ErrorItemNotFound: The specified object was not found in the store.
}
