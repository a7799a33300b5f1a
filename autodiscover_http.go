package ews

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// adClients are the HTTP clients of one discovery. None follows redirects (discovery checks each one itself),
// and none turns certificate verification off.
type adClients struct {
	// anon sends no credentials; it is used only for the GET of http://autodiscover.<domain>.
	anon *http.Client
	// cred authenticates as Config.Auth says, to trusted https hosts only.
	cred *http.Client
	// redirected authenticates to trusted https hosts reached through a redirect: NTLM only, never Basic or a
	// token, which the host could replay.
	redirected *http.Client
	transports []*http.Transport
}

func newADClients(cfg *Config, pol *trustPolicy) *adClients {
	base := adTransport(cfg)
	anonBase := adTransport(cfg)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client := func(rt http.RoundTripper) *http.Client {
		return &http.Client{Transport: rt, CheckRedirect: noRedirect}
	}
	return &adClients{
		anon:       client(anonBase),
		cred:       client(&trustGuard{pol: pol, next: credentialTransport(cfg, base, false)}),
		redirected: client(&trustGuard{pol: pol, next: credentialTransport(cfg, base, true)}),
		transports: []*http.Transport{base, anonBase},
	}
}

func (a *adClients) close() {
	for _, t := range a.transports {
		t.CloseIdleConnections()
	}
}

// adTransport is the base transport: HTTP/1.1 (NTLM authenticates connections), verified TLS 1.2+.
func adTransport(cfg *Config) *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     false,
		TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs},
	}
	if cfg.dial != nil {
		t.DialContext = cfg.dial
		t.Proxy = nil // tests route host names themselves
	}
	return t
}

// credentialTransport authenticates as cfg.Auth says. On a redirected request only NTLM and Kerberos are
// allowed: neither gives the host anything it could replay elsewhere (a Kerberos ticket is sealed for the host
// it names). Kerberos asks for a ticket of each autodiscover host (HTTP/<host>): Config.KerberosSPN names the
// EWS endpoint's principal, not theirs.
func credentialTransport(cfg *Config, base http.RoundTripper, redirected bool) http.RoundTripper {
	if redirected && (cfg.Auth == AuthBasic || cfg.Auth == AuthOAuth2) {
		return base
	}
	krb := autoKerberos(*cfg)
	if krb != nil {
		k := *krb
		k.SPN = ""
		krb = &k
	}
	// auto: Kerberos when configured and offered, else NTLM when offered, Basic when asked for (https only,
	// and never on a redirect)
	return soap.Authenticate(base, string(cfg.Auth), cfg.Username, cfg.Password, cfg.TokenSource, krb, !redirected)
}

// trustGuard refuses, before any credential is added, every request that is not https to a trusted host. The
// discovery logic checks the same; the guard makes sure no path around those checks can leak credentials.
type trustGuard struct {
	pol  *trustPolicy
	next http.RoundTripper
}

func (g *trustGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != "https" {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &UntrustedHostError{Host: r.URL.Hostname(), Reason: "is reached over " + r.URL.Scheme + ", not https"}
	}
	if err := g.pol.checkHost(r.URL.Hostname()); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	return g.next.RoundTrip(r)
}

// isTLSError reports whether err is a failed TLS handshake or certificate verification.
func isTLSError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		ae  tls.AlertError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
	)
	return errors.As(err, &cve) || errors.As(err, &rhe) || errors.As(err, &ae) || errors.As(err, &ua) ||
		errors.As(err, &he) || errors.As(err, &ci)
}

// tlsError is the attempt error for a TLS failure.
func tlsError(err error) error {
	return fmt.Errorf("TLS failed, host skipped (no retry without verification): %w", err)
}
