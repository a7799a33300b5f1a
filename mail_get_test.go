package ews

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// phish is a received message with every property Get reads.
func phish(received time.Time) testserver.Item {
	return testserver.Item{
		Subject: `Invoice </t:Subject><t:Foo> ]]>`, Body: `<p>Pay <b>now</b></p>`, BodyType: "HTML",
		Importance: "High", Categories: []string{"Phish", "Q1"},
		DateTimeReceived: received, DateTimeSent: received.Add(-time.Minute),
		From:              testserver.Address{Name: "Mallory", Email: "mallory@evil.example"},
		Sender:            testserver.Address{Name: "Mallory's bot", Email: "bot@evil.example"},
		To:                []testserver.Address{{Name: "Alice", Email: "alice@example.com"}, {Email: "team@example.com"}},
		Cc:                []testserver.Address{{Name: "Carol", Email: "carol@example.com"}},
		Bcc:               []testserver.Address{{Email: "audit@example.com"}},
		ReplyTo:           []testserver.Address{{Email: "reply@evil.example"}},
		InternetMessageID: "<abc123@evil.example>", InReplyTo: "<prev@evil.example>", References: "<prev@evil.example>",
		IsReadReceiptRequested: true,
		Headers: []testserver.InternetHeader{
			{Name: "Received", Value: "from mx1.evil.example by mx.example.com; Fri, 1 Mar 2024 09:29:00 +0000"},
			{Name: "Received", Value: "from bot by mx1.evil.example; Fri, 1 Mar 2024 09:28:00 +0000"},
			{Name: "Authentication-Results", Value: "mx.example.com; spf=fail smtp.mailfrom=evil.example;\r\n\tdkim=none"},
			{Name: "Subject", Value: "=?utf-8?q?Invoice?="},
			{Name: "Message-ID", Value: "<abc123@evil.example>"},
		},
		Attachments: []testserver.Attachment{
			{Name: "invoice.pdf.exe", ContentType: "application/octet-stream", Content: []byte("MZ\x90\x00 payload")},
			{Name: "logo.png", ContentType: "image/png", IsInline: true, ContentID: "logo", Content: []byte{0x89, 'P', 'N', 'G'}},
			{Name: "Fwd: earlier", Item: &testserver.Item{ItemClass: "IPM.Note", Subject: "earlier", Body: "inner body",
				From: testserver.Address{Email: "x@evil.example"}, To: []testserver.Address{{Email: "alice@example.com"}}}},
		},
	}
}

