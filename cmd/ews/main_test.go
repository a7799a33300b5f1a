package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/benchmail"
	"github.com/ewsgo/ews/internal/testserver"
)

// bin is the ews binary, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	benchmail.MaybeServe() // the benchmark mailbox's server process (see bench_test.go)
	dir, err := os.MkdirTemp("", "ews-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "ews")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli is one run of the binary.
type cli struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary with args; env adds environment variables (EWS_PASSWORD and EWS_CLIENT_SECRET of the
// test's own environment are removed).
func runCLI(t *testing.T, env []string, stdin string, args ...string) cli {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EWS_PASSWORD=") && !strings.HasPrefix(kv, "EWS_CLIENT_SECRET=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("ews %v: %v", args, err)
	}
	return cli{out.String(), errb.String(), code}
}

// conn returns the global flags for srv's default user (the password comes from EWS_PASSWORD).
func conn(srv *testserver.Server) ([]string, []string) {
	return []string{"--host", srv.URL, "--username", srv.Username(), "--email", srv.Email(), "--auth", "ntlm"},
		[]string{"EWS_PASSWORD=" + srv.Password()}
}

type result struct {
	Status  string          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
}

// decode reads the one JSON result line of stdout.
func (c cli) decode(t *testing.T) result {
	t.Helper()
	if strings.Count(c.stdout, "\n") != 1 {
		t.Fatalf("stdout is not one line: %q (stderr %q)", c.stdout, c.stderr)
	}
	var r result
	if err := json.Unmarshal([]byte(c.stdout), &r); err != nil {
		t.Fatalf("stdout %q: %v", c.stdout, err)
	}
	return r
}

// ok checks a successful run and decodes its data into out.
func (c cli) ok(t *testing.T, out any) {
	t.Helper()
	r := c.decode(t)
	if c.code != 0 || r.Status != "Success" {
		t.Fatalf("exit %d, stdout %s, stderr %s", c.code, c.stdout, c.stderr)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("data %s: %v", r.Data, err)
		}
	}
}

// failed checks a failed run: its exit status, the error result's code, and that the message names want.
func (c cli) failed(t *testing.T, code int, errCode, want string) {
	t.Helper()
	r := c.decode(t)
	if c.code != code || r.Status != "Error" || r.Code != errCode || !strings.Contains(r.Message, want) {
		t.Errorf("exit %d, stdout %s; want exit %d, code %s, a message naming %q", c.code, c.stdout, code, errCode, want)
	}
	if !strings.Contains(c.stderr, r.Code) {
		t.Errorf("stderr %q does not report the error", c.stderr)
	}
}

func TestCLICreateEventEveryParameterAsFlags(t *testing.T) {
	srv := testserver.New(t)
	g, env := conn(srv)
	args := append(g, "--timezone", "Europe/Berlin", "create_event",
		"--subject", "Incident review </t:Subject> ]]>",
		"--start_date", "2024-07-15 09:00",
		"--end-date", "2024-07-15T10:30:00+02:00",
		"--required_attendees", `bob@example.com, "Doe, Jane" <jane@example.com>`,
		"--optional-attendees", `["carol@example.com"]`,
		"--body", "Agenda: triage",
		"--location", "Room 4.12",
		"--categories", "Incident,SOC",
		"--show_as", "Working elsewhere",
		"--reminder", "2 week",
		"--is_all_day=false",
		"--is-private=false")
	c := runCLI(t, env, "", args...)
	var ev connector.Event
	c.ok(t, &ev)
	if strings.Contains(c.stderr, "warning") {
		t.Errorf("stderr %q: no warning expected with EWS_PASSWORD", c.stderr)
	}
	it, found := srv.Item(ev.ID)
	if !found {
		t.Fatalf("event %s is not on the server", ev.ID)
	}
	if it.Subject != "Incident review </t:Subject> ]]>" || !it.Start.Equal(time.Date(2024, 7, 15, 7, 0, 0, 0, time.UTC)) ||
		!it.End.Equal(time.Date(2024, 7, 15, 8, 30, 0, 0, time.UTC)) || strings.Join(addressesOf(it.RequiredAttendees), ",") != "bob@example.com,jane@example.com" ||
		strings.Join(addressesOf(it.OptionalAttendees), ",") != "carol@example.com" || it.Body != "Agenda: triage" || it.BodyType != "Text" ||
		it.Location != "Room 4.12" || strings.Join(it.Categories, ",") != "Incident,SOC" || it.LegacyFreeBusyStatus != "WorkingElsewhere" ||
		!it.ReminderIsSet || it.ReminderMinutes != 20160 || it.IsAllDayEvent || it.Sensitivity == "Private" {
		t.Errorf("stored event %+v", it)
	}
	if ev.ShowAs != "Working elsewhere" || ev.Start.Format(time.RFC3339) != "2024-07-15T09:00:00+02:00" || len(ev.Attendees) != 3 || ev.IsPrivate {
		t.Errorf("event JSON %s", c.stdout)
	}

	// Boolean flags without a value, defaults.
	c = runCLI(t, env, "", append(g, "create_event", "--subject", "Offsite", "--start-date", "2024-07-16", "--is_all_day")...)
	c.ok(t, &ev)
	if it, _ := srv.Item(ev.ID); !it.IsAllDayEvent || it.Sensitivity != "Private" || it.LegacyFreeBusyStatus != "Busy" {
		t.Errorf("all-day event with defaults stored as %+v", it)
	}
}

