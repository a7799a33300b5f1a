// Package retry holds what both wires of the SDK (EWS over SOAP in package ews, Microsoft Graph in
// internal/graph) judge alike when an attempt fails: the classes of a verdict, which HTTP statuses and transport
// errors may pass, whether a failed request may have been sent, the server's Retry-After, and the exponential
// back-off with jitter. Each wire keeps its own errors and its own codes (EWS response codes, Graph's JSON
// errors) and maps them onto a Verdict here; the retry loops stay with the wires.
package retry

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Verdict is what an attempt's error means for the next attempt.
type Verdict struct {
	Retry   bool          // another attempt may succeed
	Safe    bool          // the server certainly did not act on the request
	Unknown bool          // the server may have acted and no answer says so
	Wait    time.Duration // the back-off the server asked for, for all requests of the client
	Lower   bool          // the client should lower its concurrency
}

// Status judges an error answer by its HTTP status alone; retryAfter is the answer's Retry-After (see
// ParseRetryAfter), kept as the wait of a 503 or 429. 503 and 429: the server (or its front end) refused the
// request without acting on it. 502 and 504: a gateway lost the request or its answer, so the server may have
// acted. Another 5xx: the server may have acted and another attempt is not expected to fare better. Anything
// else: nothing to retry.
func Status(code int, retryAfter time.Duration) Verdict {
	switch {
	case code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests:
		return Verdict{Retry: true, Safe: true, Wait: retryAfter}
	case code == http.StatusBadGateway || code == http.StatusGatewayTimeout:
		return Verdict{Retry: true, Unknown: true}
	case code >= 500:
		return Verdict{Unknown: true}
	}
	return Verdict{}
}

// Transport judges a request that got no answer: err is the transport's error and sent whether the request may
// have reached the server.
func Transport(err error, sent bool) Verdict {
	return Verdict{Retry: Transient(err), Safe: !sent, Unknown: sent}
}

// Transient reports whether a transport error may pass: a refused, reset or broken connection, a timeout, a
// temporary DNS failure. Certificate errors, unknown hosts and the like are not.
func Transient(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN, syscall.ETIMEDOUT} {
		if errors.Is(err, e) {
			return true
		}
	}
	// net/http's error for a kept-alive connection the server closed as the request went out.
	return strings.Contains(err.Error(), "server closed idle connection")
}

// MayHaveSent reports whether a failed http.Client.Do may have sent the request: anything but a refused or
// unreachable connection, a DNS failure or a bad URL.
func MayHaveSent(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return false
	case errors.As(err, &op) && op.Op == "dial":
		return false
	case errors.Is(err, syscall.ECONNREFUSED):
		return false
	}
	return true
}

// MaxRetryAfter caps the delay of a Retry-After header.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After header: delay seconds or an HTTP date. The delay is capped at
// MaxRetryAfter; a value that is neither, or a date in the past, gives 0.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, MaxRetryAfter)
		}
	}
	return 0
}

// Backoff is the exponential wait after the attempt-th attempt: base doubled each time, capped by maxd, of
// which a random half is taken off (jitter).
func Backoff(base, maxd time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxd; i++ {
		d *= 2
	}
	d = min(d, maxd)
	half := d / 2
	return d - half + rand.N(half+1)
}

// Sleep waits d, or until ctx ends (returning ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TooLate reports whether ctx ends before d has passed.
func TooLate(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < d
}