func TestGetFullDetails(t *testing.T) {
	srv := testserver.New(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Location = berlin })
	received := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	id := srv.AddMessage("inbox", phish(received))
	msgs, err := c.Mail().Get(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	stored, _ := srv.Item(id)
	if m.ID != id || m.ChangeKey != stored.ChangeKey || m.FolderID != srv.Default().FolderID("inbox") || m.ItemClass != "IPM.Note" {
		t.Errorf("ids: %s %s %s %s", m.ID, m.ChangeKey, m.FolderID, m.ItemClass)
	}
	// The server's text rendering of an HTML body (item:TextBody) exists from Exchange 2013 on.
	textBody := serverPersonality(srv).Accepts("Exchange2013")
	wantText := map[bool]string{true: "Pay now", false: ""}[textBody]
	if m.Subject != `Invoice </t:Subject><t:Foo> ]]>` || m.BodyHTML != `<p>Pay <b>now</b></p>` || m.Body != wantText {
		t.Errorf("subject %q, html %q, text %q", m.Subject, m.BodyHTML, m.Body)
	}
	if m.Sender != (Address{"Mallory's bot", "bot@evil.example"}) || m.From != (Address{"Mallory", "mallory@evil.example"}) {
		t.Errorf("sender %v from %v", m.Sender, m.From)
	}
	wantTo := []Address{{"Alice", "alice@example.com"}, {"team@example.com", "team@example.com"}}
	if !slices.Equal(m.To, wantTo) || !slices.Equal(m.Cc, []Address{{"Carol", "carol@example.com"}}) ||
		len(m.Bcc) != 1 || m.Bcc[0].Email != "audit@example.com" || len(m.ReplyTo) != 1 || m.ReplyTo[0].Email != "reply@evil.example" {
		t.Errorf("to %v cc %v bcc %v reply-to %v", m.To, m.Cc, m.Bcc, m.ReplyTo)
	}
	if !m.Received.Equal(received) || m.Received.Location() != berlin || !m.Sent.Equal(received.Add(-time.Minute)) || m.Sent.Location() != berlin {
		t.Errorf("received %v sent %v, want %v in Europe/Berlin", m.Received, m.Sent, received)
	}
	if m.Importance != ImportanceHigh || !slices.Equal(m.Categories, []string{"Phish", "Q1"}) || m.IsRead || m.IsDraft ||
		!m.IsReadReceiptRequested || !m.HasAttachments {
		t.Errorf("importance %s categories %v read %v draft %v receipt %v attachments %v", m.Importance, m.Categories, m.IsRead, m.IsDraft, m.IsReadReceiptRequested, m.HasAttachments)
	}
	// Exchange 2007 has no item:ConversationId (Exchange 2010 added it).
	wantConv := stored.ConversationID
	if !serverPersonality(srv).Accepts("Exchange2010") {
		wantConv = ""
	}
	if m.InternetMessageID != "<abc123@evil.example>" || m.InReplyTo != "<prev@evil.example>" || m.References != "<prev@evil.example>" ||
		m.ConversationID != wantConv || m.Size <= 0 {
		t.Errorf("message-id %q in-reply-to %q references %q conversation %q size %d", m.InternetMessageID, m.InReplyTo, m.References, m.ConversationID, m.Size)
	}
	wantHeaders := []InternetHeader{
		{"Received", "from mx1.evil.example by mx.example.com; Fri, 1 Mar 2024 09:29:00 +0000"},
		{"Received", "from bot by mx1.evil.example; Fri, 1 Mar 2024 09:28:00 +0000"},
		{"Authentication-Results", "mx.example.com; spf=fail smtp.mailfrom=evil.example; dkim=none"},
		{"Subject", "=?utf-8?q?Invoice?="},
		{"Message-ID", "<abc123@evil.example>"},
	}
	if !slices.Equal(m.Headers, wantHeaders) {
		t.Errorf("headers:\n got %q\nwant %q", m.Headers, wantHeaders)
	}
	if got := m.HeaderValues("received"); len(got) != 2 || m.Header("AUTHENTICATION-RESULTS") != wantHeaders[2].Value || m.Header("X-None") != "" {
		t.Errorf("Header lookups: %q", got)
	}
	if len(m.Attachments) != 3 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.ID != stored.Attachments[i].ID || a.Name != stored.Attachments[i].Name {
			t.Errorf("attachment %d = %+v", i, a)
		}
	}
	if a := m.Attachments[0]; a.ContentType != "application/octet-stream" || a.Size != int64(len("MZ\x90\x00 payload")) || a.Inline || a.IsItem {
		t.Errorf("file attachment = %+v", a)
	}
	if a := m.Attachments[1]; !a.Inline || a.ContentID != "logo" || a.ContentType != "image/png" || a.Size != 4 {
		t.Errorf("inline attachment = %+v", a)
	}
	if a := m.Attachments[2]; !a.IsItem || a.ContentType != "message/rfc822" {
		t.Errorf("item attachment = %+v", a)
	}
	// The request asks for the transport headers and the text body.
	b := mailLastBody(t, srv, "GetItem")
	if !hasText(b, `PropertyTag="0x007D"`) || hasText(b, `FieldURI="item:TextBody"`) != textBody || !hasText(b, `<t:BodyType>Best</t:BodyType>`) {
		t.Errorf("GetItem request: %s", b)
	}
}

func TestGetBatchesAndPartialFailure(t *testing.T) {
	// NTLM, with batches in flight at once on fresh connections: each handshake stays on its own connection.
	srv, c := setup(t)
	var ids []string
	for i := range 5 {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: "m" + string(rune('0'+i))}))
	}
	gone := srv.AddMessage("inbox", testserver.Item{Subject: "deleted"})
	if err := c.Mail().Delete(testCtx(t), DeleteOptions{How: HardDelete}, gone); err != nil {
		t.Fatal(err)
	}
	before := len(mailOps(srv))
	inbox := srv.Default().FolderID("inbox")
	refs := []string{ids[0], gone, ids[1], "AAAAAAAAAAAA", ids[2], "<nobody@nowhere.example>", ids[3], inbox, ids[4]}
	msgs, err := c.Mail().WithBatch(BatchOptions{Size: 2, Concurrency: 2}).Get(testCtx(t), refs...)
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BatchError", err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
	}
	if !slices.Equal(subjects, []string{"m0", "m1", "m2", "m3", "m4"}) {
		t.Errorf("subjects = %v, want the five messages in argument order", subjects)
	}
	if be.Total != len(refs) || len(be.Failed) != 4 {
		t.Fatalf("BatchError = %v", be)
	}
	if f := be.Failed[3]; f.Ref != inbox || !errors.Is(f.Err, &Error{Code: "ErrorCannotUseFolderIdForItemId"}) {
		t.Errorf("failure 3 = %v", f)
	}
	if f := be.Failed[0]; f.Ref != gone || f.ID != gone || !errors.Is(f.Err, ErrItemNotFound) {
		t.Errorf("failure 0 = %v", f)
	}
	if f := be.Failed[1]; f.Ref != "AAAAAAAAAAAA" || !errors.Is(f.Err, ErrInvalidIDMalformed) {
		t.Errorf("failure 1 = %v", f)
	}
	if f := be.Failed[2]; f.Ref != "<nobody@nowhere.example>" || f.ID != "" || !errors.Is(f.Err, ErrItemNotFound) {
		t.Errorf("failure 2 = %v", f)
	}
	if !errors.Is(err, ErrItemNotFound) || !errors.Is(err, ErrInvalidIDMalformed) {
		t.Errorf("errors.Is does not see the items' errors in %v", err)
	}
	// 8 ItemIds in batches of 2 is 4 GetItem; the Message-ID needs FindFolder and FindItem.
	if got := mailCountOp(srv, "GetItem"); got != 4 {
		t.Errorf("%d GetItem requests (after %v), want 4", got, mailOps(srv)[before:])
	}
}

