package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		code int
		want Verdict
	}{
		{503, Verdict{Retry: true, Safe: true, Wait: 7 * time.Second}},
		{429, Verdict{Retry: true, Safe: true, Wait: 7 * time.Second}},
		{502, Verdict{Retry: true, Unknown: true}},
		{504, Verdict{Retry: true, Unknown: true}},
		{500, Verdict{Unknown: true}},
		{501, Verdict{Unknown: true}},
		{404, Verdict{}},
		{401, Verdict{}},
	} {
		if got := Status(tt.code, 7*time.Second); got != tt.want {
			t.Errorf("Status(%d) = %+v, want %+v", tt.code, got, tt.want)
		}
	}
}

func TestTransport(t *testing.T) {
	post := func(err error) error { return &url.Error{Op: "Post", URL: "https://x", Err: err} }
	for _, tt := range []struct {
		name string
		err  error
		sent bool
		want Verdict
	}{
		{"refused", post(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), false, Verdict{Retry: true, Safe: true}},
		{"reset after send", post(syscall.ECONNRESET), true, Verdict{Retry: true, Unknown: true}},
		{"network down", post(&net.OpError{Op: "dial", Err: syscall.ENETDOWN}), false, Verdict{Retry: true, Safe: true}},
		{"eof", post(io.EOF), true, Verdict{Retry: true, Unknown: true}},
		{"timeout", post(context.DeadlineExceeded), true, Verdict{Retry: true, Unknown: true}},
		{"idle closed", post(errors.New("http: server closed idle connection")), true, Verdict{Retry: true, Unknown: true}},
		{"no such host", post(&net.DNSError{Err: "no such host", IsNotFound: true}), false, Verdict{Safe: true}},
		{"dns timeout", post(&net.DNSError{Err: "timeout", IsTimeout: true}), false, Verdict{Retry: true, Safe: true}},
		{"certificate", post(errors.New("x509: certificate signed by unknown authority")), true, Verdict{Unknown: true}},
	} {
		if got := Transport(tt.err, tt.sent); got != tt.want {
			t.Errorf("%s: Transport = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestMayHaveSent(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"dial refused", &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, false},
		{"refused", syscall.ECONNREFUSED, false},
		{"dns", &url.Error{Op: "Post", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}, false},
		{"reset on read", &url.Error{Op: "Post", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, true},
		{"eof", &url.Error{Op: "Post", Err: io.EOF}, true},
	} {
		if got := MayHaveSent(tt.err); got != tt.want {
			t.Errorf("%s: MayHaveSent = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 120 ":                         2 * time.Minute,
		"-1":                            0,
		"soon":                          0,
		"999999999999":                  MaxRetryAfter,
		"Mon, 07 Dec 2026 01:00:30 GMT": 30 * time.Second,
		"Mon, 07 Dec 2026 00:59:00 GMT": 0,
		"Tue, 08 Dec 2026 02:00:00 GMT": MaxRetryAfter,
	} {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			if d := Backoff(100*time.Millisecond, time.Second, attempt); d < full/2 || d > full {
				t.Fatalf("Backoff(attempt %d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestSleepAndTooLate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !TooLate(ctx, time.Hour) || TooLate(ctx, time.Millisecond) || TooLate(context.Background(), time.Hour) {
		t.Error("TooLate does not compare the wait with the context's deadline")
	}
	if err := Sleep(ctx, time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
}
