package ews

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// poisonSubject is what the fake server's answer carries instead of the marker subject: character references and
// a raw control character that XML forbids, as Exchange copies them from a phishing mail's headers.
const poisonSubject = "Invoice&#x0;&#xB;\x01 due"

// poisonServer starts a fake server whose GetItem and SyncFolderItems answers replace the subject "POISON" with
// poisonSubject.
func poisonServer(t *testing.T) *testserver.Server {
	t.Helper()
	srv := testserver.New(t)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		if r.Header.Get("X-Poison-Inner") != "" {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetItem")) && !bytes.Contains(body, []byte("<m:SyncFolderItems")) {
			return false
		}
		inner := r.Clone(r.Context())
		inner.Body = io.NopCloser(bytes.NewReader(body))
		inner.Header.Set("X-Poison-Inner", "1")
		rec := httptest.NewRecorder()
		srv.HTTP.Config.Handler.ServeHTTP(rec, inner)
		out := bytes.ReplaceAll(rec.Body.Bytes(), []byte(">POISON<"), []byte(">"+poisonSubject+"<"))
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
		return true
	})
	return srv
}

// TestPoisonMessageInBatch: a GetItem batch with a poison message yields the other messages and the poison one
// with its characters replaced, in Search and in the poller, which delivers it exactly once.
func TestPoisonMessageInBatch(t *testing.T) {
	srv := poisonServer(t)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic })
	ctx := testCtx(t)
	base := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, s := range []string{"before", "POISON", "after"} {
		srv.AddMessage("inbox", testserver.Item{Subject: s, Body: "text " + s, DateTimeReceived: base.Add(time.Duration(i) * time.Minute)})
	}
	want := map[string]bool{"before": true, "Invoice\uFFFD\uFFFD\uFFFD due": true, "after": true}
	n := 0
	for m, err := range c.Mail().Search(ctx, SearchOptions{Folder: Inbox}) {
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if !want[m.Subject] {
			t.Errorf("Search: subject %q", m.Subject)
		}
		n++
	}
	if n != 3 {
		t.Errorf("Search yielded %d messages, want 3", n)
	}

	state := filepath.Join(t.TempDir(), "state.json")
	b, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state, IncludeExisting: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Events) != 3 {
		t.Fatalf("%d events", len(b.Events))
	}
	for _, ev := range b.Events {
		if ev.Message == nil || !want[ev.Message.Subject] {
			t.Errorf("event %q: Message %+v", ev.Subject, ev.Message)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err = c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state, IncludeExisting: true})
	if err != nil || len(b.Events) != 0 {
		t.Fatalf("second poll: %d events, %v", len(b.Events), err)
	}
}

// TestPollNeverCommitsUnreadMessage: when the messages of a page cannot be read (an answer that cannot be
// decoded), PollOnce fails and commits nothing, and the next call delivers every event with its message.
func TestPollNeverCommitsUnreadMessage(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	ctx := testCtx(t)
	state := filepath.Join(t.TempDir(), "state.json")
	if b, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state}); err != nil || b.Commit() != nil {
		t.Fatalf("baseline: %v", err)
	}
	srv.AddMessage("inbox", testserver.Item{Subject: "one", Body: "b1"})
	srv.AddMessage("inbox", testserver.Item{Subject: "two", Body: "b2"})
	srv.AddFault(testserver.Malformed().For("GetItem").Times(1))
	if b, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state}); err == nil {
		t.Fatalf("PollOnce with unreadable messages returned %d events and no error", len(b.Events))
	}
	b, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Events) != 2 {
		t.Fatalf("%d events after the failed poll, want 2", len(b.Events))
	}
	for _, ev := range b.Events {
		if ev.Message == nil || ev.Message.Body != "b1" && ev.Message.Body != "b2" {
			t.Errorf("event %q without its message: %+v", ev.Subject, ev.Message)
		}
	}
}

// TestUndecodableItemFailsAlone: a message with a value the client cannot read (a Size that is not a number)
// fails alone: Get returns the others and a *BatchError for it, Search yields it as an error between the others,
// and PollOnce commits nothing until it can be read.
func TestUndecodableItemFailsAlone(t *testing.T) {
	srv := testserver.New(t)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		if r.Header.Get("X-Poison-Inner") != "" {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetItem")) {
			return false
		}
		inner := r.Clone(r.Context())
		inner.Body = io.NopCloser(bytes.NewReader(body))
		inner.Header.Set("X-Poison-Inner", "1")
		rec := httptest.NewRecorder()
		srv.HTTP.Config.Handler.ServeHTTP(rec, inner)
		out := bytes.ReplaceAll(rec.Body.Bytes(), []byte("<t:Subject>BROKEN</t:Subject>"), []byte("<t:Subject>BROKEN</t:Subject><t:Size>12kB</t:Size>"))
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
		return true
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic })
	ctx := testCtx(t)
	base := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i, s := range []string{"before", "BROKEN", "after"} {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: s, DateTimeReceived: base.Add(time.Duration(i) * time.Minute)}))
	}
	msgs, err := c.Mail().Get(ctx, ids...)
	var be *BatchError
	if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed[0].ID != ids[1] || !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("Get: err = %v, want a BatchError for the broken message only", err)
	}
	if len(msgs) != 2 || msgs[0].Subject != "before" || msgs[1].Subject != "after" {
		t.Errorf("Get returned %d messages", len(msgs))
	}
	var got []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{Folder: Inbox}) {
		if err != nil {
			got = append(got, "error")
			if !errors.Is(err, ErrMalformedResponse) {
				t.Errorf("Search error %v", err)
			}
			continue
		}
		got = append(got, m.Subject)
	}
	if len(got) != 3 || !slices.Contains(got, "error") || !slices.Contains(got, "before") || !slices.Contains(got, "after") {
		t.Errorf("Search yielded %q", got)
	}
	state := filepath.Join(t.TempDir(), "state.json")
	if _, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: state, IncludeExisting: true}); err == nil {
		t.Error("PollOnce with an unreadable message returned no error")
	}
}
