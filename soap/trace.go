package soap

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// exchange records what happened to one logical request over the HTTP round trips an authentication handshake
// makes of it: whether request headers were written to a connection (the request may then have reached the
// server), and the first transport error of a round trip. go-ntlmssp's Negotiator swallows the error of a
// failed handshake round trip and returns the server's earlier 401 instead; the recorded error lets Do report
// the broken connection rather than a false authentication failure.
type exchange struct {
	wrote  atomic.Int32
	mu     sync.Mutex
	err    error
	logger *slog.Logger
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	ctx = context.WithValue(ctx, exchangeKey{}, ex)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { ex.wrote.Add(1) },
	})
}

func exchangeFrom(ctx context.Context) *exchange {
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	return ex
}

// sent reports whether any request of the exchange was written to a connection.
func (ex *exchange) sent() bool { return ex.wrote.Load() > 0 }

func (ex *exchange) fail(err error) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if ex.err == nil {
		ex.err = err
	}
}

func (ex *exchange) failure() error {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.err
}

// tracker is the RoundTripper right above the network transport, below the authentication RoundTrippers: it
// sees every HTTP round trip of a handshake, records transport errors in the request's exchange, and logs
// each round trip at debug level with the Authorization header reduced to its scheme.
type tracker struct {
	base *http.Transport
}

// RoundTrip implements http.RoundTripper.
func (t *tracker) RoundTrip(r *http.Request) (*http.Response, error) {
	ex := exchangeFrom(r.Context())
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if ex == nil {
		return resp, err
	}
	if err != nil {
		ex.fail(err)
	}
	if ex.logger != nil && ex.logger.Enabled(r.Context(), slog.LevelDebug) {
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("url", r.URL.Redacted())}
		if a := r.Header.Get("Authorization"); a != "" {
			attrs = append(attrs, slog.String("authorization", RedactAuthorization(a)))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		} else {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
			if v := resp.Header.Values("WWW-Authenticate"); len(v) > 0 {
				red := make([]string, len(v))
				for i, a := range v {
					red[i] = RedactAuthorization(a)
				}
				attrs = append(attrs, slog.String("www-authenticate", strings.Join(red, ", ")))
			}
		}
		attrs = append(attrs, slog.Duration("elapsed", time.Since(start)))
		ex.logger.LogAttrs(r.Context(), slog.LevelDebug, "ews http round trip", attrs...)
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the network transport.
func (t *tracker) CloseIdleConnections() { t.base.CloseIdleConnections() }

// RedactAuthorization keeps the scheme of an Authorization or WWW-Authenticate value and hides the rest:
// "NTLM TlRMTVNT..." becomes "NTLM [REDACTED]"; a value with no credentials ("NTLM", `Basic realm="x"` is kept
// as a scheme only).
func RedactAuthorization(v string) string {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if strings.TrimSpace(rest) == "" {
		return scheme
	}
	return scheme + " [REDACTED]"
}

// idleCloser gives the authenticating RoundTripper a CloseIdleConnections method, so that
// http.Client.CloseIdleConnections reaches the network transport.
type idleCloser struct {
	http.RoundTripper
	base *http.Transport
}

// CloseIdleConnections closes the idle connections of the network transport.
func (c *idleCloser) CloseIdleConnections() { c.base.CloseIdleConnections() }
