//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// runInNamespace runs ews with args in a private user and mount namespace (unshare -rm) after the shell commands
// setup, which may mount over dir: a full disk and a read-only file system for real, which root's disregard of
// file modes does not allow otherwise. Nothing of it is seen outside that process.
func runInNamespace(t *testing.T, env []string, dir, setup string, args ...string) cli {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"-rm", "sh", "-c", setup + ` && shift && exec "$@"`, "sh", dir, bin}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EWS_PASSWORD=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return cli{out.String(), errb.String(), code}
}

func requireNamespaces(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare command")
	}
	if out, err := exec.Command("unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", t.TempDir()).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs in a user and mount namespace here (unshare -rm mount: %v %s)", err, out)
	}
}

// TestCLIPollStateNotWritable: when the poll state cannot be written (a full disk, a read-only file system),
// `ews poll` prints an error result (code StateError; with ndjson no message line before it) and exits 1, every
// time, never "Success"; once the state can be written, the messages come, none lost.
func TestCLIPollStateNotWritable(t *testing.T) {
	requireNamespaces(t)
	srv := testserver.New(t)
	for i := range 10 {
		addMail(srv, "inbox", fmt.Sprintf("Existing %d", i), "x@example.com", false, t0.Add(time.Duration(i)*time.Minute))
	}
	g, env := conn(srv)
	// The state file lives in dir; in the namespace a 256 KB tmpfs filled to the last block covers it.
	const full = `mount -t tmpfs -o size=256k tmpfs "$1" && { dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true; }`
	const readOnly = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"`
	wantStateError := func(t *testing.T, r cli) {
		t.Helper()
		if r.code != 1 || strings.Contains(r.stdout, `"Success"`) || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("exit %d, stdout %q, stderr %q; want one error line and exit 1", r.code, r.stdout, r.stderr)
		}
		r.failed(t, 1, connector.CodeStateError, "poll state file")
	}
	for _, output := range []string{"json", "ndjson"} {
		t.Run(output, func(t *testing.T) {
			dir := t.TempDir()
			poll := append(append([]string{}, g...), "--output", output, "poll", "--state_file", filepath.Join(dir, "inbox.state"), "--include_existing")
			// A full disk, twice: an error each time.
			for range 2 {
				r := runInNamespace(t, env, dir, full, poll...)
				wantStateError(t, r)
				if !strings.Contains(r.stdout, "no space left on device") {
					t.Errorf("stdout %q does not say why", r.stdout)
				}
			}
			// With room (outside the namespace): every message.
			r := runCLI(t, env, "", poll...)
			if want := len(srv.Default().Items("inbox")); r.code != 0 || strings.Count(r.stdout, `"subject":`) != want || strings.Contains(r.stdout, `"Error"`) {
				t.Fatalf("with room: exit %d, %d messages (want %d): %.300s", r.code, strings.Count(r.stdout, `"subject":`), want, r.stdout)
			}
			// A read-only file system (the state and its lock file exist): an error, and nothing lost.
			addMail(srv, "inbox", "Later "+output, "x@example.com", false, t0.Add(time.Hour))
			r = runInNamespace(t, env, dir, readOnly, poll...)
			wantStateError(t, r)
			if !strings.Contains(r.stdout, "read-only file system") {
				t.Errorf("stdout %q does not say why", r.stdout)
			}
			r = runCLI(t, env, "", poll...)
			if r.code != 0 || strings.Count(r.stdout, `"subject":"Later `+output+`"`) != 1 {
				t.Errorf("after the read-only run: exit %d, %q", r.code, r.stdout)
			}
		})
	}
}
