package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

func ndjsonSubjects(t *testing.T, out string) []string {
	t.Helper()
	var subs []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var e connector.Email
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %.200q: %v", l, err)
		}
		subs = append(subs, e.Subject)
	}
	return subs
}

// Two polls of one state file at the same time deliver each message once between them.
func TestCLIConcurrentPollsDeliverOnce(t *testing.T) {
	srv := testserver.New(t)
	g, env := conn(srv)
	state := filepath.Join(t.TempDir(), "inbox.state")
	poll := append(g, "--output", "ndjson", "poll", "--state_file", state)
	runCLI(t, env, "", poll...) // baseline
	const n = 300
	for i := range n {
		addMail(srv, "inbox", fmt.Sprintf("M%03d", i), "x@example.com", false, t0.Add(time.Duration(i)*time.Second))
	}
	var wg sync.WaitGroup
	outs := make([]cli, 3)
	for i := range outs {
		wg.Add(1)
		go func() { defer wg.Done(); outs[i] = runCLI(t, env, "", poll...) }()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, o := range outs {
		if o.code != 0 {
			t.Errorf("concurrent poll exit %d: %.300s", o.code, o.stderr)
		}
		for _, s := range ndjsonSubjects(t, o.stdout) {
			seen[s]++
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), n)
	}
	for s, k := range seen {
		if k != 1 {
			t.Errorf("%s delivered %d times", s, k)
		}
	}
}

// kill -9 of a poll in flight loses nothing, in both modes; in acknowledged mode a batch comes again until its
// cursor is acknowledged.
func TestCLIPollKill9(t *testing.T) {
	for _, ack := range []bool{false, true} {
		t.Run(fmt.Sprintf("ack=%v", ack), func(t *testing.T) {
			srv := testserver.New(t)
			g, env := conn(srv)
			state := filepath.Join(t.TempDir(), "inbox.state")
			poll := append(g, "--output", "ndjson", "poll", "--state_file", state)
			if ack {
				poll = append(poll, "--ack", "")
			}
			if o := runCLI(t, env, "", poll...); o.code != 0 {
				t.Fatalf("baseline: %d %s", o.code, o.stdout)
			}
			for i := range 50 {
				addMail(srv, "inbox", fmt.Sprintf("K%02d", i), "x@example.com", false, t0.Add(time.Duration(i)*time.Second))
			}
			// kill -9 while the messages are being fetched.
			srv.AddFault(testserver.Delay(time.Minute).For("GetItem").Times(1))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, poll...)
			cmd.Env = append(os.Environ(), env...)
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for srv.Delayed() == 0 && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			// The next run gets every message.
			o := runCLI(t, env, "", poll...)
			if got := ndjsonSubjects(t, o.stdout); o.code != 0 || len(got) != 50 {
				t.Fatalf("after kill -9: exit %d, %d messages, want 50", o.code, len(got))
			}
			if !ack {
				if o := runCLI(t, env, "", poll...); len(ndjsonSubjects(t, o.stdout)) != 0 {
					t.Errorf("default mode: the written batch came again")
				}
				return
			}
			// Not acknowledged (the consumer died after reading): it comes again, with the same ids.
			var first connector.Email
			_ = json.Unmarshal([]byte(strings.SplitN(o.stdout, "\n", 2)[0]), &first)
			again := runCLI(t, env, "", poll...)
			if got := ndjsonSubjects(t, again.stdout); len(got) != 50 {
				t.Fatalf("unacknowledged batch: %d messages the second time, want 50", len(got))
			}
			var e connector.Email
			_ = json.Unmarshal([]byte(strings.SplitN(again.stdout, "\n", 2)[0]), &e)
			if e.Cursor == "" || e.ID != first.ID || e.MessageID != first.MessageID {
				t.Fatalf("cursor %q, ids %s/%s vs %s/%s", e.Cursor, e.ID, e.MessageID, first.ID, first.MessageID)
			}
			// An old cursor acknowledges nothing.
			stale := runCLI(t, env, "", append(poll[:len(poll)-1], first.Cursor)...)
			if got := ndjsonSubjects(t, stale.stdout); len(got) != 50 {
				t.Fatalf("stale cursor: %d messages, want the batch again", len(got))
			}
			var cur connector.Email
			_ = json.Unmarshal([]byte(strings.SplitN(stale.stdout, "\n", 2)[0]), &cur)
			addMail(srv, "inbox", "After", "x@example.com", false, t0.Add(time.Hour))
			done := runCLI(t, env, "", append(poll[:len(poll)-1], cur.Cursor)...)
			if got := ndjsonSubjects(t, done.stdout); done.code != 0 || strings.Join(got, ",") != "After" {
				t.Fatalf("after the ack: exit %d, %v; want only the new message", done.code, got)
			}
			// A call without ack on a file in acknowledged mode acknowledges nothing.
			if got := ndjsonSubjects(t, runCLI(t, env, "", poll[:len(poll)-2]...).stdout); strings.Join(got, ",") != "After" {
				t.Errorf("a call without ack: %v; want the unacknowledged batch again", got)
			}
		})
	}
}
