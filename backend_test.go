package ews

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type staticToken struct{}

func (staticToken) Token() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: "t"}, nil }

func TestConfigBackendChecks(t *testing.T) {
	ts := staticToken{}
	for _, tc := range []struct {
		name  string
		cfg   Config
		field string // named in the error; "" means New succeeds
	}{
		{"unknown backend", Config{Backend: "rest", Host: "mail.example.com", Username: "u", Password: "p"}, "Config.Backend"},
		{"graph endpoint not a URL", Config{Backend: BackendGraph, GraphEndpoint: "graph.microsoft.com", TokenSource: ts, EmailAddress: "a@b.example"}, "Config.GraphEndpoint"},
		{"graph endpoint with a path", Config{Backend: BackendGraph, GraphEndpoint: "https://graph.microsoft.com/v1.0", TokenSource: ts, EmailAddress: "a@b.example"}, "Config.GraphEndpoint"},
		{"graph endpoint over http", Config{Backend: BackendGraph, GraphEndpoint: "http://graph.example.com", TokenSource: ts, EmailAddress: "a@b.example"}, "Config.GraphEndpoint"},
		{"authority with credentials", Config{Backend: BackendGraph, AuthorityHost: "https://u:p@login.example.com", TokenSource: ts, EmailAddress: "a@b.example"}, "Config.AuthorityHost"},
		{"graph without mailbox", Config{Backend: BackendGraph, TokenSource: ts}, "Config.EmailAddress"},
		{"graph with NTLM", Config{Backend: BackendGraph, Auth: AuthNTLM, Username: "u", Password: "p", EmailAddress: "a@b.example"}, "Config.Auth"},
		{"graph without token", Config{Backend: BackendGraph, EmailAddress: "a@b.example"}, "Config.TokenSource"},
		{"graph with autodiscover", Config{Backend: BackendGraph, Autodiscover: true, TokenSource: ts, EmailAddress: "a@b.example"}, "Config.Autodiscover"},
		{"app without tenant", Config{Backend: BackendGraph, App: &OAuth2App{ClientID: "c", ClientSecret: "s"}, EmailAddress: "a@b.example"}, "Config.App.TenantID"},
		{"graph needs no host", Config{Backend: BackendGraph, TokenSource: ts, EmailAddress: "a@b.example"}, ""},
		{"graph on loopback http", Config{Backend: BackendGraph, GraphEndpoint: "http://127.0.0.1:9", TokenSource: ts, EmailAddress: "a@b.example"}, ""},
	} {
		_, err := New(tc.cfg)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (err == nil || !strings.Contains(err.Error(), tc.field)):
			t.Errorf("%s: err = %v, want one naming %s", tc.name, err, tc.field)
		}
	}
}

func TestConfigBackendAuto(t *testing.T) {
	ts := staticToken{}
	for _, tc := range []struct {
		host     string
		want     Backend
		endpoint string
	}{
		{"outlook.office365.com", BackendGraph, "https://graph.microsoft.com"},
		{"https://outlook.office365.com/EWS/Exchange.asmx", BackendGraph, "https://graph.microsoft.com"},
		{"outlook.office365.us", BackendGraph, "https://graph.microsoft.us"},
		{"webmail.apps.mil", BackendGraph, "https://dod-graph.microsoft.us"},
		{"partner.outlook.cn", BackendGraph, "https://microsoftgraph.chinacloudapi.cn"},
		{"mail.corp.example", BackendEWS, ""},
	} {
		c, err := New(Config{Backend: BackendAuto, Host: tc.host, Auth: AuthOAuth2, TokenSource: ts, EmailAddress: "a@corp.example"})
		if err != nil {
			t.Fatalf("%s: %v", tc.host, err)
		}
		if c.Backend() != tc.want {
			t.Errorf("%s: backend %s, want %s", tc.host, c.Backend(), tc.want)
		}
		if tc.endpoint != "" && c.URL() != tc.endpoint+"/v1.0" {
			t.Errorf("%s: URL %s, want %s/v1.0", tc.host, c.URL(), tc.endpoint)
		}
	}
	if c, _ := New(Config{Host: "outlook.office365.com", Auth: AuthOAuth2, TokenSource: ts, EmailAddress: "a@corp.example"}); c.Backend() != BackendEWS {
		t.Error("the default backend is not EWS")
	}
	cl, ok := CloudNamed("GCCHigh")
	if !ok || cl.GraphEndpoint != "https://graph.microsoft.us" || cl.AuthorityHost != "https://login.microsoftonline.us" {
		t.Fatalf("CloudNamed(GCCHigh) = %+v, %v", cl, ok)
	}
	var cfg Config
	CloudChina.Apply(&cfg)
	if cfg.GraphEndpoint != "https://microsoftgraph.chinacloudapi.cn" || cfg.AuthorityHost != "https://login.chinacloudapi.cn" {
		t.Fatalf("Apply = %+v", cfg)
	}
}

