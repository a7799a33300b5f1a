package soap

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"
	"golang.org/x/oauth2"
)

// Auth methods.
const (
	AuthAuto   = "auto"
	AuthNTLM   = "ntlm"
	AuthBasic  = "basic"
	AuthOAuth2 = "oauth2"
	// AuthKerberos is SPNEGO (Negotiate) with Kerberos tickets.
	AuthKerberos = "kerberos"
)

// TransportConfig configures NewHTTPClient.
type TransportConfig struct {
	// Method is one of AuthAuto, AuthNTLM, AuthBasic, AuthOAuth2.
	Method string
	// Username and Password for NTLM and Basic. Username is "DOMAIN\user" or a UPN.
	Username, Password string
	// TokenSource for OAuth2.
	TokenSource oauth2.TokenSource
	// AllowBasicOverHTTP lets AuthAuto answer a Basic challenge on a plain http endpoint; it is false unless Basic
	// was chosen explicitly.
	AllowBasicOverHTTP bool
	// HTTPS tells whether the endpoint is https.
	HTTPS bool
	// InsecureSkipVerify turns TLS certificate verification off.
	InsecureSkipVerify bool
	// RootCAs, if set, replaces the system roots.
	RootCAs *x509.CertPool
	// MaxConnsPerHost bounds the connections to the server (0: no limit); idle connections kept are the same.
	MaxConnsPerHost int
	// Timeout bounds one whole HTTP exchange (0: none).
	Timeout time.Duration
	// DialContext replaces the dialer, for tests that route host names.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Base, if set, carries every round trip (see networkTransport).
	Base http.RoundTripper
	// Proxy, if set, chooses the proxy of each request; nil means the environment's (HTTPS_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
	// Kerberos configures AuthKerberos, and AuthAuto when the server offers Negotiate.
	Kerberos *KerberosConfig
}

// NewHTTPClient returns an HTTP client that authenticates as cfg says. HTTP/2 is off: NTLM authenticates a
// connection, and Exchange's EWS endpoint speaks HTTP/1.1. Connections are kept alive, so one NTLM handshake
// serves every request sent on that connection. Each request (with all the legs of its handshake) has one of
// MaxConnsPerHost connections to itself until its response body is closed, so every body must be closed.
func NewHTTPClient(cfg TransportConfig) *http.Client {
	idle := cfg.MaxConnsPerHost
	if idle <= 0 {
		idle = 16
	}
	tr, closer := networkTransport(cfg, idle)
	// auto answers Basic only over verified https (or when allowed): without certificate verification anyone on
	// the path may be the server, and one that offers only Basic would get the password in clear text (an
	// explicit basic still can).
	rt := Authenticate(tr, cfg.Method, cfg.Username, cfg.Password, cfg.TokenSource, cfg.Kerberos,
		(cfg.HTTPS && !cfg.InsecureSkipVerify) || cfg.AllowBasicOverHTTP)
	return &http.Client{
		Transport: &idleCloser{RoundTripper: rt, closer: closer},
		Timeout:   cfg.Timeout,
		// EWS never redirects a POST legitimately; following one could send credentials elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Authenticate wraps base to authenticate as method says (AuthAuto, AuthNTLM, AuthBasic, AuthOAuth2,
// AuthKerberos): Basic sends username and password with every request; NTLM answers the server's challenge
// (go-ntlmssp); OAuth2 sends a bearer token from ts; Kerberos sends a SPNEGO token made with krb; auto uses
// Kerberos when krb is set and the server offers Negotiate, else answers NTLM when offered, and Basic only when
// allowBasic. The EWS client and autodiscover both authenticate through it.
func Authenticate(base http.RoundTripper, method, username, password string, ts oauth2.TokenSource, krb *KerberosConfig, allowBasic bool) http.RoundTripper {
	switch method {
	case AuthKerberos:
		return newKerberosAuth(krb, base)
	case AuthAuto:
		other := &credentials{base: ntlmssp.Negotiator{RoundTripper: base, AllowBasicAuth: allowBasic}, user: username, pass: password}
		if krb != nil {
			return &negotiateAuto{base: base, krb: newKerberosAuth(krb, base), other: other}
		}
		return other
	case AuthBasic:
		return &credentials{base: base, user: username, pass: password}
	case AuthOAuth2:
		return &oauth2.Transport{Source: ts, Base: base}
	case AuthNTLM:
		return &credentials{base: ntlmssp.Negotiator{RoundTripper: base}, user: username, pass: password}
	default:
		return &credentials{base: ntlmssp.Negotiator{RoundTripper: base, AllowBasicAuth: allowBasic}, user: username, pass: password}
	}
}

// credentials puts the username and password in each request's Basic auth fields: base sends them as they are
// (Basic), or go-ntlmssp's Negotiator takes them from there and sends them only in the scheme the server asks
// for (NTLM, or Basic when allowed).
type credentials struct {
	base       http.RoundTripper
	user, pass string
}

func (c *credentials) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(c.user, c.pass)
	return c.base.RoundTrip(r)
}