func TestGetByMessageIDFindsEveryCopy(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	if _, err := mb.AddFolder("inbox", "Phishing", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.AddFolder("Inbox/Phishing", "2024", ""); err != nil {
		t.Fatal(err)
	}
	it := testserver.Item{Subject: "copy", InternetMessageID: "<dup@evil.example>"}
	a := srv.AddMessage("inbox", it)
	b := srv.AddMessage("Inbox/Phishing/2024", it)
	srv.AddMessage("junkemail", testserver.Item{Subject: "other", InternetMessageID: "<other@evil.example>"})
	msgs, err := c.Mail().Get(testCtx(t), "dup@evil.example")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.ID)
	}
	slices.Sort(got)
	want := []string{a, b}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	if o := mailOps(srv); !slices.Equal(o, []string{"FindFolder", "FindItem", "GetItem"}) {
		t.Errorf("operations = %v", o)
	}
	fi := mailLastBody(t, srv, "FindItem")
	if !hasText(fi, `Traversal="Shallow"`) || !hasText(fi, `FieldURI="message:InternetMessageId"`) || !hasText(fi, `Value="&lt;dup@evil.example&gt;"`) {
		t.Errorf("FindItem request: %s", fi)
	}
}

func TestGetExchange2010(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(exchange2010))
	id := srv.AddMessage("inbox", testserver.Item{Subject: "s", Body: "<b>x</b>", BodyType: "HTML"})
	knowVersion(t, c)
	msgs, err := c.Mail().Get(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if b := mailLastBody(t, srv, "GetItem"); hasText(b, "item:TextBody") || !hasText(b, `Version="Exchange2010_SP2"`) {
		t.Errorf("GetItem request for Exchange 2010: %s", b)
	}
	if msgs[0].BodyHTML != "<b>x</b>" {
		t.Errorf("BodyHTML = %q", msgs[0].BodyHTML)
	}
}

func TestGetBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	id := srv.AddMessage("inbox", testserver.Item{Subject: "s"})
	ctx := testCtx(t)
	for _, tc := range []struct {
		field string
		ids   []string
	}{
		{"ids", nil},
		{"ids[0]", []string{""}},
		{"ids[1]", []string{id, "   "}},
		{"ids[1]", []string{id, "<>"}},
		{"ids[0]", []string{"not an id!"}},
		{"ids[0]", []string{"abc"}},
		{"ids[0]", []string{"<no-at-sign>"}},
		{"ids[0]", []string{"a b@example.com"}},
	} {
		_, err := c.Mail().Get(ctx, tc.ids...)
		wantInputErr(t, err, tc.field)
	}
	_, err := c.Mail().WithBatch(BatchOptions{Size: 1001}).Get(ctx, id)
	wantInputErr(t, err, "BatchOptions.Size")
	_, err = c.Mail().WithBatch(BatchOptions{Concurrency: -1}).Get(ctx, id)
	wantInputErr(t, err, "BatchOptions.Concurrency")
	noRequests(t, srv, 0)
}

func TestParseHeaderBlock(t *testing.T) {
	got := parseHeaderBlock("Received: a\r\n\tb\r\nX-Empty:\r\nSubject: s: t\nbad line\r\n\r\n")
	want := []InternetHeader{{"Received", "a b"}, {"X-Empty", ""}, {"Subject", "s: t"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
