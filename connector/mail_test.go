package connector_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)

// addMail stores a message in a folder of the default mailbox.
func addMail(srv *testserver.Server, folder, subject, from string, read bool, at time.Time, edit func(*testserver.Item)) string {
	it := testserver.Item{Subject: subject, Body: "body of " + subject, From: testserver.Address{Name: strings.Split(from, "@")[0], Email: from},
		Sender: testserver.Address{Email: from}, To: []testserver.Address{{Name: "Alice", Email: srv.Email()}}, IsRead: read,
		DateTimeReceived: at, InternetMessageID: "<" + strings.ReplaceAll(strings.ToLower(subject), " ", ".") + "@mail.example.com>"}
	if edit != nil {
		edit(&it)
	}
	return srv.Default().AddItem(folder, it)
}

func itemIn(srv *testserver.Server, folder, subject string) (testserver.Item, bool) {
	for _, it := range srv.Default().Items(folder) {
		if it.Subject == subject {
			return it, true
		}
	}
	return testserver.Item{}, false
}

func emailSubjects(es []connector.Email) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Subject)
	}
	return out
}

func mustFolder(t *testing.T, srv *testserver.Server, parent, name string) {
	t.Helper()
	if _, err := srv.Default().AddFolder(parent, name, "IPF.Note"); err != nil {
		t.Fatal(err)
	}
}

func TestGetEmail(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		first := addMail(srv, "inbox", "Invoice 1", "billing@contoso.com", false, t0, func(it *testserver.Item) {
			it.Cc = []testserver.Address{{Name: "Carol", Email: "carol@example.com"}}
			it.Attachments = []testserver.Attachment{{Name: "invoice.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4")}}
			it.Headers = []testserver.InternetHeader{{Name: "Received", Value: "from mx1"}, {Name: "X-Spam", Value: "no"}}
			it.Categories = []string{"Finance"}
			it.Importance = "High"
		})
		second := addMail(srv, "inbox", "Invoice 2", "billing@contoso.com", false, t0.Add(time.Hour), nil)
		addMail(srv, "inbox", "Already read", "bob@example.com", true, t0.Add(30*time.Minute), nil)
		addMail(srv, "inbox/Phishing", "Elsewhere", "x@evil.example", false, t0, nil)

		// mark_as_read false: returned, left unread.
		var es []connector.Email
		execOK(t, cfg, "get_email", `{"mark_as_read": "false"}`, &es)
		if diff := cmp.Diff([]string{"Invoice 1", "Invoice 2"}, emailSubjects(es)); diff != "" {
			t.Errorf("get_email (-want +got):\n%s", diff)
		}
		for _, id := range []string{first, second} {
			if it, _ := srv.Item(id); it.IsRead {
				t.Errorf("%s marked read with mark_as_read false", it.Subject)
			}
		}
		var raw []map[string]any
		execOK(t, cfg, "get_email", `{"mark_as_read": false}`, &raw)
		want := []string{"attachments", "bcc", "body", "body_html", "categories", "cc", "folder_id", "from", "has_attachments", "headers", "id",
			"importance", "is_read", "message_id", "received", "sender", "sent", "size", "subject", "to"}
		if diff := cmp.Diff(want, sortedKeys(raw[0])); diff != "" {
			t.Errorf("email keys (-want +got):\n%s", diff)
		}
		e := es[0]
		if !sameID(e.ID, first) || e.MessageID != "<invoice.1@mail.example.com>" || e.Sender == nil || e.Sender.Email != "billing@contoso.com" ||
			len(e.To) != 1 || e.To[0].Email != srv.Email() || len(e.Cc) != 1 || e.Cc[0].Name != "Carol" || !e.Received.Equal(t0) ||
			e.Body != "body of Invoice 1" || e.IsRead || !e.HasAttachments || len(e.Attachments) != 1 || e.Attachments[0].Name != "invoice.pdf" ||
			e.Attachments[0].ContentType != "application/pdf" || e.Importance != "High" || strings.Join(e.Categories, ",") != "Finance" ||
			len(e.Headers) != 2 || e.Headers[1] != (connector.Header{Name: "X-Spam", Value: "no"}) {
			t.Errorf("email %+v", e)
		}

		// The default marks them read.
		execOK(t, cfg, "get_email", `{}`, &es)
		if len(es) != 2 {
			t.Fatalf("get_email returned %d messages", len(es))
		}
		for _, id := range []string{first, second} {
			if it, _ := srv.Item(id); !it.IsRead {
				t.Errorf("%s not marked read by get_email", it.Subject)
			}
		}
		execOK(t, cfg, "get_email", `{}`, &es)
		if len(es) != 0 {
			t.Errorf("get_email after marking: %v", emailSubjects(es))
		}
		execFail(t, cfg, "get_email", `{"mark_as_read": "sometimes"}`, connector.CodeInvalidParameter, "mark_as_read")
	})
}

