package ews

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// Tests of retries, throttling, limits and broken answers, against the fake server's fault injection. The same
// faults through the public mail API (Search, Unread, MarkRead, Send, Move, Copy, Delete, many goroutines, a
// cancelled search) are in mail_reliability_test.go; XML injection through every public value path in
// injection_test.go.

// ops counts the requests of an operation the server received, and those a fault hit.
func ops(srv *testserver.Server, op string) (all, faulted int) {
	for _, r := range srv.Requests() {
		if r.Operation == op && !refusedForVersion(srv, r) { // not the refusals of version negotiation
			all++
			if r.Fault != "" {
				faulted++
			}
		}
	}
	return all, faulted
}

// getFolderReq is a GetFolder of the inbox that declares itself not idempotent: tests of non-idempotent
// behaviour send it and check on the server how often it was carried out.
func getFolderReq() (*getFolderOnce, *soap.GetFolderResponse) {
	return &getFolderOnce{soap.GetFolder{FolderShape: soap.FolderShape{BaseShape: "IdOnly"}, FolderIDs: []soap.FolderRef{{Distinguished: "inbox"}}}},
		&soap.GetFolderResponse{}
}

// getFolderOnce is a GetFolder whose retry class is that of an operation that acts (send, create, move...).
type getFolderOnce struct{ soap.GetFolder }

func (*getFolderOnce) Op() soap.Op { return soap.Op{Name: "GetFolder", Idempotent: false} }

func TestServerBusyHonoursBackOff(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(1500*time.Millisecond).Times(2)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil {
		t.Fatalf("GetFolder under ServerBusy: %v", err)
	}
	if f.ID != srv.Default().FolderID("inbox") {
		t.Errorf("got folder %s, want the inbox", f.ID)
	}
	if got, want := fmt.Sprint(clk.Sleeps()), "[1.5s 1.5s]"; got != want {
		t.Errorf("waits = %s, want %s (the server's BackOffMilliseconds, twice)", got, want)
	}
	if all, faulted := ops(srv, "GetFolder"); all != 3 || faulted != 2 {
		t.Errorf("server saw %d GetFolder (%d busy), want 3 (2 busy)", all, faulted)
	}
}

func TestServerBusyBackOffAppliesToWholeClient(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(5*time.Second).Times(1)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	other, err := c.ForMailbox(srv.Email()) // shares the client's state
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	var requestsAtWait []int
	var otherErr error
	clk.onSleep = func(time.Duration) {
		requestsAtWait = append(requestsAtWait, len(srv.Requests()))
		if len(requestsAtWait) == 1 {
			// While the first request waits out its back-off, another request of the same client starts: it must
			// wait too, before it sends anything.
			_, otherErr = other.GetFolder(ctx, Inbox)
		}
	}
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if otherErr != nil {
		t.Fatalf("other request: %v", otherErr)
	}
	if got, want := fmt.Sprint(clk.Sleeps()), "[5s 5s]"; got != want {
		t.Errorf("waits = %s, want %s (the busy request's and the other request's)", got, want)
	}
	if len(requestsAtWait) != 2 || requestsAtWait[1] != requestsAtWait[0] {
		t.Errorf("server requests at each wait = %v: the other request sent something before waiting", requestsAtWait)
	}
	if all, faulted := ops(srv, "GetFolder"); all != 3 || faulted != 1 {
		t.Errorf("server saw %d GetFolder (%d busy), want 3 (1 busy)", all, faulted)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault testserver.Fault
		min   time.Duration
		max   time.Duration
	}{
		{"503 seconds", testserver.Unavailable("7"), 7 * time.Second, 7 * time.Second},
		{"429 seconds", testserver.TooManyRequests("3"), 3 * time.Second, 3 * time.Second},
		{"503 http date", testserver.Unavailable(time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)), 20 * time.Second, 30 * time.Second},
		{"503 no header", testserver.Unavailable(""), defaultBaseDelay / 2, defaultBaseDelay},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.New(t, testserver.WithFaults(tt.fault.Times(1)))
			clk := newFakeClock()
			c := retryClient(t, srv, clk, nil)
			if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
				t.Fatalf("GetFolder: %v", err)
			}
			s := clk.Sleeps()
			if len(s) != 1 || s[0] < tt.min || s[0] > tt.max {
				t.Errorf("waits = %v, want one within [%v, %v]", s, tt.min, tt.max)
			}
		})
	}
}