func addressesOf(as []testserver.Attendee) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Email)
	}
	return out
}

func TestCLIGetEventsParamsJSON(t *testing.T) {
	srv := testserver.New(t)
	d := time.Date(2024, 7, 15, 9, 0, 0, 0, time.UTC)
	for i, s := range []string{"Review A", "Standup", "review B", "Review C"} {
		start := d.Add([]time.Duration{0, time.Hour, 24 * time.Hour, 96 * time.Hour}[i])
		srv.Default().AddItem("calendar", testserver.Item{Subject: s, Start: start, End: start.Add(time.Hour)})
	}
	g, env := conn(srv)
	subjects := func(c cli) string {
		var evs []connector.Event
		c.ok(t, &evs)
		var out []string
		for _, e := range evs {
			out = append(out, e.Subject)
		}
		return strings.Join(out, ",")
	}
	c := runCLI(t, env, "", append(g, "get_events", "--params", `{"subject": "review", "from_time": "2024-07-15 00:00", "to_time": "2024-07-16T12:00:00Z"}`)...)
	if got := subjects(c); got != "Review A,review B" {
		t.Errorf("get_events --params: %s", got)
	}
	// A flag overrides the key of --params.
	c = runCLI(t, env, "", append(g, "get_events", "--params", `{"subject": "review", "from_time": "2024-07-15 00:00", "to_time": "2024-07-16T12:00:00Z"}`, "--subject", "stand")...)
	if got := subjects(c); got != "Standup" {
		t.Errorf("get_events --params with --subject: %s", got)
	}
	// --params from stdin and from a file.
	c = runCLI(t, env, `{"from_time": "2024-07-15 00:00", "to_time": "2024-07-20 00:00"}`, append(g, "get_events", "--params", "-")...)
	if got := subjects(c); got != "Review A,Standup,review B,Review C" {
		t.Errorf("get_events --params -: %s", got)
	}
	f := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(f, []byte(`{"subject": "C", "from_time": "2024-07-15 00:00", "to_time": "2024-07-20 00:00"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c = runCLI(t, env, "", append(g, "get_events", "--params", "@"+f)...)
	if got := subjects(c); got != "Review C" {
		t.Errorf("get_events --params @file: %s", got)
	}
	// Global flags after the operation.
	c = runCLI(t, env, "", "get_events", "--to_time", "2024-07-15 12:00", "--host", srv.URL, "--username", srv.Username(), "--email", srv.Email())
	if got := subjects(c); got != "Review A,Standup" {
		t.Errorf("get_events with global flags after it: %s", got)
	}
}

func TestCLIGetContactsNDJSON(t *testing.T) {
	srv := testserver.New(t)
	if _, err := srv.Default().Seed(testserver.SeedOptions{Seed: 2}); err != nil {
		t.Fatal(err)
	}
	g, env := conn(srv)
	c := runCLI(t, env, "", append(g, "--output", "ndjson", "get_contacts")...)
	if c.code != 0 {
		t.Fatalf("exit %d: %s %s", c.code, c.stdout, c.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(c.stdout, "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want one per contact (8): %q", len(lines), c.stdout)
	}
	for _, l := range lines {
		var ct connector.Contact
		if err := json.Unmarshal([]byte(l), &ct); err != nil || ct.ID == "" || ct.DisplayName == "" {
			t.Errorf("line %q: %v", l, err)
			continue
		}
		if it, ok := srv.Item(ct.ID); !ok || it.DisplayName != ct.DisplayName {
			t.Errorf("contact %s (%s) is not the server's", ct.ID, ct.DisplayName)
		}
	}
	var cts []connector.Contact
	runCLI(t, env, "", append(g, "get_contacts", "--output", "json")...).ok(t, &cts)
	if len(cts) != 8 {
		t.Errorf("--output json: %d contacts", len(cts))
	}
	// ndjson of an operation that returns one object: its data on one line.
	c = runCLI(t, env, "", append(g, "--output", "ndjson", "create_event", "--subject", "x", "--start_date", "2030-01-01 10:00", "--end_date", "2030-01-01 11:00")...)
	var ev connector.Event
	if err := json.Unmarshal([]byte(c.stdout), &ev); err != nil || c.code != 0 || ev.Subject != "x" {
		t.Errorf("ndjson create_event: exit %d, %q, %v", c.code, c.stdout, err)
	}
}

func TestCLIExitStatusAndErrors(t *testing.T) {
	srv := testserver.New(t)
	g, env := conn(srv)
	for _, c := range []struct {
		args          []string
		code          int
		errCode, want string
	}{
		{append(g, "create_event", "--subject", "x", "--start_date", "tomorrow"), 2, connector.CodeInvalidParameter, "start_date"},
		{append(g, "create_event", "--subject", "x", "--start_date", "2024-07-16 10:00"), 2, connector.CodeInvalidParameter, "end_date"},
		{append(g, "create_event", "--subject", "x", "--start_date", "2024-07-16 10:00", "--end_date", "2024-07-16 11:00", "--show_as", "Away"), 2, connector.CodeInvalidParameter, "show_as"},
		{append(g, "create_event", "--subjct", "x"), 2, connector.CodeInvalidParameter, "did you mean --subject"},
		{append(g, "create_event", "--params", `{"subjct": "x"}`), 2, connector.CodeInvalidParameter, `did you mean "subject"`},
		{append(g, "create_event", "--params", `[1]`), 2, connector.CodeInvalidParameter, "--params"},
		{append(g, "get_events", "extra"), 2, connector.CodeInvalidParameter, `"extra"`},
		{append(g, "get_event"), 2, connector.CodeUnknownOperation, "get_events"},
		{append(g, "--output", "xml", "get_events"), 2, connector.CodeInvalidParameter, "--output"},
		{append(g, "--bogus", "get_events"), 2, connector.CodeInvalidParameter, "bogus"},
		{[]string{"get_events"}, 2, connector.CodeInvalidConfig, "host"},
		{append(g, "--access-type", "Owner", "get_events"), 2, connector.CodeInvalidConfig, "access_type"},
		{append(g, "--config", "/nonexistent/ews.json", "get_events"), 2, connector.CodeInvalidConfig, "--config"},
		{append(g, "--access-type", "Impersonation", "--email", "nobody@example.com", "get_events"), 1, "ErrorImpersonateUserDenied", "impersonate"},
	} {
		runCLI(t, env, "", c.args...).failed(t, c.code, c.errCode, c.want)
	}
	// A refused login: exit 1, and the password is nowhere.
	r := runCLI(t, []string{"EWS_PASSWORD=Wrong-Passw0rd"}, "", append(g, "get_contacts")...)
	r.failed(t, 1, connector.CodeUnauthorized, "alice")
	if strings.Contains(r.stdout+r.stderr, "Wrong-Passw0rd") {
		t.Errorf("the password appears in the output: %s %s", r.stdout, r.stderr)
	}
	// No operation at all: usage on stderr, exit 2.
	if r := runCLI(t, nil, ""); r.code != 2 || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("ews without arguments: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, op := range []string{"create_event", "get_events"} {
		for _, r := range srv.Requests() {
			if r.Operation == "CreateItem" && op == "create_event" {
				t.Errorf("a bad create_event reached the server")
			}
		}
	}
}

func TestCLIHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := runCLI(t, nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Operations:") || !strings.Contains(r.stdout, "--password-file") {
			t.Errorf("ews %v: exit %d, stdout %q", args, r.code, r.stdout)
		}
		for _, op := range connector.Operations() {
			if !strings.Contains(r.stdout, op.Name) {
				t.Errorf("ews %v does not list %s", args, op.Name)
			}
		}
	}
	for _, op := range connector.Operations() {
		for _, args := range [][]string{{op.Name, "--help"}, {"help", op.Name}} {
			r := runCLI(t, nil, "", args...)
			if r.code != 0 || !strings.Contains(r.stdout, "Usage: ews [global flags] "+op.Name) {
				t.Errorf("ews %v: exit %d, stdout %q", args, r.code, r.stdout)
			}
			for _, p := range op.Params {
				if !strings.Contains(r.stdout, "--"+p.Name+" ") || !strings.Contains(r.stdout, p.Help) {
					t.Errorf("ews %v does not describe --%s", args, p.Name)
				}
				for _, c := range p.Choices {
					if !strings.Contains(r.stdout, c) {
						t.Errorf("ews %v does not list the choice %q of --%s", args, c, p.Name)
					}
				}
			}
		}
	}
	if r := runCLI(t, nil, "", "fake-server", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--messages") {
		t.Errorf("ews fake-server --help: exit %d, %q", r.code, r.stdout)
	}
	if r := runCLI(t, nil, "", "help", "no_such_op"); r.code != 2 {
		t.Errorf("ews help no_such_op: exit %d", r.code)
	}
}

func TestCLIPasswordAndConfigSources(t *testing.T) {
	srv := testserver.New(t)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(srv.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--host", srv.URL, "--username", srv.Username(), "--email", srv.Email()}

	r := runCLI(t, nil, "", append(base, "--password", srv.Password(), "get_contacts")...)
	r.ok(t, nil)
	if !strings.Contains(r.stderr, "warning: --password") {
		t.Errorf("--password on the command line: stderr %q, want a warning", r.stderr)
	}
	r = runCLI(t, nil, "", append(base, "--password-file", pwFile, "get_contacts")...)
	r.ok(t, nil)
	if r.stderr != "" {
		t.Errorf("--password-file: stderr %q, want nothing", r.stderr)
	}
	runCLI(t, nil, srv.Password()+"\n", append(base, "--password-file", "-", "get_contacts")...).ok(t, nil)
	runCLI(t, nil, "", append(base, "--password-file", pwFile, "--password", "x", "get_contacts")...).failed(t, 2, connector.CodeInvalidConfig, "not both")

	cfgFile := filepath.Join(dir, "ews.json")
	cfg := fmt.Sprintf(`{"host": %q, "username": %q, "password": %q, "email_address": %q, "auth_type": "ntlm", "verify_ssl": true}`,
		srv.URL, srv.Username(), srv.Password(), srv.Email())
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	runCLI(t, nil, "", "--config", cfgFile, "get_contacts").ok(t, nil)
	// EWS_PASSWORD overrides the file's password; a flag overrides the file's keys.
	runCLI(t, []string{"EWS_PASSWORD=wrong"}, "", "--config", cfgFile, "get_contacts").failed(t, 1, connector.CodeUnauthorized, "")
	runCLI(t, nil, "", "--config", cfgFile, "--username", `CORP\nobody`, "get_contacts").failed(t, 1, connector.CodeUnauthorized, "nobody")
	if err := os.WriteFile(cfgFile, []byte(`{"host": "h", "pasword": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runCLI(t, nil, "", "--config", cfgFile, "get_contacts").failed(t, 2, connector.CodeInvalidConfig, `did you mean "password"`)

	r = runCLI(t, []string{"EWS_PASSWORD=" + srv.Password()}, "", append(base, "--insecure", "get_contacts")...)
	r.ok(t, nil)
	if !strings.Contains(r.stderr, "certificate verification is off") {
		t.Errorf("--insecure: stderr %q, want a warning", r.stderr)
	}
}

func TestCLIRetriesAndTimeout(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(20*time.Millisecond).Times(1)))
	g, env := conn(srv)
	runCLI(t, env, "", append(g, "--max-attempts", "1", "--timeout", "30", "get_contacts")...).failed(t, 1, "ErrorServerBusy", "")
	srv = testserver.New(t, testserver.WithFaults(testserver.ServerBusy(20*time.Millisecond).Times(1)))
	g, env = conn(srv)
	runCLI(t, env, "", append(g, "--timeout", "30", "get_contacts")...).ok(t, nil) // retried after the back-off
	runCLI(t, env, "", append(g, "--max-attempts", "many", "get_contacts")...).failed(t, 2, connector.CodeInvalidConfig, "--max-attempts")
	runCLI(t, env, "", append(g, "--timeout", "-1", "get_contacts")...).failed(t, 2, connector.CodeInvalidConfig, "timeout")
}
