package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testhook"
	"github.com/ewsgo/ews/internal/testserver"
)

// runGuardedInProcess runs the command as main does (runGuarded) in this process, so that a test hook can make
// it panic, and returns its stdout, stderr and exit status.
func runGuardedInProcess(t *testing.T, srv *testserver.Server, args ...string) cli {
	t.Helper()
	g, _ := conn(srv)
	var stdout, stderr strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string {
		if k == "EWS_PASSWORD" {
			return srv.Password()
		}
		return ""
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := runGuarded(ctx, append(g, args...), e)
	return cli{stdout.String(), stderr.String(), code}
}

// TestCLIPanicIsNotBadUsage: a panic anywhere in a run (the command's goroutine, an SDK goroutine of the
// pipelined search, the ndjson output's flush timer) ends the run with an error result of code InternalError
// (ndjson: the last line) and exit status 70, never 2 (bad usage) and never a success; before, a panic outside
// the main goroutine ended the process with Go's status 2. A panic in the progress display only stops it.
func TestCLIPanicIsNotBadUsage(t *testing.T) {
	srv := testserver.New(t)
	var ids []string
	for i := range 60 {
		ids = append(ids, addMail(srv, "inbox", fmt.Sprintf("Invoice %d", i), "x@example.com", false, t0.Add(-time.Duration(i)*time.Minute)))
	}
	// For the flush timer's panic: the GetItem of the second batch (Invoice 50 to 59) is held until the timer has
	// fired on the first batch's lines, so that the run is still writing then.
	var hold atomic.Pointer[chan struct{}]
	second := []byte(`Id="` + ids[55] + `"`)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		ch := hold.Load()
		if ch == nil {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte("<m:GetItem")) && bytes.Contains(body, second) {
			select {
			case <-*ch:
			case <-r.Context().Done():
			}
		}
		return false
	})
	cases := []struct {
		where string
		n     int64 // the arrival at the hook point that panics
		args  []string
	}{
		{"operation", 1, []string{"search_query", "--subject", "Invoice"}},
		{"operation", 1, []string{"--output", "ndjson", "search_query", "--subject", "Invoice"}},
		{"GetItem batch", 1, []string{"get_email", "--mark_as_read=false"}},
		{"GetItem batch", 2, []string{"--output", "ndjson", "search_query", "--subject", "Invoice"}},
		{"FindItem page", 1, []string{"--output", "ndjson", "search_query", "--subject", "Invoice"}},
		{"ndjson flush", 1, []string{"--output", "ndjson", "search_query", "--subject", "Invoice"}},
	}
	for _, tc := range cases {
		t.Run(tc.where+"/"+strings.Join(tc.args, " "), func(t *testing.T) {
			var hits atomic.Int64
			fired := make(chan struct{})
			if tc.where == "ndjson flush" {
				hold.Store(&fired)
				defer hold.Store(nil)
			}
			testhook.Set(func(w string) {
				if w == tc.where && hits.Add(1) == tc.n {
					close(fired)
					panic("injected panic in " + w)
				}
			})
			defer testhook.Set(nil)
			r := runGuardedInProcess(t, srv, tc.args...)
			if r.code != exitCrash {
				t.Fatalf("exit %d, want %d; stdout %.300s; stderr %.300s", r.code, exitCrash, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			var last result
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
				t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
			}
			if last.Status != "Error" || last.Code != "InternalError" || !strings.Contains(last.Message, "injected panic in "+tc.where) {
				t.Errorf("last line %+v, want an InternalError naming the panic", last)
			}
			if strings.Contains(r.stdout, "goroutine ") || strings.Contains(r.stdout, `"Success"`) {
				t.Errorf("stdout holds a stack or a success: %.500s", r.stdout)
			}
			if !strings.Contains(r.stderr, "injected panic in "+tc.where) {
				t.Errorf("stderr does not say what happened: %.500s", r.stderr)
			}
		})
	}
	t.Run("progress", func(t *testing.T) {
		testhook.Set(func(w string) {
			if w == "progress" {
				panic("injected panic in progress")
			}
		})
		defer testhook.Set(nil)
		r := runGuardedInProcess(t, srv, "--progress", "search_query", "--subject", "Invoice 1")
		r.ok(t, nil)
		if !strings.Contains(r.stderr, "internal error in the progress display (no more progress is shown): injected panic in progress") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
}
