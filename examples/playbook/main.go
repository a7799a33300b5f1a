// Command playbook runs a phishing playbook end to end against the in-process fake EWS server:
//
//	go run ./examples/playbook
//
// A user reported a phishing message by forwarding it as an attachment to the SOC mailbox. The playbook opens
// the report, takes the phishing message's sender and subject, searches 50 mailboxes across all their folders,
// moves every copy to a Quarantine folder with a report line per item, and turns off the inbox rule that
// forwards the compromised account's mail to an outside domain. It prints the report as JSON.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := testserver.NewServer(testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1",
		Email: "soc@example.com", CanImpersonate: true}))
	defer srv.Close()
	w := seedWorld(srv, 50)
	c, err := ews.New(ews.Config{Host: srv.URL, Username: `CORP\svc-soar`, Password: "Svc-Pass-1", EmailAddress: "soc@example.com",
		AccessType: ews.Impersonation, Auth: ews.AuthNTLM})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := run(ctx, c, Input{Report: w.report, Mailboxes: w.mailboxes, Quarantine: "Quarantine",
		Compromised: w.compromised, InternalDomains: []string{"example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		log.Fatal(err)
	}
	moved := 0
	for _, it := range rep.Items {
		if it.Status == "moved" {
			moved++
		}
	}
	fmt.Fprintf(os.Stderr, "%d mailboxes searched, %d copies found, %d moved to quarantine, %d forwarding rules disabled\n",
		rep.MailboxesSearched, len(rep.Items), moved, len(rep.RulesDisabled))
}

// world is the fake organisation the playbook runs in.
type world struct {
	mailboxes   []string
	report      string // the report's ItemId in the SOC mailbox
	compromised string
	copies      int // copies of the phishing message in the mailboxes
}

const (
	phishSender  = "it-desk@evil.example"
	phishSubject = "Action required: reset your password"
)

// seedWorld makes n mailboxes that received the phishing message (in the Inbox; some also in Junk Email, a
// subfolder or Deleted Items), a report of it in the SOC mailbox, and a forwarding rule in one mailbox.
func seedWorld(srv *testserver.Server, n int) world {
	var w world
	base := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	phish := testserver.Item{ItemClass: "IPM.Note", Subject: phishSubject, Body: "<p>Your password expires today. <a href='http://evil.example/reset'>Reset it</a></p>",
		BodyType: "HTML", From: testserver.Address{Name: "IT Desk", Email: phishSender}, InternetMessageID: "<reset-2024@evil.example>",
		DateTimeReceived: base, Attachments: []testserver.Attachment{{Name: "reset.html", ContentType: "text/html", Content: []byte("<form action=http://evil.example/steal>")}}}
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("user%02d@example.com", i)
		w.mailboxes = append(w.mailboxes, addr)
		mb := srv.AddMailbox(addr, fmt.Sprintf("User %02d", i))
		p := phish
		p.To = []testserver.Address{{Email: addr}}
		mb.AddItem("inbox", p)
		w.copies++
		switch i % 5 {
		case 1:
			mb.AddItem("junkemail", p)
			w.copies++
		case 2:
			if _, err := mb.AddFolder("inbox", "Projects", ""); err != nil {
				panic(err)
			}
			mb.AddItem("Inbox/Projects", p)
			w.copies++
		case 3:
			mb.AddItem("deleteditems", p)
			w.copies++
		}
		// Mail that must not be touched: same sender other subject, same subject other sender.
		mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "Lunch?", From: testserver.Address{Email: "colleague@example.com"}, DateTimeReceived: base})
		mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: phishSubject, From: testserver.Address{Email: "it@example.com"}, DateTimeReceived: base})
	}
	w.compromised = w.mailboxes[13]
	srv.Mailbox(w.compromised).AddInboxRule(testserver.InboxRule{Name: "archive", Enabled: true, ContainsSubjectStrings: []string{"newsletter"},
		MoveToFolder: srv.Mailbox(w.compromised).FolderID("archive")})
	srv.Mailbox(w.compromised).AddInboxRule(testserver.InboxRule{Name: ".", Enabled: true, FromAddresses: []string{"cfo@example.com"},
		ForwardTo: []string{"collector@evil-mail.example"}, MarkAsRead: true})

	reported := phish
	reported.To = []testserver.Address{{Email: w.mailboxes[7]}}
	w.report = srv.Mailbox("soc@example.com").AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "Phishing report: " + phishSubject,
		Body: "Is this legit?", From: testserver.Address{Email: w.mailboxes[7]}, To: []testserver.Address{{Email: "soc@example.com"}},
		Attachments: []testserver.Attachment{{Name: phishSubject, Item: &reported}}})
	return w
}
