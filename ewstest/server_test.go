package ewstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

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

// WithVersion gives the server the release's behaviour, not only its header: Exchange 2007 SP1 refuses the
// client's default RequestServerVersion (so the client steps down) and the client learns what it lacks.
func TestWithVersionTakesThePersonality(t *testing.T) {
	for _, tc := range []struct {
		name    string
		v       ewstest.Version
		refused bool
		sent    string
	}{
		{"2007 SP1", ewstest.Exchange2007SP1, true, "Exchange2007_SP1"},
		{"2010 SP2", ewstest.Exchange2010SP2, true, "Exchange2010_SP2"},
		{"2019", ewstest.Exchange2019, false, "Exchange2016"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ewstest.NewServer(t, ewstest.WithVersion(tc.v))
			c, err := ews.New(srv.Config())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := c.GetFolder(ctx, ews.Inbox); err != nil {
				t.Fatal(err)
			}
			if sv, ok := c.ServerVersion(); !ok || sv.Major != tc.v.Major || sv.Minor != tc.v.Minor || sv.Build != tc.v.Build {
				t.Errorf("ServerVersion = %+v, %v; want %+v", sv, ok, tc.v)
			}
			refused := 0
			for _, r := range srv.Requests() {
				if r.Operation == "GetFolder" && !r.CarriedOut {
					refused++
				}
			}
			if (refused > 0) != tc.refused {
				t.Errorf("%d GetFolder refused for their RequestServerVersion, want refusals: %v", refused, tc.refused)
			}
			if _, err := c.GetFolder(ctx, ews.SentItems); err != nil {
				t.Fatal(err)
			}
			if r := srv.Requests(); r[len(r)-1].Version != tc.sent || !r[len(r)-1].CarriedOut {
				t.Errorf("after learning the version the client sent %s (carried out: %v), want %s", r[len(r)-1].Version, r[len(r)-1].CarriedOut, tc.sent)
			}
			_, err = c.GetFolder(ctx, ews.RecoverableItemsRoot)
			if older := tc.v == ewstest.Exchange2007SP1; older != errors.Is(err, ews.ErrInvalidServerVersion) {
				t.Errorf("GetFolder(RecoverableItemsRoot) on %s: %v", tc.name, err)
			}
		})
	}
}