func TestTransientErrorsBackOffExponentially(t *testing.T) {
	srv := testserver.New(t)
	clk := newFakeClock()
	c := retryClient(t, srv, clk, func(cfg *Config) { cfg.Retry.BaseDelay = time.Second })
	settleVersion(t, srv, c) // the faults are for the GetFolder, not for a server older than the default version
	before := srv.Handled("GetFolder")
	srv.AddFault(testserver.ResetBefore().Times(1))
	srv.AddFault(testserver.ErrorCode("ErrorInternalServerTransientError").Times(1))
	srv.AddFault(testserver.DropAfter().Times(1))
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	s := clk.Sleeps()
	if len(s) != 3 {
		t.Fatalf("waits = %v, want 3", s)
	}
	for i, d := range s {
		full := time.Second << i
		if d < full/2 || d > full {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, d, full/2, full)
		}
	}
	if n := srv.Handled("GetFolder") - before; n != 2 { // DropAfter carried one out, the last attempt the other
		t.Errorf("server carried out %d GetFolder, want 2", n)
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(100*time.Millisecond)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, func(cfg *Config) { cfg.Retry.MaxAttempts = 3 })
	_, err := c.GetFolder(testCtx(t), Inbox)
	var e *Error
	if !errors.Is(err, ErrServerBusy) || !errors.As(err, &e) || e.BackOff() != 100*time.Millisecond || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("err = %v, want ErrServerBusy with its back-off, after 3 attempts", err)
	}
	if all, _ := ops(srv, "GetFolder"); all != 3 {
		t.Errorf("server saw %d GetFolder, want 3", all)
	}
}

func TestBackOffLongerThanMaxWait(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(10*time.Minute).Times(1)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	ctx := testCtx(t)
	_, err := c.GetFolder(ctx, Inbox)
	var e *Error
	if !errors.As(err, &e) || e.Code != "ErrorServerBusy" || e.BackOff() != 10*time.Minute {
		t.Fatalf("err = %v, want ErrorServerBusy asking for 10m at once", err)
	}
	// The next request of the client is not sent while the server's back-off lasts.
	_, err = c.GetFolder(ctx, Inbox)
	if !errors.Is(err, ErrServerBusy) {
		t.Fatalf("second request during the back-off: err = %v, want ErrServerBusy", err)
	}
	if all, _ := ops(srv, "GetFolder"); all != 1 || len(clk.Sleeps()) != 0 {
		t.Errorf("server saw %d GetFolder and the client waited %v; want 1 and no wait", all, clk.Sleeps())
	}
	clk.mu.Lock()
	clk.now = clk.now.Add(10 * time.Minute)
	clk.mu.Unlock()
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("after the back-off: %v", err)
	}
}

func TestRetriesTurnedOff(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ServerBusy(time.Second).Times(1)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); !errors.Is(err, ErrServerBusy) || strings.Contains(err.Error(), "attempts") {
		t.Fatalf("err = %v, want the plain ErrServerBusy", err)
	}
	if _, err := c.GetFolder(ctx, Inbox); err != nil { // no waiting for the back-off either
		t.Fatalf("second request: %v", err)
	}
	if len(clk.Sleeps()) != 0 {
		t.Errorf("waits = %v, want none", clk.Sleeps())
	}
}

