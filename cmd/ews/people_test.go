package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// busyServer is a fake server with n messages in the Inbox whose second GetItem is answered ErrorServerBusy
// with a back-off of wait, once: the run then retries after the back-off, and its progress says so.
func busyServer(t *testing.T, n int, wait time.Duration) *testserver.Server {
	t.Helper()
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(wait).For("GetItem").Every(2).Times(1)))
	for i := 0; i < n; i++ {
		addMail(srv, "inbox", fmt.Sprintf("m%03d", i), "bob@example.com", true, t0.Add(time.Duration(i)*time.Minute))
	}
	return srv
}

func TestCLISearchQueryEveryMatch(t *testing.T) {
	srv := testserver.New(t)
	for i := 0; i < 247; i++ {
		addMail(srv, "inbox", fmt.Sprintf("wire %03d", i), "bob@example.com", true, t0.Add(time.Duration(i)*time.Minute))
	}
	addMail(srv, "inbox", "lunch", "bob@example.com", true, t0)
	g, env := conn(srv)
	var es []connector.Email
	runCLI(t, env, "", append(g, "search_query", "--body", "WIRE")...).ok(t, &es)
	if len(es) != 247 || es[0].Subject != "wire 246" || es[246].Subject != "wire 000" {
		t.Errorf("search_query --body WIRE: %d messages, want all 247, newest first", len(es))
	}
	c := runCLI(t, env, "", append(g, "--output", "ndjson", "search_query", "--body", "wire", "--range", "0")...)
	if n := strings.Count(c.stdout, "\n"); c.code != 0 || n != 247 {
		t.Errorf("--output ndjson --range 0: exit %d, %d lines, want 247", c.code, n)
	}
	runCLI(t, env, "", append(g, "search_query", "--body", "wire", "--range", "101")...).ok(t, &es)
	if len(es) != 101 || es[0].Subject != "wire 246" {
		t.Errorf("--range 101: %d messages, want the newest 101", len(es))
	}
}

func TestCLIProgressNotTerminal(t *testing.T) {
	srv := busyServer(t, 120, 600*time.Millisecond)
	g, env := conn(srv)
	// stderr is a pipe: nothing on it, retries and all.
	c := runCLI(t, env, "", append(g, "search_query")...)
	var es []connector.Email
	c.ok(t, &es)
	if len(es) != 120 || c.stderr != "" {
		t.Errorf("stderr not a terminal: %d messages, stderr %q; want 120 and nothing", len(es), c.stderr)
	}
	if !hasFault(srv, "ServerBusy") {
		t.Fatal("the server injected no ErrorServerBusy")
	}
	// --progress: the retry with its reason and back-off, as lines.
	srv = busyServer(t, 120, 600*time.Millisecond)
	g, env = conn(srv)
	c = runCLI(t, env, "", append(g, "--progress", "search_query")...)
	c.ok(t, &es)
	if !strings.Contains(c.stderr, "ews: search_query: ") || !strings.Contains(c.stderr, "server busy, waiting 600 ms (attempt 2/8)") ||
		strings.Contains(c.stderr, "\r") || strings.Contains(c.stderr, "\x1b") {
		t.Errorf("--progress into a pipe: stderr %q, want plain lines naming the retry", c.stderr)
	}
	// --max-attempts shows in the attempt count; --progress=false and --progress false turn it off.
	srv = busyServer(t, 120, 600*time.Millisecond)
	g, env = conn(srv)
	c = runCLI(t, env, "", append(g, "--progress", "--max-attempts", "3", "search_query")...)
	if !strings.Contains(c.stderr, "(attempt 2/3)") {
		t.Errorf("--max-attempts 3: stderr %q", c.stderr)
	}
	for _, off := range [][]string{{"--progress=false"}, {"--progress", "false"}} {
		srv = busyServer(t, 120, 300*time.Millisecond)
		g, env = conn(srv)
		c = runCLI(t, env, "", append(append(g, off...), "search_query")...)
		c.ok(t, nil)
		if c.stderr != "" {
			t.Errorf("%v: stderr %q", off, c.stderr)
		}
	}
}

