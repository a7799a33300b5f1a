package ews

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ewsgo/ews/internal/testserver"
)

var (
	exchange2007 = testserver.ServerVersion{MajorVersion: 8, MinorVersion: 3, MajorBuildNumber: 83, MinorBuildNumber: 6}
	exchange2010 = testserver.ServerVersion{MajorVersion: 14, MinorVersion: 2, MajorBuildNumber: 247, MinorBuildNumber: 5}
)

// knowVersion makes one cheap request so that the client learns the server's version.
func knowVersion(t *testing.T, c *Client) {
	t.Helper()
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
}

func TestSendSavesCopyAndDelivers(t *testing.T) {
	srv, c := setup(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	carol := srv.AddMailbox("carol@example.com", "Carol")
	dave := srv.AddMailbox("dave@example.com", "Dave")
	ctx := testCtx(t)
	subject := `Report </t:Subject><t:Foo>]]> & "quotes"`
	body := `<p>Hello <b>Bob</b> ]]> <![CDATA[x]]></p>`
	sent, err := c.Mail().Send(ctx, Draft{
		To: []string{"Bob Smith <bob@example.com>"}, Cc: []string{"carol@example.com"}, Bcc: []string{"dave@example.com"},
		ReplyTo: []string{"soc@example.com"}, Subject: subject, Body: body, HTML: true,
		Importance: ImportanceHigh, Categories: []string{"SOAR", "</t:String>"},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := mailOps(srv); !slices.Equal(got, []string{"GetFolder", "CreateItem", "FindItem"}) {
		t.Errorf("operations = %v, want GetFolder (the fresh client learns the version before a request it sends once), CreateItem (SendAndSaveCopy) and FindItem (the saved copy)", got)
	}
	if b := mailLastBody(t, srv, "CreateItem"); !hasText(b, `MessageDisposition="SendAndSaveCopy"`) || !hasText(b, `<t:DistinguishedFolderId Id="sentitems">`) {
		t.Errorf("CreateItem request: %s", b)
	}
	// The copy in Sent Items is the one whose id Send returned.
	sentItems := srv.Default().Items("sentitems")
	if len(sentItems) != 1 || sentItems[0].ID != sent.ID || sentItems[0].InternetMessageID != sent.InternetMessageID {
		t.Fatalf("sent items = %+v, want one copy with id %s and Message-ID %s", sentItems, sent.ID, sent.InternetMessageID)
	}
	if !strings.HasPrefix(sent.InternetMessageID, "<") || !strings.HasSuffix(sent.InternetMessageID, "@example.com>") {
		t.Errorf("InternetMessageID = %q", sent.InternetMessageID)
	}
	// Every recipient got it, with the values stored verbatim.
	for _, mb := range []*testserver.Mailbox{bob, carol, dave} {
		in := mb.Items("inbox")
		if len(in) != 1 {
			t.Fatalf("%s inbox has %d messages", mb.Address, len(in))
		}
		got := in[0]
		if got.Subject != subject || got.Body != body || got.BodyType != "HTML" || got.Importance != "High" ||
			!slices.Equal(got.Categories, []string{"SOAR", "</t:String>"}) || got.InternetMessageID != sent.InternetMessageID {
			t.Errorf("%s received %+v", mb.Address, got)
		}
		if want := []testserver.Address{{Name: "Bob Smith", Email: "bob@example.com"}}; !slices.Equal(got.To, want) {
			t.Errorf("To = %v, want %v", got.To, want)
		}
		if len(got.Cc) != 1 || got.Cc[0].Email != "carol@example.com" || len(got.Bcc) != 0 {
			t.Errorf("Cc = %v, Bcc = %v (Bcc is not delivered)", got.Cc, got.Bcc)
		}
		if len(got.ReplyTo) != 1 || got.ReplyTo[0].Email != "soc@example.com" || got.From.Email != "alice@example.com" {
			t.Errorf("ReplyTo = %v, From = %v", got.ReplyTo, got.From)
		}
	}
}

func TestSendNoCopy(t *testing.T) {
	srv, c := setup(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "no copy", Body: "text", NoCopy: true})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID != "" || sent.InternetMessageID == "" {
		t.Errorf("sent = %+v, want no id and a Message-ID", sent)
	}
	if got := mailOps(srv); !slices.Equal(got, []string{"GetFolder", "CreateItem"}) {
		t.Errorf("operations = %v, want GetFolder (the version, learnt first) and CreateItem", got)
	}
	if b := mailLastBody(t, srv, "CreateItem"); !hasText(b, `MessageDisposition="SendOnly"`) || hasText(b, "SavedItemFolderId") {
		t.Errorf("CreateItem request: %s", b)
	}
	if n := len(srv.Default().Items("sentitems")); n != 0 {
		t.Errorf("%d copies saved", n)
	}
	in := bob.Items("inbox")
	if len(in) != 1 || in[0].Subject != "no copy" || in[0].BodyType != "Text" || in[0].InternetMessageID != sent.InternetMessageID {
		t.Errorf("bob's inbox = %+v", in)
	}
}

func TestSendCopyFolderAndMessageID(t *testing.T) {
	srv, c := setup(t)
	srv.AddMailbox("bob@example.com", "Bob")
	if _, err := srv.Default().AddFolder("inbox", "Sent by SOAR", ""); err != nil {
		t.Fatal(err)
	}
	sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "s",
		InternetMessageID: "case-42@soar.example.com", CopyFolder: FolderByPath("Inbox/Sent by SOAR")})
	if err != nil {
		t.Fatal(err)
	}
	if sent.InternetMessageID != "<case-42@soar.example.com>" {
		t.Errorf("InternetMessageID = %q", sent.InternetMessageID)
	}
	copies := srv.Default().Items("Inbox/Sent by SOAR")
	if len(copies) != 1 || copies[0].ID != sent.ID || copies[0].InternetMessageID != "<case-42@soar.example.com>" {
		t.Errorf("copies = %+v, sent = %+v", copies, sent)
	}
	if n := len(srv.Default().Items("sentitems")); n != 0 {
		t.Errorf("%d copies in Sent Items", n)
	}
}