func TestServerBusyInResponseMessage(t *testing.T) {
	srv := testserver.New(t)
	var answered atomic.Bool
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		if answered.Swap(true) {
			return false
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`+
			`<m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">`+
			`<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText>`+
			`<m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>`+
			`<m:MessageXml><t:Value Name="BackOffMilliseconds">2000</t:Value></m:MessageXml><m:Folders/></m:GetFolderResponseMessage>`+
			`</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`)
		return true
	})
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil || f.ID != srv.Default().FolderID("inbox") {
		t.Fatalf("GetFolder = %+v, %v; want the inbox after one retry", f, err)
	}
	if got := fmt.Sprint(clk.Sleeps()); got != "[2s]" {
		t.Errorf("waits = %s, want [2s]", got)
	}
}

func TestCallOnceRetriesWhatDidNotReachTheServer(t *testing.T) {
	for _, fault := range []testserver.Fault{
		testserver.ServerBusy(time.Second), testserver.Unavailable("1"), testserver.TooManyRequests(""),
		testserver.ErrorCode("ErrorExceededConnectionCount"),
	} {
		t.Run(fault.Name(), func(t *testing.T) {
			srv := testserver.New(t, testserver.WithFaults(fault.Times(1)))
			clk := newFakeClock()
			c := retryClient(t, srv, clk, versionSet) // else the fault strikes the GetFolder that learns it
			req, resp := getFolderReq()
			if err := doInto(testCtx(t), c, req, resp); err != nil {
				t.Fatalf("callOnce: %v", err)
			}
			if n := srv.Handled("GetFolder"); n != 1 || len(clk.Sleeps()) != 1 {
				t.Errorf("server carried out %d GetFolder after %d waits, want 1 after 1", n, len(clk.Sleeps()))
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		srv := testserver.New(t)
		clk := newFakeClock()
		var dials atomic.Int32
		c := retryClient(t, srv, clk, func(cfg *Config) {
			versionSet(cfg)
			cfg.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				if dials.Add(1) == 1 {
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
		})
		req, resp := getFolderReq()
		if err := doInto(testCtx(t), c, req, resp); err != nil {
			t.Fatalf("callOnce after a refused connection: %v", err)
		}
		if n := srv.Handled("GetFolder"); n != 1 || len(clk.Sleeps()) != 1 {
			t.Errorf("server carried out %d GetFolder after %d waits, want 1 after 1", n, len(clk.Sleeps()))
		}
	})
}

func TestCallOnceOutcomeUnknown(t *testing.T) {
	for _, tt := range []struct {
		fault   testserver.Fault
		handled int
		also    error // another error the result matches
	}{
		{testserver.ResetAfter(), 1, syscall.ECONNRESET},
		{testserver.DropAfter(), 1, nil},
		{testserver.Truncate(200), 1, nil},
		{testserver.Malformed(), 1, ErrMalformedResponse},
		{testserver.Empty(), 1, ErrMalformedResponse},
		// The server did not carry these out, but the client cannot tell.
		{testserver.ResetBefore(), 0, syscall.ECONNRESET},
		{testserver.HTMLPage(http.StatusBadGateway), 0, nil},
	} {
		t.Run(tt.fault.Name(), func(t *testing.T) {
			srv := testserver.New(t)
			clk := newFakeClock()
			c := retryClient(t, srv, clk, nil)
			ctx := testCtx(t)
			if _, err := c.GetFolder(ctx, Inbox); err != nil { // an authenticated connection first
				t.Fatal(err)
			}
			srv.AddFault(tt.fault.Times(1))
			req, resp := getFolderReq()
			err := doInto(ctx, c, req, resp)
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("callOnce under %s: err = %v, want ErrOutcomeUnknown", tt.fault.Name(), err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.also)
			}
			if n := srv.Handled("GetFolder"); n != 1+tt.handled {
				t.Errorf("server carried out the request %d times, want %d: it was sent again", n-1, tt.handled)
			}
			if all, _ := ops(srv, "GetFolder"); all != 2 || len(clk.Sleeps()) != 0 {
				t.Errorf("server received %d requests and the client waited %v; want 1 and no wait", all-1, clk.Sleeps())
			}
			// The same fault on an idempotent call is retried and succeeds.
			srv.AddFault(tt.fault.Times(1))
			if _, err := c.GetFolder(ctx, Inbox); err != nil && !errors.Is(err, ErrMalformedResponse) {
				t.Errorf("GetFolder under %s: %v", tt.fault.Name(), err)
			}
		})
	}
}

func TestCallOnceDefiniteErrors(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ErrorCode("ErrorInternalServerTransientError").Times(1)))
	clk := newFakeClock()
	c := retryClient(t, srv, clk, versionSet)
	req, resp := getFolderReq()
	err := doInto(testCtx(t), c, req, resp)
	if !errors.Is(err, ErrInternalServerTransientError) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrInternalServerTransientError, not outcome unknown: the server answered", err)
	}
	if all, _ := ops(srv, "GetFolder"); all != 1 {
		t.Errorf("server received %d requests, want 1", all)
	}

	tlsSrv := testserver.New(t, testserver.WithTLS())
	c = retryClient(t, tlsSrv, clk, versionSet)
	err = doInto(testCtx(t), c, req, resp)
	if err == nil || errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate: err = %v, want a certificate error (the request never left)", err)
	}
	if n := len(tlsSrv.Requests()); n != 0 || len(clk.Sleeps()) != 0 {
		t.Errorf("server saw %d requests and the client waited %v, want none", n, clk.Sleeps())
	}
}