func TestMarkAsRead(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		a := addMail(srv, "inbox", "Alpha", "bob@example.com", false, t0, nil)
		b := addMail(srv, "inbox/Phishing", "Beta", "bob@example.com", false, t0, nil)

		var r connector.MarkedRead
		execOK(t, cfg, "mark_as_read", fmt.Sprintf(`{"message_id": %q}`, a), &r)
		if it, _ := srv.Item(a); !it.IsRead || r.MessageID != a || len(r.IDs) != 1 || !sameID(r.IDs[0], a) || !r.IsRead {
			t.Errorf("mark_as_read by ItemId: stored read %v, result %+v", it.IsRead, r)
		}
		// An Internet Message-ID, without its angle brackets, found in a subfolder.
		execOK(t, cfg, "mark_as_read", `{"message_id": "beta@mail.example.com"}`, &r)
		if it, _ := srv.Item(b); !it.IsRead || len(r.IDs) != 1 || !sameID(r.IDs[0], b) {
			t.Errorf("mark_as_read by Message-ID: stored read %v, result %+v", it.IsRead, r)
		}
		execFail(t, cfg, "mark_as_read", `{"message_id": "<nobody@mail.example.com>"}`, "ErrorItemNotFound", "<nobody@mail.example.com>")
		n := len(srv.Requests())
		execFail(t, cfg, "mark_as_read", `{}`, connector.CodeInvalidParameter, "message_id")
		execFail(t, cfg, "mark_as_read", `{"message_id": "not an id!"}`, connector.CodeInvalidParameter, "message_id")
		execFail(t, cfg, "mark_as_read", `{"message_id": "<a@b@>"}`, connector.CodeInvalidParameter, "message_id")
		if len(srv.Requests()) != n {
			t.Errorf("bad message_id values sent %d requests", len(srv.Requests())-n)
		}
	})
}

func TestMoveEmail(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		mustFolder(t, srv, "inbox", "Processed")
		a := addMail(srv, "inbox", "Alpha", "x@evil.example", false, t0, nil)
		addMail(srv, "inbox/Processed", "Beta", "x@evil.example", false, t0, nil)

		var r connector.MovedEmail
		execOK(t, cfg, "move_email", fmt.Sprintf(`{"message_id": %q, "destination_folder": "Inbox/Phishing"}`, a), &r)
		moved, ok := itemIn(srv, "inbox/Phishing", "Alpha")
		// EWS gives a moved message a new id; Graph's immutable ids (Prefer: IdType="ImmutableId") stay.
		immutable := cfg.Backend == "graph"
		if _, still := srv.Item(a); !ok || still != immutable || !sameID(r.IDs[0], a) || !sameID(r.NewIDs[0], moved.ID) || r.SourceFolder != "Inbox" || r.DestinationFolder != "Inbox/Phishing" {
			t.Errorf("move by ItemId: in Phishing %v, old id still there %v, result %+v", ok, still, r)
		}
		execOK(t, cfg, "move_email", `{"message_id": "<beta@mail.example.com>", "source_folder": "Inbox/Processed", "destination_folder": "Junk Email"}`, &r)
		if _, ok := itemIn(srv, "junkemail", "Beta"); !ok || len(r.IDs) != 1 {
			t.Errorf("move by Message-ID from Inbox/Processed to Junk Email: moved %v, result %+v", ok, r)
		}
		// The Message-ID is looked up in source_folder only (default Inbox).
		ce := execFail(t, cfg, "move_email", `{"message_id": "<alpha@mail.example.com>", "destination_folder": "Archive"}`, "ErrorItemNotFound", `"Inbox"`)
		if ce != nil && ce.Param != "message_id" {
			t.Errorf("Param = %q", ce.Param)
		}
		ce = execFail(t, cfg, "move_email", `{"message_id": "<alpha@mail.example.com>", "destination_folder": "Inbox/Nope"}`, "ErrorFolderNotFound", "destination_folder")
		if ce != nil && ce.Param != "destination_folder" {
			t.Errorf("Param = %q", ce.Param)
		}
		execFail(t, cfg, "move_email", `{"message_id": "<alpha@mail.example.com>", "source_folder": "Nope", "destination_folder": "Archive"}`, "ErrorFolderNotFound", "source_folder")
		execFail(t, cfg, "move_email", `{"message_id": "<alpha@mail.example.com>"}`, connector.CodeInvalidParameter, "destination_folder")
		if _, ok := itemIn(srv, "inbox/Phishing", "Alpha"); !ok {
			t.Error("a failed move moved the message")
		}
	})
}

