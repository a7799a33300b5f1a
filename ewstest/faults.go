package ewstest

import (
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// Fault is a failure the server injects into authenticated EWS requests, to test how code copes with
// throttling, broken connections and broken answers. Make one with a constructor, narrow it with Every, For
// and Times, and install it with WithFaults or Server.AddFault. Each fault counts the requests it applies to on
// its own; when several hit one request, the first installed wins.
type Fault struct{ f testserver.Fault }

// Every makes the fault hit every n-th request it applies to (the default is every one).
func (f Fault) Every(n int) Fault { return Fault{f.f.Every(n)} }

// For limits the fault to requests of one operation, e.g. "FindItem".
func (f Fault) For(operation string) Fault { return Fault{f.f.For(operation)} }

// Times stops the fault after it hit n times (the default is no limit).
func (f Fault) Times(n int) Fault { return Fault{f.f.Times(n)} }

// ServerBusy answers with Exchange's throttling fault ErrorServerBusy asking for a back-off. Not carried out.
func ServerBusy(backOff time.Duration) Fault { return Fault{testserver.ServerBusy(backOff)} }

// ErrorCode answers with a SOAP fault of an EWS ResponseCode (e.g. "ErrorInternalServerTransientError").
// Not carried out.
func ErrorCode(code string) Fault { return Fault{testserver.ErrorCode(code)} }

// Unavailable answers 503 with IIS's page and, unless retryAfter is empty, a Retry-After header (seconds or
// an HTTP date). Not carried out.
func Unavailable(retryAfter string) Fault { return Fault{testserver.Unavailable(retryAfter)} }

// TooManyRequests answers 429 with a Retry-After header unless retryAfter is empty. Not carried out.
func TooManyRequests(retryAfter string) Fault { return Fault{testserver.TooManyRequests(retryAfter)} }

// HTMLPage answers with a proxy's HTML error page of the given status. Not carried out.
func HTMLPage(status int) Fault { return Fault{testserver.HTMLPage(status)} }

// ResetBefore resets the connection before the request is carried out.
func ResetBefore() Fault { return Fault{testserver.ResetBefore()} }

// ResetAfter carries the request out, then resets the connection instead of answering: the client cannot
// know whether its change was made.
func ResetAfter() Fault { return Fault{testserver.ResetAfter()} }

// DropBefore closes the connection before the request is carried out.
func DropBefore() Fault { return Fault{testserver.DropBefore()} }

// DropAfter carries the request out, then closes the connection without answering.
func DropAfter() Fault { return Fault{testserver.DropAfter()} }

// Delay waits d before carrying the request out and answering (less when the client goes away first).
func Delay(d time.Duration) Fault { return Fault{testserver.Delay(d)} }

// Truncate carries the request out and sends only the first n bytes of its answer.
func Truncate(n int) Fault { return Fault{testserver.Truncate(n)} }

// Malformed carries the request out and answers 200 with broken XML.
func Malformed() Fault { return Fault{testserver.Malformed()} }

// Empty carries the request out and answers 200 with an empty body.
func Empty() Fault { return Fault{testserver.Empty()} }

// ExpireSession forgets the connection's authentication and answers 401, as IIS does when a session ends.
// Not carried out.
func ExpireSession() Fault { return Fault{testserver.ExpireSession()} }

// WithFaults installs faults when the server starts.
func WithFaults(faults ...Fault) Option {
	return func(o *options) {
		for _, f := range faults {
			o.ts = append(o.ts, testserver.WithFaults(f.f))
		}
	}
}

// AddFault installs a fault on the running server.
func (s *Server) AddFault(f Fault) { s.srv.AddFault(f.f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.srv.ClearFaults() }