func TestCallOnceCancelledInFlight(t *testing.T) {
	srv := testserver.New(t)
	c := retryClient(t, srv, newFakeClock(), nil)
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(testserver.Delay(time.Hour).Times(1))
	ctx, cancel := context.WithCancel(testCtx(t))
	go cancelWhenInFlight(srv, cancel)
	req, resp := getFolderReq()
	err := doInto(ctx, c, req, resp)
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown and context.Canceled", err)
	}
}

// cancelWhenInFlight calls cancel once a Delay fault of the server holds a request.
func cancelWhenInFlight(srv *testserver.Server, cancel func()) {
	for srv.Delayed() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
}

func TestFolderPagingUnderFaults(t *testing.T) {
	const n = 5000
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(250*time.Millisecond).Every(3),
		testserver.ResetAfter().Every(7),
	))
	mb := srv.Default()
	want := map[string]bool{}
	for i := range n {
		id, err := mb.AddFolder("inbox", fmt.Sprintf("case-%05d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		want[id] = true
	}
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	got, err := c.ListFolders(testCtx(t), Inbox, false)
	if err != nil {
		t.Fatalf("ListFolders under faults: %v", err)
	}
	seen := map[string]int{}
	for _, f := range got {
		seen[f.ID]++
		if seen[f.ID] > 1 {
			t.Fatalf("folder %s (%s) returned twice", f.ID, f.DisplayName)
		}
		if !want[f.ID] {
			t.Fatalf("folder %s (%s) is not one of the inbox's", f.ID, f.DisplayName)
		}
	}
	if len(got) != n {
		t.Fatalf("got %d folders, want %d", len(got), n)
	}
	busy, resets := 0, 0
	for _, r := range srv.Requests() {
		switch r.Fault {
		case "ServerBusy":
			busy++
		case "ResetAfter":
			resets++
		}
	}
	if busy == 0 || resets == 0 {
		t.Fatalf("faults hit: %d busy, %d resets; the test did not exercise them", busy, resets)
	}
	var busyWaits int
	for _, d := range clk.Sleeps() {
		switch {
		case d == 250*time.Millisecond:
			busyWaits++
		case d < defaultBaseDelay/2 || d > defaultMaxDelay:
			t.Errorf("wait %v is neither the server's back-off nor an exponential one", d)
		}
	}
	if busyWaits != busy {
		t.Errorf("%d waits of the server's 250ms for %d ServerBusy answers", busyWaits, busy)
	}
	t.Logf("%d folders in %d pages; %d ServerBusy, %d resets, waits %v", n, srv.Handled("FindFolder")-resets, busy, resets, clk.Sleeps())
}

func TestManyGoroutinesShareOneClient(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(10*time.Millisecond).Every(5),
		testserver.ResetAfter().Every(11),
		testserver.Unavailable("0").Every(13),
	))
	mb := srv.Default()
	for i := range 30 {
		if _, err := mb.AddFolder("inbox", fmt.Sprintf("f%02d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	const max = 4
	// Concurrent requests share the faults' counters, so one request can draw a fault on many attempts in a row;
	// enough attempts (the waits are on a fake clock) keep that from failing the test by chance.
	c := retryClient(t, srv, newFakeClock(), func(cfg *Config) {
		cfg.MaxConcurrency = max
		cfg.Retry.MaxAttempts, cfg.Retry.MaxWait = 30, time.Hour
	})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := c
			if g%2 == 1 {
				cl, _ = c.ForMailbox(srv.Email())
			}
			for range 5 {
				if g%3 == 0 {
					fs, err := cl.ListFolders(ctx, Inbox, false)
					if err == nil && len(fs) != 30 {
						err = fmt.Errorf("ListFolders returned %d folders, want 30", len(fs))
					}
					if err != nil {
						errs <- err
						return
					}
				} else if _, err := cl.GetFolder(ctx, Inbox); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if m := srv.MaxInFlight(); m > max {
		t.Errorf("server had %d requests in flight at once, want at most MaxConcurrency %d", m, max)
	}
}

func TestExceededConnectionCountLowersConcurrency(t *testing.T) {
	srv := testserver.New(t, testserver.WithFaults(testserver.ErrorCode("ErrorExceededConnectionCount").Times(1)))
	c := retryClient(t, srv, newFakeClock(), func(cfg *Config) { cfg.MaxConcurrency = 8 })
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if n := c.shared.limit.current(); n != 4 {
		t.Fatalf("concurrency limit after ErrorExceededConnectionCount = %d, want 4", n)
	}
	srv.AddFault(testserver.Delay(2 * time.Millisecond))
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetFolder(ctx, Inbox); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := srv.MaxInFlight(); m > 4 {
		t.Errorf("server had %d requests in flight at once, want at most the lowered limit 4", m)
	}
	srv.ClearFaults()
	srv.AddFault(testserver.ErrorCode("ErrorTooManyObjectsOpened").Times(1))
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if n := c.shared.limit.current(); n != 2 {
		t.Errorf("concurrency limit after ErrorTooManyObjectsOpened = %d, want 2", n)
	}
}

func TestSessionExpiredMidSession(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatal(err)
	}
	handshakes := func(from int) (ok, failed int) {
		for _, r := range srv.Requests()[from:] {
			if r.AuthScheme == "NTLM" {
				if r.Operation != "" {
					ok++
				} else {
					failed++
				}
			}
		}
		return
	}
	// The server forgets the connection's authentication: one fresh handshake, and the request goes through.
	before := len(srv.Requests())
	srv.AddFault(testserver.ExpireSession().Times(1))
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder after the session expired: %v", err)
	}
	if ok, _ := handshakes(before); ok != 1 {
		t.Errorf("%d successful handshakes after the session expired, want 1", ok)
	}
	// The password changed meanwhile: one fresh handshake fails, and the client stops (no lockout storm).
	srv.SetPassword(srv.Username(), "Changed-Passw0rd!")
	before = len(srv.Requests())
	srv.AddFault(testserver.ExpireSession().Times(1))
	_, err := c.GetFolder(ctx, Inbox)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	reqs := srv.Requests()[before:]
	if ok, failed := handshakes(before); ok != 0 || len(reqs) != 3 {
		t.Errorf("after the password change the server saw %d requests (%d handshake legs, %d successful), want 3: the expired request, the challenge and one failed authentication", len(reqs), failed, ok)
	}
}

func TestHandshakeBrokenIsNotAnAuthError(t *testing.T) {
	// The connection breaks on the NTLM authenticate leg: go-ntlmssp would report the server's earlier 401, but
	// the client knows the connection broke, and retries.
	srv := testserver.New(t)
	var legs atomic.Int32
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		if strings.HasPrefix(r.Header.Get("Authorization"), "NTLM TlRMTVNTUAAD") && legs.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return true
		}
		return false
	})
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if len(clk.Sleeps()) != 1 || legs.Load() != 2 {
		t.Errorf("waits %v, authenticate legs %d; want one retry", clk.Sleeps(), legs.Load())
	}
	// Sent once, the same break is an unknown outcome.
	c2 := retryClient(t, srv, clk, versionSet)
	legs.Store(0)
	req, resp := getFolderReq()
	if err := doInto(testCtx(t), c2, req, resp); !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrUnauthorized) {
		t.Errorf("callOnce with a broken handshake: err = %v, want ErrOutcomeUnknown", err)
	}
	// A fresh client that does not know the version learns it first with an idempotent GetFolder: the break
	// strikes that one, which is retried, and the request sent once goes out once, on an authenticated connection.
	c3 := retryClient(t, srv, clk, nil)
	legs.Store(0)
	before := srv.Handled("GetFolder")
	waits := len(clk.Sleeps())
	req, resp = getFolderReq()
	if err := doInto(testCtx(t), c3, req, resp); err != nil {
		t.Errorf("callOnce on a fresh client with a broken handshake: %v, want the version probe retried and the call sent once", err)
	}
	if n := srv.Handled("GetFolder") - before; n != 2 || legs.Load() != 2 || len(clk.Sleeps()) != waits+1 {
		t.Errorf("%d GetFolder carried out (probe and call), %d authenticate legs, %d waits; want 2, 2, 1", n, legs.Load(), len(clk.Sleeps())-waits)
	}
}

