package soap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultMaxResponseBytes is the default limit on the size of one response body.
const DefaultMaxResponseBytes = 256 << 20

// Client sends EWS requests to one endpoint. It is safe for concurrent use.
type Client struct {
	// URL is the EWS endpoint, e.g. https://mail.example.com/EWS/Exchange.asmx.
	URL string
	// HTTP sends the requests; its transport does the authentication.
	HTTP *http.Client
	// UserAgent is sent with every request.
	UserAgent string
	// AnchorMailbox, when set, is sent as X-AnchorMailbox (Office 365 routing).
	AnchorMailbox string
	// MaxResponseBytes limits the size of a response body (DefaultMaxResponseBytes when 0).
	MaxResponseBytes int64
	// Budget, when not nil, bounds the bytes of the responses being read at once (see limits.go).
	Budget *Budget
	// Logger receives debug records of each request (operation, status, duration) and of each HTTP round trip
	// (with the Authorization header reduced to its scheme); nil logs nothing.
	Logger *slog.Logger
	// LogBodies adds the request and response bodies (each up to MaxLoggedBody bytes) to the debug records.
	LogBodies bool
	// AuthMethod and Username are what an *AuthError reports: the client's authentication method ("" when
	// the caller's own HTTP client authenticates) and the account (empty for OAuth2).
	AuthMethod, Username string
	// Trace, if set, is called as each request starts; the function it returns is called when it ends
	// (trace_hook.go).
	Trace func(ctx context.Context, operation string) (context.Context, func(TraceResult))
}

// MaxLoggedBody is how much of a request or response body Client.LogBodies logs.
const MaxLoggedBody = 64 << 10

// ErrResponseTooLarge is returned when a response body exceeds Client.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Do sends one request and decodes the response body into out (the request's response struct, or nil to skip
// the body). It returns the server's version info when the server sent it. Errors are *HTTPError
// (also for a body that is not EWS SOAP), *AuthError, *Fault, ErrResponseTooLarge, or a *RequestError when
// no complete response arrived.
func (c *Client) Do(ctx context.Context, h Header, body Operation, out Response) (*ServerVersionInfo, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := WriteRequest(buf, h, body); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return c.do(ctx, body.Op().Name, buf.Bytes(), out)
}

// Discard, as the out of Do or DoRaw, makes the client read the body of a 200 response to its end without
// decoding it: the cost of a request without that of decoding, for benchmarks (BenchmarkFloor10k).
var Discard any = new(discard)

type discard struct{}

// RequestError is a failure to get a complete response: the connection could not be made, broke, or timed out.
// Sent tells whether any byte of the request may have reached the server (false when the connection could not
// be made at all), which decides whether an operation that is not idempotent may be sent again.
type RequestError struct {
	Err  error
	Sent bool
	// StatusCode is the status of a response whose body could not be read, or 0 when no response came.
	StatusCode int
}

// Error implements error.
func (e *RequestError) Error() string {
	if e.StatusCode != 0 {
		return "reading the body of an http " + strconv.Itoa(e.StatusCode) + " response: " + e.Err.Error()
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *RequestError) Unwrap() error { return e.Err }

// DoRaw sends an already encoded envelope and decodes the response into out.
func (c *Client) DoRaw(ctx context.Context, payload []byte, out any) (*ServerVersionInfo, error) {
	return c.do(ctx, "", payload, out)
}

func (c *Client) do(ctx context.Context, op string, payload []byte, out any) (svi *ServerVersionInfo, err error) {
	if c.Trace != nil {
		var end func(TraceResult)
		ctx, end = c.Trace(ctx, op)
		status := 0
		ctx = withStatus(ctx, &status)
		defer func() { end(traceResult(op, status, svi, out, err)) }()
	}
	return c.send(ctx, op, payload, out)
}

func (c *Client) send(ctx context.Context, op string, payload []byte, out any) (*ServerVersionInfo, error) {
	start := time.Now()
	ex := &exchange{logger: c.Logger}
	defer ex.done() // after the body is closed (deferred below)
	req, aff, err := c.newRequest(ctx, ex, payload)
	if err != nil {
		return nil, err
	}
	if c.LogBodies {
		c.log(ctx, "ews request body", slog.String("operation", op), slog.String("body", excerptN(payload, MaxLoggedBody)))
	}
	resp, err := c.HTTP.Do(req)
	var ke *KerberosError
	if errors.As(err, &ke) {
		c.log(ctx, "ews request not sent", slog.String("operation", op), slog.String("error", ke.Error()))
		return nil, &AuthError{Method: c.AuthMethod, Username: c.Username, Err: ke}
	}
	if err != nil {
		c.log(ctx, "ews request failed", slog.String("operation", op), slog.Duration("elapsed", time.Since(start)), slog.String("error", err.Error()))
		return nil, &RequestError{Err: err, Sent: ex.sent()}
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10) // let the connection be reused
		resp.Body.Close()
	}()
	if aff != nil {
		aff.note(resp)
	}
	limit := c.maxResponseBytes()
	keep := 512
	if c.LogBodies {
		keep = MaxLoggedBody
	}
	noteStatus(ctx, resp.StatusCode)
	var body io.Reader = resp.Body
	if c.Budget != nil {
		br := &budgetReader{r: resp.Body, b: c.Budget}
		defer br.release()
		body = br
	}
	rd := &bodyReader{r: body, n: limit, keep: keep}
	svi, err := c.decode(resp, rd, ex, out)
	attrs := []slog.Attr{slog.String("operation", op), slog.Int("status", resp.StatusCode), slog.Int64("bytes", rd.read), slog.Duration("elapsed", time.Since(start))}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if c.LogBodies {
		attrs = append(attrs, slog.String("body", excerptN(rd.head, MaxLoggedBody)))
	}
	c.log(ctx, "ews response", attrs...)
	return svi, err
}

