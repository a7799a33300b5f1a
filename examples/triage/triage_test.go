package triage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

func newServer(t *testing.T, opts ...ewstest.Option) (*ewstest.Server, *ews.Client) {
	t.Helper()
	opts = append([]ewstest.Option{
		ewstest.WithFolders("Inbox/Phishing"),
		ewstest.WithMailbox("soc@example.com", "SOC"),
		ewstest.WithMessages("inbox",
			ewstest.Message{Subject: "Reset your password", From: "it@examp1e-helpdesk.com"},
			ewstest.Message{Subject: "Quarterly report", From: "bob@example.com"},
			ewstest.Message{Subject: "Wire transfer", From: "ceo@gmail-exec.co"},
			ewstest.Message{Subject: "Old phish", From: "x@gmail-exec.co", IsRead: true}),
	}, opts...)
	srv := ewstest.NewServer(t, opts...)
	c, err := ews.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestTriage(t *testing.T) {
	srv, c := newServer(t)
	n, err := Triage(context.Background(), c, []string{"examp1e-helpdesk.com", "gmail-exec.co"}, "soc@example.com")
	if err != nil || n != 2 {
		t.Fatalf("Triage = %d, %v; want 2, nil", n, err)
	}
	phish := srv.Messages("Inbox/Phishing")
	if len(phish) != 2 || !phish[0].IsRead || !phish[1].IsRead {
		t.Errorf("Inbox/Phishing = %+v; want the 2 unread phishing messages, read", phish)
	}
	if inbox := srv.Messages("inbox"); len(inbox) != 2 {
		t.Errorf("inbox holds %d messages; want 2", len(inbox))
	}
	soc := srv.Mailbox("soc@example.com").Messages("inbox")
	if len(soc) != 1 || soc[0].Subject != "Triage: 2 phishing" {
		t.Errorf("SOC inbox = %+v; want one summary", soc)
	}
}

// The server throttles the move once and breaks the connection after the send: the client retries the move,
// and reports the send's unknown outcome, which the test can check against what the server really did.
func TestTriageWithFaults(t *testing.T) {
	srv, c := newServer(t, ewstest.WithFaults(
		ewstest.ServerBusy(30*time.Millisecond).For("MoveItem").Times(1),
		ewstest.ResetAfter().For("CreateItem").Times(1)))
	_, err := Triage(context.Background(), c, []string{"gmail-exec.co"}, "soc@example.com")
	if !errors.Is(err, ews.ErrOutcomeUnknown) {
		t.Fatalf("Triage error = %v; want ErrOutcomeUnknown (the send's answer was lost)", err)
	}
	if got := srv.Calls("MoveItem"); got != 1 {
		t.Errorf("MoveItem carried out %d times; want 1 (the busy answer did not move anything)", got)
	}
	if got := len(srv.Messages("Inbox/Phishing")); got != 1 {
		t.Errorf("Inbox/Phishing holds %d; want 1", got)
	}
	if sent := srv.Sent(); len(sent) != 1 {
		t.Errorf("sent %d messages; want 1: the send was carried out before the reset", len(sent))
	}
}