// versionSet sets Config.Version, for tests of a request sent once whose faults must strike that request and
// not the GetFolder that a client which does not know the version sends first (versionBeforeOnce).
func versionSet(cfg *Config) { cfg.Version = "Exchange2016" }

func TestPerRequestTimeout(t *testing.T) {
	srv := testserver.New(t)
	clk := newFakeClock()
	c := retryClient(t, srv, clk, func(cfg *Config) { cfg.Timeout = 300 * time.Millisecond })
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(testserver.Delay(time.Hour).Times(1))
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder after one timed-out attempt: %v", err)
	}
	if len(clk.Sleeps()) != 1 {
		t.Errorf("waits = %v, want one retry after the timeout", clk.Sleeps())
	}
	srv.AddFault(testserver.Delay(time.Hour))
	c = retryClient(t, srv, clk, func(cfg *Config) { cfg.Timeout, cfg.Retry.MaxAttempts = 300*time.Millisecond, 2 })
	_, err := c.GetFolder(ctx, Inbox)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("err = %v, want the per-request timeout (the test's context is fine)", err)
	}
}

func TestCancelLeaksNoGoroutine(t *testing.T) {
	base := runtime.NumGoroutine()
	srv := testserver.NewServer()
	c := retryClient(t, srv, newFakeClock(), nil)
	for i := range 3 {
		if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
			t.Fatal(err)
		}
		srv.AddFault(testserver.Delay(time.Hour).Times(1))
		ctx, cancel := context.WithCancel(context.Background())
		go cancelWhenInFlight(srv, cancel)
		if _, err := c.GetFolder(ctx, Inbox); !errors.Is(err, context.Canceled) {
			t.Fatalf("round %d: err = %v, want context.Canceled", i, err)
		}
	}
	c.CloseIdleConnections()
	srv.Close()
	var n int
	for range 500 {
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines left, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
}

