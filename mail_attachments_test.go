package ews

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestAttachmentsListAndDownload(t *testing.T) {
	srv, c := setup(t)
	id := srv.AddMessage("inbox", phish(time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)))
	ctx := testCtx(t)
	atts, err := c.Mail().Attachments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := srv.Item(id)
	if len(atts) != 3 || atts[0].ID != stored.Attachments[0].ID || atts[2].ID != stored.Attachments[2].ID || !atts[2].IsItem || !atts[1].Inline {
		t.Fatalf("attachments = %+v", atts)
	}
	// A file attachment comes back byte for byte.
	content, info, err := c.Mail().AttachmentContent(ctx, atts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(content, []byte("MZ\x90\x00 payload")) || info.Name != "invoice.pdf.exe" || info.IsItem || info.Size != int64(len(content)) {
		t.Errorf("file attachment: %q %+v", content, info)
	}
	if b := mailLastBody(t, srv, "GetAttachment"); !hasText(b, "<t:IncludeMimeContent>true</t:IncludeMimeContent>") {
		t.Errorf("GetAttachment request: %s", b)
	}
	// The same as a stream.
	rc, info2, err := c.Mail().OpenAttachment(ctx, atts[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(png, []byte{0x89, 'P', 'N', 'G'}) || info2.ContentID != "logo" || !info2.Inline {
		t.Errorf("inline attachment: %q %+v", png, info2)
	}
	// An item attachment comes back as MIME that a mail parser reads.
	eml, info3, err := c.Mail().AttachmentContent(ctx, atts[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		t.Fatalf("item attachment is not MIME: %v\n%s", err, eml)
	}
	if msg.Header.Get("Subject") != "earlier" || !info3.IsItem || info3.Name != "Fwd: earlier" {
		t.Errorf("item attachment: subject %q, %+v", msg.Header.Get("Subject"), info3)
	}
	// By Message-ID too.
	byMID, err := c.Mail().Attachments(ctx, "<abc123@evil.example>")
	if err != nil || len(byMID) != 3 {
		t.Errorf("by Message-ID: %v %v", byMID, err)
	}
}

func TestAttachmentErrors(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	for _, bad := range []string{"", "not base64!", "a b"} {
		_, _, err := c.Mail().AttachmentContent(ctx, bad)
		wantInputErr(t, err, "attachmentID")
	}
	_, err := c.Mail().Attachments(ctx, "<>")
	wantInputErr(t, err, "id")
	noRequests(t, srv, 0)
	id := srv.AddMessage("inbox", testserver.Item{Subject: "s", Attachments: []testserver.Attachment{{Name: "a", Content: []byte("x")}}})
	atts, err := c.Mail().Attachments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, id); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Mail().AttachmentContent(ctx, atts[0].ID)
	if !errors.Is(err, ErrItemNotFound) {
		t.Errorf("attachment of a deleted message: %v", err)
	}
	_, err = c.Mail().Attachments(ctx, "<missing@example.com>")
	if !errors.Is(err, ErrItemNotFound) {
		t.Errorf("unknown Message-ID: %v", err)
	}
}

func TestExportMIME(t *testing.T) {
	srv, c := setup(t)
	id := srv.AddMessage("inbox", phish(time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)))
	eml, err := c.Mail().ExportMIME(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		t.Fatalf("not MIME: %v", err)
	}
	if msg.Header.Get("Message-ID") != "<abc123@evil.example>" || len(msg.Header["Received"]) != 2 ||
		!strings.HasPrefix(msg.Header.Get("Content-Type"), "multipart/mixed") {
		t.Errorf("headers = %v", msg.Header)
	}
	if b := mailLastBody(t, srv, "GetItem"); !hasText(b, "<t:IncludeMimeContent>true</t:IncludeMimeContent>") {
		t.Errorf("GetItem request: %s", b)
	}
	if _, err := c.Mail().ExportMIME(testCtx(t), "bogus id"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad id: %v", err)
	}
}
