package ewstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

func TestConfigFollowsAuthAndTLS(t *testing.T) {
	for _, a := range []ewstest.Auth{ewstest.AuthNTLM, ewstest.AuthBasic, ewstest.AuthBearer} {
		srv := ewstest.NewServer(t, ewstest.WithTLS(), ewstest.WithAuth(a), ewstest.WithUser(ewstest.User{Username: `CORP\bob`,
			Password: "Bob-Passw0rd", Email: "bob@example.com"}), ewstest.WithMessages("inbox", ewstest.Message{Subject: "hi"}))
		c, err := ews.New(srv.Config())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range c.Mail().Search(context.Background(), ews.SearchOptions{}) {
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			n++
		}
		last := srv.Requests()[len(srv.Requests())-1]
		if n != 1 || last.User == "" || (a != ewstest.AuthNTLM && last.AuthScheme != string(a)) {
			t.Errorf("%s: %d messages, last request %+v", a, n, last)
		}
	}
}

func TestSeedAndState(t *testing.T) {
	srv := ewstest.NewServer(t, ewstest.WithFolders("Inbox/Cases", "Inbox/Cases/Open"),
		ewstest.WithEvents(ewstest.Event{Subject: "standup"}), ewstest.WithContacts(ewstest.Contact{DisplayName: "Bob", Emails: []string{"bob@example.com"}}))
	if !srv.Mailbox().HasFolder("Inbox/Cases/Open") {
		t.Error("nested folder missing")
	}
	if ev := srv.Mailbox().Events(); len(ev) != 1 || ev[0].Subject != "standup" {
		t.Errorf("events %+v", ev)
	}
	if cs := srv.Mailbox().Contacts(); len(cs) != 1 || cs[0].Emails[0] != "bob@example.com" {
		t.Errorf("contacts %+v", cs)
	}
	if _, err := srv.Mailbox().AddMessage("no/such/folder", ewstest.Message{}); err == nil {
		t.Error("AddMessage to a missing folder did not fail")
	}
	if err := srv.Mailbox().Seed(20, 1); err != nil || len(srv.Messages("inbox")) == 0 {
		t.Errorf("Seed: %v", err)
	}
}

func TestFaultCounts(t *testing.T) {
	srv := ewstest.NewServer(t, ewstest.WithFaults(ewstest.Unavailable("0").For("FindItem").Times(2)),
		ewstest.WithMessages("inbox", ewstest.Message{Subject: "x"}))
	c, err := ews.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Mail().Search(context.Background(), ews.SearchOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	faulted := 0
	for _, r := range srv.Requests() {
		if r.Fault == "Unavailable" && !r.CarriedOut {
			faulted++
		}
	}
	if faulted != 2 || srv.Calls("FindItem") != 1 {
		t.Errorf("%d faulted, %d FindItem carried out; want 2 and 1", faulted, srv.Calls("FindItem"))
	}
	srv.AddFault(ewstest.Unavailable("").For("FindItem"))
	cfg := srv.Config()
	cfg.Retry = &ews.RetryPolicy{MaxAttempts: 1}
	c2, _ := ews.New(cfg)
	for _, err := range c2.Mail().Search(context.Background(), ews.SearchOptions{}) {
		var he *ews.HTTPError
		if !errors.As(err, &he) || he.StatusCode != 503 {
			t.Errorf("err = %v; want the 503", err)
		}
		break
	}
}
