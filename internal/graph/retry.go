package graph

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// verdict is what an attempt's error means for the next attempt; the same classes as the EWS path's.
type verdict struct {
	retry   bool          // another attempt may succeed
	safe    bool          // the server certainly did not act on the request
	unknown bool          // the server may have acted and no answer says so
	wait    time.Duration // the back-off the server asked for
}

// judge classifies the error of one attempt.
func judge(err error) verdict {
	var e *Error
	var rq *RequestError
	switch {
	case errors.As(err, &e):
		switch {
		case e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusServiceUnavailable:
			// Throttled, or the service refused the request without acting on it.
			return verdict{retry: true, safe: true, wait: e.RetryAfter}
		case e.StatusCode == http.StatusGatewayTimeout || e.StatusCode == http.StatusBadGateway:
			return verdict{retry: true, unknown: true, wait: e.RetryAfter}
		case e.StatusCode >= 500:
			return verdict{unknown: true}
		}
		return verdict{}
	case errors.As(err, &rq):
		if !rq.Sent {
			return verdict{retry: transient(rq.Err), safe: true}
		}
		return verdict{retry: transient(rq.Err), unknown: true}
	}
	return verdict{}
}

// sentErr reports whether a failed http.Client.Do may have sent the request: anything but a refused or
// unreachable connection, a DNS failure or a bad URL.
func sentErr(err error) bool {
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

// transient reports whether a transport error may pass.
func transient(err error) bool {
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
		syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ETIMEDOUT} {
		if errors.Is(err, e) {
			return true
		}
	}
	return strings.Contains(err.Error(), "server closed idle connection")
}

// backoff is the exponential wait after the attempt-th attempt, with a random half taken off.
func backoff(base, maxd time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxd; i++ {
		d *= 2
	}
	d = min(d, maxd)
	half := d / 2
	return d - half + rand.N(half+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