func hasFault(srv *testserver.Server, name string) bool {
	for _, r := range srv.Requests() {
		if r.Fault == name {
			return true
		}
	}
	return false
}

func TestCLIProgressTerminal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the pseudo-terminal of this test is Linux's")
	}
	srv := busyServer(t, 150, 1500*time.Millisecond)
	g, env := conn(srv)
	ptm, pts, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	cmd := exec.Command(bin, append(g, "search_query")...)
	cmd.Env = append(os.Environ(), env...)
	var stdout strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, pts
	screen := make(chan string)
	go func() {
		var b strings.Builder
		r := bufio.NewReader(ptm)
		for {
			c, err := r.ReadByte()
			if err != nil { // EIO once the last slave descriptor is closed
				screen <- b.String()
				return
			}
			b.WriteByte(c)
		}
	}()
	if err := cmd.Run(); err != nil {
		t.Fatalf("ews search_query: %v", err)
	}
	pts.Close()
	var got string
	select {
	case got = <-screen:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal did not close")
	}
	if !strings.Contains(got, "\r\x1b[Kews: search_query: ") || !strings.Contains(got, " items") ||
		!strings.Contains(got, "server busy, waiting 1.5 s (attempt 2/8)") {
		t.Errorf("terminal shows %q; want the progress line with the retry's reason, back-off and attempt", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("terminal ends with %q; want the progress line cleared", got[max(0, len(got)-40):])
	}
	var r result
	if err := json.Unmarshal([]byte(stdout.String()), &r); err != nil || r.Status != "Success" || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("stdout %.200q: want the one result line only (%v)", stdout.String(), err)
	}
	var es []connector.Email
	_ = json.Unmarshal(r.Data, &es)
	if len(es) != 150 {
		t.Errorf("%d messages, want 150", len(es))
	}
}

func TestCLIVerboseAndTrace(t *testing.T) {
	srv := busyServer(t, 60, 50*time.Millisecond)
	g, env := conn(srv)
	c := runCLI(t, env, "", append(g, "--verbose", "search_query")...)
	c.ok(t, nil)
	for _, want := range []string{"ews: GetFolder: HTTP 200, ", "ews: FindItem: HTTP 200, ", "ews: GetItem: HTTP 200, ", " ms\n",
		"ews: retry: server busy, waiting 50 ms (attempt 2/8): ErrorServerBusy"} {
		if !strings.Contains(c.stderr, want) {
			t.Errorf("--verbose: stderr lacks %q:\n%s", want, c.stderr)
		}
	}
	if strings.Contains(c.stderr, "<m:FindItem") || strings.Contains(c.stderr, "http POST") {
		t.Errorf("--verbose shows bodies or HTTP legs:\n%s", c.stderr)
	}

	// --trace, over Basic and NTLM: the SOAP bodies and the handshake legs, never a credential.
	for _, auth := range []string{"basic", "ntlm"} {
		srv := testserver.New(t)
		addMail(srv, "inbox", "Quarterly report", "bob@example.com", true, t0)
		g, env := conn(srv)
		g[len(g)-1] = auth
		c := runCLI(t, env, "", append(g, "--trace", "search_query")...)
		var es []connector.Email
		c.ok(t, &es)
		for _, want := range []string{"ews: > FindItem request body:\n<?xml", "<m:FindItem", "ews: < GetItem response body:\n", "Quarterly report",
			"ews: http POST " + srv.URL, "ews: FindItem: HTTP 200"} {
			if !strings.Contains(c.stderr, want) {
				t.Errorf("--trace (%s): stderr lacks %q", auth, want)
			}
		}
		if auth == "basic" && !strings.Contains(c.stderr, "(Basic)") || auth == "ntlm" && !strings.Contains(c.stderr, "(NTLM)") {
			t.Errorf("--trace (%s): the HTTP legs do not name the scheme", auth)
		}
		if strings.Contains(c.stderr, srv.Password()) || strings.Contains(c.stderr, "Authorization:") || strings.Contains(c.stderr, "TlRMTVNT") {
			t.Errorf("--trace (%s) shows a credential:\n%s", auth, c.stderr)
		}
		if strings.Contains(c.stdout, "ews: ") || strings.Count(c.stdout, "\n") != 1 {
			t.Errorf("--trace wrote to stdout: %.300q", c.stdout)
		}
	}
}

func TestCLIVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"--host", "x", "--version"}, {"get_email", "--version"}} {
		c := runCLI(t, nil, "", args...)
		if c.code != 0 || c.stderr != "" || !strings.HasPrefix(c.stdout, "ews ") || !strings.Contains(c.stdout, "(github.com/ewsgo/ews)") ||
			!strings.Contains(c.stdout, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n") {
			t.Errorf("ews %v: exit %d, stdout %q, stderr %q", args, c.code, c.stdout, c.stderr)
		}
	}
}

func TestCLIBooleanFlagValues(t *testing.T) {
	srv := testserver.New(t)
	a := addMail(srv, "inbox", "Alpha", "x@evil.example", false, t0)
	g, env := conn(srv)
	for _, args := range [][]string{{"--mark_as_read", "false"}, {"--mark-as-read", "FALSE"}, {"--mark_as_read=false"}} {
		var es []connector.Email
		runCLI(t, env, "", append(append(g, "get_email"), args...)...).ok(t, &es)
		if len(es) != 1 {
			t.Fatalf("get_email %v: %d messages", args, len(es))
		}
		if it, _ := srv.Item(a); it.IsRead {
			t.Fatalf("get_email %v marked the message read", args)
		}
	}
	// A global boolean flag with its value as the next argument, before and after the operation.
	c := runCLI(t, env, "", append([]string{"--insecure", "false"}, append(g, "get_contacts", "--autodiscover", "false")...)...)
	c.ok(t, nil)
	if strings.Contains(c.stderr, "verification is off") {
		t.Errorf("--insecure false turned verification off: %q", c.stderr)
	}
	var es []connector.Email
	runCLI(t, env, "", append(g, "get_email", "--mark_as_read", "true")...).ok(t, &es)
	if it, _ := srv.Item(a); !it.IsRead || len(es) != 1 {
		t.Error("get_email --mark_as_read true did not mark the message read")
	}
	// A word that is not true or false stays an argument, and is refused as one.
	runCLI(t, env, "", append(g, "get_email", "--mark_as_read", "maybe")...).failed(t, 2, connector.CodeInvalidParameter, `unexpected argument "maybe"`)
}

