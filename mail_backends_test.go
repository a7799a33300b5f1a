package ews

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// The mail suite over both backends: each test runs over EWS and over Graph against the same fake mailbox
// state and checks what the methods return and what the server holds afterwards.

var backendsBase = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// seedInbox adds messages to the Inbox of mb, one hour apart (the first oldest), and returns their ids.
func seedInbox(mb *testserver.Mailbox, items ...testserver.Item) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		it.DateTimeReceived = backendsBase.Add(time.Duration(i) * time.Hour)
		it.DateTimeSent = it.DateTimeReceived.Add(-time.Minute)
		if it.InternetMessageID == "" {
			it.InternetMessageID = "<seed" + string(rune('a'+i)) + "@corp.example>"
		}
		ids[i] = mb.AddItem("inbox", it)
	}
	return ids
}

func TestBackendsSendAndRead(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		other := srv.AddMailbox("bob@corp.example", "Bob")
		pdf := bytes.Repeat([]byte("%PDF-1.7 report "), 100)
		sent, err := c.Mail().Send(ctx, Draft{
			To: []string{"Bob <bob@corp.example>"}, Cc: []string{"carol@partner.example"}, Bcc: []string{"audit@corp.example"},
			Subject: "Quarterly report", Body: "<p>See the <b>report</b></p>", HTML: true, Importance: ImportanceHigh,
			Categories:  []string{"Finance"},
			Attachments: []Attachment{{Name: "report.pdf", ContentType: "application/pdf", Content: pdf}},
		})
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if sent.ID == "" || !strings.HasPrefix(sent.InternetMessageID, "<") {
			t.Fatalf("Send returned %+v", sent)
		}
		// The recipient on the server got it, with the attachment's bytes.
		got := other.Items("inbox")
		if len(got) != 1 || got[0].Subject != "Quarterly report" || got[0].InternetMessageID != sent.InternetMessageID {
			t.Fatalf("bob's inbox = %+v", got)
		}
		if len(got[0].Attachments) != 1 || !bytes.Equal(got[0].Attachments[0].Content, pdf) {
			t.Fatalf("delivered attachments = %+v", got[0].Attachments)
		}
		if len(got[0].Bcc) != 0 || len(got[0].Cc) != 1 || got[0].Importance != "High" {
			t.Fatalf("delivered: cc %v bcc %v importance %q", got[0].Cc, got[0].Bcc, got[0].Importance)
		}
		// The copy in Sent Items, read back by id and by Message-ID.
		ms, err := c.Mail().Get(ctx, sent.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("Get(sent copy) = %v, %v", ms, err)
		}
		m := ms[0]
		if m.Subject != "Quarterly report" || !strings.Contains(m.BodyHTML, "<b>report</b>") || !strings.Contains(m.Body, "report") ||
			m.Importance != ImportanceHigh || !slices.Equal(m.Categories, []string{"Finance"}) || len(m.Bcc) != 1 ||
			m.To[0].Email != "bob@corp.example" || m.To[0].Name != "Bob" || !m.HasAttachments {
			t.Fatalf("sent copy = %+v", m)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "report.pdf" || m.Attachments[0].Size != int64(len(pdf)) {
			t.Fatalf("attachments = %+v", m.Attachments)
		}
		content, info, err := c.Mail().AttachmentContent(ctx, m.Attachments[0].ID)
		if err != nil || !bytes.Equal(content, pdf) || info.Name != "report.pdf" {
			t.Fatalf("AttachmentContent = %d bytes, %+v, %v", len(content), info, err)
		}
		list, err := c.Mail().Attachments(ctx, sent.InternetMessageID)
		if err != nil || len(list) != 1 || list[0].ContentType != "application/pdf" {
			t.Fatalf("Attachments(by Message-ID) = %+v, %v", list, err)
		}
		found, err := c.Mail().FindByMessageID(ctx, sent.InternetMessageID)
		if err != nil || len(found) != 1 || found[0].ID != sent.ID {
			t.Fatalf("FindByMessageID = %v, %v", found, err)
		}
		raw, err := c.Mail().ExportMIME(ctx, sent.ID)
		if err != nil || !bytes.Contains(raw, []byte("Subject: Quarterly report")) {
			t.Fatalf("ExportMIME = %q, %v", raw, err)
		}
	})
}

