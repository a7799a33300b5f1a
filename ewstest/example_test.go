package ewstest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// A test seeds a mailbox, runs the code under test against the server and asserts what the server holds.
// In a test, pass t instead of nil: the server is then closed when the test ends.
func ExampleNewServer() {
	srv := ewstest.NewServer(nil,
		ewstest.WithFolders("Inbox/Phishing"),
		ewstest.WithMessages("inbox",
			ewstest.Message{Subject: "Invoice overdue", From: "Mallory <mallory@evil.example>"},
			ewstest.Message{Subject: "Lunch?", From: "bob@example.com"}))
	defer srv.Close()

	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// The code under test: move mail from evil.example to Inbox/Phishing.
	for m, err := range c.Mail().Search(ctx, ews.SearchOptions{Folder: ews.Inbox}) {
		if err != nil {
			log.Fatal(err)
		}
		if m.From.Email == "mallory@evil.example" {
			if _, err := c.Mail().Move(ctx, ews.FolderByPath("Inbox/Phishing"), m.ID); err != nil {
				log.Fatal(err)
			}
		}
	}
	for _, m := range srv.Messages("Inbox/Phishing") {
		fmt.Println("phishing:", m.Subject)
	}
	fmt.Println("inbox:", len(srv.Messages("inbox")), "MoveItem calls:", srv.Calls("MoveItem"))
	// Output:
	// phishing: Invoice overdue
	// inbox: 1 MoveItem calls: 1
}

// Faults show how code copes with a throttling server and broken connections.
func ExampleWithFaults() {
	srv := ewstest.NewServer(nil, ewstest.WithMailbox("soc@example.com", "SOC"),
		ewstest.WithFaults(ewstest.ServerBusy(20*time.Millisecond).For("CreateItem").Times(1)))
	defer srv.Close()
	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	// The client waits the back-off the server asked for and sends again.
	if _, err := c.Mail().Send(context.Background(), ews.Draft{To: []string{"soc@example.com"}, Subject: "Alert 7"}); err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if r.Operation == "CreateItem" {
			fmt.Println(r.Operation, "fault:", r.Fault, "carried out:", r.CarriedOut)
		}
	}
	fmt.Println("sent:", srv.Sent()[0].Subject, "| in the SOC inbox:", len(srv.Mailbox("soc@example.com").Messages("inbox")))
	// Output:
	// CreateItem fault: ServerBusy carried out: false
	// CreateItem fault:  carried out: true
	// sent: Alert 7 | in the SOC inbox: 1
}

// A fault after the server acted leaves the client unsure whether its change was made.
func ExampleResetAfter() {
	srv := ewstest.NewServer(nil, ewstest.WithMailbox("soc@example.com", "SOC"),
		ewstest.WithFaults(ewstest.ResetAfter().For("CreateItem").Times(1)))
	defer srv.Close()
	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Mail().Send(context.Background(), ews.Draft{To: []string{"soc@example.com"}, Subject: "Alert 8"})
	fmt.Println(errors.Is(err, ews.ErrOutcomeUnknown), "| sent:", len(srv.Sent()))
	// Output: true | sent: 1
}

// WithAuth picks the scheme; Config follows it (here OAuth2 bearer tokens over https, as Exchange Online).
func ExampleWithAuth() {
	srv := ewstest.NewServer(nil, ewstest.WithTLS(), ewstest.WithAuth(ewstest.AuthBearer), ewstest.WithVersion(ewstest.ExchangeOnline))
	defer srv.Close()
	c, err := ews.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range c.Mail().Unread(context.Background(), ews.UnreadOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	v, _ := c.ServerVersion()
	fmt.Println(srv.Requests()[len(srv.Requests())-1].AuthScheme, n, v.Major)
	// Output: Bearer 0 15
}
