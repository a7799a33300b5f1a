package ews

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"testing"
)

func TestGetAttachmentsNested(t *testing.T) {
	srv, c := setup(t)
	id := srv.AddMessage("inbox", reportedPhish("bob@example.com"))
	ctx := testCtx(t)
	atts, err := c.Mail().GetAttachments(ctx, id, AttachmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 1 || !atts[0].IsItem || atts[0].Message == nil {
		t.Fatalf("attachments = %+v", atts)
	}
	report := atts[0]
	if report.Message.Subject != "Reset your password" || report.Message.From.Email != "it-desk@evil.example" ||
		report.Message.InternetMessageID != "<reset-1@evil.example>" {
		t.Errorf("attached message = %+v", report.Message)
	}
	if m, err := mail.ReadMessage(bytes.NewReader(report.Content)); err != nil || m.Header.Get("Subject") != "Reset your password" {
		t.Errorf("attached message as MIME: %v\n%s", err, report.Content)
	}
	sum := sha256.Sum256(report.Content)
	if report.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s", report.SHA256)
	}
	if len(report.Attachments) != 2 {
		t.Fatalf("nested attachments = %+v", report.Attachments)
	}
	html := report.Attachments[0]
	sum = sha256.Sum256([]byte("<form action=http://evil.example/steal>"))
	if html.Name != "reset.html" || string(html.Content) != "<form action=http://evil.example/steal>" || html.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("nested file = %+v", html)
	}
	deeper := report.Attachments[1]
	if !deeper.IsItem || deeper.Message.Subject != "earlier" || len(deeper.Attachments) != 1 || string(deeper.Attachments[0].Content) != "level 3" {
		t.Errorf("level 3 = %+v", deeper)
	}
	// Each nested attachment was fetched by its own id, as Exchange serves them.
	if n := mailCountOp(srv, "GetAttachment"); n != 4 {
		t.Errorf("%d GetAttachment requests, want 4", n)
	}

	// Depth bound: level 2 only.
	atts, err = c.Mail().GetAttachments(ctx, id, AttachmentOptions{MaxDepth: 2})
	if err != nil {
		t.Fatal(err)
	}
	deep := atts[0].Attachments[1].Attachments
	if len(deep) != 1 || deep[0].Content != nil || !strings.Contains(deep[0].Skipped, "depth") {
		t.Errorf("depth bound: %+v", deep)
	}
	// Size bound: the report's MIME is larger than 10 bytes, so nothing is downloaded past the listing.
	atts, err = c.Mail().GetAttachments(ctx, id, AttachmentOptions{MaxBytes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if atts[0].Content != nil || !strings.Contains(atts[0].Skipped, "size bound") {
		t.Errorf("size bound: %+v", atts[0])
	}
	// Bad input is refused before any request.
	before := len(mailOps(srv))
	_, err = c.Mail().GetAttachments(ctx, id, AttachmentOptions{MaxDepth: -1})
	wantInputErr(t, err, "AttachmentOptions.MaxDepth")
	noRequests(t, srv, before)
}
