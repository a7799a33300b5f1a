package ews

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// adNet is a fake network for autodiscover tests: it routes "host:port" to test servers through the client's
// dialer, answers SRV look-ups, and records every dial and look-up.
type adNet struct {
	t        *testing.T
	mu       sync.Mutex
	routes   map[string]string // "host:port" -> listener address
	dialed   []string
	srv      map[string][]*net.SRV // domain -> records
	srvAsked []string
	cache    *discoveryCache
	now      time.Time
}

func newADNet(t *testing.T) *adNet {
	return &adNet{t: t, routes: map[string]string{}, srv: map[string][]*net.SRV{}, cache: newDiscoveryCache(),
		now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
}

func (n *adNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, addr)
	to, ok := n.routes[addr]
	n.mu.Unlock()
	if !ok {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// LookupSRV implements srvResolver.
func (n *adNet) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	q := "_" + service + "._" + proto + "." + name
	n.srvAsked = append(n.srvAsked, q)
	recs, ok := n.srv[name]
	if !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: q, IsNotFound: true}
	}
	return q + ".", recs, nil
}

// dials returns the addresses dialed, in order, without consecutive repeats (go-ntlmssp opens a second
// connection for its handshake while the first 401 is still open).
func (n *adNet) dials() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Compact(append([]string(nil), n.dialed...))
}

func (n *adNet) clock() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.now
}

func (n *adNet) advance(d time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.now = n.now.Add(d)
}

// route sends connections for each "host:port" to h.
func (n *adNet) route(h *adHost, hostports ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, hp := range hostports {
		n.routes[hp] = h.front.Listener.Addr().String()
	}
}