func TestSendAttachmentsInline(t *testing.T) {
	srv, c := setup(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	knowVersion(t, c)
	before := len(mailOps(srv))
	pdf := bytes.Repeat([]byte("%PDF-1.7 \x00\xff binary "), 500)
	_, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "report", HTML: true,
		Body: `<p>see <img src="cid:logo"></p>`,
		Attachments: []Attachment{
			{Name: "report.pdf", ContentType: "application/pdf", Content: pdf},
			{Name: "notes.txt", Reader: strings.NewReader("from a reader")},
			{Name: "logo.png", ContentType: "image/png", Content: []byte{0x89, 'P', 'N', 'G'}, Inline: true, ContentID: "logo"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	// From Exchange 2010 the attachments go inside the one CreateItem that sends; Exchange 2007 gets a draft, as
	// TestSendAttachmentsThroughDraft checks in detail.
	want := []string{"CreateItem", "FindItem"}
	if !serverPersonality(srv).Accepts("Exchange2010") {
		want = []string{"CreateItem", "CreateAttachment", "CreateAttachment", "CreateAttachment", "SendItem", "FindItem"}
	}
	if got := mailOps(srv)[before:]; !slices.Equal(got, want) {
		t.Errorf("operations on %s = %v, want %v", serverPersonality(srv), got, want)
	}
	in := bob.Items("inbox")
	if len(in) != 1 || len(in[0].Attachments) != 3 {
		t.Fatalf("bob's inbox = %+v", in)
	}
	checkAttachments(t, in[0].Attachments, pdf, c.supports(featAttachmentIsInline))
	saved := srv.Default().Items("sentitems")
	if len(saved) != 1 || len(saved[0].Attachments) != 3 {
		t.Fatalf("sent items = %+v", saved)
	}
}

// checkAttachments checks the three attachments the send tests send, as the server stored them; inline says
// whether the server's version marks inline attachments (Exchange 2007 has no IsInline, only the ContentId).
func checkAttachments(t *testing.T, atts []testserver.Attachment, pdf []byte, inline bool) {
	t.Helper()
	a, b, logo := atts[0], atts[1], atts[2]
	if a.Name != "report.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Content, pdf) || a.IsInline {
		t.Errorf("attachment 0 = %s %s %d bytes inline=%v", a.Name, a.ContentType, len(a.Content), a.IsInline)
	}
	if b.Name != "notes.txt" || string(b.Content) != "from a reader" {
		t.Errorf("attachment 1 = %s %q", b.Name, b.Content)
	}
	if logo.Name != "logo.png" || logo.IsInline != inline || logo.ContentID != "logo" || !bytes.Equal(logo.Content, []byte{0x89, 'P', 'N', 'G'}) {
		t.Errorf("attachment 2 = %+v", logo)
	}
}

// On Exchange 2007 attachments go through a draft (its CreateItem cannot send them inline). A fresh client learns
// the version before it sends (a GetFolder), so on a newer server it sends them inline in one CreateItem.
func TestSendAttachmentsThroughDraft(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version *testserver.ServerVersion
		known   bool
	}{
		{"version unknown", nil, false},
		{"version unknown, exchange 2007", &exchange2007, false},
		{"exchange 2007", &exchange2007, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []testserver.Option
			if tc.version != nil {
				opts = append(opts, testserver.WithVersion(*tc.version))
			}
			srv, c := setup(t, opts...)
			bob := srv.AddMailbox("bob@example.com", "Bob")
			if tc.known {
				knowVersion(t, c)
			}
			// Exchange 2007 (the version this server reports, or its personality's) takes attachments through a
			// draft; a newer server inline.
			draft := tc.version != nil || !serverPersonality(srv).Accepts("Exchange2010")
			want := []string{"CreateItem", "FindItem"}
			if draft {
				want = []string{"CreateItem", "CreateAttachment", "CreateAttachment", "CreateAttachment", "SendItem", "FindItem"}
			}
			if !tc.known {
				want = append([]string{"GetFolder"}, want...) // the version, learnt before a request sent once
			}
			before := len(mailOps(srv))
			pdf := []byte("%PDF binary \x00\x01")
			sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "with files", Body: "b",
				Attachments: []Attachment{
					{Name: "report.pdf", ContentType: "application/pdf", Content: pdf},
					{Name: "notes.txt", Reader: strings.NewReader("from a reader")},
					{Name: "logo.png", ContentType: "image/png", Content: []byte{0x89, 'P', 'N', 'G'}, Inline: true, ContentID: "logo"},
				}})
			if err != nil {
				t.Fatal(err)
			}
			if got := mailOps(srv)[before:]; !slices.Equal(got, want) {
				t.Errorf("operations = %v, want %v", got, want)
			}
			if b := mailBodies(srv, "CreateItem"); draft != (hasText(b[0], `MessageDisposition="SaveOnly"`) && !hasText(b[0], "Attachments")) ||
				!draft && !hasText(b[0], `MessageDisposition="SendAndSaveCopy"`) {
				t.Errorf("CreateItem (through a draft: %v) = %s", draft, b[0])
			}
			if draft {
				if b := mailLastBody(t, srv, "SendItem"); !hasText(b, `SaveItemToFolder="true"`) || !hasText(b, `ChangeKey=`) {
					t.Errorf("SendItem = %s", b)
				}
			}
			in := bob.Items("inbox")
			if len(in) != 1 || len(in[0].Attachments) != 3 {
				t.Fatalf("bob's inbox = %+v", in)
			}
			checkAttachments(t, in[0].Attachments, pdf, c.supports(featAttachmentIsInline))
			if n := len(srv.Default().Items("drafts")); n != 0 {
				t.Errorf("%d drafts left", n)
			}
			saved := srv.Default().Items("sentitems")
			if len(saved) != 1 || saved[0].ID != sent.ID {
				t.Errorf("sent items = %+v, sent = %+v", saved, sent)
			}
		})
	}
}