// newRequest builds the POST of payload to the endpoint, for one exchange (the legs of its authentication
// handshake) and with the headers of every EWS request: content type, User-Agent, X-AnchorMailbox and the
// mailbox's affinity (returned, to note the server's answer), for Do and Stream alike.
func (c *Client) newRequest(ctx context.Context, ex *exchange, payload []byte) (*http.Request, *Affinity, error) {
	req, err := http.NewRequestWithContext(withExchange(ctx, ex), http.MethodPost, c.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("Accept", "text/xml")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.AnchorMailbox != "" {
		req.Header.Set("X-AnchorMailbox", c.AnchorMailbox)
	}
	aff := affinityFrom(ctx)
	if aff != nil {
		aff.apply(req)
	}
	return req, aff, nil
}

// maxResponseBytes is the limit of one response body (of one envelope of a stream).
func (c *Client) maxResponseBytes() int64 {
	if c.MaxResponseBytes <= 0 {
		return DefaultMaxResponseBytes
	}
	return c.MaxResponseBytes
}

// decode reads the response: an EWS envelope into out, or the error the response stands for.
func (c *Client) decode(resp *http.Response, rd *bodyReader, ex *exchange, out any) (*ServerVersionInfo, error) {
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		if err := ex.failure(); err != nil {
			// A handshake round trip broke and the authenticating RoundTripper fell back to an earlier 401.
			return nil, &RequestError{Err: err, Sent: true}
		}
		return nil, &AuthError{StatusCode: resp.StatusCode, Method: c.AuthMethod, Username: c.Username, Offered: offeredSchemes(resp.Header)}
	case resp.StatusCode == http.StatusOK && out == Discard:
		_, err := io.Copy(io.Discard, rd)
		if rd.exceeded {
			return nil, ErrResponseTooLarge
		}
		if err != nil {
			return nil, &RequestError{Err: err, Sent: true, StatusCode: resp.StatusCode}
		}
		return nil, nil
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusInternalServerError && isXML(ctype):
		lr := newLimitReader(rd, rd.n)
		svi, err := DecodeResponse(lr, out)
		var le *LimitError
		switch {
		case rd.exceeded:
			return svi, ErrResponseTooLarge
		case lr.err != nil:
			return svi, lr.err
		case errors.As(rd.err, &le):
			return svi, le
		case err == nil:
			return svi, nil
		case rd.err != nil:
			return svi, &RequestError{Err: rd.err, Sent: true, StatusCode: resp.StatusCode}
		case errors.Is(err, ErrMalformed):
			rd.fill(512)
			if !isXML(ctype) && ctype != "" {
				err = fmt.Errorf("%w (content type %q)", err, ctype)
			}
			return svi, &HTTPError{StatusCode: resp.StatusCode, Status: resp.Status, ContentType: ctype, Excerpt: excerpt(rd.head), Err: err}
		}
		return svi, err
	default:
		rd.fill(512)
		if rd.exceeded {
			return nil, ErrResponseTooLarge
		}
		return nil, &HTTPError{
			StatusCode:  resp.StatusCode,
			Status:      resp.Status,
			ContentType: ctype,
			Excerpt:     excerpt(rd.head),
			RetryAfter:  parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
}

func (c *Client) log(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.Logger != nil {
		c.Logger.LogAttrs(ctx, slog.LevelDebug, msg, append(attrs, slog.String("url", c.URL))...)
	}
}

func isXML(ctype string) bool {
	return ctype == "text/xml" || ctype == "application/xml" || ctype == "application/soap+xml"
}

func offeredSchemes(h http.Header) []string {
	var out []string
	for _, v := range h.Values("WWW-Authenticate") {
		scheme, _, _ := strings.Cut(v, " ")
		scheme = strings.TrimSuffix(scheme, ",")
		if scheme != "" {
			out = append(out, scheme)
		}
	}
	return out
}

// excerpt returns up to 512 bytes of b as valid UTF-8 with control characters replaced by spaces.
func excerpt(b []byte) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, excerptN(b, 512)))
}

// excerptN returns up to n bytes of b as valid UTF-8.
func excerptN(b []byte, n int) string {
	if len(b) > n+utf8.UTFMax {
		b = b[:n+utf8.UTFMax]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// maxRetryAfter caps the delay of a Retry-After header.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date. The delay is capped at
// maxRetryAfter; a value that is neither, or a date in the past, gives 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, maxRetryAfter)
		}
	}
	return 0
}