func TestBackendsUnreadMarksRead(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		var items []testserver.Item
		for i := range 7 {
			items = append(items, testserver.Item{Subject: "alert " + string(rune('0'+i)), Body: "b", IsRead: i == 2 || i == 5,
				From: testserver.Address{Email: "siem@corp.example"}})
		}
		ids := seedInbox(mb, items...)
		var got []string
		// Pages of two: marking read moves each message out of the unread view while the pages go on.
		for m, err := range c.Mail().Unread(ctx, UnreadOptions{MarkRead: true, PageSize: 2}) {
			if err != nil {
				t.Fatalf("Unread: %v", err)
			}
			got = append(got, m.Subject)
		}
		want := []string{"alert 0", "alert 1", "alert 3", "alert 4", "alert 6"}
		if !slices.Equal(got, want) {
			t.Fatalf("Unread = %v, want %v (oldest first, each once)", got, want)
		}
		for _, id := range ids {
			if it, _ := mb.Item(id); !it.IsRead {
				t.Fatalf("%q is still unread on the server", it.Subject)
			}
		}
		if err := c.Mail().MarkUnread(ctx, ids[0], "<seedb@corp.example>"); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids[:2] {
			if it, _ := mb.Item(id); it.IsRead {
				t.Fatalf("%q is still read on the server", it.Subject)
			}
		}
		if err := c.Mail().MarkRead(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if it, _ := mb.Item(ids[1]); !it.IsRead {
			t.Fatal("MarkRead did not mark it")
		}
		// Breaking out of the loop: the message the body handled is marked, the next one is not.
		for range c.Mail().Unread(ctx, UnreadOptions{MarkRead: true}) {
			break
		}
		if a, _ := mb.Item(ids[0]); !a.IsRead {
			t.Fatal("the message handled before the break was not marked read")
		}
		if b, _ := mb.Item(ids[1]); !b.IsRead {
			t.Fatal("ids[1] changed")
		}
	})
}

func TestBackendsSearch(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		seedInbox(mb,
			testserver.Item{Subject: "Invoice 1", Body: "please pay", From: testserver.Address{Email: "billing@vendor.example"}, IsRead: true},
			testserver.Item{Subject: "Password reset", Body: "reset your password here", From: testserver.Address{Email: "eve@evil.example"}},
			testserver.Item{Subject: "invoice 2", Body: "overdue", From: testserver.Address{Email: "billing@vendor.example"}, Importance: "High"},
			testserver.Item{Subject: "lunch", Body: "pizza", From: testserver.Address{Email: "bob@corp.example"}},
			testserver.Item{Subject: "INVOICE 3", Body: "final notice, pay now", From: testserver.Address{Email: "billing@vendor.example"}},
		)
		run := func(o SearchOptions) []string {
			t.Helper()
			var out []string
			for m, err := range c.Mail().Search(ctx, o) {
				if err != nil {
					t.Fatalf("Search(%+v): %v", o, err)
				}
				out = append(out, m.Subject)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			o    SearchOptions
			want []string
		}{
			{"all newest first", SearchOptions{}, []string{"INVOICE 3", "lunch", "invoice 2", "Password reset", "Invoice 1"}},
			{"subject", SearchOptions{Subject: "invoice"}, []string{"INVOICE 3", "invoice 2", "Invoice 1"}},
			{"sender and unread", SearchOptions{Sender: "billing@vendor.example", UnreadOnly: true}, []string{"INVOICE 3", "invoice 2"}},
			{"body", SearchOptions{Body: "pay"}, []string{"INVOICE 3", "Invoice 1"}},
			{"query", SearchOptions{Query: Where("importance", "High").Or(Where("subject__istartswith", "pass"))}, []string{"invoice 2", "Password reset"}},
			{"limit and small pages", SearchOptions{Subject: "invoice", Limit: 2, PageSize: 1}, []string{"INVOICE 3", "invoice 2"}},
			{"ascending", SearchOptions{Sender: "billing@vendor.example", Ascending: true, PageSize: 2}, []string{"Invoice 1", "invoice 2", "INVOICE 3"}},
			{"sorted by sent", SearchOptions{SortBy: SortBySent, Limit: 1}, []string{"INVOICE 3"}},
			{"matches nothing", SearchOptions{Query: Where("subject__in", []string{})}, nil},
			{"case-sensitive", SearchOptions{Query: Where("subject__startswith", "INVOICE")}, []string{"INVOICE 3"}},
			{"case-sensitive and more", SearchOptions{Query: Where("subject__contains", "nvoice").And(Where("is_read", true))}, []string{"Invoice 1"}},
			{"sender next to body", SearchOptions{Sender: "billing@vendor.example", Body: "pay"}, []string{"INVOICE 3", "Invoice 1"}},
			{"unread next to body", SearchOptions{UnreadOnly: true, Body: "pay"}, []string{"INVOICE 3"}},
		} {
			if got := run(tc.o); !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
		// The loop body may delete what it gets: no message is skipped.
		var purged []string
		for m, err := range c.Mail().Search(ctx, SearchOptions{Subject: "invoice", PageSize: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, m.ID); err != nil {
				t.Fatal(err)
			}
			purged = append(purged, m.Subject)
		}
		if len(purged) != 3 || len(mb.Items("inbox")) != 2 {
			t.Fatalf("search and purge deleted %v; inbox holds %d", purged, len(mb.Items("inbox")))
		}
	})
}

