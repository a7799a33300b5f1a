package connector_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ewsgo/ews/connector"
)

func sendWith(path string) string {
	b, _ := json.Marshal(map[string]any{"to_recipients": "bob@example.com", "subject": "s", "attachments": []string{path}})
	return string(b)
}

// Attachment paths from untrusted parameters never mail a secret away.
func TestAttachmentPathsRefused(t *testing.T) {
	srv, cfg := setup(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "exchange.json")
	pwFile := filepath.Join(dir, "pw.txt")
	for _, f := range []string{cfgFile, pwFile} {
		if err := os.WriteFile(f, []byte(`{"password": "s3cret"}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "innocent.txt")
	if err := os.Symlink("/proc/self/environ", link); err != nil {
		t.Fatal(err)
	}
	cfgLink := filepath.Join(dir, "report.pdf")
	if err := os.Symlink(cfgFile, cfgLink); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.txt")
	if err := os.Link(pwFile, hard); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.bin")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		_ = f.Truncate(151 << 20) // sparse
		f.Close()
	}
	cfg.SecretFiles = []string{cfgFile, pwFile}
	for _, tc := range []struct{ path, want string }{
		{"/proc/self/environ", "system file"},
		{"/tmp/../proc/self/environ", "system file"},
		{link, "system file"},
		{"/sys/kernel/mm/transparent_hugepage/enabled", "system file"},
		{"/dev/null", "system file"},
		{"/dev/stdin", "system file"},
		{dir, "not a regular file"},
		{cfgFile, "secret file"},
		{cfgLink, "secret file"},
		{hard, "secret file"},
		{pwFile, "secret file"},
		{big, "total more than 150 MB"},
	} {
		ce := execFail(t, cfg, "send_email", sendWith(tc.path), connector.CodeInvalidParameter, tc.want)
		if ce != nil && ce.Param != "attachments" {
			t.Errorf("%s: param %q, want attachments", tc.path, ce.Param)
		}
	}
	noRequests(t, srv, "refused attachments")
}

func TestAttachmentsDir(t *testing.T) {
	srv, cfg := setup(t)
	allowed, outside := t.TempDir(), t.TempDir()
	in := filepath.Join(allowed, "evidence.txt")
	out := filepath.Join(outside, "other.txt")
	for _, f := range []string{in, out} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	escape := filepath.Join(allowed, "escape.txt")
	if err := os.Symlink(out, escape); err != nil {
		t.Fatal(err)
	}
	cfg.AttachmentsDir = allowed
	for _, p := range []string{out, escape, filepath.Join(allowed, "..", filepath.Base(outside), "other.txt")} {
		execFail(t, cfg, "send_email", sendWith(p), connector.CodeInvalidParameter, "outside attachments_dir")
	}
	noRequests(t, srv, "attachments outside attachments_dir")
	var r connector.SentEmail
	execOK(t, cfg, "send_email", sendWith(in), &r)
	if len(r.Attachments) != 1 || r.Attachments[0] != "evidence.txt" {
		t.Errorf("attachments %v", r.Attachments)
	}
}

// A malformed or oversized message_id is refused before any request, the folders' look-ups included.
func TestMessageIDRefusedBeforeRequests(t *testing.T) {
	srv, cfg := setup(t)
	for _, id := range []string{"not an id", "<no-at-sign>", "<a@b> trailing", "AAMk" + strings.Repeat("A", 5000)} {
		b, _ := json.Marshal(map[string]any{"message_id": id, "destination_folder": "Inbox/Phishing", "source_folder": "Junk Email"})
		execFail(t, cfg, "move_email", string(b), connector.CodeInvalidParameter, "message_id")
		b, _ = json.Marshal(map[string]any{"message_id": id, "source_folder": "Inbox/Phishing"})
		execFail(t, cfg, "delete_email", string(b), connector.CodeInvalidParameter, "message_id")
		b, _ = json.Marshal(map[string]any{"message_id": id})
		execFail(t, cfg, "mark_as_read", string(b), connector.CodeInvalidParameter, "message_id")
	}
	noRequests(t, srv, "malformed message_id")
}

// Subjects and bodies are sent as given: leading and trailing spaces (U+2029 included) are kept.
func TestSubjectAndBodyVerbatim(t *testing.T) {
	srv, cfg := setup(t)
	subject, body := "\u2029  Re: invoice  \t", "  indented first line\n\u2029"
	b, _ := json.Marshal(map[string]any{"to_recipients": "bob@example.com", "subject": subject, "body": body})
	execOK(t, cfg, "send_email", string(b), nil)
	for _, it := range srv.Default().Items("sentitems") {
		if strings.Contains(it.Subject, "invoice") {
			if it.Subject != subject || !strings.HasPrefix(it.Body, "  indented") {
				t.Errorf("subject %q body %q; want them as given", it.Subject, it.Body)
			}
			return
		}
	}
	t.Error("the message is not in Sent Items")
}
