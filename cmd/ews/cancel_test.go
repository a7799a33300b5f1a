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
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// runInterrupted runs the binary, and sends it sig once the server holds one of its requests (a Delay fault).
func runInterrupted(t *testing.T, srv *testserver.Server, env []string, sig os.Signal, args ...string) cli {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	for srv.Delayed() == 0 {
		select {
		case <-done:
			t.Fatalf("the run ended before the request to interrupt: %.200s %.200s", out.String(), errb.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	_ = cmd.Process.Signal(sig)
	<-done
	return cli{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// An operation interrupted (SIGINT, SIGTERM) during any kind of request never reports success: the result is an
// error (ndjson: the last line), the exit status 1, and a poll's state does not advance.
func TestCLIInterruptedNeverSucceeds(t *testing.T) {
	state := filepath.Join(t.TempDir(), "inbox.state")
	cases := []struct {
		name   string
		fault  testserver.Fault
		args   []string
		codes  string // acceptable error codes
		before func(srv *testserver.Server, g []string, env []string)
	}{
		{"FindItem page", testserver.Delay(time.Minute).For("FindItem"), []string{"--output", "ndjson", "search_query", "--subject", "Invoice"}, "Cancelled", nil},
		// get_email reads ReadConcurrency batches at once: the one after them waits until the first is written, so
		// holding it interrupts a list with messages before it.
		{"GetItem batch", testserver.Delay(time.Minute).For("GetItem").Every(connector.ReadConcurrency + 1), []string{"--output", "ndjson", "get_email", "--mark_as_read=false"}, "Cancelled", nil},
		{"GetItem batch json", testserver.Delay(time.Minute).For("GetItem").Every(2), []string{"get_email", "--mark_as_read=false"}, "Cancelled", nil},
		{"SyncFolderItems", testserver.Delay(time.Minute).For("SyncFolderItems"), []string{"--output", "ndjson", "poll", "--state_file", state}, "Cancelled",
			func(srv *testserver.Server, g, env []string) {
				runCLI(t, env, "", append(g, "poll", "--state_file", state)...).ok(t, nil) // the baseline
				for i := range 20 {
					addMail(srv, "inbox", fmt.Sprintf("Later %d", i), "x@example.com", false, t0.Add(time.Duration(i)*time.Minute))
				}
			}},
		{"send", testserver.Delay(time.Minute).For("CreateItem"), []string{"send_email", "--to_recipients", "bob@example.com", "--subject", "s"}, "OutcomeUnknown Cancelled", nil},
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%v", tc.name, sig), func(t *testing.T) {
				srv := testserver.New(t)
				for i := range 1200 {
					addMail(srv, "inbox", fmt.Sprintf("Invoice %d", i), "x@example.com", false, t0.Add(-time.Duration(i)*time.Minute))
				}
				g, env := conn(srv)
				if tc.before != nil {
					tc.before(srv, g, env)
				}
				var stateBefore []byte
				if tc.name == "SyncFolderItems" {
					stateBefore, _ = os.ReadFile(state)
				}
				srv.AddFault(tc.fault)
				out := runInterrupted(t, srv, env, sig, append(g, tc.args...)...)
				lines := strings.Split(strings.TrimSpace(out.stdout), "\n")
				var last result
				if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
					t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
				}
				if out.code != exitFail || last.Status != "Error" || !strings.Contains(tc.codes, last.Code) || last.Code == "" {
					t.Errorf("exit %d, last line %s; want exit 1 and an error %s", out.code, lines[len(lines)-1], tc.codes)
				}
				if tc.name == "GetItem batch" && len(lines) < 2 {
					t.Errorf("no message was written before the interrupted batch: the test does not cut a list short")
				}
				if strings.Contains(out.stdout, `"status":"Success"`) {
					t.Errorf("an interrupted run printed Success: %.300s", out.stdout)
				}
				if tc.name == "SyncFolderItems" {
					if after, _ := os.ReadFile(state); !bytes.Equal(after, stateBefore) {
						t.Errorf("the poll state changed in an interrupted poll")
					}
				}
			})
		}
	}
}

// A read whose request outlives --timeout fails with code Timeout, whichever request of the pipeline it is, and
// with --output json prints nothing but that error.
func TestCLIReadTimeout(t *testing.T) {
	for _, tc := range []struct {
		op    string
		held  string
		every int
	}{{"search_query", "GetItem", 3}, {"get_email", "GetItem", 3}, {"get_contacts", "FindItem", 1}} {
		t.Run(tc.op, func(t *testing.T) {
			srv := testserver.New(t)
			for i := range 300 {
				addMail(srv, "inbox", fmt.Sprintf("m%d", i), "x@example.com", false, t0.Add(time.Duration(i)*time.Minute))
			}
			srv.AddFault(testserver.Delay(time.Minute).For(tc.held).Every(tc.every))
			g, env := conn(srv)
			start := time.Now()
			c := runCLI(t, env, "", append(g, "--timeout", "1", "--max-attempts", "1", tc.op)...)
			c.failed(t, exitFail, connector.CodeTimeout, "")
			if strings.Count(c.stdout, "\n") != 1 {
				t.Errorf("stdout holds more than the error: %.300s", c.stdout)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("the timeout took %v to end the run", d)
			}
		})
	}
}