func TestBackendsMoveCopyDelete(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		if _, err := mb.AddFolder("inbox", "Phishing", "IPF.Note"); err != nil {
			t.Fatal(err)
		}
		ids := seedInbox(mb, testserver.Item{Subject: "m0"}, testserver.Item{Subject: "m1"}, testserver.Item{Subject: "m2"},
			testserver.Item{Subject: "m3"}, testserver.Item{Subject: "m4"})
		moved, err := c.Mail().Move(ctx, FolderByPath("Inbox/Phishing"), ids[0], "<seedb@corp.example>")
		if err != nil || len(moved) != 2 || moved[1].Ref != "<seedb@corp.example>" || moved[0].NewID == "" {
			t.Fatalf("Move = %+v, %v", moved, err)
		}
		if got := mb.Items("Inbox/Phishing"); len(got) != 2 {
			t.Fatalf("Phishing holds %d", len(got))
		}
		if ms, err := c.Mail().Get(ctx, moved[0].NewID); err != nil || ms[0].Subject != "m0" {
			t.Fatalf("Get(new id) = %v, %v", ms, err)
		}
		copied, err := c.Mail().Copy(ctx, JunkEmail, ids[2])
		if err != nil || len(copied) != 1 || copied[0].NewID == "" || copied[0].NewID == ids[2] {
			t.Fatalf("Copy = %+v, %v", copied, err)
		}
		if len(mb.Items("junkemail")) != 1 || len(mb.Items("inbox")) != 3 {
			t.Fatalf("after copy: junk %d, inbox %d", len(mb.Items("junkemail")), len(mb.Items("inbox")))
		}
		if err := c.Mail().Delete(ctx, DeleteOptions{}, ids[2]); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail().Delete(ctx, DeleteOptions{How: SoftDelete}, ids[3]); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, ids[4]); err != nil {
			t.Fatal(err)
		}
		if got := mb.Items("deleteditems"); len(got) != 1 || got[0].Subject != "m2" {
			t.Fatalf("Deleted Items = %+v", got)
		}
		if got := mb.Items("recoverableitemsdeletions"); len(got) != 1 || got[0].Subject != "m3" {
			t.Fatalf("Recoverable Items = %+v", got)
		}
		if len(mb.Items("inbox")) != 0 {
			t.Fatalf("inbox still holds %+v", mb.Items("inbox"))
		}
		// The soft-deleted one comes back, by Message-ID.
		rec, err := c.Mail().Recover(ctx, Inbox, "<seedd@corp.example>")
		if err != nil || len(rec) != 1 {
			t.Fatalf("Recover = %+v, %v", rec, err)
		}
		if got := mb.Items("inbox"); len(got) != 1 || got[0].Subject != "m3" || len(mb.Items("recoverableitemsdeletions")) != 0 {
			t.Fatalf("after Recover: inbox %+v", got)
		}
		for _, f := range []string{"deleteditems", "recoverableitemsdeletions", "junkemail", "Inbox/Phishing"} {
			for _, it := range mb.Items(f) {
				if it.Subject == "m4" {
					t.Fatalf("hard-deleted m4 is in %s", f)
				}
			}
		}
	})
}