func TestCLICompletion(t *testing.T) {
	scripts := map[string]string{}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		c := runCLI(t, nil, "", "completion", sh)
		if c.code != 0 || c.stderr != "" {
			t.Fatalf("completion %s: exit %d, stderr %q", sh, c.code, c.stderr)
		}
		scripts[sh] = c.stdout
		// Every operation of the registry and every parameter, with the global flags.
		for _, op := range connector.Operations() {
			if !strings.Contains(c.stdout, op.Name) {
				t.Errorf("%s completion lacks operation %s", sh, op.Name)
			}
			for _, p := range op.Params {
				if !strings.Contains(c.stdout, p.Name) {
					t.Errorf("%s completion lacks %s's parameter %s", sh, op.Name, p.Name)
				}
			}
		}
		for _, f := range []string{"config", "verbose", "trace", "progress", "password-file", "output"} {
			if !strings.Contains(c.stdout, f) {
				t.Errorf("%s completion lacks --%s", sh, f)
			}
		}
	}
	if c := runCLI(t, nil, "", "completion", "tcsh"); c.code != 2 || c.stdout != "" {
		t.Errorf("completion tcsh: exit %d, stdout %q", c.code, c.stdout)
	}
	dir := t.TempDir()
	for sh, s := range scripts {
		if err := os.WriteFile(filepath.Join(dir, sh), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// bash: the completion function itself, as bash calls it.
	if bash, err := exec.LookPath("bash"); err == nil {
		script := `source "$1"
c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _ews; echo "${COMPREPLY[*]}"; }
c ews search_q
c ews --config f.json get_ev
c ews --auth n
c ews search_query --ra
c ews delete_email --delete_type S
c ews --verbose get_email --mark
c ews help get_c
c ews completion z
c ews fake-server --config-
`
		out, err := exec.Command(bash, "-c", script, "bash", filepath.Join(dir, "bash")).CombinedOutput()
		want := "search_query\nget_events\nntlm\n--range\nSoft\\ Delete\n--mark_as_read\nget_contacts\nzsh\n--config-out\n"
		if err != nil || string(out) != want {
			t.Errorf("bash completion: %v\n%s\nwant\n%s", err, out, want)
		}
	}
	if fish, err := exec.LookPath("fish"); err == nil {
		out, err := exec.Command(fish, "-c", `source $argv[1]; complete -C "ews search_q"; complete -C "ews search_query --ra"; complete -C "ews delete_email --delete_type "`,
			filepath.Join(dir, "fish")).CombinedOutput()
		s := string(out)
		if err != nil || !strings.HasPrefix(s, "search_query\t") || !strings.Contains(s, "--range\t") || !strings.Contains(s, "Soft Delete\t") || !strings.Contains(s, "Move To Trash\t") {
			t.Errorf("fish completion: %v\n%s", err, s)
		}
	} else {
		t.Log("fish not installed: its completion script was only checked for its content")
	}
	if zsh, err := exec.LookPath("zsh"); err == nil {
		if out, err := exec.Command(zsh, "-n", filepath.Join(dir, "zsh")).CombinedOutput(); err != nil {
			t.Errorf("zsh -n: %v\n%s", err, out)
		}
	} else {
		t.Log("zsh not installed: its completion script was only checked for its content")
	}
}

func TestCLINDJSONErrorComesLast(t *testing.T) {
	// The GetItem of the fifth batch fails, whatever the order the pipelined requests reach the server in: the
	// server fails the request that asks for one message of it. The four batches before it are written, in
	// order, then the error line.
	srv := testserver.New(t)
	var ids []string
	for i := 0; i < 500; i++ {
		ids = append(ids, addMail(srv, "inbox", fmt.Sprintf("m%03d", i), "bob@example.com", true, t0.Add(time.Duration(i)*time.Minute)))
	}
	// Newest first: batch 5 holds m299 to m250.
	poison := []byte(`Id="` + ids[280] + `"`)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetItem")) || !bytes.Contains(body, poison) {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html><body>Internal Server Error</body></html>")
		return true
	})
	g, env := conn(srv)
	c := runCLI(t, env, "", append(g, "--output", "ndjson", "--max-attempts", "1", "search_query")...)
	lines := strings.Split(strings.TrimSuffix(c.stdout, "\n"), "\n")
	var last result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Status != "Error" || c.code != 1 {
		t.Fatalf("exit %d, last line %q (%v); want the error result last", c.code, lines[len(lines)-1], err)
	}
	if n := len(lines) - 1; n != 4*connector.ReadBatchSize {
		t.Fatalf("%d lines before the error, want the %d messages of the four batches before the failed one", n, 4*connector.ReadBatchSize)
	}
	for i, l := range lines[:len(lines)-1] {
		var e connector.Email
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Subject != fmt.Sprintf("m%03d", 499-i) {
			t.Fatalf("line %d before the error is %q, want message m%03d", i, l, 499-i)
		}
	}
}

// TestRunProgressInProcess runs the command in this process (so that -race sees the progress goroutine, the
// SDK's log records from its request goroutines and the output together), with progress, --verbose and ndjson.
func TestRunProgressInProcess(t *testing.T) {
	srv := busyServer(t, 260, 100*time.Millisecond)
	g, _ := conn(srv)
	var stdout, stderr strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string {
			if k == "EWS_PASSWORD" {
				return srv.Password()
			}
			return ""
		}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if code := run(ctx, append(g, "--progress", "--verbose", "--output", "ndjson", "search_query"), e); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 260 {
		t.Errorf("%d lines on stdout, want 260", n)
	}
	if !strings.Contains(stderr.String(), "ews: retry: server busy, waiting 100 ms (attempt 2/8)") || strings.Contains(stdout.String(), "ews: ") {
		t.Errorf("stderr %q", stderr.String())
	}
}