// A delegate cannot send with CreateItem SendOnly (it ignores the folder, so the mail would go out from the
// account's own mailbox): Send saves a draft in the delegated mailbox and sends it without a copy.
func TestSendDelegateNoCopy(t *testing.T) {
	srv, own := setup(t)
	srv.AddMailbox("shared@example.com", "SOC Shared")
	srv.GrantDelegate("shared@example.com", srv.Email())
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c, err := own.ForMailbox("shared@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "from shared", NoCopy: true}); err != nil {
		t.Fatal(err)
	}
	if got := mailOps(srv); !slices.Equal(got, []string{"GetFolder", "CreateItem", "SendItem"}) {
		t.Errorf("operations = %v, want GetFolder (the version, learnt first), CreateItem and SendItem", got)
	}
	if b := mailLastBody(t, srv, "SendItem"); !hasText(b, `SaveItemToFolder="false"`) || hasText(b, "SavedItemFolderId") {
		t.Errorf("SendItem = %s", b)
	}
	in := bob.Items("inbox")
	if len(in) != 1 || in[0].From.Email != "shared@example.com" {
		t.Fatalf("bob's inbox = %+v, want a message from the shared mailbox", in)
	}
	shared := srv.Mailbox("shared@example.com")
	if n := len(shared.Items("drafts")) + len(shared.Items("sentitems")) + len(srv.Default().Items("sentitems")); n != 0 {
		t.Errorf("%d items left in drafts or sent items", n)
	}
}

