package soap

import "net/http"

// NewPlainHTTPClient returns an HTTP client with the network settings of cfg (proxy, dialer, TLS, a base
// RoundTripper) and no authentication: for a wire that adds its own (the Graph wire sends a bearer token with
// each request). Redirects are not followed, so that a token never goes to another host.
func NewPlainHTTPClient(cfg TransportConfig) *http.Client {
	idle := cfg.MaxConnsPerHost
	if idle <= 0 {
		idle = 16
	}
	tr, closer := networkTransport(cfg, idle)
	return &http.Client{
		Transport:     &idleCloser{RoundTripper: tr, closer: closer},
		Timeout:       cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
