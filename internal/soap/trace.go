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
	pool   *connPool
	tr     *http.Transport // the connection of this exchange, once taken from pool
}

// conn returns the exchange's connection (a single-connection transport), taking one from pool at first use.
func (ex *exchange) conn(ctx context.Context, pool *connPool) (*http.Transport, error) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if ex.tr == nil {
		tr, err := pool.get(ctx)
		if err != nil {
			return nil, err
		}
		ex.tr, ex.pool = tr, pool
	}
	return ex.tr, nil
}

// done gives the exchange's connection back; the response body must be closed by then.
func (ex *exchange) done() {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if ex.tr != nil {
		ex.pool.put(ex.tr)
		ex.tr = nil
	}
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

// tracker is the RoundTripper right above the network, below the authentication RoundTrippers. It sends
// each logical request (one Client.Do, with every round trip of its authentication handshake) over one
// connection of its own: NTLM authenticates a connection, so the negotiate and authenticate legs of a
// handshake must share one, and no other request may slip onto it in between. It records transport errors in
// the request's exchange and logs each round trip at debug level, with the Authorization header reduced to its
// scheme.
type tracker struct {
	pool *connPool
}

// RoundTrip implements http.RoundTripper.
func (t *tracker) RoundTrip(r *http.Request) (*http.Response, error) {
	ex := exchangeFrom(r.Context())
	var tr *http.Transport
	var release func()
	if ex != nil {
		var err error
		if tr, err = ex.conn(r.Context(), t.pool); err != nil {
			return nil, err
		}
	} else {
		var err error
		if tr, err = t.pool.get(r.Context()); err != nil {
			return nil, err
		}
		release = func() { t.pool.put(tr) }
	}
	start := time.Now()
	resp, err := tr.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		// Read the (small) body of a challenge at once, so that the connection is free for the handshake's next
		// leg while the authenticating RoundTripper still holds this response.
		resp.Body = bufferBody(resp.Body)
	}
	if release != nil {
		if err != nil {
			release()
		} else {
			resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
		}
	}
	if ex == nil {
		return resp, err
	}
	if err != nil {
		ex.fail(err)
	}
	if ex.logger != nil && ex.logger.Enabled(r.Context(), slog.LevelDebug) {
		logRoundTrip(ex.logger, r, resp, err, time.Since(start))
	}
	return resp, err
}

func logRoundTrip(logger *slog.Logger, r *http.Request, resp *http.Response, err error, elapsed time.Duration) {
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("url", r.URL.Redacted())}
	if a := r.Header.Get("Authorization"); a != "" {
		attrs = append(attrs, slog.String("auth_scheme", AuthScheme(a)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if v := resp.Header.Values("WWW-Authenticate"); len(v) > 0 {
			red := make([]string, len(v))
			for i, a := range v {
				red[i] = AuthScheme(a)
			}
			attrs = append(attrs, slog.String("www-authenticate", strings.Join(red, ", ")))
		}
	}
	attrs = append(attrs, slog.Duration("elapsed", elapsed))
	logger.LogAttrs(r.Context(), slog.LevelDebug, "ews http round trip", attrs...)
}

// CloseIdleConnections closes the idle connections of the network transports.
func (t *tracker) CloseIdleConnections() { t.pool.closeIdle() }

// AuthScheme returns the scheme of an Authorization or WWW-Authenticate value ("NTLM TlRMTVNT..." gives
// "NTLM"), dropping the credentials or challenge that follow it. Logs show only this.
func AuthScheme(v string) string {
	scheme, _, _ := strings.Cut(strings.TrimSpace(v), " ")
	return strings.TrimSuffix(scheme, ",")
}

// idleCloser gives the authenticating RoundTripper a CloseIdleConnections method, so that
// http.Client.CloseIdleConnections reaches the network transports.
type idleCloser struct {
	http.RoundTripper
	closer interface{ CloseIdleConnections() }
}

// CloseIdleConnections closes the idle connections of the network transports.
func (c *idleCloser) CloseIdleConnections() {
	if c.closer != nil {
		c.closer.CloseIdleConnections()
	}
}
