package soap

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAuthScheme(t *testing.T) {
	for in, want := range map[string]string{
		"NTLM TlRMTVNTUAADAAAAGAAYAHAAAAA=": "NTLM",
		"Basic YWxpY2U6c2VjcmV0":            "Basic",
		"Bearer eyJ0eXAi.x.y":               "Bearer",
		`Basic realm="mail"`:                "Basic",
		"NTLM":                              "NTLM",
		"  Negotiate  ":                     "Negotiate",
	} {
		if got := AuthScheme(in); got != want {
			t.Errorf("AuthScheme(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConnPool(t *testing.T) {
	p := newConnPool(&http.Transport{}, 2)
	ctx := context.Background()
	a, _ := p.get(ctx)
	b, _ := p.get(ctx)
	if a == b || a != p.all[0] {
		t.Fatalf("get handed out %p and %p, want the two transports, first one first", a, b)
	}
	p.put(b)
	p.put(a)
	if got, _ := p.get(ctx); got != a { // the most recently used first
		t.Errorf("get after put(b), put(a) = %p, want a", got)
	}
	cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	x, _ := p.get(ctx)
	if _, err := p.get(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("get on an empty pool: %v, want the context's error", err)
	}
	done := make(chan *http.Transport)
	go func() {
		tr, _ := p.get(ctx)
		done <- tr
	}()
	for {
		p.mu.Lock()
		n := len(p.waiters)
		p.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	p.put(x)
	if got := <-done; got != x {
		t.Errorf("waiter got %p, want the transport put back", got)
	}
	for _, tr := range p.all {
		if tr.MaxConnsPerHost != 1 {
			t.Errorf("transport allows %d connections, want 1", tr.MaxConnsPerHost)
		}
	}
}

func TestDoReportsBrokenAnswers(t *testing.T) {
	long := "<html>" + strings.Repeat("x", 2000) + "</html>"
	tests := []struct {
		name    string
		resp    *fakeResponse
		check   func(error) bool
		excerpt string
	}{
		{"html 200", &fakeResponse{status: 200, ctype: "text/html", body: []byte(long)},
			func(err error) bool { return errors.Is(err, ErrMalformed) }, "<html>xxx"},
		{"empty 200", &fakeResponse{status: 200, ctype: "text/xml"},
			func(err error) bool { return errors.Is(err, ErrMalformed) }, ""},
		{"503", &fakeResponse{status: 503, ctype: "text/html", body: []byte("busy"), header: "30"},
			func(err error) bool {
				var he *HTTPError
				return errors.As(err, &he) && he.RetryAfter == 30*time.Second && he.Err == nil
			}, "busy"},
		{"too large", &fakeResponse{status: 200, ctype: "text/xml", body: []byte(seedGetFolder + strings.Repeat(" ", 10000))},
			func(err error) bool { return err == nil }, ""}, // the body child is read before the limit
		{"too large early", &fakeResponse{status: 200, ctype: "text/xml", body: []byte(strings.Repeat(" ", 10000) + seedGetFolder)},
			func(err error) bool { return errors.Is(err, ErrResponseTooLarge) }, ""},
	}
	for _, tt := range tests {
		c := &Client{URL: "http://ews.invalid/", HTTP: &http.Client{Transport: tt.resp}, MaxResponseBytes: 4096}
		_, err := c.Do(context.Background(), Header{Version: "Exchange2016"}, &GetFolder{}, new(GetFolderResponse))
		if !tt.check(err) {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		var he *HTTPError
		if errors.As(err, &he) {
			if he.StatusCode != tt.resp.status || !strings.HasPrefix(he.Excerpt, tt.excerpt) || len(he.Excerpt) > 512 {
				t.Errorf("%s: HTTPError %d with excerpt %q (%d bytes), want %d starting %q", tt.name, he.StatusCode, he.Excerpt, len(he.Excerpt), tt.resp.status, tt.excerpt)
			}
		}
	}
}

// Every operation's declared name is the local name of its element in soap:Body, which the server dispatches on.
func TestOpNamesTheElement(t *testing.T) {
	for _, op := range []Operation{&CreateAttachment{}, &GetAttachment{}, &DeleteAttachment{}, &CreateItem{}, &DeleteItem{},
		&ExpandDL{}, &FindFolder{}, &FindItem{}, &GetEvents{}, &GetFolder{}, &GetItem{}, &GetStreamingEvents{}, &MoveItem{},
		&CopyItem{}, &ResolveNames{}, &SendItem{}, &Subscribe{}, &Unsubscribe{}, &SyncFolderItems{}, &UpdateItem{}} {
		var buf bytes.Buffer
		if err := WriteRequest(&buf, Header{Version: "Exchange2016"}, op); err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(buf.String(), "<s:Body><m:")
		if name, _, _ := strings.Cut(body, ">"); strings.Fields(name)[0] != op.Op().Name {
			t.Errorf("%T names itself %q, but its element is <m:%s>", op, op.Op().Name, name)
		}
	}
}

// The retry class of UpdateItem follows what the request does: setting fields may be repeated, sending or
// appending may not.
func TestUpdateItemRetryClass(t *testing.T) {
	set := []ItemChange{{Updates: []Update{{Path: Path{FieldURI: "message:IsRead"}, Item: &Message{}}}}}
	for _, tt := range []struct {
		req  UpdateItem
		want bool
	}{
		{UpdateItem{ItemChanges: set}, true},
		{UpdateItem{MessageDisposition: "SaveOnly", SendMeetingInvitationsOrCancellations: "SendToNone", ItemChanges: set}, true},
		{UpdateItem{MessageDisposition: "SendAndSaveCopy", ItemChanges: set}, false},
		{UpdateItem{SendMeetingInvitationsOrCancellations: "SendToAllAndSaveCopy", ItemChanges: set}, false},
		{UpdateItem{ItemChanges: []ItemChange{{Updates: []Update{{Path: Path{FieldURI: "item:Body"}, Item: &Message{}, Append: true}}}}}, false},
	} {
		if got := tt.req.Op().Idempotent; got != tt.want {
			t.Errorf("%+v: Idempotent = %v, want %v", tt.req, got, tt.want)
		}
	}
}

// Discard reads a 200 answer to its end, whatever it holds, and reports other answers as usual.
func TestDoRawDiscard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(strings.Repeat("not even XML ", 10000)))
	}))
	defer srv.Close()
	c := &Client{URL: srv.URL, HTTP: srv.Client()}
	if svi, err := c.DoRaw(context.Background(), []byte("<x/>"), Discard); err != nil || svi != nil {
		t.Errorf("Discard of a 200: %v, %v", svi, err)
	}
	c.MaxResponseBytes = 1000
	if _, err := c.DoRaw(context.Background(), []byte("<x/>"), Discard); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("Discard of a body over the limit: %v", err)
	}
	c.URL = srv.URL + "?fail=1"
	var he *HTTPError
	if _, err := c.DoRaw(context.Background(), []byte("<x/>"), Discard); !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("Discard of a 503: %v", err)
	}
}