func TestBackendsErrors(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		ids := seedInbox(mb, testserver.Item{Subject: "kept"})
		gone := seedInbox(mb, testserver.Item{Subject: "gone", InternetMessageID: "<gone@corp.example>"})[0]
		if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, gone); err != nil {
			t.Fatal(err)
		}
		// A batch with one missing message: the others succeed, the missing one is reported.
		ms, err := c.Mail().Get(ctx, ids[0], gone)
		var be *BatchError
		if len(ms) != 1 || !errors.As(err, &be) || len(be.Failed) != 1 || !errors.Is(err, ErrItemNotFound) || !sameID(be.Failed[0].ID, gone) {
			t.Fatalf("Get(kept, gone) = %v, %v", ms, err)
		}
		var oe *OpError
		if !errors.As(be.Failed[0].Err, &oe) || oe.Op == "" {
			t.Fatalf("the failure of Get = %v (%T), want an *OpError naming the operation", be.Failed[0].Err, be.Failed[0].Err)
		}
		err = c.Mail().MarkRead(ctx, "<gone@corp.example>")
		if !errors.Is(err, ErrItemNotFound) {
			t.Fatalf("MarkRead(unknown Message-ID) = %v", err)
		}
		_, err = c.Mail().Move(ctx, FolderByPath("Inbox/NoSuchFolder"), ids[0])
		if !errors.Is(err, ErrFolderNotFound) {
			t.Fatalf("Move to a missing folder = %v", err)
		}
		if _, err := c.GetFolder(ctx, Inbox); err != nil {
			t.Fatalf("GetFolder(Inbox): %v", err)
		}
		// Bad input: an *InputError naming the field, before any request.
		before := wireRequests(srv)
		_, err = c.Mail().Send(ctx, Draft{Subject: "x"})
		wantInputErr(t, err, "Draft.To")
		_, err = c.Mail().Move(ctx, JunkEmail, "not an id")
		wantInputErr(t, err, "ids[0]")
		err = c.Mail().Delete(ctx, DeleteOptions{How: "Shred"}, ids[0])
		wantInputErr(t, err, "DeleteOptions.How")
		for _, err := range c.Mail().Search(ctx, SearchOptions{Limit: -1}) {
			wantInputErr(t, err, "SearchOptions.Limit")
		}
		_, err = c.Mail().Get(ctx)
		wantInputErr(t, err, "ids")
		if n := wireRequests(srv); n != before {
			t.Fatalf("bad input sent %d requests", n-before)
		}
	})
}

func TestBackendsUpdate(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		ids := seedInbox(mb, testserver.Item{Subject: "phish 1"}, testserver.Item{Subject: "phish 2"}, testserver.Item{Subject: "other"})
		err := c.Mail().Update(ctx, MessageUpdate{Categories: []string{"Phish", "Triaged"}, Flag: FlagFlagged,
			Importance: ImportanceHigh, IsRead: Ptr(true)}, ids[0], "<seedb@corp.example>")
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		for _, id := range ids[:2] {
			it, _ := mb.Item(id)
			if !slices.Equal(it.Categories, []string{"Phish", "Triaged"}) || it.FlagStatus != "Flagged" || it.Importance != "High" || !it.IsRead {
				t.Fatalf("%s on the server: categories %v flag %q importance %q read %v", it.Subject, it.Categories, it.FlagStatus, it.Importance, it.IsRead)
			}
		}
		if it, _ := mb.Item(ids[2]); it.IsRead || len(it.Categories) != 0 {
			t.Fatalf("the other message changed: %+v", it)
		}
		ms, err := c.Mail().Get(ctx, ids[0])
		if err != nil || ms[0].Flag != FlagFlagged || ms[0].Importance != ImportanceHigh {
			t.Fatalf("Get after Update = %+v, %v", ms, err)
		}
		if err := c.Mail().Update(ctx, MessageUpdate{Categories: []string{}, Flag: FlagComplete}, ids[0]); err != nil {
			t.Fatal(err)
		}
		if it, _ := mb.Item(ids[0]); len(it.Categories) != 0 || it.FlagStatus != "Complete" {
			t.Fatalf("after clearing: categories %v flag %q", it.Categories, it.FlagStatus)
		}
		before := wireRequests(srv)
		wantInputErr(t, c.Mail().Update(ctx, MessageUpdate{}, ids[0]), "MessageUpdate")
		wantInputErr(t, c.Mail().Update(ctx, MessageUpdate{Flag: "Red"}, ids[0]), "MessageUpdate.Flag")
		if wireRequests(srv) != before {
			t.Fatal("bad input sent requests")
		}
	})
}

