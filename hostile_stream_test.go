package ews

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// A streaming notification connection (GetStreamingEvents) is one HTTP answer that lasts up to 30 minutes: a
// hostile server could send an envelope that never ends. Streams are under the limits of every response: the
// envelope's bytes, the nesting, the length of a text, and the client's shared budget.

const streamHead = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body>` +
	`<m:GetStreamingEventsResponse ` + hostileNS + `><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>`

// keepAlive is the envelope a server sends on a quiet connection.
const keepAlive = streamHead + `<m:ConnectionStatus>OK</m:ConnectionStatus></m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse></s:Body></s:Envelope>`

// oneNotification is a notification of a new message, as Exchange sends it.
const oneNotification = `<m:Notification><t:SubscriptionId>JwBkYjVwcjA2bWIxNDY0</t:SubscriptionId><t:NewMailEvent><t:Watermark>AQAAAAk2AAAAAAAAAQ==</t:Watermark><t:TimeStamp>2024-05-06T08:00:00Z</t:TimeStamp><t:ItemId Id="AAMkAGI2TG93AAA=" ChangeKey="CQAAAA=="/><t:ParentFolderId Id="AAMkAGI2AAEMAAA=" ChangeKey="AQAAAA=="/></t:NewMailEvent></m:Notification>`

// hostileStreams are the hostile answers to GetStreamingEvents: after a keep-alive, an envelope that never ends.
var hostileStreams = []struct {
	name, head, chunk string
	what              string // the limit that ends it: "nesting", "text", or "" for the envelope's size
}{
	{"endless-notification", streamHead + `<m:Notifications>`, oneNotification, ""},
	{"endless-nesting", streamHead + `<m:Notifications><m:Notification>`, "<t:NewMailEvent>", "nesting"},
	{"endless-text", streamHead + `<m:Notifications><m:Notification><t:SubscriptionId>`, "x", "text"},
}

// streamClient returns a client of a server that answers GetStreamingEvents with h (and nothing else is asked).
func streamClient(tb testing.TB, limit int64, h http.HandlerFunc) *Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		h(w, r)
	}))
	tb.Cleanup(srv.Close)
	c, err := New(Config{Host: srv.URL + "/EWS/Exchange.asmx", Username: "u", Password: "pass-word", EmailAddress: "a@example.com",
		Auth: AuthBasic, Version: "Exchange2016", MaxResponseBytes: limit, Retry: &RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// readHostileStream opens a stream and reads it to its error; the first envelope must be the keep-alive.
func readHostileStream(ctx context.Context, c *Client) error {
	st, err := c.openStream(ctx, "JwBkYjVwcjA2bWIxNDY0", 30)
	if err != nil {
		return err
	}
	defer st.close()
	m, err := st.next(ctx)
	if err != nil {
		return errors.New("the keep-alive: " + err.Error())
	}
	if m.ConnectionStatus != soap.ConnectionOK {
		return errors.New("the keep-alive has status " + m.ConnectionStatus)
	}
	for {
		if _, err := st.next(ctx); err != nil {
			return err
		}
	}
}

// TestHostileStreamsEnd: each hostile stream ends with an error matching ErrResponseTooLarge, by the limit that
// applies (before, the nesting and text limits did not apply to streams: an envelope was read to the full
// MaxResponseBytes whatever it held), and the client stops reading: the server's writes fail soon after (what
// it wrote by then includes the loopback's socket buffers, a few MB).
func TestHostileStreamsEnd(t *testing.T) {
	const limit = 1 << 20
	for _, hs := range hostileStreams {
		t.Run(hs.name, func(t *testing.T) {
			var written atomic.Int64
			done := make(chan struct{})
			c := streamClient(t, limit, func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				cw := &countingWriter{w: w, n: &written}
				_, _ = io.WriteString(cw, keepAlive)
				w.(http.Flusher).Flush()
				endless(cw, hs.head, hs.chunk, 1<<30)
			})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := readHostileStream(ctx, c)
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("stream ended with %v, want ErrResponseTooLarge", err)
			}
			var le *soap.LimitError
			switch {
			case hs.what == "" && errors.As(err, &le):
				t.Errorf("error %v, want the envelope's size limit", err)
			case hs.what != "" && (!errors.As(err, &le) || le.What != hs.what):
				t.Errorf("error %v, want the %s limit", err, hs.what)
			}
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the server is still writing 30 s after the client's error")
			}
			t.Logf("%s: %v after the server wrote %d KB", hs.name, err, written.Load()>>10)
		})
	}
}

// TestHostileStreamShareTheBudget: the envelope being read counts against the client's budget, as any response
// does: with one stream holding part of it, a second hostile stream cannot take more than the rest of it.
func TestHostileStreamShareTheBudget(t *testing.T) {
	const limit = 1 << 20
	first := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int64
	c := streamClient(t, limit, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, keepAlive)
		if calls.Add(1) == 1 {
			// An envelope of a quarter of the limit that stays open.
			endless(w, streamHead+`<m:Notifications>`, oneNotification, limit/4)
			w.(http.Flusher).Flush()
			close(first)
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		endless(w, streamHead+`<m:Notifications>`, oneNotification, 1<<30)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := c.openStream(ctx, "JwBkYjVwcjA2bWIxNDY0", 30)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if _, err := st.next(ctx); err != nil {
		t.Fatal(err)
	}
	held := make(chan error, 1)
	go func() { _, err := st.next(ctx); held <- err }() // blocks inside the open envelope
	<-first
	// Wait until the first stream has read (and counted) what the server sent.
	for deadline := time.Now().Add(10 * time.Second); c.wire.Budget.InUse() < limit/8; {
		if time.Now().After(deadline) {
			t.Fatalf("the first stream holds %d bytes of the budget", c.wire.Budget.InUse())
		}
		time.Sleep(time.Millisecond)
	}
	// The two streams read at once, and whichever reads next once they hold more than the budget fails on it: the
	// second, or the first (still reading the rest of its envelope), which then gives its bytes back so that the
	// second runs on to its own limit. Either way one of them fails on the shared budget.
	second := readHostileStream(ctx, c)
	close(release)
	st.close()
	firstErr := <-held
	budgetErr := func(err error) bool {
		var le *soap.LimitError
		return errors.As(err, &le) && le.What == "budget" && le.Limit == limit/2
	}
	if !budgetErr(firstErr) && !budgetErr(second) {
		t.Errorf("first stream: %v; second stream: %v; want one of them to fail on the budget of %d bytes", firstErr, second, limit/2)
	}
	if second == nil || !errors.Is(second, ErrResponseTooLarge) {
		t.Errorf("second stream: %v, want ErrResponseTooLarge (the budget or its own limit)", second)
	}
	if n := c.wire.Budget.InUse(); n != 0 {
		t.Errorf("%d bytes of the budget still held after both streams ended", n)
	}
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// TestWatchAgainstHostileStreams: Watch against a server whose every streaming connection is a keep-alive then
// an endless notification: each connection ends with ErrResponseTooLarge, reported to OnError, and Watch goes
// on: it reconnects, and the synchronisation on each new connection still delivers the mail, until the cap of
// failed connections in a row ends Watch with a *StreamingError.
func TestWatchAgainstHostileStreams(t *testing.T) {
	// Streaming notifications are 2010 SP1+: on Exchange 2007 Watch refuses NotifyStreaming at once
	// (TestWatchStreamingOnExchange2007).
	srv := testserver.New(t, testserver.WithPersonality(testserver.Exchange2019))
	var served atomic.Int64
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetStreamingEvents")) {
			return false
		}
		served.Add(1)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, keepAlive)
		w.(http.Flusher).Flush()
		endless(w, streamHead+`<m:Notifications>`, oneNotification, 1<<30)
		return true
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxResponseBytes = 1 << 20 })
	tooLarge := make(chan error, 100)
	p, err := c.NewPoller(PollerOptions{Notifications: NotifyStreaming, RetryDelay: time.Millisecond, OnError: func(err error) {
		if errors.Is(err, ErrResponseTooLarge) {
			select {
			case tooLarge <- err:
			default:
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, p)
	for i := range 3 {
		select {
		case err := <-tooLarge:
			t.Logf("stream %d: %v", i+1, err)
		case err := <-w.done:
			t.Fatalf("Watch ended: %v", err)
		}
	}
	srv.AddMessage("inbox", testserver.Item{Subject: "still delivered"})
	w.expect(t, "still delivered")
	// No connection ever brings a notification: after RetryPolicy.MaxAttempts (8) of them in a row, with waits
	// doubling from RetryDelay, Watch gives up with a *StreamingError rather than reconnect forever.
	var se *StreamingError
	select {
	case err := <-w.done:
		w.done <- err
		if !errors.As(err, &se) || !errors.Is(err, ErrStreamingFailed) || !errors.Is(err, ErrResponseTooLarge) ||
			se.Connections != DefaultMaxAttempts || se.Mailbox != srv.Email() {
			t.Fatalf("Watch = %v, want a *StreamingError after %d connections whose last error is ErrResponseTooLarge", err, DefaultMaxAttempts)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Watch still reconnects to the hostile server after 30 s")
	}
	if n := served.Load(); n != DefaultMaxAttempts {
		t.Errorf("%d streaming connections, want %d (a new one after each hostile stream, up to the cap)", n, DefaultMaxAttempts)
	}
}
