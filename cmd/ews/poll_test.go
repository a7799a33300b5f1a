package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

func TestCLIPoll(t *testing.T) {
	srv := testserver.New(t)
	if _, err := srv.Default().AddFolder("inbox", "Phishing", "IPF.Note"); err != nil {
		t.Fatal(err)
	}
	addMail(srv, "inbox/Phishing", "Existing", "x@evil.example", false, t0)
	g, env := conn(srv)
	state := filepath.Join(t.TempDir(), "phishing.state")
	poll := append(g, "poll", "--state_file", state, "--folder-name", "Inbox/Phishing")

	var es []connector.Email
	runCLI(t, env, "", append(poll, "--include_existing")...).ok(t, &es)
	if subjectsOf(es) != "Existing" {
		t.Errorf("first poll with --include_existing: %q", subjectsOf(es))
	}
	runCLI(t, env, "", poll...).ok(t, &es)
	if len(es) != 0 {
		t.Errorf("second poll: %q", subjectsOf(es))
	}

	// A result that cannot be written (stdout is a closed pipe) commits nothing: the next poll returns the
	// messages again.
	addMail(srv, "inbox/Phishing", "New 1", "x@evil.example", false, t0.Add(time.Hour))
	addMail(srv, "inbox/Phishing", "New 2", "x@evil.example", false, t0.Add(2*time.Hour))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, poll...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = w
	if err := cmd.Run(); err == nil {
		t.Error("ews poll with a closed stdout exited 0")
	}
	w.Close()
	out := runCLI(t, env, "", append([]string{"--output", "ndjson"}, poll...)...)
	if lines := strings.Split(strings.TrimSpace(out.stdout), "\n"); out.code != 0 || len(lines) != 2 ||
		!strings.Contains(lines[0], `"subject":"New 1"`) || !strings.Contains(lines[1], `"subject":"New 2"`) {
		t.Errorf("poll after a lost result: exit %d, %q", out.code, out.stdout)
	}
	runCLI(t, env, "", poll...).ok(t, &es)
	if len(es) != 0 {
		t.Errorf("poll after a delivered result: %q", subjectsOf(es))
	}
	runCLI(t, env, "", append(g, "poll")...).failed(t, 2, connector.CodeInvalidParameter, "state_file")
}
