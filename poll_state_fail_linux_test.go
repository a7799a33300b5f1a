//go:build linux

package ews

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// A full disk and a read-only file system, for real: root ignores file modes, so the test runs again in a
// private user and mount namespace (unshare -rm) over a small tmpfs of its own, which it fills or remounts
// read-only. Nothing of it is seen outside that process.

// smallFSEnv names the tmpfs directory to the test run inside the namespace.
const smallFSEnv = "EWS_TEST_SMALL_FS"

// inSmallFS runs the test named name again in a new namespace with a 256 KB tmpfs mounted over a fresh
// directory, and reports whether the caller is that run (then dir is the tmpfs). The outer run checks that the
// inner one passed.
func inSmallFS(t *testing.T) (dir string, inner bool) {
	t.Helper()
	if dir := os.Getenv(smallFSEnv); dir != "" {
		return dir, true
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare command")
	}
	dir = t.TempDir()
	if out, err := exec.Command("unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs in a user and mount namespace here (unshare -rm mount: %v %s)", err, out)
	}
	cmd := exec.Command("unshare", "-rm", "sh", "-c", `mount -t tmpfs -o size=256k tmpfs "$1" && shift && exec "$@"`,
		"sh", dir, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), smallFSEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in the namespace: %v\n%s", err, out)
	}
	t.Logf("in the namespace:\n%s", out)
	return "", false
}

// fill writes a file in dir until the file system is full, and returns a function that removes it.
func fill(t *testing.T, dir string) func() {
	t.Helper()
	name := filepath.Join(dir, "fill")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			break
		}
	}
	return func() {
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
}

// remount makes the tmpfs read-only, or writable again.
func remount(t *testing.T, dir string, readOnly bool) {
	t.Helper()
	flags := uintptr(syscall.MS_REMOUNT)
	if readOnly {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size=256k"); err != nil {
		t.Fatalf("remount %s (read-only %v): %v", dir, readOnly, err)
	}
}

// wantStateFailure checks that a poll failed on its state file with errno.
func wantStateFailure(t *testing.T, what string, b *PollBatch, err error, errno syscall.Errno) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error; a batch of %d events", what, len(b.Events))
	}
	if !errors.Is(err, ErrStateFile) || !errors.Is(err, errno) {
		t.Fatalf("%s: %v, want ErrStateFile and %v", what, err, errno)
	}
}

// TestPollStateOnFullOrReadOnlyDisk: a poll whose state cannot be written (full disk, read-only file system)
// fails with ErrStateFile before handing anything out, every time, and loses nothing: once the state can be
// written, the batch comes. A Commit whose rename fails is an error too, and the batch comes again.
func TestPollStateOnFullOrReadOnlyDisk(t *testing.T) {
	dir, inner := inSmallFS(t)
	if !inner {
		return
	}
	srv, c := setup(t)
	ctx := testCtx(t)
	for i := range 20 {
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("m%02d", i)})
	}
	state := filepath.Join(dir, "inbox.state")
	opts := PollOnceOptions{Folder: Inbox, StateFile: state, IncludeExisting: true}

	// A full disk: no batch, twice, then every message.
	unfill := fill(t, dir)
	for i := range 2 {
		b, err := c.PollOnce(ctx, opts)
		wantStateFailure(t, fmt.Sprintf("full disk, poll %d", i+1), b, err, syscall.ENOSPC)
	}
	unfill()
	b, err := c.PollOnce(ctx, opts)
	if err != nil || len(b.Events) != 20 {
		t.Fatalf("with room again: %v, %d events", err, len(b.Events))
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}

	// Read-only: the lock file cannot be opened for writing.
	for i := range 3 {
		srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("later %d", i)})
	}
	remount(t, dir, true)
	b, err = c.PollOnce(ctx, opts)
	wantStateFailure(t, "read-only", b, err, syscall.EROFS)
	remount(t, dir, false)

	// The rename of Commit fails (the batch holds the lock file open for writing, so the file system cannot
	// become read-only then: a directory in the state file's place makes it fail), and the batch comes again.
	b, err = c.PollOnce(ctx, opts)
	if err != nil || fmt.Sprint(batchSubjects(b)) != "[later 0 later 1 later 2]" {
		t.Fatalf("after read-only: %v %v", err, batchSubjects(b))
	}
	saved, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(state); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(state, "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	var le *os.LinkError
	if err := b.Commit(); !errors.Is(err, ErrStateFile) || !errors.As(err, &le) {
		t.Fatalf("Commit over a directory = %v", err)
	}
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err = c.PollOnce(ctx, opts)
	if err != nil || fmt.Sprint(batchSubjects(b)) != "[later 0 later 1 later 2]" {
		t.Fatalf("after the failed Commit: %v %v", err, batchSubjects(b))
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}

	// Acknowledged mode on a full disk: the pending state cannot be written, no batch.
	srv.AddMessage("inbox", testserver.Item{Subject: "acked"})
	ack := ""
	unfill = fill(t, dir)
	b, err = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state, Ack: &ack})
	wantStateFailure(t, "acknowledged mode, full disk", b, err, syscall.ENOSPC)
	unfill()

	// The Poller with a FileStateStore: Poll stops with the state's error; the event comes again.
	store := newTestFileStore(t, filepath.Join(dir, "poller.state"))
	p, err := c.NewPoller(PollerOptions{Store: store, IncludeExisting: true})
	if err != nil {
		t.Fatal(err)
	}
	unfill = fill(t, dir)
	var handled int
	err = p.Poll(ctx, func(context.Context, *MailEvent) error { handled++; return nil })
	if !errors.Is(err, ErrStateFile) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Poll on a full disk = %v", err)
	}
	unfill()
	p, _ = c.NewPoller(PollerOptions{Store: newTestFileStore(t, filepath.Join(dir, "poller.state")), IncludeExisting: true})
	var again int
	if err := p.Poll(ctx, func(context.Context, *MailEvent) error { again++; return nil }); err != nil {
		t.Fatal(err)
	}
	if handled > 1 || again != 24 {
		t.Errorf("the handler got %d events before the failed write, and %d after, want at most 1 and 24", handled, again)
	}
}
