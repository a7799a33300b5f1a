package ews

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// RetryPolicy says how a Client retries requests that failed for a passing reason: the server asked it to back
// off (ErrorServerBusy, HTTP 503 or 429), the connection broke or timed out, or the server had a transient error
// (ErrorInternalServerTransientError, ErrorMailboxStoreUnavailable). A zero field takes its default; a nil
// Config.Retry takes all defaults.
//
// Operations that only read, or that set a value (Find, Get, Sync, Update, MarkRead...), are retried. Operations
// that could act twice (send, create, move, copy, delete) are retried only when the request certainly did not
// reach the server, or the server refused it without acting (ErrorServerBusy, HTTP 503 or 429); otherwise their
// error matches ErrOutcomeUnknown.
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one request, the first included; 0 means DefaultMaxAttempts (8). 1 turns
	// retries off: errors are returned as they come, and the client does not wait for a back-off a server asked
	// for on an earlier request.
	MaxAttempts int
	// MaxWait bounds the total time one request waits between its attempts; 0 means 5 minutes. When the
	// server asks for a longer back-off than remains (or than the context allows), its error is returned at once;
	// (*Error).BackOff tells how long it asked for.
	MaxWait time.Duration
	// BaseDelay is the wait after the first broken connection or transient error; each further wait doubles,
	// with jitter (a random half of it). 0 means 500ms.
	BaseDelay time.Duration
	// MaxDelay caps one such exponential wait (not a wait the server asked for); 0 means 30s.
	MaxDelay time.Duration

	// clock replaces time.Now and timers (tests).
	clock clock
}

// Defaults of RetryPolicy. DefaultMaxAttempts is exported for tools that show "attempt 2 of 8".
const (
	// DefaultMaxAttempts is the attempts of one request when RetryPolicy.MaxAttempts is 0.
	DefaultMaxAttempts = 8
	defaultMaxWait     = 5 * time.Minute
	defaultBaseDelay   = 500 * time.Millisecond
	defaultMaxDelay    = 30 * time.Second
)

// resolve checks p and fills in the defaults.
func (p *RetryPolicy) resolve() (RetryPolicy, error) {
	var r RetryPolicy
	if p != nil {
		r = *p
	}
	switch {
	case r.MaxAttempts < 0:
		return r, errors.New("ews: Config.Retry.MaxAttempts is negative")
	case r.MaxWait < 0:
		return r, errors.New("ews: Config.Retry.MaxWait is negative")
	case r.BaseDelay < 0:
		return r, errors.New("ews: Config.Retry.BaseDelay is negative")
	case r.MaxDelay < 0:
		return r, errors.New("ews: Config.Retry.MaxDelay is negative")
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultMaxAttempts
	}
	if r.MaxWait == 0 {
		r.MaxWait = defaultMaxWait
	}
	if r.BaseDelay == 0 {
		r.BaseDelay = defaultBaseDelay
	}
	if r.MaxDelay == 0 {
		r.MaxDelay = defaultMaxDelay
	}
	if r.clock == nil {
		r.clock = realClock{}
	}
	return r, nil
}

