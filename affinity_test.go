package ews

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

var opName = regexp.MustCompile(`<s:Body><m:([A-Za-z]+)`)

// affinityRecorder records the affinity headers of each operation and answers Subscribe with the back-end cookie,
// as Exchange 2013+ and Exchange Online do.
type affinityRecorder struct {
	mu      sync.Mutex
	headers map[string][]http.Header
}

func recordAffinity(srv *testserver.Server) *affinityRecorder {
	rec := &affinityRecorder{headers: map[string][]http.Header{}}
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		m := opName.FindSubmatch(body)
		if m == nil {
			return false
		}
		op := string(m[1])
		rec.mu.Lock()
		rec.headers[op] = append(rec.headers[op], r.Header.Clone())
		rec.mu.Unlock()
		if op == "Subscribe" && r.Header.Get("X-PreferServerAffinity") == "true" {
			http.SetCookie(w, &http.Cookie{Name: soap.BackEndCookie, Value: "server42~1894211645", Path: "/", HttpOnly: true})
		}
		return false
	})
	return rec
}

// last returns the headers of the last authenticated request of op.
func (r *affinityRecorder) last(op string) http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	hs := r.headers[op]
	if len(hs) == 0 {
		return nil
	}
	return hs[len(hs)-1]
}

// TestSubscriptionAffinity: Subscribe, GetEvents, GetStreamingEvents and Unsubscribe carry X-AnchorMailbox and
// X-PreferServerAffinity, and after Subscribe the X-BackEndOverrideCookie the server set; other requests do not.
func TestSubscriptionAffinity(t *testing.T) {
	// Affinity matters on multi-server Exchange 2013+ sites and Exchange Online; the test uses a streaming
	// subscription too, which Exchange 2007 lacks (TestWatchStreamingOnExchange2007).
	srv := testserver.New(t, testserver.WithPersonality(testserver.Exchange2019))
	rec := recordAffinity(srv)
	c := newTestClient(t, srv, nil)
	ctx := testCtx(t)
	folders := []soap.FolderRef{c.distinguished("inbox")}
	id, wm, err := c.subscribe(ctx, folders, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.pullEvents(ctx, id, wm); err != nil {
		t.Fatal(err)
	}
	if err := c.unsubscribe(ctx, id); err != nil {
		t.Fatal(err)
	}
	sid, _, err := c.subscribe(ctx, folders, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.openStream(ctx, sid, 1)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.s.Close()
	if _, err := c.Mail().Get(ctx, srv.AddMessage("inbox", testserver.Item{Subject: "x"})); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"Subscribe", "GetEvents", "Unsubscribe", "GetStreamingEvents"} {
		h := rec.last(op)
		if h == nil {
			t.Fatalf("no %s request", op)
		}
		if h.Get("X-AnchorMailbox") != srv.Email() || h.Get("X-PreferServerAffinity") != "true" {
			t.Errorf("%s: X-AnchorMailbox %q, X-PreferServerAffinity %q", op, h.Get("X-AnchorMailbox"), h.Get("X-PreferServerAffinity"))
		}
		ck := (&http.Request{Header: h}).Cookies()
		if op != "Subscribe" && (len(ck) != 1 || ck[0].Name != soap.BackEndCookie || ck[0].Value != "server42~1894211645") {
			t.Errorf("%s: cookies %v, want the back-end cookie", op, ck)
		}
	}
	if h := rec.last("GetItem"); h.Get("X-PreferServerAffinity") != "" || h.Get("Cookie") != "" || h.Get("X-AnchorMailbox") != "" {
		t.Errorf("GetItem carries affinity: %v", h)
	}
}

// TestImpersonationAnchorMailbox: impersonated requests carry X-AnchorMailbox with the impersonated mailbox.
func TestImpersonationAnchorMailbox(t *testing.T) {
	srv := testserver.New(t, testserver.WithUser(testserver.User{Username: `CORP\svc`, Password: "pw", Email: "svc@example.com", CanImpersonate: true}))
	srv.AddMailbox("bob@example.com", "Bob")
	rec := recordAffinity(srv)
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.Username, cfg.Password, cfg.EmailAddress, cfg.AccessType = `CORP\svc`, "pw", "bob@example.com", Impersonation
	})
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatal(err)
	}
	if h := rec.last("GetFolder"); h.Get("X-AnchorMailbox") != "bob@example.com" {
		t.Errorf("X-AnchorMailbox = %q", h.Get("X-AnchorMailbox"))
	}
	d, err := c.ForMailbox(srv.Email())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatal(err)
	}
	if h := rec.last("GetFolder"); h.Get("X-AnchorMailbox") != srv.Email() {
		t.Errorf("ForMailbox: X-AnchorMailbox = %q", h.Get("X-AnchorMailbox"))
	}
}