func TestMaxResponseBytes(t *testing.T) {
	srv := testserver.New(t)
	for i := range 600 {
		if _, err := srv.Default().AddFolder("inbox", fmt.Sprintf("folder-%04d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	c := retryClient(t, srv, newFakeClock(), func(cfg *Config) { cfg.MaxResponseBytes = 64 << 10 })
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("a small response: %v", err)
	}
	_, err := c.ListFolders(ctx, Inbox, false)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("ListFolders with a 64 KiB limit: err = %v, want ErrResponseTooLarge", err)
	}
	if all, _ := ops(srv, "FindFolder"); all != 1 {
		t.Errorf("server received %d FindFolder, want 1 (a too large answer is not retried)", all)
	}
	srv.AddFault(testserver.HugeAttribute(1 << 20).Times(1))
	if _, err := c.GetFolder(ctx, Inbox); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("a 1 MiB attribute with a 64 KiB limit: err = %v, want ErrResponseTooLarge", err)
	}
	big := retryClient(t, srv, newFakeClock(), nil)
	srv.AddFault(testserver.HugeAttribute(1 << 20).Times(1))
	if _, err := big.GetFolder(ctx, Inbox); err != nil {
		t.Errorf("a 1 MiB attribute within the default limit: %v", err)
	}
}

