package graph

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/retry"
)

// TestJudge: Graph's errors map onto the shared verdicts; a gateway's error keeps the back-off Graph asked for.
func TestJudge(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want retry.Verdict
	}{
		{"429", &Error{StatusCode: 429, RetryAfter: 2 * time.Second}, retry.Verdict{Retry: true, Safe: true, Wait: 2 * time.Second}},
		{"503", &Error{StatusCode: 503}, retry.Verdict{Retry: true, Safe: true}},
		{"504 with Retry-After", &Error{StatusCode: 504, RetryAfter: time.Second}, retry.Verdict{Retry: true, Unknown: true, Wait: time.Second}},
		{"502", &Error{StatusCode: 502}, retry.Verdict{Retry: true, Unknown: true}},
		{"500", &Error{StatusCode: 500}, retry.Verdict{Unknown: true}},
		{"404", &Error{StatusCode: 404, Code: "ErrorItemNotFound"}, retry.Verdict{}},
		{"refused", &RequestError{Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, retry.Verdict{Retry: true, Safe: true}},
		{"reset after send", fmt.Errorf("wrapped: %w", &RequestError{Err: syscall.ECONNRESET, Sent: true}), retry.Verdict{Retry: true, Unknown: true}},
		{"other", errors.New("graph: encoding the request"), retry.Verdict{}},
	} {
		if got := judge(tt.err); got != tt.want {
			t.Errorf("%s: judge = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
