package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

var t0 = time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)

func addMail(srv *testserver.Server, folder, subject, from string, read bool, at time.Time) string {
	return srv.Default().AddItem(folder, testserver.Item{Subject: subject, Body: "body of " + subject,
		From: testserver.Address{Email: from}, Sender: testserver.Address{Email: from}, To: []testserver.Address{{Email: srv.Email()}},
		IsRead: read, DateTimeReceived: at, InternetMessageID: "<" + strings.ReplaceAll(strings.ToLower(subject), " ", ".") + "@mail.example.com>"})
}

func find(srv *testserver.Server, folder, subject string) (testserver.Item, bool) {
	for _, it := range srv.Default().Items(folder) {
		if it.Subject == subject {
			return it, true
		}
	}
	return testserver.Item{}, false
}

func subjectsOf(es []connector.Email) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Subject)
	}
	return strings.Join(out, ",")
}

func TestCLIMailOperations(t *testing.T) {
	srv := testserver.New(t)
	if _, err := srv.Default().AddFolder("inbox", "Phishing", "IPF.Note"); err != nil {
		t.Fatal(err)
	}
	bob := srv.AddMailbox("bob@example.com", "Bob")
	a := addMail(srv, "inbox", "Alpha", "x@evil.example", false, t0)
	b := addMail(srv, "inbox", "Beta", "billing@contoso.com", false, t0.Add(time.Hour))
	addMail(srv, "inbox", "Gamma", "billing@contoso.com", true, t0.Add(2*time.Hour))
	g, env := conn(srv)

	// get_email --mark_as_read=false, then the default.
	var es []connector.Email
	runCLI(t, env, "", append(g, "get_email", "--mark-as-read=false")...).ok(t, &es)
	if subjectsOf(es) != "Alpha,Beta" {
		t.Errorf("get_email: %s", subjectsOf(es))
	}
	if it, _ := srv.Item(a); it.IsRead {
		t.Error("get_email --mark-as-read=false marked Alpha read")
	}
	runCLI(t, env, "", append(g, "get_email")...).ok(t, &es)
	if it, _ := srv.Item(a); !it.IsRead || len(es) != 2 {
		t.Errorf("get_email: Alpha read %v, %d messages", it.IsRead, len(es))
	}

	// mark_as_read by Internet Message-ID.
	srv.Default().AddItem("inbox", testserver.Item{Subject: "Delta", InternetMessageID: "<delta@mail.example.com>"})
	var mr connector.MarkedRead
	r := runCLI(t, env, "", append(g, "mark_as_read", "--message_id", "<delta@mail.example.com>")...)
	r.ok(t, &mr)
	if !strings.Contains(r.stdout, `"message_id":"<delta@mail.example.com>"`) {
		t.Errorf("stdout %s: Message-IDs are printed as they are, without \\u003c escapes", r.stdout)
	}
	if it, _ := find(srv, "inbox", "Delta"); !it.IsRead || len(mr.IDs) != 1 || mr.IDs[0] != it.ID {
		t.Errorf("mark_as_read: stored read %v, result %+v", it.IsRead, mr)
	}

	// move_email with every parameter.
	var mv connector.MovedEmail
	runCLI(t, env, "", append(g, "move_email", "--message-id", "<alpha@mail.example.com>", "--source-folder", "Inbox", "--destination-folder", "Inbox/Phishing")...).ok(t, &mv)
	if it, ok := find(srv, "inbox/Phishing", "Alpha"); !ok || mv.NewIDs[0] != it.ID || mv.IDs[0] != a {
		t.Errorf("move_email: moved %v, result %+v", ok, mv)
	}

	// delete_email with every parameter.
	var del connector.DeletedEmail
	runCLI(t, env, "", append(g, "delete_email", "--message_id", "<alpha@mail.example.com>", "--delete_type", "Hard Delete", "--folder_name", "Inbox/Phishing")...).ok(t, &del)
	if _, ok := find(srv, "inbox/Phishing", "Alpha"); ok || del.DeleteType != "Hard Delete" {
		t.Errorf("delete_email: still there %v, result %+v", ok, del)
	}
	runCLI(t, env, "", append(g, "delete_email", "--message_id", b)...).ok(t, &del)
	if _, ok := find(srv, "deleteditems", "Beta"); !ok {
		t.Error("delete_email with the default type did not move Beta to Deleted Items")
	}

	// search_query with every parameter, the query as dict text and as a JSON object.
	runCLI(t, env, "", append(g, "search_query", "--folder_name", "Inbox", "--email_address", "billing@contoso.com", "--subject", "gam",
		"--body", "BODY OF", "--query", "{'is_read': True}", "--range", "5")...).ok(t, &es)
	if subjectsOf(es) != "Gamma" {
		t.Errorf("search_query: %s", subjectsOf(es))
	}
	runCLI(t, env, "", append(g, "search_query", "--query", `{"subject__in": ["Gamma", "Delta"]}`, "--range", "1")...).ok(t, &es)
	if subjectsOf(es) != "Delta" { // the newest of the two
		t.Errorf("search_query with a JSON query and range 1: %s", subjectsOf(es))
	}
	r = runCLI(t, env, "", append(g, "--output", "ndjson", "search_query")...)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != 2 {
		t.Errorf("search_query --output ndjson: exit %d, %q", r.code, r.stdout)
	}

	// send_email with every parameter: attachments as paths and as inline objects.
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "iocs.txt"), filepath.Join(dir, "notes.txt")
	for _, p := range []string{p1, p2} {
		if err := os.WriteFile(p, []byte("content of "+filepath.Base(p)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var sent connector.SentEmail
	runCLI(t, env, "", append(g, "send_email", "--subject", "Report", "--to_recipients", "bob@example.com, Carol <carol@example.com>",
		"--cc_recipients", `["dave@example.com"]`, "--bcc-recipients", "erin@example.com", "--body", "<p>hi</p>",
		"--attachments", p1+","+p2)...).ok(t, &sent)
	it, ok := find(srv, "sentitems", "Report")
	if !ok || len(it.To) != 2 || len(it.Cc) != 1 || len(it.Bcc) != 1 || it.BodyType != "HTML" || len(it.Attachments) != 2 ||
		string(it.Attachments[1].Content) != "content of notes.txt" || sent.MessageID != it.InternetMessageID {
		t.Errorf("sent message %+v, result %+v", it, sent)
	}
	if got := bob.Items("inbox"); len(got) != 1 || got[0].Subject != "Report" {
		t.Errorf("bob received %d messages", len(got))
	}
	obj, _ := json.Marshal([]map[string]string{{"name": "x.bin", "content": base64.StdEncoding.EncodeToString([]byte{0, 1, 2})}})
	runCLI(t, env, "", append(g, "send_email", "--subject", "Inline", "--to_recipients", "bob@example.com", "--attachments", string(obj))...).ok(t, &sent)
	if it, ok := find(srv, "sentitems", "Inline"); !ok || len(it.Attachments) != 1 || string(it.Attachments[0].Content) != "\x00\x01\x02" {
		t.Errorf("inline attachment: %+v", it.Attachments)
	}

	// Exit statuses: a message that is not there is the server's answer (1); bad parameters are usage (2).
	runCLI(t, env, "", append(g, "mark_as_read", "--message_id", "<gone@mail.example.com>")...).failed(t, 1, "ErrorItemNotFound", "gone@mail.example.com")
	runCLI(t, env, "", append(g, "delete_email", "--message_id", b, "--delete_type", "Shred")...).failed(t, 2, connector.CodeInvalidParameter, "delete_type")
	runCLI(t, env, "", append(g, "move_email", "--message_id", b)...).failed(t, 2, connector.CodeInvalidParameter, "destination_folder")
	runCLI(t, env, "", append(g, "send_email", "--subject", "x")...).failed(t, 2, connector.CodeInvalidParameter, "to_recipients")
	runCLI(t, env, "", append(g, "search_query", "--query", "{'subjekt': 1}")...).failed(t, 2, connector.CodeInvalidParameter, "query")
	runCLI(t, env, "", append(g, "search_query", "--folder_name", "Nope")...).failed(t, 1, "ErrorFolderNotFound", "folder_name")
}