func TestBrokenAnswersAreTypedErrors(t *testing.T) {
	tests := []struct {
		fault     testserver.Fault
		status    int
		malformed bool
		excerpt   string
	}{
		{testserver.Malformed(), 200, true, "<s:Envelope"},
		{testserver.Empty(), 200, true, ""},
		{testserver.Charset("iso-8859-1"), 200, true, `encoding="iso-8859-1"`},
		{testserver.WrongNamespace(), 200, true, "not-soap"},
		{testserver.HTMLPage(http.StatusOK), 200, true, "<html>"},
		{testserver.HTMLPage(http.StatusInternalServerError), 500, false, "500 Internal Server Error"},
		{testserver.HTMLPage(http.StatusBadGateway), 502, false, "nginx"},
		{testserver.Unavailable("5"), 503, false, "HTTP Error 503"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %d", tt.fault.Name(), tt.status), func(t *testing.T) {
			srv := testserver.New(t, testserver.WithFaults(tt.fault))
			c := retryClient(t, srv, newFakeClock(), func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
			_, err := c.GetFolder(testCtx(t), Inbox)
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v (%T), want *HTTPError", err, err)
			}
			if he.StatusCode != tt.status || errors.Is(err, ErrMalformedResponse) != tt.malformed || !strings.Contains(he.Excerpt, tt.excerpt) {
				t.Errorf("err = %v: status %d, malformed %v, excerpt %q; want %d, %v, containing %q",
					err, he.StatusCode, errors.Is(err, ErrMalformedResponse), he.Excerpt, tt.status, tt.malformed, tt.excerpt)
			}
			if len(he.Excerpt) > 512 {
				t.Errorf("excerpt is %d bytes, want at most 512", len(he.Excerpt))
			}
		})
	}
}

func TestFolderNameInjection(t *testing.T) {
	srv, c := setup(t)
	names := []string{`</t:Constant><t:Foo>`, `a]]>b`, `x"/><t:Exists/>&amp;`, `<![CDATA[z]]>`}
	for _, name := range names {
		id, err := srv.Default().AddFolder("inbox", name, "")
		if err != nil {
			t.Fatal(err)
		}
		f, err := c.GetFolder(testCtx(t), FolderByPath("Inbox/"+strings.ReplaceAll(name, "/", `\/`)))
		if err != nil {
			t.Fatalf("GetFolder(%q): %v", name, err)
		}
		if f.ID != id || f.DisplayName != name {
			t.Errorf("GetFolder(%q) = %q (%s), want the folder named verbatim (%s)", name, f.DisplayName, f.ID, id)
		}
	}
	var sent []string
	for _, r := range srv.Requests() {
		if r.Operation == "FindFolder" {
			sent = append(sent, string(r.Body))
		}
	}
	sort.Strings(sent)
	for _, b := range sent {
		if strings.Contains(b, "<t:Foo>") || strings.Contains(b, "<t:Exists/>") {
			t.Errorf("request carries an injected element: %s", b)
		}
	}
}