// config is a Config for alice's credentials that discovers email over this network.
func (n *adNet) config(email string) Config {
	return Config{
		Autodiscover: true,
		Username:     testserver.DefaultDomain + `\` + testserver.DefaultUser,
		Password:     testserver.DefaultPassword,
		EmailAddress: email,
		RootCAs:      adTestCA().pool,
		dial:         n.dial,
		adHooks:      &autodiscoverHooks{resolver: n, cache: n.cache, now: n.clock},
	}
}

// seenRequest is a request a front received, before the fake server handled it.
type seenRequest struct {
	Host, Method, Path string
	Auth               string // scheme of the Authorization header, "" if none
}

// adHost is a front (TLS with a certificate for the test names, or plain) for a fake server; it records every
// request and connection, whatever the path.
type adHost struct {
	srv   *testserver.Server
	front *httptest.Server
	conns atomic.Int32
	mu    sync.Mutex
	seen  []seenRequest
}

// serve starts a fake server behind a TLS front whose certificate covers the test names.
func (n *adNet) serve(opts ...testserver.Option) *adHost {
	return n.front(testserver.New(n.t, opts...), "tls")
}

// servePlain starts a fake server behind a plain http front.
func (n *adNet) servePlain(opts ...testserver.Option) *adHost {
	return n.front(testserver.New(n.t, opts...), "plain")
}

// serveUntrusted starts a fake server behind a TLS front whose certificate no test client trusts.
func (n *adNet) serveUntrusted(opts ...testserver.Option) *adHost {
	return n.front(testserver.New(n.t, opts...), "untrusted")
}

func (n *adNet) front(srv *testserver.Server, kind string) *adHost {
	h := &adHost{srv: srv}
	inner := srv.HTTP.Config.Handler
	h.front = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		h.mu.Lock()
		h.seen = append(h.seen, seenRequest{Host: r.Host, Method: r.Method, Path: r.URL.Path, Auth: scheme})
		h.mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	h.front.Config.ConnContext = srv.HTTP.Config.ConnContext
	h.front.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			h.conns.Add(1)
		}
	}
	h.front.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshake failures are expected
	switch kind {
	case "tls":
		h.front.TLS = &tls.Config{Certificates: []tls.Certificate{adTestCA().cert}}
		h.front.StartTLS()
	case "untrusted":
		h.front.StartTLS() // httptest's own certificate, from a CA the clients do not know
	default:
		h.front.Start()
	}
	n.t.Cleanup(h.front.Close)
	return h
}

func (h *adHost) requests() []seenRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]seenRequest(nil), h.seen...)
}

// credentialed returns the requests that carried an Authorization header.
func (h *adHost) credentialed() []seenRequest {
	var out []seenRequest
	for _, r := range h.requests() {
		if r.Auth != "" {
			out = append(out, r)
		}
	}
	return out
}

// paths returns "METHOD host path" of each request, in order, without repeats from authentication legs.
func (h *adHost) paths() []string {
	var out []string
	for _, r := range h.requests() {
		s := r.Method + " " + r.Host + r.Path
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// ops returns the operations the fake server handled after authentication.
func (h *adHost) ops() []string {
	var out []string
	for _, r := range h.srv.Requests() {
		if r.User != "" {
			out = append(out, r.Operation)
		}
	}
	return out
}

// schemes returns the authentication schemes the fake server saw (each once, in order).
func (h *adHost) schemes() []string {
	var out []string
	for _, r := range h.srv.Requests() {
		if r.AuthScheme != "" && !slices.Contains(out, r.AuthScheme) {
			out = append(out, r.AuthScheme)
		}
	}
	return out
}

// hanging starts a TLS server that accepts requests and never answers them (until the client gives up).
func (n *adNet) hanging() *adHost {
	h := &adHost{}
	stop := make(chan struct{})
	h.front = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, seenRequest{Host: r.Host, Method: r.Method, Path: r.URL.Path})
		h.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice when the client hangs up
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	h.front.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			h.conns.Add(1)
		}
	}
	h.front.TLS = &tls.Config{Certificates: []tls.Certificate{adTestCA().cert}}
	h.front.StartTLS()
	n.t.Cleanup(h.front.Close)
	n.t.Cleanup(func() { close(stop) }) // runs first
	return h
}

// testCA is a CA and a certificate for every host name the autodiscover tests use.
type testCA struct {
	cert tls.Certificate
	pool *x509.CertPool
}

var (
	adCAOnce sync.Once
	adCA     testCA
)

func adTestCA() testCA {
	adCAOnce.Do(func() {
		caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		start := time.Now().Add(-time.Hour)
		ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ews test CA"},
			NotBefore: start, NotAfter: start.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign}
		caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
		if err != nil {
			panic(err)
		}
		caCert, _ := x509.ParseCertificate(caDER)
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "example.com"},
			NotBefore: start, NotAfter: start.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames: []string{"example.com", "*.example.com", "sub.example.com", "*.sub.example.com", "evil.test",
				"*.evil.test", "autodiscover.com", "xn--bcher-kva.example", "*.xn--bcher-kva.example", "example.net",
				"*.example.net", "*.partner.example.net", "example.co.uk", "*.example.co.uk", "autodiscover.co.uk"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
		der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
		if err != nil {
			panic(err)
		}
		adCA.cert = tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
		adCA.pool = x509.NewCertPool()
		adCA.pool.AddCert(caCert)
	})
	return adCA
}

// mailEWS is the EWS URL the autodiscover tests' servers hand out.
const mailEWS = "https://mail.example.com/EWS/Exchange.asmx"

// exchange starts the fake Exchange of example.com: autodiscover answers mailEWS, and mail.example.com routes to
// it, so a client can use what it discovers.
func (n *adNet) exchange(opts ...testserver.Option) *adHost {
	// Exchange 2019 unless the test says otherwise (also under EWS_TESTSERVER_VERSION): the autodiscover tests
	// check the version it reports.
	h := n.serve(append([]testserver.Option{testserver.WithPersonality(testserver.Exchange2019)}, opts...)...)
	h.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{ExternalEWSURL: mailEWS})
	n.route(h, "mail.example.com:443")
	return h
}

// trap starts a server that would accept alice's credentials and answer autodiscover, for a host that must
// never be asked.
func (n *adNet) trap(opts ...testserver.Option) *adHost {
	h := n.serve(opts...)
	h.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{ExternalEWSURL: mailEWS})
	return h
}

// notFound starts a TLS server that answers 404 to both autodiscover paths.
func (n *adNet) notFound() *adHost {
	h := n.serve()
	h.srv.DisableAutodiscover("soap")
	h.srv.DisableAutodiscover("pox")
	return h
}