// TestGraphTokenRequest checks the app-only token request: at {authority_host}/{tenant}/oauth2/v2.0/token, the
// client-credentials grant with the ".default" scope of the Graph endpoint, and the bearer token on each Graph
// request.
func TestGraphTokenRequest(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	var mu sync.Mutex
	var forms []url.Values
	var paths []string
	record := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		f, _ := url.ParseQuery(string(b))
		mu.Lock()
		forms, paths = append(forms, f), append(paths, r.URL.Path)
		mu.Unlock()
		return srv.Client().Transport.RoundTrip(r)
	})
	c := newGraphClient(t, srv, func(cfg *Config) { cfg.App.HTTPClient = &http.Client{Transport: record} })
	ctx := testCtx(t)
	for _, err := range c.Mail().Search(ctx, SearchOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(forms) != 1 {
		t.Fatalf("%d token requests, want 1 (the token is reused)", len(forms))
	}
	if paths[0] != "/"+testGraphApp.TenantID+"/oauth2/v2.0/token" {
		t.Errorf("token path %q", paths[0])
	}
	f := forms[0]
	if f.Get("grant_type") != "client_credentials" || f.Get("scope") != srv.GraphURL()+"/.default" || f.Get("client_id") != testGraphApp.ClientID {
		t.Errorf("token form %v", f)
	}
	for _, r := range srv.GraphRequests() {
		if r.Auth != "Bearer" || r.Prefer != `IdType="ImmutableId"` {
			t.Fatalf("graph request %+v: want Bearer and Prefer: IdType=\"ImmutableId\"", r)
		}
	}
}

func TestGraphNotSupported(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	ids := seedInbox(srv.Default(), testserver.Item{Subject: "x"})
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	var ns *NotSupportedError
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrNotSupportedByBackend) || !errors.As(err, &ns) || ns.Backend != "graph" {
			t.Errorf("%s: err = %v, want a *NotSupportedError of the graph backend", what, err)
		}
	}
	_, err := c.Mail().MarkAsJunk(ctx, JunkOptions{}, ids[0])
	check("MarkAsJunk", err)
	_, err = c.Mail().Recover(ctx, Inbox, "not an id")
	wantInputErr(t, err, "ids[0]")
	_, err = c.Contacts().ExpandDL(ctx, "soc@corp.example")
	check("Contacts().ExpandDL", err)
	_, err = c.Calendar().Create(ctx, NewEvent{Subject: "x", Start: backendsBase, End: backendsBase.Add(time.Hour)},
		EventCreateOptions{Folder: Inbox})
	check("an event in a mail folder", err)
	for _, err := range c.Mail().Search(ctx, SearchOptions{Query: Where("subject__contains", "x").Or(Where("is_read", true))}) {
		check("subject__contains in an or", err)
	}
	for _, err := range c.Mail().Search(ctx, SearchOptions{SortBy: SortBySize}) {
		check("SortBySize", err)
	}
	if n := len(srv.GraphRequests()); n != 0 {
		t.Fatalf("refused operations sent %d requests: %+v", n, srv.GraphRequests())
	}
}

