package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultEndpoint is the Graph service root of the global cloud.
const DefaultEndpoint = "https://graph.microsoft.com"

// Config configures a Client.
type Config struct {
	// Endpoint is Graph's service root, without the version: DefaultEndpoint or a national cloud's (see Clouds).
	Endpoint string
	// Mailbox is the user whose mailbox is acted on: a UPN or an object id (/users/{Mailbox}).
	Mailbox string
	// TokenSource gives the bearer token of each request. Nil sends no Authorization header (HTTPClient then
	// authenticates).
	TokenSource oauth2.TokenSource
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Timeout bounds each attempt; 0 means 2 minutes.
	Timeout time.Duration
	// MaxAttempts bounds the attempts of one request; 0 means 8, 1 turns retries off.
	MaxAttempts int
	// MaxWait bounds the total wait between attempts of one request; 0 means 5 minutes.
	MaxWait time.Duration
	// BaseDelay is the first exponential back-off (doubled each time, with jitter); 0 means 500ms.
	BaseDelay time.Duration
	// MaxDelay caps one exponential back-off; 0 means 30s.
	MaxDelay time.Duration
	// MaxResponseBytes bounds one answer; 0 means 256 MiB.
	MaxResponseBytes int64
	// UserAgent is sent with each request.
	UserAgent string
	// Sleep replaces the waits between attempts (tests); nil sleeps.
	Sleep func(ctx context.Context, d time.Duration) error

	// The hooks below let the SDK's Client share its concurrency limit and back-off pause with the Graph wire;
	// each may be nil.

	// Acquire is called before each attempt (a $batch counts as one) and returns the function that ends it: the
	// SDK's limit of requests in flight.
	Acquire func(ctx context.Context) (release func(), err error)
	// PauseLeft returns how long no request may still be sent because Graph asked another request to back off.
	PauseLeft func() time.Duration
	// Throttled is told of every back-off Graph asks for (Retry-After of a 429 or 503), so that the other
	// requests of the SDK's client wait too.
	Throttled func(d time.Duration, err error)
	// Observe, if set, is told of every attempt once it ends: the method, the path (without query; "(next
	// page)" for a nextLink), the HTTP status (0 without an answer), its duration and its error. It never sees a
	// token.
	Observe func(ctx context.Context, method, path string, status int, elapsed time.Duration, err error)
	// Trace, if set, is called as each attempt starts (an upload session's PUT and status GET included) with
	// the operation's name: the method and the route template, ids and addresses left out ("GET
	// /users/{id}/messages/{id}", "PUT (upload session)"). The context it returns carries the attempt (its HTTP
	// round trips see it); the function it returns is called once when the attempt ends, with the HTTP status
	// (0 without an answer), Graph's error code (empty without one) and the attempt's error.
	Trace func(ctx context.Context, op string) (context.Context, func(status int, code string, err error))
}

// Client sends Graph requests for one mailbox. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL // Endpoint + /v1.0
	user string   // "/users/{escaped mailbox}"
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	u, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" {
		return nil, fmt.Errorf("graph: endpoint %q is not an http(s) URL without query", cfg.Endpoint)
	}
	if cfg.Mailbox == "" {
		return nil, errors.New("graph: the mailbox is empty")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 5 * time.Minute
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Second
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 256 << 20
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	u.Path += "/v1.0"
	return &Client{cfg: cfg, base: u, user: "/users/" + url.PathEscape(cfg.Mailbox)}, nil
}

// ForMailbox returns a client for another mailbox that shares c's endpoint, HTTP client, token and hooks.
func (c *Client) ForMailbox(mailbox string) (*Client, error) {
	if mailbox == "" {
		return nil, errors.New("graph: the mailbox is empty")
	}
	d := *c
	d.cfg.Mailbox = mailbox
	d.user = "/users/" + url.PathEscape(mailbox)
	return &d, nil
}

// CloseIdleConnections closes the idle connections of the client's HTTP client.
func (c *Client) CloseIdleConnections() { c.cfg.HTTPClient.CloseIdleConnections() }

// Mailbox returns the mailbox the client acts on.
func (c *Client) Mailbox() string { return c.cfg.Mailbox }

// request is one Graph request: a path under /v1.0 (or the absolute nextLink of a page), its query, its JSON
// body and its retry class.
type request struct {
	method     string
	path       string      // under /v1.0, e.g. "/users/x/messages"; escaped
	link       string      // an absolute @odata.nextLink instead of path and query
	query      url.Values  // $filter, $select, ...
	body       any         // marshalled to JSON; nil sends no body
	idempotent bool        // may be sent again once it could have reached the server
	accept     string      // Accept header; JSON by default
	prefer     []string    // Prefer preferences sent besides IdType="ImmutableId", e.g. odata.maxpagesize=50
	header     http.Header // other request headers, e.g. ConsistencyLevel
}

// answer is a successful answer: its status and body.
type answer struct {
	status int
	body   []byte
}

// url returns the request's URL. A nextLink must point at the client's own endpoint: a token is never sent to
// another host.
func (c *Client) url(r *request) (string, error) {
	if r.link != "" {
		u, err := url.Parse(r.link)
		if err != nil || u.Scheme != c.base.Scheme || !strings.EqualFold(u.Host, c.base.Host) ||
			!strings.HasPrefix(u.EscapedPath(), c.base.EscapedPath()+"/") {
			return "", fmt.Errorf("graph: the next page's link %q is not under %s", r.link, c.base)
		}
		return u.String(), nil
	}
	s := c.base.String() + r.path
	if len(r.query) > 0 {
		// Graph reads spaces in $filter as %20; url.Values would write "+".
		s += "?" + strings.ReplaceAll(r.query.Encode(), "+", "%20")
	}
	return s, nil
}