func TestDeleteEmail(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		soft := addMail(srv, "inbox", "Soft", "x@evil.example", true, t0, nil)
		hard := addMail(srv, "inbox", "Hard", "x@evil.example", true, t0, nil)
		addMail(srv, "inbox/Phishing", "Trash", "x@evil.example", true, t0, nil)
		def := addMail(srv, "inbox", "Default", "x@evil.example", true, t0, nil)

		var r connector.DeletedEmail
		execOK(t, cfg, "delete_email", fmt.Sprintf(`{"message_id": %q, "delete_type": "Soft Delete"}`, soft), &r)
		if _, ok := itemIn(srv, "recoverableitemsdeletions", "Soft"); !ok || r.DeleteType != "Soft Delete" || r.IDs[0] != soft {
			t.Errorf("Soft Delete: in Recoverable Items %v, result %+v", ok, r)
		}
		execOK(t, cfg, "delete_email", fmt.Sprintf(`{"message_id": %q, "delete_type": "hard delete"}`, hard), &r)
		if _, ok := srv.Item(hard); ok || r.DeleteType != "Hard Delete" {
			t.Errorf("Hard Delete: still stored %v, result %+v", ok, r)
		}
		if _, ok := itemIn(srv, "recoverableitemsdeletions", "Hard"); ok {
			t.Error("Hard Delete left a copy in Recoverable Items")
		}
		execOK(t, cfg, "delete_email", `{"message_id": "<trash@mail.example.com>", "delete_type": "Move To Trash", "folder_name": "Inbox/Phishing"}`, &r)
		if _, ok := itemIn(srv, "deleteditems", "Trash"); !ok || r.DeleteType != "Move To Trash" {
			t.Errorf("Move To Trash by Message-ID in Inbox/Phishing: in Deleted Items %v, result %+v", ok, r)
		}
		execOK(t, cfg, "delete_email", fmt.Sprintf(`{"message_id": %q}`, def), &r)
		if _, ok := itemIn(srv, "deleteditems", "Default"); !ok || r.DeleteType != "Move To Trash" {
			t.Errorf("default delete_type: in Deleted Items %v, result %+v", ok, r)
		}
		execFail(t, cfg, "delete_email", `{"message_id": "<trash@mail.example.com>"}`, "ErrorItemNotFound", "folder_name")
		execFail(t, cfg, "delete_email", fmt.Sprintf(`{"message_id": %q, "delete_type": "Shred"}`, def), connector.CodeInvalidParameter, "delete_type")
		execFail(t, cfg, "delete_email", `{"message_id": "<x@y.z>", "folder_name": "Inbox/Nope"}`, "ErrorFolderNotFound", "folder_name")
		execFail(t, cfg, "delete_email", fmt.Sprintf(`{"message_id": %q}`, hard), "ErrorItemNotFound", "")
	})
}

func TestSearchQuery(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		for i, m := range []struct{ folder, subject, from, body string }{
			{"inbox", "Invoice 365 overdue", "billing@contoso.com", "pay now"},
			{"inbox", "Invoice 366", "billing@contoso.com", "thanks for paying"},
			{"inbox", "Lunch", "bob@example.com", "pay for lunch?"},
			{"inbox/Phishing", "Invoice 367 urgent", "billing@contoso.com", "pay now or else"},
			{"inbox/Phishing", "Password expires", "it@evil.example", "click here"},
		} {
			addMail(srv, m.folder, m.subject, m.from, i%2 == 0, t0.Add(time.Duration(i)*time.Hour), func(it *testserver.Item) { it.Body = m.body })
		}
		for _, c := range []struct {
			params string
			want   []string
		}{
			{`{}`, []string{"Lunch", "Invoice 366", "Invoice 365 overdue"}},
			{`{"subject": "INVOICE"}`, []string{"Invoice 366", "Invoice 365 overdue"}},
			{`{"email_address": "billing@contoso.com", "body": "PAY NOW"}`, []string{"Invoice 365 overdue"}},
			{`{"folder_name": "Inbox/Phishing", "email_address": "Billing <billing@contoso.com>"}`, []string{"Invoice 367 urgent"}},
			{`{"folder_name": "Inbox/Phishing", "query": "{'subject__icontains': 'password', 'is_read': True}"}`, []string{"Password expires"}},
			{`{"folder_name": "Inbox/Phishing", "query": {"subject__startswith": "Invoice"}}`, []string{"Invoice 367 urgent"}},
			{`{"query": "subject__icontains='invoice', datetime_received__lt='2024-05-06T08:30:00Z'"}`, []string{"Invoice 365 overdue"}},
			{`{"subject": "invoice", "range": 1}`, []string{"Invoice 366"}},
			{`{"range": "0"}`, []string{"Lunch", "Invoice 366", "Invoice 365 overdue"}},
		} {
			var es []connector.Email
			execOK(t, cfg, "search_query", c.params, &es)
			if diff := cmp.Diff(c.want, emailSubjects(es)); diff != "" {
				t.Errorf("search_query %s (-want +got):\n%s", c.params, diff)
			}
		}
		n := len(srv.Requests())
		execFail(t, cfg, "search_query", `{"query": "{'subjct__icontains': 'x'}"}`, connector.CodeInvalidParameter, "subject__icontains")
		execFail(t, cfg, "search_query", `{"query": 5}`, connector.CodeInvalidParameter, "query")
		execFail(t, cfg, "search_query", `{"email_address": "not an address"}`, connector.CodeInvalidParameter, "email_address")
		execFail(t, cfg, "search_query", `{"range": -1}`, connector.CodeInvalidParameter, "range")
		execFail(t, cfg, "search_query", `{"range": "many"}`, connector.CodeInvalidParameter, "range")
		if len(srv.Requests()) != n {
			t.Errorf("bad search parameters sent %d requests", len(srv.Requests())-n)
		}
		execFail(t, cfg, "search_query", `{"folder_name": "Nope"}`, "ErrorFolderNotFound", "folder_name")
	})
}