func TestGraphRetriesAndOutcomeUnknown(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	mb := srv.Default()
	ids := seedInbox(mb, testserver.Item{Subject: "a"}, testserver.Item{Subject: "b"})
	c := newGraphClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{BaseDelay: 1, MaxDelay: 1} })
	ctx := testCtx(t)
	// Throttled reads are retried after Retry-After.
	srv.AddGraphFault(testserver.GraphFault{Method: "GET", PathContains: "/messages", Status: 429, RetryAfter: "0", Times: 2})
	n := 0
	for _, err := range c.Mail().Search(ctx, SearchOptions{}) {
		if err != nil {
			t.Fatalf("Search after 429s: %v", err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("Search found %d", n)
	}
	// A move whose $batch times out after Graph carried it out: the outcome is unknown, not retried.
	srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "$batch", Status: 504, After: true, Times: 1})
	_, err := c.Mail().Move(ctx, JunkEmail, ids[0])
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("Move with a 504 = %v, want ErrOutcomeUnknown", err)
	}
	if got := mb.Items("junkemail"); len(got) != 1 {
		t.Fatalf("junk holds %d: the move was carried out once", len(got))
	}
	batches := 0
	for _, r := range srv.GraphRequests() {
		if r.Path == "/$batch" {
			batches++
		}
	}
	if batches != 1 {
		t.Fatalf("%d $batch requests: a request that may have been carried out was sent again", batches)
	}
	// A send that times out: ErrOutcomeUnknown, with the Message-ID to look it up by.
	srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "sendMail", Status: 504, After: true, Times: 1})
	sent, err := c.Mail().Send(ctx, Draft{To: []string{srv.Email()}, Subject: "maybe"})
	if !errors.Is(err, ErrOutcomeUnknown) || sent == nil || sent.InternetMessageID == "" {
		t.Fatalf("Send with a 504 = %+v, %v", sent, err)
	}
	if found, err := c.Mail().FindByMessageID(ctx, sent.InternetMessageID); err != nil || len(found) == 0 {
		t.Fatalf("FindByMessageID(%s) = %v, %v", sent.InternetMessageID, found, err)
	}
}

func TestGraphForMailbox(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	other := srv.AddMailbox("bob@corp.example", "Bob")
	id := other.AddItem("inbox", testserver.Item{Subject: "for bob", InternetMessageID: "<bob1@corp.example>"})
	c := newGraphClient(t, srv, nil)
	bc, err := c.ForMailbox("bob@corp.example")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := bc.Mail().MarkRead(ctx, "<bob1@corp.example>"); err != nil {
		t.Fatal(err)
	}
	if it, _ := other.Item(id); !it.IsRead {
		t.Fatal("bob's message was not marked read")
	}
	if found, err := c.Mail().FindByMessageID(ctx, "<bob1@corp.example>"); err != nil || len(found) != 0 {
		t.Fatalf("the first client found %v, %v in its own mailbox", found, err)
	}
}

func TestGraphLogging(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	seedInbox(srv.Default(), testserver.Item{Subject: "x"})
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newGraphClient(t, srv, func(cfg *Config) { cfg.Logger = logger })
	ctx := testCtx(t)
	for _, err := range c.Mail().Search(ctx, SearchOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Mail().Get(ctx, "QUJDREVGR0hJSktM")
	if err == nil {
		t.Fatal("Get of an unknown id succeeded")
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, `msg="ews graph request" method=GET path=/users/`) || !strings.Contains(out, "status=200") ||
		!strings.Contains(out, `msg="ews graph request failed"`) || !strings.Contains(out, "status=404") {
		t.Fatalf("log:\n%s", out)
	}
	if strings.Contains(out, testGraphApp.ClientSecret) || strings.Contains(out, "graph-app-token-") {
		t.Fatalf("the log shows a secret:\n%s", out)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