func TestSendDelegateSavesCopyInDelegatedMailbox(t *testing.T) {
	srv, own := setup(t)
	srv.AddMailbox("shared@example.com", "SOC Shared")
	srv.GrantDelegate("shared@example.com", srv.Email())
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c, err := own.ForMailbox("shared@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "from shared"})
	if err != nil {
		t.Fatal(err)
	}
	saved := srv.Mailbox("shared@example.com").Items("sentitems")
	if len(saved) != 1 || saved[0].ID != sent.ID || bob.Items("inbox")[0].From.Email != "shared@example.com" {
		t.Errorf("shared sent items = %+v, sent = %+v", saved, sent)
	}
	if n := len(srv.Default().Items("sentitems")); n != 0 {
		t.Errorf("copy saved in the account's own mailbox")
	}
}

// A failed CreateAttachment deletes the draft and sends nothing (Exchange 2007, where attachments go through a
// draft).
func TestSendDraftCleanedUpOnFailure(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(exchange2007))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	failed := failOperation(srv, "CreateAttachment", "ErrorQuotaExceeded", "m:Attachments")
	sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "s",
		Attachments: []Attachment{{Name: "a.txt", Content: []byte("x")}}, InternetMessageID: "<retry-1@example.com>"})
	if !errors.Is(err, ErrQuotaExceeded) || !strings.Contains(err.Error(), `attachment "a.txt"`) {
		t.Fatalf("err = %v, want ErrorQuotaExceeded about a.txt", err)
	}
	if sent == nil || sent.InternetMessageID != "<retry-1@example.com>" || sent.ID != "" {
		t.Errorf("sent = %+v, want the Message-ID with the error", sent)
	}
	if got := mailOps(srv); !slices.Equal(got, []string{"GetFolder", "CreateItem", "DeleteItem"}) || failed.Load() != 1 {
		t.Errorf("operations = %v and %d failed CreateAttachment, want GetFolder (the version), CreateItem, CreateAttachment, DeleteItem", got, failed.Load())
	}
	if n := len(srv.Default().Items("drafts")) + len(bob.Items("inbox")); n != 0 {
		t.Errorf("%d drafts or deliveries left", n)
	}
}

func TestSendBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		field string
		d     Draft
	}{
		{"Draft.To", Draft{Subject: "no recipient"}},
		{"Draft.To[1]", Draft{To: []string{"bob@example.com", "not an address"}}},
		{"Draft.Cc[0]", Draft{To: []string{"bob@example.com"}, Cc: []string{"<x"}}},
		{"Draft.Bcc[0]", Draft{Bcc: []string{""}}},
		{"Draft.ReplyTo[0]", Draft{To: []string{"bob@example.com"}, ReplyTo: []string{"@@"}}},
		{"Draft.Importance", Draft{To: []string{"bob@example.com"}, Importance: "Urgent"}},
		{"Draft.Attachments[0].Name", Draft{To: []string{"bob@example.com"}, Attachments: []Attachment{{Content: []byte("x")}}}},
		{"Draft.Attachments[0]", Draft{To: []string{"bob@example.com"}, Attachments: []Attachment{{Name: "a", Content: []byte("x"), Reader: strings.NewReader("y")}}}},
		{"Draft.Attachments[1].ContentID", Draft{To: []string{"bob@example.com"}, Attachments: []Attachment{{Name: "a"}, {Name: "b", Inline: true}}}},
		{"Draft.Attachments[0].ContentID", Draft{To: []string{"bob@example.com"}, Attachments: []Attachment{{Name: "b", ContentID: "<x>"}}}},
		{"Draft.InternetMessageID", Draft{To: []string{"bob@example.com"}, InternetMessageID: "<>"}},
		{"Draft.InternetMessageID", Draft{To: []string{"bob@example.com"}, InternetMessageID: "no-at-sign"}},
		{"Draft.CopyFolder", Draft{To: []string{"bob@example.com"}, NoCopy: true, CopyFolder: Archive}},
	} {
		_, err := c.Mail().Send(ctx, tc.d)
		wantInputErr(t, err, tc.field)
	}
	// A reader that fails is reported before anything is sent.
	_, err := c.Mail().Send(ctx, Draft{To: []string{"bob@example.com"}, Attachments: []Attachment{{Name: "a", Reader: iotest.ErrReader(errors.New("disk error"))}}})
	if err == nil || !strings.Contains(err.Error(), "disk error") || !strings.Contains(err.Error(), "Draft.Attachments[0]") {
		t.Errorf("err = %v", err)
	}
	// An unknown well-known folder for the copy is refused before anything is sent.
	_, err = c.Mail().Send(ctx, Draft{To: []string{"bob@example.com"}, CopyFolder: DistinguishedFolder("nosuch")})
	if !errors.Is(err, ErrInvalidFolder) {
		t.Errorf("err = %v, want ErrInvalidFolder", err)
	}
	noRequests(t, srv, 0)
}
