package ews

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

type spanKey struct{}

// spanTracer is a Tracer that records every request it is told of and marks its context.
type spanTracer struct {
	mu      sync.Mutex
	started []string
	done    []RequestTrace
}

func (s *spanTracer) StartRequest(ctx context.Context, op string) (context.Context, func(RequestTrace)) {
	s.mu.Lock()
	s.started = append(s.started, op)
	s.mu.Unlock()
	return context.WithValue(ctx, spanKey{}, op), func(r RequestTrace) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.done = append(s.done, r)
	}
}

// spanTransport counts the round trips that carry a span of spanTracer, and keeps the paths of those that do not.
type spanTransport struct {
	base      http.RoundTripper
	mu        sync.Mutex
	withSpan  int
	unspanned []string
}

func (s *spanTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if r.Context().Value(spanKey{}) != nil {
		s.withSpan++
	} else {
		s.unspanned = append(s.unspanned, r.Method+" "+r.URL.Path)
	}
	s.mu.Unlock()
	return s.base.RoundTrip(r)
}

// Every request reaches Config.Tracer over both backends, with a context the transport sees; over Graph the
// operation is the method and route template (no mailbox, id or upload token), one trace per request the server
// got, and the log shows no upload token either.
func TestBackendsTracer(t *testing.T) {
	var tr *spanTracer
	var tp *spanTransport
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	edit := func(cfg *Config) {
		tr = &spanTracer{}
		tp = &spanTransport{}
		cfg.Tracer = tr
		cfg.Transport = tp
		cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	backendsWith(t, edit, func(t *testing.T, srv *testserver.Server, c *Client) {
		tp.base = srv.Client().Transport.(*http.Transport).Clone()
		logMu.Lock()
		logBuf.Reset()
		logMu.Unlock()
		ctx := testCtx(t)
		seedInbox(srv.Default(), testserver.Item{Subject: "one"}, testserver.Item{Subject: "two"})
		n := 0
		for _, err := range c.Mail().Search(ctx, SearchOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 2 {
			t.Fatalf("Search found %d", n)
		}
		if _, err := c.Mail().Get(ctx, "QUJDREVGR0hJSktM"); err == nil {
			t.Fatal("Get of an unknown id succeeded")
		}
		big := bigFile(3<<20 + 1)
		if _, err := c.Mail().Send(ctx, Draft{To: []string{srv.Email()}, Subject: "big", Attachments: []Attachment{{Name: "a.bin", Content: big}}}); err != nil {
			t.Fatalf("Send: %v", err)
		}

		tr.mu.Lock()
		started, done := append([]string(nil), tr.started...), append([]RequestTrace(nil), tr.done...)
		tr.mu.Unlock()
		if len(started) == 0 || len(done) != len(started) {
			t.Fatalf("%d requests started, %d ended", len(started), len(done))
		}
		if tp.withSpan == 0 || len(tp.unspanned) != 0 {
			t.Errorf("%d round trips carried the span; without it: %v", tp.withSpan, tp.unspanned)
		}
		ops := map[string]RequestTrace{}
		failed := false
		for i, d := range done {
			if d.Operation == "" {
				t.Errorf("trace %d has no operation", i)
			}
			ops[d.Operation] = d
			if strings.HasPrefix(d.ResponseCode, "Error") {
				failed = true
			}
		}
		if !failed {
			t.Errorf("no trace tells the failed Get's code: %+v", done)
		}
		if c.Backend() == BackendEWS {
			for _, op := range []string{"FindItem", "GetItem"} {
				if _, ok := ops[op]; !ok {
					t.Errorf("no %s trace in %v", op, started)
				}
			}
			return
		}
		// Graph: one trace per request the server got, named by route; the failed Get's status and code.
		if got := len(srv.GraphRequests()); got != len(done) {
			t.Errorf("%d traces for %d Graph requests: %v", len(done), got, started)
		}
		mb := strings.ToLower(srv.Email())
		for _, op := range started {
			if strings.Contains(strings.ToLower(op), mb) || strings.Contains(op, "QUJD") || strings.Contains(op, "authtoken") || strings.Contains(op, "AttachmentSessions") {
				t.Errorf("operation %q shows an address, an id or a token", op)
			}
		}
		get := ops["GET /users/{id}/messages/{id}"]
		if get.StatusCode != 404 || get.ResponseCode != "ErrorItemNotFound" || get.Err == nil {
			t.Errorf("the failed Get's trace = %+v (ops %v)", get, started)
		}
		if up := ops["PUT (upload session)"]; up.StatusCode != 201 || up.Err != nil {
			t.Errorf("the upload's trace = %+v (ops %v)", up, started)
		}
		for _, op := range []string{"POST /users/{id}/messages", "POST /users/{id}/messages/{id}/attachments/createUploadSession", "POST /users/{id}/messages/{id}/send"} {
			if d, ok := ops[op]; !ok || d.StatusCode/100 != 2 {
				t.Errorf("trace of %s = %+v, %v (ops %v)", op, d, ok, started)
			}
		}
		logMu.Lock()
		out := logBuf.String()
		logMu.Unlock()
		if !strings.Contains(out, `path="(upload session)" status=201`) || strings.Contains(out, "authtoken") || strings.Contains(out, "graph-app-token-") {
			t.Errorf("log:\n%s", out)
		}
	})
}

// A transport failure on an upload chunk does not show the upload URL (its query is the session's token) in
// the error, the trace or the log.
func TestGraphUploadErrorHidesURL(t *testing.T) {
	srv, _ := newUploadServer(t)
	tr := &spanTracer{}
	c := newGraphClient(t, srv, func(cfg *Config) {
		cfg.Tracer = tr
		cfg.Retry = &RetryPolicy{MaxAttempts: 1}
		base := srv.Client().Transport.(*http.Transport).Clone()
		cfg.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(r.URL.Path, "/upload/") {
				return nil, errors.New("connection reset by peer")
			}
			return base.RoundTrip(r)
		})
	})
	_, err := c.Mail().Send(testCtx(t), Draft{To: []string{srv.Email()}, Subject: "big", Attachments: []Attachment{{Name: "a.bin", Content: bigFile(3<<20 + 1)}}})
	if err == nil || strings.Contains(err.Error(), "authtoken") || strings.Contains(err.Error(), "/upload/") {
		t.Fatalf("Send = %v", err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, d := range tr.done {
		if d.Err != nil && (strings.Contains(d.Err.Error(), "authtoken") || strings.Contains(d.Err.Error(), "/upload/")) {
			t.Errorf("trace %s: %v", d.Operation, d.Err)
		}
	}
}
