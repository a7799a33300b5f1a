package ews

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func batchSubjects(b *PollBatch) []string {
	var out []string
	for _, e := range b.Events {
		out = append(out, e.Subject)
	}
	return out
}

func TestPollOnce(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		path := filepath.Join(t.TempDir(), "inbox.state")
		srv.AddMessage("inbox", testserver.Item{Subject: "old 1"})
		srv.AddMessage("inbox", testserver.Item{Subject: "old 2"})

		b, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: path})
		if err != nil || !b.Baseline || len(b.Events) != 0 {
			t.Fatalf("first call: %v %+v", err, b)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("state written before Commit: %v", err)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		srv.AddMessage("inbox", testserver.Item{Subject: "new 1"})
		srv.AddMessage("inbox", testserver.Item{Subject: "new 2"})
		b, err = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: path})
		if err != nil || b.Baseline || fmt.Sprint(batchSubjects(b)) != "[new 1 new 2]" {
			t.Fatalf("second call: %v %v", err, batchSubjects(b))
		}
		// Not committed (the caller crashed before writing its output): the next call returns them again.
		b.Close()
		srv.AddMessage("inbox", testserver.Item{Subject: "new 3"})
		b, err = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: path})
		if err != nil || fmt.Sprint(batchSubjects(b)) != "[new 1 new 2 new 3]" {
			t.Fatalf("after no commit: %v %v", err, batchSubjects(b))
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); err != nil {
			t.Errorf("second Commit: %v", err)
		}
		b, err = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: path})
		if err != nil || len(b.Events) != 0 {
			t.Fatalf("after commit: %v %v", err, batchSubjects(b))
		}
		b.Close()

		// include_existing on a new state file returns what is there, and records it.
		other := filepath.Join(t.TempDir(), "all.state")
		b, err = c.PollOnce(ctx, PollOnceOptions{Folder: ParseFolder("Inbox"), StateFile: other, IncludeExisting: true})
		if err != nil || !b.Baseline || len(b.Events) != 5 {
			t.Fatalf("includeExisting: %v %v", err, batchSubjects(b))
		}
		_ = b.Commit()
		if b, _ = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: other, IncludeExisting: true}); len(b.Events) != 0 {
			t.Errorf("includeExisting, second call: %v", batchSubjects(b))
		}
		b.Close()

		// Errors: a folder that does not exist, a state file in a directory that does not exist (before anything is
		// handed out).
		if _, err := c.PollOnce(ctx, PollOnceOptions{Folder: FolderByPath("Inbox/Nope"), StateFile: path}); err == nil {
			t.Error("PollOnce on a missing folder succeeded")
		}
		if _, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: filepath.Join(t.TempDir(), "no", "such", "dir")}); err == nil {
			t.Error("PollOnce into a missing directory succeeded")
		}
	})
}
