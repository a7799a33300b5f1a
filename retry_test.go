package ews

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// fakeClock records the waits of the retry loop instead of sleeping; each wait moves its time forward.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	// onSleep, if set, runs at each wait before the clock moves forward.
	onSleep func(d time.Duration)
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	hook := f.onSleep
	f.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// retryClient returns a client for srv whose retry waits are recorded by clk; edit may change the config.
func retryClient(t *testing.T, srv *testserver.Server, clk *fakeClock, edit func(*Config)) *Client {
	t.Helper()
	return newTestClient(t, srv, func(cfg *Config) {
		cfg.Retry = &RetryPolicy{clock: clk}
		if edit != nil {
			edit(cfg)
		}
	})
}

func TestRetryPolicyDefaultsAndValidation(t *testing.T) {
	var nilPolicy *RetryPolicy
	p, err := nilPolicy.resolve()
	if err != nil || p.MaxAttempts != DefaultMaxAttempts || p.MaxWait != defaultMaxWait || p.BaseDelay != defaultBaseDelay || p.MaxDelay != defaultMaxDelay {
		t.Errorf("nil policy resolves to %+v, %v; want the defaults", p, err)
	}
	for field, rp := range map[string]*RetryPolicy{
		"MaxAttempts": {MaxAttempts: -1}, "MaxWait": {MaxWait: -1}, "BaseDelay": {BaseDelay: -1}, "MaxDelay": {MaxDelay: -1},
	} {
		_, err := New(Config{Host: "mail.example.com", Username: `CORP\u`, Password: "pw", Retry: rp})
		if err == nil || !strings.Contains(err.Error(), "Config.Retry."+field) {
			t.Errorf("negative %s: err = %v, want it named", field, err)
		}
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 50 {
			d := backoff(&p, attempt)
			if d < full/2 || d > full {
				t.Fatalf("backoff(attempt %d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestJudge(t *testing.T) {
	busy := &soap.Fault{Detail: soap.FaultDetail{ResponseCode: "ErrorServerBusy", MessageXML: soap.MessageXML{Values: map[string]string{"BackOffMilliseconds": "1500"}}}}
	tests := []struct {
		name string
		err  error
		want verdict
	}{
		{"busy fault", busy, verdict{retry: true, safe: true, wait: 1500 * time.Millisecond}},
		{"busy message", &soap.ResponseError{Code: "ErrorServerBusy"}, verdict{retry: true, safe: true}},
		{"connections", &soap.ResponseError{Code: "ErrorExceededConnectionCount"}, verdict{retry: true, safe: true, lower: true}},
		{"objects", &soap.Fault{Detail: soap.FaultDetail{ResponseCode: "ErrorTooManyObjectsOpened"}}, verdict{retry: true, lower: true}},
		{"transient", &soap.ResponseError{Code: "ErrorInternalServerTransientError"}, verdict{retry: true}},
		{"not found", &soap.ResponseError{Code: "ErrorItemNotFound"}, verdict{}},
		{"auth", &soap.AuthError{StatusCode: 401}, verdict{}},
		{"503", &soap.HTTPError{StatusCode: 503, RetryAfter: 7 * time.Second}, verdict{retry: true, safe: true, wait: 7 * time.Second}},
		{"429", &soap.HTTPError{StatusCode: 429}, verdict{retry: true, safe: true}},
		{"502", &soap.HTTPError{StatusCode: 502}, verdict{retry: true, unknown: true}},
		{"500 html", &soap.HTTPError{StatusCode: 500}, verdict{unknown: true}},
		{"404", &soap.HTTPError{StatusCode: 404}, verdict{}},
		{"malformed 200", &soap.HTTPError{StatusCode: 200, Err: soap.ErrMalformed}, verdict{unknown: true}},
		{"too large", soap.ErrResponseTooLarge, verdict{unknown: true}},
		{"refused", &soap.RequestError{Err: &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}}, verdict{retry: true, safe: true}},
		{"reset after send", &soap.RequestError{Err: &url.Error{Op: "Post", Err: syscall.ECONNRESET}, Sent: true}, verdict{retry: true, unknown: true}},
		{"eof after send", &soap.RequestError{Err: &url.Error{Op: "Post", Err: io.EOF}, Sent: true}, verdict{retry: true, unknown: true}},
		{"timeout", &soap.RequestError{Err: &url.Error{Op: "Post", Err: context.DeadlineExceeded}, Sent: true}, verdict{retry: true, unknown: true}},
		{"no such host", &soap.RequestError{Err: &url.Error{Op: "Post", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}}, verdict{safe: true}},
		{"dns timeout", &soap.RequestError{Err: &url.Error{Op: "Post", Err: &net.DNSError{Err: "timeout", IsTimeout: true}}}, verdict{retry: true, safe: true}},
		{"certificate", &soap.RequestError{Err: &url.Error{Op: "Post", Err: errors.New("x509: certificate signed by unknown authority")}}, verdict{safe: true}},
		{"encode", fmt.Errorf("encode request: %w", errors.New("xml: unsupported type")), verdict{}},
	}
	for _, tt := range tests {
		if got := judge(tt.err); got != tt.want {
			t.Errorf("%s: judge = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestRetryableMessage(t *testing.T) {
	msg := func(class, code string) string {
		return `<m:GetFolderResponseMessage ResponseClass="` + class + `"><m:ResponseCode>` + code + `</m:ResponseCode></m:GetFolderResponseMessage>`
	}
	decode := func(msgs ...string) *soap.GetFolderResponse {
		t.Helper()
		env := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetFolderResponse xmlns:m="` + soap.NSMessages +
			`"><m:ResponseMessages>` + strings.Join(msgs, "") + `</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`
		var r soap.GetFolderResponse
		if _, err := soap.DecodeResponse(strings.NewReader(env), &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	tests := []struct {
		name     string
		resp     soap.Response
		wantCode string
		wantSafe bool
	}{
		{"success", decode(msg("Success", "NoError")), "", false},
		{"not found", decode(msg("Error", "ErrorItemNotFound")), "", false},
		{"all busy", decode(msg("Error", "ErrorServerBusy"), msg("Error", "ErrorServerBusy")), "ErrorServerBusy", true},
		{"one busy", decode(msg("Success", "NoError"), msg("Error", "ErrorServerBusy")), "ErrorServerBusy", false},
		{"transient", decode(msg("Error", "ErrorInternalServerTransientError")), "ErrorInternalServerTransientError", false},
	}
	for _, tt := range tests {
		got, safe := retryableMessage(tt.resp)
		code := ""
		if got != nil {
			code = got.Code
		}
		if code != tt.wantCode || safe != tt.wantSafe {
			t.Errorf("%s: retryableMessage = %q, %v; want %q, %v", tt.name, code, safe, tt.wantCode, tt.wantSafe)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(4)
	ctx := context.Background()
	for range 4 {
		if err := l.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A fifth waits; a cancelled waiter leaves no trace.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire on a full limiter with a cancelled context: %v", err)
	}
	got := make(chan struct{})
	go func() {
		_ = l.acquire(ctx)
		close(got)
	}()
	l.release()
	<-got // the waiter took the freed slot
	l.lower()
	if n := l.current(); n != 2 {
		t.Fatalf("limit after lower = %d, want 2", n)
	}
	l.lower()
	l.lower()
	if n := l.current(); n != 1 {
		t.Fatalf("limit never goes below 1, got %d", n)
	}
	for range 4 {
		l.release()
	}
	for range raiseAfter {
		l.succeeded()
	}
	if n := l.current(); n != 2 {
		t.Errorf("limit after %d successes = %d, want 2", raiseAfter, n)
	}
	for range 10 * raiseAfter {
		l.succeeded()
	}
	if n := l.current(); n != 4 {
		t.Errorf("limit grows back to the configured 4, got %d", n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inUse != 0 || len(l.waiters) != 0 {
		t.Errorf("inUse = %d, waiters = %d after all releases; want 0, 0", l.inUse, len(l.waiters))
	}
}
