package connector_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"testing"

	"github.com/ewsgo/ews/connector"
)

func TestGetAttachmentsOperation(t *testing.T) {
	srv, cfg := setupImpersonation(t, "bob@example.com")
	srv.Mailbox("bob@example.com").AddItem("inbox", reportedPhish("bob@example.com"))

	var atts []connector.AttachmentData
	execOK(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>", "mailbox": "bob@example.com"}`, &atts)
	if len(atts) != 1 || !atts[0].IsItem || atts[0].Email == nil || atts[0].Email.Subject != "Reset your password" ||
		atts[0].Email.From.Email != "it-desk@evil.example" {
		t.Fatalf("get_attachments = %+v", atts)
	}
	eml, _ := base64.StdEncoding.DecodeString(atts[0].Content)
	if m, err := mail.ReadMessage(bytes.NewReader(eml)); err != nil || m.Header.Get("Subject") != "Reset your password" {
		t.Errorf("item attachment content is not the message as MIME: %v", err)
	}
	nested := atts[0].Attachments
	if len(nested) != 2 || nested[0].Name != "reset.html" || len(nested[1].Attachments) != 1 {
		t.Fatalf("nested = %+v", nested)
	}
	raw, _ := base64.StdEncoding.DecodeString(nested[0].Content)
	sum := sha256.Sum256(raw)
	if string(raw) != "<form action=http://evil.example/steal>" || nested[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("nested file: %q %s", raw, nested[0].SHA256)
	}
	if deep := nested[1].Attachments[0]; deep.Name != "deep.txt" || deep.Content != base64.StdEncoding.EncodeToString([]byte("level 3")) {
		t.Errorf("level 3: %+v", deep)
	}
	// Every request acted on bob's mailbox by impersonation.
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.Impersonating != "bob@example.com" {
			t.Errorf("%s impersonated %q", r.Operation, r.Impersonating)
		}
	}
	// max_depth 1: the attached message is decoded, its own attachments listed without content.
	execOK(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>", "mailbox": "bob@example.com", "max_depth": 1}`, &atts)
	if n := atts[0].Attachments; len(n) != 2 || n[0].Content != "" || n[0].Skipped == "" {
		t.Errorf("max_depth 1: %+v", n)
	}
	// max_size: nothing downloaded.
	execOK(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>", "mailbox": "bob@example.com", "max_size": 5}`, &atts)
	if atts[0].Content != "" || atts[0].Skipped == "" {
		t.Errorf("max_size: %+v", atts[0])
	}

	before := len(srv.Requests())
	execFail(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>", "mailbox": "not an address"}`, "InvalidParameter", "mailbox")
	execFail(t, cfg, "get_attachments", `{"message_id": "<report-1@example.com>", "max_depth": -1}`, "InvalidParameter", "max_depth")
	if len(srv.Requests()) != before {
		t.Errorf("bad parameters sent requests")
	}
	execFail(t, cfg, "get_attachments", `{"message_id": "<nope@example.com>", "mailbox": "bob@example.com"}`, "ErrorItemNotFound", "nope@example.com")
}

func TestGetEmailEML(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		id := srv.Default().AddItem("inbox", reportedPhish(srv.Email()))
		var out connector.EmailEML
		execOK(t, cfg, "get_email_eml", `{"message_id": "`+id+`"}`, &out)
		eml, err := base64.StdEncoding.DecodeString(out.Content)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(eml))
		if err != nil || m.Header.Get("Subject") != "Phishing report" || m.Header.Get("Message-Id") != "<report-1@example.com>" {
			t.Fatalf("eml: %v\n%s", err, eml)
		}
		sum := sha256.Sum256(eml)
		if out.ID != id || out.Size != len(eml) || out.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("result = %+v", out)
		}
		execFail(t, cfg, "get_email_eml", `{}`, "InvalidParameter", "message_id")
	})
}
