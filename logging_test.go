package ews

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// logBuffer is a concurrency-safe buffer for a slog handler.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func debugLogger(buf *logBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// NTLM messages begin with "NTLMSSP\0" and their type; these are the base64 forms of types 1, 2 and 3.
var ntlmMessages = []string{"TlRMTVNTUAAB", "TlRMTVNTUAAC", "TlRMTVNTUAAD"}

func TestDebugLogHidesCredentials(t *testing.T) {
	const token = "eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-token-value"
	ntlmSrv := testserver.New(t)
	basicSrv := testserver.New(t, testserver.WithAuth("Basic"))
	tokenSrv := testserver.New(t, testserver.WithToken(token, testserver.DefaultEmail))
	tests := []struct {
		name   string
		srv    *testserver.Server
		edit   func(*Config)
		scheme string
	}{
		{"ntlm", ntlmSrv, nil, "NTLM"},
		{"ntlm wrong password", ntlmSrv, func(c *Config) { c.Password = "Wrong-Passw0rd-42" }, "NTLM"},
		{"basic", basicSrv, func(c *Config) { c.Auth = AuthBasic }, "Basic"},
		{"oauth2", tokenSrv, func(c *Config) {
			c.Auth, c.Username, c.Password = AuthOAuth2, "", ""
			c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
		}, "Bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf logBuffer
			var cfg Config
			c := newTestClient(t, tt.srv, func(c *Config) {
				c.Logger, c.LogBodies = debugLogger(&buf), true
				if tt.edit != nil {
					tt.edit(c)
				}
				cfg = *c
			})
			secret := cfg.Password
			if secret == "" {
				secret = token
			}
			_, _ = c.GetFolder(testCtx(t), Inbox)                            // the token source hands out its token
			_, err := c.GetFolder(testCtx(t), FolderByPath("Inbox/"+secret)) // a secret in a request body, too
			if tt.name == "ntlm wrong password" {
				if !errors.Is(err, ErrUnauthorized) {
					t.Fatalf("err = %v, want ErrUnauthorized", err)
				}
			} else if !errors.Is(err, ErrFolderNotFound) {
				t.Fatalf("err = %v, want ErrFolderNotFound", err)
			}
			out := buf.String()
			for _, want := range []string{`"msg":"ews http round trip"`, `"auth_scheme":"` + tt.scheme + `"`, `"msg":"ews request body"`, `"msg":"ews response"`} {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %s:\n%s", want, out)
				}
			}
			secrets := append([]string{token, base64.StdEncoding.EncodeToString([]byte(cfg.Username + ":" + cfg.Password))}, ntlmMessages...)
			if cfg.Password != "" {
				secrets = append(secrets, cfg.Password)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("log holds the secret %q:\n%s", s, out)
				}
			}
			if tt.name != "ntlm wrong password" && !strings.Contains(out, "<t:Constant Value=\\\"[REDACTED]\\\"") {
				t.Errorf("the request body with the secret redacted was not logged:\n%s", out)
			}
		})
	}
}

func TestRedactHandler(t *testing.T) {
	var buf logBuffer
	s := &secrets{}
	s.add("hunter2-pass")
	s.add("abc") // too short to redact
	log := slog.New(&redactHandler{next: slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), s: s})
	log = log.With("with", "pre hunter2-pass post").WithGroup("g")
	log.Debug("msg hunter2-pass", "err", errors.New("failed with hunter2-pass"), slog.Group("inner", "v", "x hunter2-pass"),
		"any", struct{ P string }{"hunter2-pass"}, "n", 42, "abc", "abc")
	out := buf.String()
	if strings.Contains(out, "hunter2-pass") {
		t.Errorf("log holds the secret: %s", out)
	}
	for _, want := range []string{`"msg":"msg [REDACTED]"`, `"with":"pre [REDACTED] post"`, `"err":"failed with [REDACTED]"`,
		`"inner":{"v":"x [REDACTED]"}`, `"any":"{[REDACTED]}"`, `"n":42`, `"abc":"abc"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
	// Tokens handed out by the source are redacted from then on.
	ts := &seenTokens{src: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-0123456789"}), s: s}
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	log.Info("sent tok-0123456789")
	if strings.Contains(buf.String(), "tok-0123456789") {
		t.Errorf("log holds the token: %s", buf.String())
	}
}

func TestInsecureSkipVerifyWarnsOnce(t *testing.T) {
	srv := testserver.New(t, testserver.WithTLS())
	var buf logBuffer
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.InsecureSkipVerify = true
		cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	ctx := testCtx(t)
	bob, err := c.ForMailbox(srv.Email())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetFolder(ctx, Inbox); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.GetFolder(ctx, Inbox); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if n := strings.Count(out, "TLS certificate verification is turned off"); n != 1 || !strings.Contains(out, `"level":"WARN"`) {
		t.Errorf("log has %d TLS warnings, want exactly 1 at WARN:\n%s", n, out)
	}

	buf = logBuffer{}
	c = newTestClient(t, srv, func(cfg *Config) {
		cfg.RootCAs = certPool(srv)
		cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); out != "" {
		t.Errorf("verification on, yet the log says: %s", out)
	}
}

func TestRetriesAreLogged(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(1500*time.Millisecond).Times(1)))
	var buf logBuffer
	c := retryClient(t, srv, newFakeClock(), func(cfg *Config) { cfg.Logger = debugLogger(&buf) })
	if _, err := c.GetFolder(context.Background(), Inbox); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, `"msg":"ews: retrying"`) || !strings.Contains(out, "ErrorServerBusy") {
		t.Errorf("log does not show the retry:\n%s", out)
	}
}

// One back-off pause is shared by every goroutine of a client, and so is the error that caused it: logging or
// returning it from several goroutines at once must not clean it in place (go test -race saw exactly that in a
// pipelined search through a busy server). The error cleaned is a copy; the shared one is left as it was.
func TestScrubbingLeavesASharedErrorAlone(t *testing.T) {
	const pass = "s3cret-pass"
	c, err := New(Config{Host: "https://mail.example.com/EWS/Exchange.asmx", Username: `CORP\svc`, Password: pass,
		EmailAddress: "a@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	shared := &Error{Code: "ErrorServerBusy", Message: "busy, said " + pass,
		Details: map[string]string{"BackOffMilliseconds": "20", "Echo": pass}}
	httpErr := &HTTPError{StatusCode: 500, Status: "500 " + pass, Excerpt: "echo " + pass}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range []error{shared, httpErr} {
				if msg := c.scrubError(e).Error(); strings.Contains(msg, pass) {
					t.Errorf("scrubbed error holds the password: %s", msg)
				}
			}
			if got := c.scrubError(shared).(*Error).Details["Echo"]; got != "[REDACTED]" {
				t.Errorf("scrubbed Details[Echo] = %q, want [REDACTED]", got)
			}
		}()
	}
	wg.Wait()
	if shared.Details["Echo"] != pass || !strings.Contains(shared.Message, pass) || !strings.Contains(httpErr.Excerpt, pass) {
		t.Errorf("the shared errors were changed in place: %+v %+v", shared, httpErr)
	}
	if !errors.Is(c.scrubError(shared), ErrServerBusy) {
		t.Errorf("scrubbed copy no longer matches ErrServerBusy")
	}
}