// do sends r, retrying as its retry class allows, and returns the successful answer (2xx). Errors are *Error
// (an error answer), *RequestError (no answer), ErrOutcomeUnknown wrapping either, or the context's error.
func (c *Client) do(ctx context.Context, r *request) (*answer, error) {
	target, err := c.url(r)
	if err != nil {
		return nil, err
	}
	var body []byte
	if r.body != nil {
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("graph: encoding the request: %w", err)
		}
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if c.cfg.PauseLeft != nil && c.cfg.MaxAttempts > 1 {
			if d := c.cfg.PauseLeft(); d > 0 {
				if waited+d > c.cfg.MaxWait {
					return nil, fmt.Errorf("graph: %s %s: not sent: Graph asked the client to back off for %v", r.method, r.path, d)
				}
				if err := c.cfg.Sleep(ctx, d); err != nil {
					return nil, err
				}
				waited += d
			}
		}
		start := time.Now()
		actx, end := c.startTrace(ctx, r.method+" "+c.route(r))
		a, err := c.attempt(actx, r, target, body)
		status, code := outcome(a, err)
		end(status, code, err)
		if c.cfg.Observe != nil {
			path := r.path
			if r.link != "" {
				path = "(next page)"
			}
			c.cfg.Observe(ctx, r.method, path, status, time.Since(start), err)
		}
		if err == nil {
			return a, nil
		}
		v := judge(err)
		if v.wait > 0 && c.cfg.Throttled != nil && c.cfg.MaxAttempts > 1 {
			c.cfg.Throttled(v.wait, err)
		}
		if ctx.Err() != nil {
			if !r.idempotent && v.unknown {
				return nil, fmt.Errorf("%w: %w", ErrOutcomeUnknown, ctx.Err())
			}
			return nil, ctx.Err()
		}
		if !r.idempotent && !v.safe {
			if v.unknown {
				return nil, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
			return nil, err
		}
		if !v.retry || attempt >= c.cfg.MaxAttempts {
			return nil, err
		}
		d := v.wait
		if d == 0 {
			d = backoff(c.cfg.BaseDelay, c.cfg.MaxDelay, attempt)
		}
		if waited+d > c.cfg.MaxWait {
			return nil, err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return nil, err
		}
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return nil, err
		}
		waited += d
	}
}

// startTrace starts the trace of an attempt of op (Config.Trace); the function it returns ends it.
func (c *Client) startTrace(ctx context.Context, op string) (context.Context, func(status int, code string, err error)) {
	if c.cfg.Trace == nil {
		return ctx, func(int, string, error) {}
	}
	tctx, end := c.cfg.Trace(ctx, op)
	if tctx == nil {
		tctx = ctx
	}
	once := false
	return tctx, func(status int, code string, err error) {
		if end != nil && !once {
			once = true
			end(status, code, err)
		}
	}
}

// outcome is the HTTP status and Graph error code of an attempt's answer or error (0 and "" without an answer).
func outcome(a *answer, err error) (int, string) {
	var ge *Error
	switch {
	case a != nil:
		return a.status, ""
	case errors.As(err, &ge):
		return ge.StatusCode, ge.Code
	}
	return 0, ""
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, r *request, target string, body []byte) (*answer, error) {
	path := r.path
	if r.link != "" {
		path = "(next page)"
	}
	rqErr := func(sent bool, err error) error {
		return &RequestError{Method: r.method, Path: path, Sent: sent, Err: err}
	}
	if c.cfg.Acquire != nil {
		release, err := c.cfg.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(actx, r.method, target, rd)
	if err != nil {
		return nil, rqErr(false, err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Accept", "application/json")
	if r.accept != "" {
		hr.Header.Set("Accept", r.accept)
	}
	hr.Header.Set("Prefer", strings.Join(append([]string{`IdType="ImmutableId"`}, r.prefer...), ", "))
	for k, v := range r.header {
		hr.Header[k] = v
	}
	if c.cfg.UserAgent != "" {
		hr.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if c.cfg.TokenSource != nil {
		tok, err := c.cfg.TokenSource.Token()
		if err != nil {
			return nil, rqErr(false, fmt.Errorf("getting a token: %w", err))
		}
		tok.SetAuthHeader(hr)
	}
	resp, err := c.cfg.HTTPClient.Do(hr)
	if err != nil {
		return nil, rqErr(sentErr(err), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, rqErr(true, fmt.Errorf("reading the answer: %w", err))
	}
	if int64(len(data)) > c.cfg.MaxResponseBytes {
		return nil, rqErr(true, fmt.Errorf("the answer is larger than %d bytes", c.cfg.MaxResponseBytes))
	}
	if resp.StatusCode/100 != 2 {
		return nil, errorOf(r.method, path, resp, data)
	}
	return &answer{status: resp.StatusCode, body: data}, nil
}

// errorOf reads an error answer.
func errorOf(method, path string, resp *http.Response, data []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: resp.StatusCode,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After")), Location: resp.Header.Get("Location")}
	var eb errorBody
	if json.Unmarshal(data, &eb) == nil {
		e.Code, e.Message = eb.Error.Code, eb.Error.Message
	}
	return e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// decode reads a JSON answer into out.
func decode(a *answer, out any) error {
	if err := json.Unmarshal(a.body, out); err != nil {
		return fmt.Errorf("graph: malformed answer: %w", err)
	}
	return nil
}