// clock is the time source of retries; tests replace it to record waits instead of sleeping.
type clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (returning ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// send sends req and decodes its answer into resp, within the client's concurrency limit, retrying as the
// client's RetryPolicy and the operation's retry class say. An idempotent operation is retried whenever another
// attempt may succeed. One that is not (send, create, move, copy, delete) is sent again only when the first
// attempt certainly did not reach the server or the server refused it without acting (ErrorServerBusy,
// ErrorExceededConnectionCount, HTTP 503 or 429); when it may have reached the server and no answer says what
// happened (broken connection, timeout, cancelled context, unreadable answer), the error matches
// ErrOutcomeUnknown and wraps the cause.
func send[R any, PR response[R]](ctx context.Context, c *Client, req soap.Operation, resp PR) error {
	once := !req.Op().Idempotent
	if once {
		if err := c.versionBeforeOnce(ctx); err != nil {
			return err
		}
	}
	p := &c.shared.retry
	var waited time.Duration
	var last error        // wire error of the previous attempt
	lastAnswered := false // the previous attempt was answered with retryable response messages
	versionTries := 0     // attempts refused for their RequestServerVersion (not counted as attempts)
	for attempt := 1; ; attempt++ {
		if p.MaxAttempts > 1 {
			if d, cause := c.pauseLeft(p); d > 0 {
				if last == nil {
					last = cause
				}
				if waited+d > p.MaxWait || tooLate(ctx, d) {
					return c.giveUp(last, lastAnswered, attempt-1)
				}
				c.logRetry(ctx, 0, d, last)
				if err := p.clock.Sleep(ctx, d); err != nil {
					return err
				}
				waited += d
			}
		}
		if attempt > 1 {
			var zero R
			*resp = zero // decoding appends to slices
		}
		err := c.attempt(ctx, req, resp)
		if vr, ok := err.(*versionRetry); ok {
			if versionTries < len(versions) {
				versionTries++
				attempt--
				var zero R
				*resp = zero
				continue
			}
			err = vr.err
		}
		answered := false
		if err == nil {
			me, safe := retryableMessage(resp)
			if me == nil {
				c.shared.limit.succeeded()
				return nil
			}
			if once && !safe {
				return nil
			}
			err, answered = me, true
		}
		if ctx.Err() != nil && !answered && interrupted(err) {
			if once && mayHaveArrived(err) {
				return fmt.Errorf("%w: %w", ErrOutcomeUnknown, ctx.Err())
			}
			return ctx.Err()
		}
		v := judge(err)
		if v.lower {
			c.shared.limit.lower()
		}
		if v.wait > 0 && p.MaxAttempts > 1 {
			c.pause(p, v.wait, err)
		}
		if once && !v.safe {
			if answered {
				return nil
			}
			if v.unknown {
				return fmt.Errorf("%w: %w", ErrOutcomeUnknown, c.convertError(err))
			}
			return c.convertError(err)
		}
		if !v.retry || attempt >= p.MaxAttempts {
			return c.giveUp(err, answered, attempt)
		}
		d := v.wait
		if d == 0 {
			d = backoff(p, attempt)
		}
		if waited+d > p.MaxWait || tooLate(ctx, d) {
			return c.giveUp(err, answered, attempt)
		}
		c.logRetry(ctx, attempt, d, err)
		if err := p.clock.Sleep(ctx, d); err != nil {
			return err
		}
		waited += d
		last, lastAnswered = err, answered
	}
}

// attempt sends the request once, holding a slot of the concurrency limit and bounded by Config.Timeout.
func (c *Client) attempt(ctx context.Context, req soap.Operation, resp soap.Response) error {
	if err := c.shared.limit.acquire(ctx); err != nil {
		return err
	}
	defer c.shared.limit.release()
	wire, err := c.endpoint(ctx) // with Autodiscover, runs it when there is no endpoint yet
	if err != nil {
		return err
	}
	key := c.versionKey()
	v, known := c.currentVersion()
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	gated, err := gateRequest(req, v)
	if err != nil {
		if known {
			return err
		}
		// v is a version the client stepped down to, which the server has not confirmed: before refusing the
		// request for what v lacks, learn the server's version with a probe in its place.
		return c.probeVersion(actx, wire, key, v, err)
	}
	req = gated
	svi, err := wire.Do(actx, c.header(v), req, resp)
	if svi != nil {
		c.noteVersion(key, svi)
	}
	if c.negotiate(key, v, svi, err) {
		return &versionRetry{err: err}
	}
	if err != nil && ctx.Err() == nil {
		c.discoveryFailed(err) // an unreachable discovered endpoint is discovered again on the next attempt
	}
	var rq *soap.RequestError
	if err != nil && ctx.Err() == nil && actx.Err() != nil && errors.As(err, &rq) {
		// However net/http words it, the attempt ran out of Config.Timeout.
		return &soap.RequestError{Err: &timeoutError{d: c.cfg.Timeout, err: rq.Err}, Sent: rq.Sent, StatusCode: rq.StatusCode}
	}
	return err
}

// timeoutError is an attempt that got no complete answer within Config.Timeout. It matches
// context.DeadlineExceeded and wraps the transport's error.
type timeoutError struct {
	d   time.Duration
	err error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("ews: no complete answer within Config.Timeout (%v): %v", e.d, e.err)
}

func (e *timeoutError) Unwrap() []error { return []error{context.DeadlineExceeded, e.err} }

// Timeout reports true, as net.Error does for timeouts.
func (e *timeoutError) Timeout() bool { return true }

// giveUp returns the error of the last attempt. A request whose response messages still carry a retryable
// error returns nil: its caller reads the messages. A request that waited for another's back-off and was never
// sent returns the error that asked for the back-off.
func (c *Client) giveUp(err error, answered bool, attempts int) error {
	if answered {
		return nil
	}
	e := c.convertError(err)
	if attempts > 1 {
		return fmt.Errorf("%w (after %d attempts)", e, attempts)
	}
	return e
}

// pauseLeft returns how long the client must still wait before sending, as a server asked, and the error with
// which it asked.
func (c *Client) pauseLeft(p *RetryPolicy) (time.Duration, error) {
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	return c.shared.pauseUntil.Sub(p.clock.Now()), c.shared.pauseErr
}

// pause makes every request of the client wait d before it is sent, as the server asked.
func (c *Client) pause(p *RetryPolicy, d time.Duration, cause error) {
	until := p.clock.Now().Add(d)
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	if until.After(c.shared.pauseUntil) {
		c.shared.pauseUntil = until
		c.shared.pauseErr = cause
	}
}

func (c *Client) logRetry(ctx context.Context, attempt int, wait time.Duration, err error) {
	if c.cfg.Logger == nil {
		return
	}
	msg := "ews: retrying"
	if attempt == 0 {
		msg = "ews: waiting for the back-off the server asked of this client"
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, msg, slog.Int("attempt", attempt), slog.Duration("wait", wait),
		slog.String("error", c.convertError(err).Error()))
}

// backoff is the exponential wait after the attempt-th attempt: BaseDelay doubled each time, capped by
// MaxDelay, of which a random half is taken off (jitter).
func backoff(p *RetryPolicy, attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return d - half + rand.N(half+1)
}

// tooLate reports whether ctx ends before d has passed.
func tooLate(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < d
}

// verdict is what an attempt's error means for the next attempt.
type verdict struct {
	retry   bool          // another attempt may succeed
	safe    bool          // the server certainly did not act on the request
	unknown bool          // the server may have acted and no answer says so
	wait    time.Duration // the back-off the server asked for, for all requests of the client
	lower   bool          // the client should lower its concurrency
}

// codeVerdicts are the EWS response codes worth another attempt.
var codeVerdicts = map[string]verdict{
	"ErrorServerBusy":                   {retry: true, safe: true},
	"ErrorExceededConnectionCount":      {retry: true, safe: true, lower: true},
	"ErrorTooManyObjectsOpened":         {retry: true, lower: true},
	"ErrorInternalServerTransientError": {retry: true},
	"ErrorMailboxStoreUnavailable":      {retry: true},
}

// judge classifies the wire-level error of one attempt.
func judge(err error) verdict {
	var (
		re *soap.ResponseError
		f  *soap.Fault
		he *soap.HTTPError
		ae *soap.AuthError
		rq *soap.RequestError
	)
	switch {
	case errors.As(err, &re):
		code, _ := innerError(re.Code, "", re.Details)
		v := codeVerdicts[code]
		if code == "ErrorServerBusy" {
			v.wait = (&Error{Details: re.Details}).BackOff()
		}
		return v
	case errors.As(err, &f):
		code, _ := innerError(f.ResponseCode(), "", f.Detail.MessageXML.Values)
		v := codeVerdicts[code]
		if code == "ErrorServerBusy" {
			v.wait = (&Error{Details: f.Detail.MessageXML.Values}).BackOff()
		}
		return v
	case errors.As(err, &ae):
		// go-ntlmssp has already made one fresh handshake; another would only count against account lockout.
		return verdict{}
	case errors.As(err, &he):
		switch {
		case he.Err != nil: // an answer that cannot be read: the server may have acted
			return verdict{unknown: true}
		case he.StatusCode == http.StatusServiceUnavailable || he.StatusCode == http.StatusTooManyRequests:
			// The server (or its front end) refused the request without acting on it.
			return verdict{retry: true, safe: true, wait: he.RetryAfter}
		case he.StatusCode == http.StatusBadGateway || he.StatusCode == http.StatusGatewayTimeout:
			return verdict{retry: true, unknown: true}
		case he.StatusCode >= 500:
			return verdict{unknown: true}
		}
		return verdict{}
	case errors.Is(err, soap.ErrResponseTooLarge):
		return verdict{unknown: true}
	case errors.As(err, &rq):
		return verdict{retry: transient(rq.Err), safe: !rq.Sent, unknown: rq.Sent}
	}
	return verdict{}
}

// transient reports whether a transport error may pass: a refused, reset or broken connection, a timeout, a
// temporary DNS failure. Certificate errors, unknown hosts and the like are not.
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
		syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN, syscall.ETIMEDOUT} {
		if errors.Is(err, e) {
			return true
		}
	}
	// net/http's error for a kept-alive connection the server closed as the request went out.
	return strings.Contains(err.Error(), "server closed idle connection")
}

// interrupted reports whether err is what a cancelled context makes of an attempt: a transport error or the
// context's own error.
func interrupted(err error) bool {
	var rq *soap.RequestError
	return errors.As(err, &rq) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// mayHaveArrived reports whether the request of a failed attempt may have reached the server.
func mayHaveArrived(err error) bool {
	var rq *soap.RequestError
	return errors.As(err, &rq) && rq.Sent
}

// retryableMessage looks through the response messages of a decoded response for one whose code is worth
// another attempt. It returns the first such error, and whether every message of the response is one the server
// refused without acting (ErrorServerBusy, ErrorExceededConnectionCount).
func retryableMessage(resp soap.Response) (*soap.ResponseError, bool) {
	var first *soap.ResponseError
	safe := true
	for i := range resp.Len() {
		var re *soap.ResponseError
		if err := resp.Result(i).Err(); err != nil {
			re, _ = err.(*soap.ResponseError)
		}
		v, retry := verdict{}, false
		if re != nil {
			code, _ := innerError(re.Code, "", re.Details)
			v, retry = codeVerdicts[code]
		}
		if retry && first == nil {
			first = re
		}
		safe = safe && retry && v.safe
	}
	return first, first != nil && safe
}