func TestBackendsGetAttachments(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		csv := []byte("type,value\ndomain,evil.example\n")
		ids := seedInbox(mb, testserver.Item{Subject: "reported phish", Attachments: []testserver.Attachment{
			{Name: "iocs.csv", ContentType: "text/csv", Content: csv},
			{Name: "original", Item: &testserver.Item{ItemClass: "IPM.Note", Subject: "Your mailbox is full",
				Body: "click here", From: testserver.Address{Name: "IT", Email: "it@evil.example"},
				To: []testserver.Address{{Email: srv.Email()}}, InternetMessageID: "<orig@evil.example>"}},
			{Name: "big.bin", ContentType: "application/octet-stream", Content: bytes.Repeat([]byte{1}, 4096)},
		}})
		got, err := c.Mail().GetAttachments(ctx, ids[0], AttachmentOptions{MaxBytes: 3000})
		if err != nil {
			t.Fatalf("GetAttachments: %v", err)
		}
		if len(got) != 3 {
			t.Fatalf("%d attachments", len(got))
		}
		byName := map[string]*AttachmentData{}
		for _, d := range got {
			byName[d.Name] = d
		}
		f := byName["iocs.csv"]
		if f == nil || !bytes.Equal(f.Content, csv) || f.SHA256 == "" || f.IsItem {
			t.Fatalf("file attachment = %+v", f)
		}
		it := byName["original"]
		if it == nil || !it.IsItem || !bytes.Contains(it.Content, []byte("Your mailbox is full")) || it.Message == nil ||
			it.Message.Subject != "Your mailbox is full" || it.Message.From.Email != "it@evil.example" {
			t.Fatalf("item attachment = %+v (message %+v)", it, it.Message)
		}
		if big := byName["big.bin"]; big == nil || big.Content != nil || !strings.Contains(big.Skipped, "size bound") {
			t.Fatalf("over the size bound = %+v", big)
		}
	})
}

func TestBackendsReplyForward(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		bob := srv.AddMailbox("bob@corp.example", "Bob")
		ids := seedInbox(mb, testserver.Item{Subject: "Invoice", Body: "pay now", From: testserver.Address{Email: "eve@partner.example"},
			To: []testserver.Address{{Email: srv.Email()}, {Email: "bob@corp.example"}}, Cc: []testserver.Address{{Email: "carol@partner.example"}}})
		sentWith := func(subject string) testserver.Item {
			t.Helper()
			for _, it := range mb.Items("sentitems") {
				if it.Subject == subject {
					return it
				}
			}
			t.Fatalf("no %q in Sent Items", subject)
			return testserver.Item{}
		}
		if err := c.Mail().Reply(ctx, ids[0], ReplyOptions{Body: "Is this real?", Bcc: []string{"audit@corp.example"}}); err != nil {
			t.Fatalf("Reply: %v", err)
		}
		r := sentWith("RE: Invoice")
		if len(r.To) != 1 || r.To[0].Email != "eve@partner.example" || len(r.Bcc) != 1 || r.InReplyTo != "<seeda@corp.example>" ||
			!strings.Contains(r.Body, "Is this real?") || !strings.Contains(r.Body, "pay now") {
			t.Fatalf("reply = to %v bcc %v in-reply-to %q body %q", r.To, r.Bcc, r.InReplyTo, r.Body)
		}
		if err := c.Mail().Reply(ctx, "<seeda@corp.example>", ReplyOptions{Body: "<p>all</p>", HTML: true, All: true}); err != nil {
			t.Fatalf("Reply all: %v", err)
		}
		if got := bob.Items("inbox"); len(got) != 1 || got[0].Subject != "RE: Invoice" || got[0].BodyType != "HTML" {
			t.Fatalf("bob got %+v from reply all", got)
		}
		if err := c.Mail().Forward(ctx, ids[0], ForwardOptions{To: []string{"bob@corp.example"}, Body: "FYI"}); err != nil {
			t.Fatalf("Forward: %v", err)
		}
		if err := c.Mail().Forward(ctx, ids[0], ForwardOptions{To: []string{"bob@corp.example"}, AsAttachment: true}); err != nil {
			t.Fatalf("Forward as attachment: %v", err)
		}
		got := bob.Items("inbox")
		if len(got) != 3 || got[1].Subject != "FW: Invoice" || !strings.Contains(got[1].Body, "FYI") {
			t.Fatalf("bob's inbox after forwards: %+v", got)
		}
		if a := got[2].Attachments; got[2].Subject != "FW: Invoice" || len(a) != 1 || a[0].Name != "Invoice.eml" ||
			!bytes.Contains(a[0].Content, []byte("Subject: Invoice")) {
			t.Fatalf("forward as attachment: %+v", got[2])
		}
		before := wireRequests(srv)
		wantInputErr(t, c.Mail().Forward(ctx, ids[0], ForwardOptions{}), "ForwardOptions.To")
		wantInputErr(t, c.Mail().Reply(ctx, ids[0], ReplyOptions{Cc: []string{"not an address"}}), "ReplyOptions.Cc[0]")
		if wireRequests(srv) != before {
			t.Fatal("bad input sent requests")
		}
	})
}
