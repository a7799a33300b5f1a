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
	// Logger receives debug records of each request (operation, status, duration); nil logs nothing.
	Logger *slog.Logger
}

// HTTPError is an HTTP response that is not an EWS answer (anything but 200, or a 500 without a SOAP fault).
type HTTPError struct {
	StatusCode int
	Status     string
	// ContentType of the response.
	ContentType string
	// Excerpt is the start of the body, at most 512 bytes, as valid UTF-8.
	Excerpt string
	// RetryAfter is the delay of a Retry-After header, or 0.
	RetryAfter time.Duration
}

// Error implements error.
func (e *HTTPError) Error() string {
	s := "http " + e.Status
	if e.Status == "" {
		s = "http " + strconv.Itoa(e.StatusCode)
	}
	if e.Excerpt != "" {
		s += ": " + e.Excerpt
	}
	return s
}

// AuthError is a 401 response: the server did not accept the credentials. It holds no secret.
type AuthError struct {
	StatusCode int
	// Offered lists the schemes of the server's WWW-Authenticate headers (e.g. "NTLM", "Basic").
	Offered []string
}

// Error implements error.
func (e *AuthError) Error() string {
	if len(e.Offered) == 0 {
		return "authentication failed (http " + strconv.Itoa(e.StatusCode) + ")"
	}
	return "authentication failed (http " + strconv.Itoa(e.StatusCode) + "; server offers " + strings.Join(e.Offered, ", ") + ")"
}

// ErrResponseTooLarge is returned when a response body exceeds Client.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Do sends one request (body is a request struct of this package) and decodes the response body into out
// (a response struct). It returns the server's version info when the server sent it. Errors are *HTTPError,
// *AuthError, *Fault, a wrapped ErrMalformed or ErrResponseTooLarge, or the HTTP client's error (wrapped in
// a *RequestError that tells whether the request may have reached the server).
func (c *Client) Do(ctx context.Context, h Header, body, out any) (*ServerVersionInfo, error) {
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
	return c.DoRaw(ctx, buf.Bytes(), out)
}

// RequestError is a failure to get a response. Sent tells whether any byte of the request may have reached the
// server (false when the connection could not be made at all), which decides whether a non-idempotent operation
// may be retried.
type RequestError struct {
	Err  error
	Sent bool
}

// Error implements error.
func (e *RequestError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RequestError) Unwrap() error { return e.Err }

// DoRaw sends an already encoded envelope and decodes the response into out.
func (c *Client) DoRaw(ctx context.Context, payload []byte, out any) (*ServerVersionInfo, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("Accept", "text/xml")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.AnchorMailbox != "" {
		req.Header.Set("X-AnchorMailbox", c.AnchorMailbox)
	}
	sent := &sentTracker{}
	req = req.WithContext(withSentTracker(ctx, sent))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.log(ctx, "ews request failed", slog.Duration("elapsed", time.Since(start)), slog.String("error", err.Error()))
		return nil, &RequestError{Err: err, Sent: sent.wrote()}
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10) // let the connection be reused
		resp.Body.Close()
	}()
	c.log(ctx, "ews response", slog.Int("status", resp.StatusCode), slog.Duration("elapsed", time.Since(start)))
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	rd := &limitedReader{r: resp.Body, n: limit}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, &AuthError{StatusCode: resp.StatusCode, Offered: offeredSchemes(resp.Header)}
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusInternalServerError && isXML(ctype):
		svi, err := DecodeResponse(rd, out)
		if rd.exceeded {
			return svi, ErrResponseTooLarge
		}
		if err != nil && errors.Is(err, ErrMalformed) {
			if resp.StatusCode != http.StatusOK {
				return svi, &HTTPError{StatusCode: resp.StatusCode, Status: resp.Status, ContentType: ctype}
			}
			if !isXML(ctype) && ctype != "" {
				return svi, fmt.Errorf("%w: content type %q", err, ctype)
			}
		}
		return svi, err
	default:
		head := make([]byte, 512)
		n, _ := io.ReadFull(rd, head)
		return nil, &HTTPError{
			StatusCode:  resp.StatusCode,
			Status:      resp.Status,
			ContentType: ctype,
			Excerpt:     excerpt(head[:n]),
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

// excerpt returns up to 512 bytes of b as valid UTF-8 with control characters replaced.
func excerpt(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != ' ' {
			return ' '
		}
		return r
	}, s)
	for len(s) > 512 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimSpace(s)
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// limitedReader fails with ErrResponseTooLarge once more than n bytes were read.
type limitedReader struct {
	r        io.Reader
	n        int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		l.exceeded = true
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