func TestSearchQueryDefaultRange(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		// 247 messages match a body word, 30 do not: without range (or with range 0) every match comes, newest
		// first; a range is a limit.
		for i := 0; i < 277; i++ {
			body := "the word is WIRE transfer"
			if i < 30 {
				body = "nothing to see"
			}
			addMail(srv, "inbox", fmt.Sprintf("m%03d", i), "bob@example.com", true, t0.Add(time.Duration(i)*time.Minute),
				func(it *testserver.Item) { it.Body = body })
		}
		want := 0
		for _, it := range srv.Default().Items("inbox") {
			if strings.Contains(it.Body, "WIRE") {
				want++
			}
		}
		if want != 247 {
			t.Fatalf("setup: %d matching messages, want 247", want)
		}
		for _, params := range []string{`{"body": "wire"}`, `{"body": "wire", "range": 0}`, `{"body": "wire", "range": "0"}`} {
			var es []connector.Email
			execOK(t, cfg, "search_query", params, &es)
			if len(es) != want || es[0].Subject != "m276" {
				t.Errorf("search_query %s: %d messages starting with %q, want all %d, newest (m276) first", params, len(es), first(es), want)
			}
			for i := 1; i < len(es); i++ {
				if es[i].Subject >= es[i-1].Subject {
					t.Fatalf("search_query %s: %q after %q, want newest first, each once", params, es[i].Subject, es[i-1].Subject)
				}
			}
		}
		var es []connector.Email
		execOK(t, cfg, "search_query", `{"body": "wire", "range": 120}`, &es)
		if len(es) != 120 || es[0].Subject != "m276" {
			t.Errorf("range 120: %d messages starting with %q, want the newest 120", len(es), first(es))
		}
		if cfg.Backend == "graph" {
			return // Graph returns whole messages in its pages: there is no GetItem
		}
		// The search is pipelined, in batches of ReadBatchSize: no GetItem asks for more messages than that.
		gets := 0
		for _, r := range srv.Requests() {
			if r.Operation == "GetItem" {
				gets++
				if n := strings.Count(string(r.Body), "<t:ItemId "); n == 0 || n > connector.ReadBatchSize {
					t.Fatalf("a GetItem asked for %d messages, want 1 to ReadBatchSize (%d)", n, connector.ReadBatchSize)
				}
			}
		}
		if gets == 0 {
			t.Error("no GetItem request")
		}
	})
}

