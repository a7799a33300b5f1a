package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// startFakeServer runs `ews fake-server args...` and returns its first line and a function that interrupts it
// and returns its exit status and stderr.
func startFakeServer(t *testing.T, args ...string) (fakeServerInfo, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, append([]string{"fake-server"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("fake-server printed no first line: %v; stderr %s", err, stderr.String())
	}
	var info fakeServerInfo
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	stop := func() (int, string) {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return code, stderr.String()
	}
	return info, stop
}

func TestCLIFakeServer(t *testing.T) {
	info, stop := startFakeServer(t, "--messages", "12", "--seed", "3", "--username", "bob@example.org", "--password", "Pw-1234")
	if !strings.HasPrefix(info.Host, "http://127.0.0.1:") || !strings.HasSuffix(info.Host, "/EWS/Exchange.asmx") ||
		info.Username != "bob@example.org" || info.Password != "Pw-1234" || info.EmailAddress != "bob@example.org" || info.AuthType != "ntlm" {
		t.Errorf("first line %+v", info)
	}
	env := []string{"EWS_PASSWORD=" + info.Password}
	for _, auth := range []string{"ntlm", "basic"} {
		g := []string{"--host", info.Host, "--username", info.Username, "--auth", auth}
		var cts []connector.Contact
		runCLI(t, env, "", append(g, "get_contacts")...).ok(t, &cts)
		if len(cts) != 8 {
			t.Errorf("%s: %d contacts, want 8", auth, len(cts))
		}
		var evs []connector.Event
		runCLI(t, env, "", append(g, "get_events")...).ok(t, &evs)
		if len(evs) != 6 {
			t.Errorf("%s: %d events in the next 30 days, want the 6 seeded", auth, len(evs))
		}
	}
	runCLI(t, []string{"EWS_PASSWORD=nope"}, "", "--host", info.Host, "--username", info.Username, "get_contacts").failed(t, 1, connector.CodeUnauthorized, "")
	code, stderr := stop()
	if code != 0 || !strings.Contains(stderr, "12 messages") || !strings.Contains(stderr, "stopped") {
		t.Errorf("fake-server: exit %d, stderr %q", code, stderr)
	}

	// Defaults: the default user with a random password.
	info, stop = startFakeServer(t, "--messages", "0")
	if info.Username != `CORP\alice` || info.EmailAddress != "alice@example.com" || len(info.Password) < 12 {
		t.Errorf("default first line %+v", info)
	}
	if code, _ := stop(); code != 0 {
		t.Errorf("exit %d", code)
	}

	// The first line is a configuration: --config takes it as it is, from the file --config-out writes.
	cfgFile := filepath.Join(t.TempDir(), "fake.json")
	info, stop = startFakeServer(t, "--messages", "7", "--config-out", cfgFile)
	b, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(cfgFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("--config-out file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	var fromFile fakeServerInfo
	if err := json.Unmarshal(b, &fromFile); err != nil || fromFile != info {
		t.Errorf("--config-out wrote %s (%v), want the first line %+v", b, err, info)
	}
	if _, err := connector.ParseConfig(b); err != nil {
		t.Errorf("connector.ParseConfig(first line): %v", err)
	}
	var msgs []connector.Email
	runCLI(t, nil, "", "--config", cfgFile, "search_query").ok(t, &msgs)
	if len(msgs) == 0 {
		t.Error("search_query with --config from --config-out: no message")
	}
	if code, _ := stop(); code != 0 {
		t.Errorf("exit %d", code)
	}

	for _, args := range [][]string{{"--messages", "-1"}, {"--email", "nope"}, {"--bogus"}, {"extra"}, {"--addr", "256.0.0.1:99999"}} {
		r := runCLI(t, nil, "", append([]string{"fake-server"}, args...)...)
		if r.code == 0 || r.stdout != "" {
			t.Errorf("fake-server %v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}

func TestCLIFakeServerVersionPoisonState(t *testing.T) {
	info, stop := startFakeServer(t, "--messages", "2", "--version", "2010sp2", "--poison", "--password", "Pw-1234")
	state := strings.TrimSuffix(info.Host, testserver.EWSPath) + testserver.StatePath
	get := func(user, pass string) (int, testserver.State) {
		req, _ := http.NewRequest("GET", state, nil)
		req.SetBasicAuth(user, pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st testserver.State
		if resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode, st
	}
	if code, _ := get(info.Username, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("state with a wrong password: %d", code)
	}
	code, st := get(info.Username, info.Password)
	if code != 200 || len(st.Mailboxes) != 1 {
		t.Fatalf("state: %d %+v", code, st)
	}
	inbox := 0
	poison := 0
	for _, f := range st.Mailboxes[0].Folders {
		if f.Path == "Inbox" {
			inbox = len(f.Items)
			for _, it := range f.Items {
				if strings.ContainsAny(it.Subject, "\x00\x01\x0b") {
					poison++
				}
			}
		}
	}
	if inbox < len(testserver.Poisons()) || poison != 1 {
		t.Errorf("Inbox has %d items, %d with control characters in the subject", inbox, poison)
	}
	// The 2010 SP2 personality refuses what 2010 SP2 refuses.
	body := `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">` +
		`<s:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></s:Header><s:Body><m:GetFolder><m:FolderShape>` +
		`<t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></s:Body></s:Envelope>`
	req, _ := http.NewRequest("POST", info.Host, strings.NewReader(body))
	req.SetBasicAuth(info.Username, info.Password)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(b), "ErrorInvalidServerVersion") || strings.Contains(string(b), "ServerVersionInfo") {
		t.Errorf("2010 SP2 answered Exchange2013_SP1 with %d:\n%s", resp.StatusCode, b)
	}
	if code, stderr := stop(); code != 0 || !strings.Contains(stderr, "Exchange Server 2010 SP2") || !strings.Contains(stderr, state) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	r := runCLI(t, nil, "", "fake-server", "--version", "2003")
	if r.code == 0 || !strings.Contains(r.stderr, "2003") {
		t.Errorf("--version 2003: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCLIFakeServerGraph: with --backend graph the first line configures the connector over Microsoft Graph
// (app-only OAuth2 from the fake's token endpoint), and the operations read the same seeded mailbox.
func TestCLIFakeServerGraph(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "graph.json")
	info, stop := startFakeServer(t, "--messages", "12", "--seed", "3", "--backend", "graph", "--config-out", cfgFile)
	if info.Backend != "graph" || info.AuthType != "oauth2" || info.Host != "" || info.Password != "" ||
		!strings.HasPrefix(info.GraphEndpoint, "http://127.0.0.1:") || info.AuthorityHost != info.GraphEndpoint ||
		info.TenantID == "" || info.ClientID == "" || len(info.ClientSecret) < 12 || info.EmailAddress != "alice@example.com" {
		t.Errorf("first line %+v", info)
	}
	b, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connector.ParseConfig(b); err != nil {
		t.Errorf("connector.ParseConfig(first line): %v", err)
	}
	var cts []connector.Contact
	runCLI(t, nil, "", "--config", cfgFile, "get_contacts").ok(t, &cts)
	if len(cts) != 8 {
		t.Errorf("%d contacts over Graph, want 8", len(cts))
	}
	var evs []connector.Event
	runCLI(t, nil, "", "--config", cfgFile, "get_events").ok(t, &evs)
	if len(evs) != 6 {
		t.Errorf("%d events over Graph in the next 30 days, want the 6 seeded", len(evs))
	}
	var msgs []connector.Email
	runCLI(t, nil, "", "--config", cfgFile, "search_query").ok(t, &msgs)
	if len(msgs) == 0 {
		t.Error("search_query over Graph: no message")
	}
	// A wrong secret is refused by the token endpoint.
	bad := strings.Replace(string(b), info.ClientSecret, "wrong-secret", 1)
	badFile := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badFile, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, nil, "", "--config", badFile, "get_contacts"); r.code == 0 {
		t.Errorf("a wrong client secret succeeded: %s", r.stdout)
	}
	code, stderr := stop()
	if code != 0 || !strings.Contains(stderr, "Graph at http://127.0.0.1:") {
		t.Errorf("fake-server: exit %d, stderr %q", code, stderr)
	}
	if r := runCLI(t, nil, "", "fake-server", "--backend", "soap"); r.code == 0 || r.stdout != "" {
		t.Errorf("--backend soap: exit %d, stdout %q", r.code, r.stdout)
	}
}
