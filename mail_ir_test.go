package ews

import (
	"bytes"
	"errors"
	"net/mail"
	"sort"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestMarkAsJunk(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	mb := srv.Default()
	id := srv.AddMessage("inbox", testserver.Item{Subject: "spam", From: testserver.Address{Email: "Spammer@Evil.example"}})
	moved, err := c.Mail().MarkAsJunk(ctx, JunkOptions{}, id)
	if !serverPersonality(srv).Accepts("Exchange2013") {
		// Exchange 2010 and 2007 have no MarkAsJunk: the documented error, and nothing changed.
		if !errors.Is(err, ErrInvalidServerVersion) || moved != nil {
			t.Fatalf("MarkAsJunk on %s: %v, %v; want ErrInvalidServerVersion", serverPersonality(srv), moved, err)
		}
		if it, _ := srv.Item(id); it.FolderID != mb.FolderID("inbox") || len(mb.BlockedSenders()) != 0 || mailCountOp(srv, "MarkAsJunk") != 0 {
			t.Errorf("MarkAsJunk on %s changed the mailbox or was sent", serverPersonality(srv))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].NewID == "" {
		t.Fatalf("moved = %+v", moved)
	}
	if it, ok := srv.Item(moved[0].NewID); !ok || it.FolderID != mb.FolderID("junkemail") {
		t.Errorf("message not in Junk Email: %+v", it)
	}
	if b := mb.BlockedSenders(); len(b) != 1 || b[0] != "spammer@evil.example" {
		t.Errorf("blocked senders = %v", b)
	}
	if b := mailLastBody(t, srv, "MarkAsJunk"); !hasText(b, `IsJunk="true"`) || !hasText(b, `MoveItem="true"`) {
		t.Errorf("request: %s", b)
	}
	// And back.
	back, err := c.Mail().MarkAsJunk(ctx, JunkOptions{NotJunk: true}, moved[0].NewID)
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := srv.Item(back[0].NewID); it.FolderID != mb.FolderID("inbox") || len(mb.BlockedSenders()) != 0 {
		t.Errorf("not junk: folder %s, blocked %v", it.FolderID, mb.BlockedSenders())
	}
}

func TestMarkAsJunkNeedsExchange2013(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(exchange2010))
	id := srv.AddMessage("inbox", testserver.Item{Subject: "spam", From: testserver.Address{Email: "spammer@evil.example"}})
	_, err := c.Mail().MarkAsJunk(testCtx(t), JunkOptions{}, id)
	if !errors.Is(err, ErrInvalidServerVersion) || !strings.Contains(err.Error(), "MarkAsJunk needs Exchange 2013") {
		t.Fatalf("MarkAsJunk on Exchange 2010: %v", err)
	}
	if mailCountOp(srv, "MarkAsJunk") != 0 {
		t.Errorf("MarkAsJunk was sent to Exchange 2010")
	}
	if it, _ := srv.Item(id); it.FolderID != srv.Default().FolderID("inbox") {
		t.Errorf("message moved")
	}
}

func TestReplyAndForward(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	abuse := srv.AddMailbox("abuse@example.com", "Abuse")
	report := srv.AddMessage("inbox", testserver.Item{Subject: "Is this phishing?", Body: "see attached",
		From: testserver.Address{Name: "Bob", Email: "bob@example.com"}, To: []testserver.Address{{Email: srv.Email()}},
		Cc: []testserver.Address{{Email: "carol@example.com"}}, InternetMessageID: "<report@example.com>",
		Attachments: []testserver.Attachment{{Name: "evil.html", Content: []byte("<form>")}}})

	if err := c.Mail().Reply(ctx, report, ReplyOptions{Body: "Thanks, it is phishing; we removed it."}); err != nil {
		t.Fatal(err)
	}
	got := bob.Items("inbox")
	if len(got) != 1 || got[0].Subject != "RE: Is this phishing?" || got[0].InReplyTo != "<report@example.com>" ||
		!strings.HasPrefix(got[0].Body, "Thanks, it is phishing") || !strings.Contains(got[0].Body, "see attached") {
		t.Fatalf("reply in Bob's inbox: %+v", got)
	}
	if len(got[0].Cc) != 0 {
		t.Errorf("a reply (not all) went to Cc %v", got[0].Cc)
	}
	if sent := srv.Default().Items("sentitems"); len(sent) != 1 {
		t.Errorf("Sent Items holds %d", len(sent))
	}
	if err := c.Mail().Reply(ctx, "<report@example.com>", ReplyOptions{All: true, Body: "<p>to all</p>", HTML: true}); err != nil {
		t.Fatal(err)
	}
	last := bob.Items("inbox")[1]
	if len(last.Cc) != 1 || last.Cc[0].Email != "carol@example.com" || last.BodyType != "HTML" {
		t.Errorf("reply all: %+v", last)
	}

	// Inline forward keeps the attachments; as attachment the original comes as .eml.
	if err := c.Mail().Forward(ctx, report, ForwardOptions{To: []string{"abuse@example.com"}, Body: "FYI"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail().Forward(ctx, report, ForwardOptions{To: []string{"Abuse <abuse@example.com>"}, AsAttachment: true}); err != nil {
		t.Fatal(err)
	}
	fw := abuse.Items("inbox")
	sort.Slice(fw, func(i, j int) bool { return len(fw[i].Attachments) > 0 && fw[i].Attachments[0].Name == "evil.html" })
	if len(fw) != 2 || fw[0].Subject != "FW: Is this phishing?" || len(fw[0].Attachments) != 1 || fw[0].Attachments[0].Name != "evil.html" {
		t.Fatalf("inline forward: %+v", fw)
	}
	att := fw[1].Attachments
	if len(att) != 1 || att[0].Name != "Is this phishing_.eml" {
		t.Fatalf("forward as attachment: %+v", att)
	}
	if m, err := mail.ReadMessage(bytes.NewReader(att[0].Content)); err != nil || m.Header.Get("Message-Id") != "<report@example.com>" {
		t.Errorf("attached original: %v\n%s", err, att[0].Content)
	}

	before := len(mailOps(srv))
	wantInputErr(t, c.Mail().Forward(ctx, report, ForwardOptions{}), "ForwardOptions.To")
	wantInputErr(t, c.Mail().Forward(ctx, report, ForwardOptions{To: []string{"not an address"}}), "ForwardOptions.To[0]")
	wantInputErr(t, c.Mail().Reply(ctx, report, ReplyOptions{Cc: []string{"x"}}), "ReplyOptions.Cc[0]")
	noRequests(t, srv, before)
}

func TestRecover(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	mb := srv.Default()
	id := srv.AddMessage("inbox", testserver.Item{Subject: "important", InternetMessageID: "<important@example.com>"})
	other := srv.AddMessage("inbox", testserver.Item{Subject: "also important"})
	if err := c.Mail().Delete(ctx, DeleteOptions{How: SoftDelete}, id, other); err != nil {
		t.Fatal(err)
	}
	if len(mb.Items("inbox")) != 0 || len(mb.Items("recoverableitemsdeletions")) != 2 {
		t.Fatalf("soft delete did not reach the dumpster")
	}
	if !serverPersonality(srv).Accepts("Exchange2010_SP1") {
		// Exchange 2007's schema has no Recoverable Items folders: the client refuses before sending one.
		var errs []error
		for _, err := range c.Mail().Search(ctx, SearchOptions{Folder: ParseFolder("Recoverable Items")}) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrInvalidServerVersion) || !strings.Contains(errs[0].Error(), "recoverableitemsdeletions") {
			t.Errorf("Search in Recoverable Items on %s: %v", serverPersonality(srv), errs)
		}
		before := len(mailOps(srv))
		if _, err := c.Mail().Recover(ctx, FolderRef{}, "<important@example.com>"); !errors.Is(err, ErrInvalidServerVersion) {
			t.Errorf("Recover on %s: %v", serverPersonality(srv), err)
		}
		if _, err := c.Mail().Recover(ctx, FolderRef{}, id); !errors.Is(err, ErrInvalidServerVersion) {
			t.Errorf("Recover by id on %s: %v", serverPersonality(srv), err)
		}
		noRequests(t, srv, before)
		for _, r := range srv.Requests() {
			if bytes.Contains(r.Body, []byte("recoverableitems")) {
				t.Errorf("a %s request named a Recoverable Items folder", r.Operation)
			}
		}
		if len(mb.Items("inbox")) != 0 {
			t.Errorf("Recover moved messages on %s", serverPersonality(srv))
		}
		return
	}
	// What can be recovered, by the name people type.
	var subjects []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{Folder: ParseFolder("Recoverable Items")}) {
		if err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 2 {
		t.Errorf("Recoverable Items lists %v", subjects)
	}
	moved, err := c.Mail().Recover(ctx, FolderRef{}, "<important@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].Ref != "<important@example.com>" {
		t.Fatalf("recovered %+v", moved)
	}
	in := mb.Items("inbox")
	if len(in) != 1 || in[0].Subject != "important" || in[0].ID != moved[0].NewID {
		t.Errorf("Inbox after Recover: %+v", in)
	}
	if _, err := c.Mail().Recover(ctx, FolderRef{}, "<important@example.com>"); !errors.Is(err, ErrItemNotFound) {
		t.Errorf("second Recover: %v", err)
	}
}