func TestSearchQueryCancelled(t *testing.T) {
	srv, cfg := setup(t)
	for i := 0; i < 60; i++ {
		addMail(srv, "inbox", fmt.Sprintf("m%03d", i), "bob@example.com", true, t0.Add(time.Duration(i)*time.Minute), nil)
	}
	srv.AddFault(testserver.Delay(time.Minute).For("GetItem"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := connector.Execute(ctx, cfg, "search_query", nil)
	if ce := connector.ErrorOf(err); ce == nil || ce.Code != connector.CodeCancelled {
		t.Errorf("cancelled search_query: %v, want code %s", err, connector.CodeCancelled)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = connector.Execute(ctx, cfg, "search_query", nil)
	if ce := connector.ErrorOf(err); ce == nil || ce.Code != connector.CodeTimeout {
		t.Errorf("search_query past its deadline: %v, want code %s", err, connector.CodeTimeout)
	}
}

func first(es []connector.Email) string {
	if len(es) == 0 {
		return ""
	}
	return es[0].Subject
}

func TestSendEmail(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		bob := srv.AddMailbox("bob@example.com", "Bob")
		dir := t.TempDir()
		report := filepath.Join(dir, "report.txt")
		if err := os.WriteFile(report, []byte("IOC list\n1.2.3.4\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		inline := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 fake"))
		params := fmt.Sprintf(`{"subject": "Phishing report </t:Subject> ]]>", "to_recipients": "bob@example.com, \"Nguyen, Carol\" <carol@example.com>",
		"cc_recipients": ["dave@example.com"], "bcc_recipients": "erin@example.com", "body": "<p>See the <b>attached</b> IOCs.</p>",
		"attachments": [%q, {"name": "evidence.pdf", "content": %q}]}`, report, inline)
		var r connector.SentEmail
		execOK(t, cfg, "send_email", params, &r)
		sent, ok := itemIn(srv, "sentitems", "Phishing report </t:Subject> ]]>")
		if !ok {
			t.Fatal("no copy in Sent Items")
		}
		var to, cc, bcc, atts []string
		for _, a := range sent.To {
			to = append(to, a.Email)
		}
		for _, a := range sent.Cc {
			cc = append(cc, a.Email)
		}
		for _, a := range sent.Bcc {
			bcc = append(bcc, a.Email)
		}
		for _, a := range sent.Attachments {
			atts = append(atts, a.Name+"="+string(a.Content))
		}
		got := map[string]any{"to": to, "cc": cc, "bcc": bcc, "atts": atts, "body": sent.Body, "type": sent.BodyType, "mid": sent.InternetMessageID}
		want := map[string]any{"to": []string{"bob@example.com", "carol@example.com"}, "cc": []string{"dave@example.com"}, "bcc": []string{"erin@example.com"},
			"atts": []string{"report.txt=IOC list\n1.2.3.4\n", "evidence.pdf=%PDF-1.4 fake"}, "body": "<p>See the <b>attached</b> IOCs.</p>", "type": "HTML", "mid": r.MessageID}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sent message (-want +got):\n%s", diff)
		}
		if !sameID(r.ID, sent.ID) || r.MessageID == "" || strings.Join(r.Attachments, ",") != "report.txt,evidence.pdf" || len(r.To) != 2 {
			t.Errorf("result %+v", r)
		}
		if got := bob.Items("inbox"); len(got) != 1 || got[0].InternetMessageID != r.MessageID {
			t.Errorf("bob's inbox holds %d messages, want the one sent", len(got))
		}
		// Text body, Cc only.
		execOK(t, cfg, "send_email", `{"subject": "plain", "cc_recipients": "bob@example.com", "body": "plain text"}`, &r)
		if it, ok := itemIn(srv, "sentitems", "plain"); !ok || it.BodyType != "Text" || len(it.To) != 0 {
			t.Errorf("plain message stored as %+v", it)
		}

		n := len(srv.Requests())
		execFail(t, cfg, "send_email", `{"subject": "no one", "body": "x"}`, connector.CodeInvalidParameter, "to_recipients")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com, bad address"}`, connector.CodeInvalidParameter, "to_recipients")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com", "bcc_recipients": ["@"]}`, connector.CodeInvalidParameter, "bcc_recipients")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com", "attachments": "/nonexistent/file.pdf"}`, connector.CodeInvalidParameter, "attachments")
		execFail(t, cfg, "send_email", fmt.Sprintf(`{"to_recipients": "bob@example.com", "attachments": [%q]}`, dir), connector.CodeInvalidParameter, "not a regular file")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com", "attachments": [{"name": "x.pdf", "content": "not base64!"}]}`, connector.CodeInvalidParameter, "attachments")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com", "attachments": [{"content": "eA=="}]}`, connector.CodeInvalidParameter, "attachments")
		execFail(t, cfg, "send_email", `{"to_recipients": "bob@example.com", "attachments": [{"name": "a", "content": "eA==", "size": 1}]}`, connector.CodeInvalidParameter, "size")
		if len(srv.Requests()) != n {
			t.Errorf("bad send_email parameters sent %d requests", len(srv.Requests())-n)
		}
		if got := bob.Items("inbox"); len(got) != 2 {
			t.Errorf("bob's inbox holds %d messages after the refused sends, want 2", len(got))
		}
	})
}
