package connector_test

import (
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

func TestMarkAsJunkOperation(t *testing.T) {
	srv, cfg := setupImpersonation(t, "bob@example.com")
	bob := srv.Mailbox("bob@example.com")
	bob.AddItem("inbox", testserver.Item{Subject: "win a prize", From: testserver.Address{Email: "prize@spam.example"}, InternetMessageID: "<prize@spam.example>"})
	var out connector.MarkedJunk
	execOK(t, cfg, "mark_as_junk", `{"message_id": "<prize@spam.example>", "mailbox": "bob@example.com"}`, &out)
	if !out.IsJunk || len(out.NewIDs) != 1 {
		t.Fatalf("mark_as_junk = %+v", out)
	}
	if it, _ := srv.Item(out.NewIDs[0]); it.FolderID != bob.FolderID("junkemail") {
		t.Errorf("not in Junk Email")
	}
	if b := bob.BlockedSenders(); len(b) != 1 || b[0] != "prize@spam.example" {
		t.Errorf("blocked = %v", b)
	}
	execOK(t, cfg, "mark_as_junk", `{"message_id": "<prize@spam.example>", "is_junk": false, "mailbox": "bob@example.com"}`, &out)
	if it, _ := srv.Item(out.NewIDs[0]); it.FolderID != bob.FolderID("inbox") || len(bob.BlockedSenders()) != 0 {
		t.Errorf("is_junk false: %+v, blocked %v", it, bob.BlockedSenders())
	}
}

func TestMarkAsJunkOldServer(t *testing.T) {
	srv, cfg := setup(t, testserver.WithVersion(testserver.ServerVersion{MajorVersion: 14, MinorVersion: 3, MajorBuildNumber: 123, MinorBuildNumber: 4, Version: "Exchange2010_SP2"}))
	id := srv.Default().AddItem("inbox", testserver.Item{Subject: "x", From: testserver.Address{Email: "a@spam.example"}})
	execFail(t, cfg, "mark_as_junk", `{"message_id": "`+id+`"}`, "ErrorInvalidServerVersion", "MarkAsJunk needs Exchange 2013")
}

func TestReplyForwardOperations(t *testing.T) {
	overBackends(t, testReplyForwardOperations)
}

func testReplyForwardOperations(t *testing.T, setup setupFunc) {
	srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
		Email: "soc@example.com", CanImpersonate: true}))
	if cfg.Backend != "graph" {
		cfg.AccessType = "Impersonation"
	}
	bob := srv.AddMailbox("bob@example.com", "")
	srv.AddMailbox("abuse@example.com", "")
	srv.Default().AddItem("inbox", testserver.Item{Subject: "Phishing?", Body: "look", From: testserver.Address{Email: "bob@example.com"},
		To: []testserver.Address{{Email: "soc@example.com"}}, InternetMessageID: "<q@example.com>"})
	var r connector.Replied
	execOK(t, cfg, "reply_email", `{"message_id": "<q@example.com>", "body": "Confirmed phishing, removed."}`, &r)
	if got := bob.Items("inbox"); len(got) != 1 || got[0].Subject != "RE: Phishing?" || got[0].InReplyTo != "<q@example.com>" {
		t.Errorf("reply: %+v", got)
	}
	execOK(t, cfg, "forward_email", `{"message_id": "<q@example.com>", "to_recipients": "abuse@example.com", "as_attachment": true}`, &r)
	got := srv.Mailbox("abuse@example.com").Items("inbox")
	if len(got) != 1 || len(got[0].Attachments) != 1 || got[0].Attachments[0].ContentType != "message/rfc822" || r.Action != "forward_as_attachment" {
		t.Errorf("forward as attachment: %+v", got)
	}
	execFail(t, cfg, "forward_email", `{"message_id": "<q@example.com>"}`, "InvalidParameter", "to_recipients")
	execFail(t, cfg, "reply_email", `{"message_id": "<q@example.com>", "cc_recipients": "nope"}`, "InvalidParameter", "cc_recipients")
}

func TestRecoverEmailOperation(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		// The service account reaches bob's mailbox by impersonation over EWS, with its app-only token over Graph.
		srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
			Email: "soc@example.com", CanImpersonate: true}))
		if cfg.Backend != "graph" {
			cfg.AccessType = "Impersonation"
		}
		bob := srv.AddMailbox("bob@example.com", "")
		bob.AddItem("recoverableitemsdeletions", testserver.Item{ItemClass: "IPM.Note", Subject: "purged by mistake", InternetMessageID: "<oops@example.com>"})

		var listed []connector.Email
		execOK(t, cfg, "search_query", `{"folder_name": "Recoverable Items", "subject": "mistake"}`, &listed)
		if len(listed) != 0 {
			t.Errorf("search_query without mailbox looked in bob's mailbox")
		}
		var moved connector.MovedEmail
		execOK(t, cfg, "recover_email", `{"message_id": "<oops@example.com>", "mailbox": "bob@example.com"}`, &moved)
		if len(moved.NewIDs) != 1 || moved.DestinationFolder != "Inbox" {
			t.Fatalf("recover_email = %+v", moved)
		}
		if in := bob.Items("inbox"); len(in) != 1 || in[0].Subject != "purged by mistake" || len(bob.Items("recoverableitemsdeletions")) != 0 {
			t.Errorf("bob's inbox after recover_email: %+v", in)
		}
		execFail(t, cfg, "recover_email", `{"message_id": "<oops@example.com>", "mailbox": "bob@example.com"}`, "ErrorItemNotFound", "Recoverable Items")
	})
}

func TestSearchQueryRecoverableItems(t *testing.T) {
	srv, cfg := setup(t)
	srv.Default().AddItem("recoverableitemsdeletions", testserver.Item{ItemClass: "IPM.Note", Subject: "deleted invoice"})
	srv.Default().AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "live invoice"})
	var listed []connector.Email
	execOK(t, cfg, "search_query", `{"folder_name": "Recoverable Items", "subject": "invoice"}`, &listed)
	if len(listed) != 1 || listed[0].Subject != "deleted invoice" {
		t.Errorf("search_query in Recoverable Items = %v", emailSubjects(listed))
	}
}
