package soap

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// networkTransport returns the RoundTripper right below authentication, and what closes its idle connections.
//
// Without cfg.Base, or when cfg.Base is an *http.Transport (whose proxy, dialer and TLS settings are then kept;
// its TLS settings get the SDK's defaults when it has none), it is a tracker over a pool of single-connection
// transports: each logical request, with every leg of its authentication handshake, has one connection to itself.
// Any other cfg.Base (a tracing or metrics wrapper, say) carries every round trip as it is; it cannot be given
// a connection of the SDK's choosing, so NTLM handshakes over it are only safe one at a time (the ews package
// lowers MaxConcurrency to 1 for NTLM in that case).
func networkTransport(cfg TransportConfig, idle int) (http.RoundTripper, interface{ CloseIdleConnections() }) {
	if rt := cfg.Base; rt != nil {
		if _, ok := rt.(*http.Transport); !ok {
			p := &passthrough{base: rt}
			return p, p
		}
	}
	var base *http.Transport
	if ht, ok := cfg.Base.(*http.Transport); ok {
		base = ht.Clone()
		if base.TLSClientConfig == nil {
			base.TLSClientConfig = tlsConfig(cfg)
		}
		if base.Proxy == nil {
			base.Proxy = http.ProxyFromEnvironment
		}
		if base.MaxConnsPerHost == 0 {
			base.MaxConnsPerHost = cfg.MaxConnsPerHost
		}
	} else {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          idle * 4,
			MaxIdleConnsPerHost:   idle,
			MaxConnsPerHost:       cfg.MaxConnsPerHost,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   15 * time.Second,
			ExpectContinueTimeout: time.Second,
			// GetItem requests of 100 ids and their responses are tens to hundreds of KB: larger buffers than
			// the 4 KB defaults save system calls.
			ReadBufferSize:  64 << 10,
			WriteBufferSize: 32 << 10,
			TLSClientConfig: tlsConfig(cfg),
		}
	}
	// HTTP/2 is off: NTLM authenticates a connection, and Exchange's EWS endpoint speaks HTTP/1.1.
	base.ForceAttemptHTTP2 = false
	base.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if cfg.Proxy != nil {
		base.Proxy = cfg.Proxy
	}
	if cfg.DialContext != nil {
		base.DialContext = cfg.DialContext
	}
	// Every round trip, those of authentication handshakes included, goes through the tracker, which keeps the
	// legs of a handshake on one connection.
	tr := &tracker{pool: newConnPool(base, cfg.MaxConnsPerHost)}
	return tr, tr
}

func tlsConfig(cfg TransportConfig) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // only when the user turns verification off
		RootCAs:            cfg.RootCAs,
	}
}

// passthrough sends round trips through a caller's RoundTripper, recording transport errors in the request's
// exchange and logging each round trip as tracker does.
type passthrough struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (p *passthrough) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := p.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		resp.Body = bufferBody(resp.Body)
	}
	if ex := exchangeFrom(r.Context()); ex != nil {
		if err != nil {
			ex.fail(err)
		}
		if ex.logger != nil && ex.logger.Enabled(r.Context(), slog.LevelDebug) {
			logRoundTrip(ex.logger, r, resp, err, time.Since(start))
		}
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the caller's RoundTripper, if it has the method.
func (p *passthrough) CloseIdleConnections() {
	if c, ok := p.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
