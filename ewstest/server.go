// Package ewstest starts a fake Exchange Web Services server for the tests of programs that use package ews,
// in the spirit of net/http/httptest: real HTTP (or HTTPS) on the loopback interface, real NTLM, Basic,
// Bearer and Kerberos authentication, stateful mailboxes answering the EWS operations as Microsoft documents
// them, injected faults, and accessors to assert what the server holds afterwards.
//
//	func TestTriage(t *testing.T) {
//		srv := ewstest.NewServer(t, ewstest.WithMessages("inbox", ewstest.Message{Subject: "invoice", From: "mallory@evil.example"}))
//		c, err := ews.New(srv.Config())
//		...
//		if got := srv.Messages("inbox/Phishing"); len(got) != 1 { t.Errorf(...) }
//	}
package ewstest

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// TB is the part of testing.TB the server needs; *testing.T, *testing.B and *testing.F satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Server is a fake EWS server with one user (CORP\alice, mailbox alice@example.com, unless WithUser says
// otherwise). Its methods are safe for concurrent use, also while clients talk to it.
type Server struct {
	srv      *testserver.Server
	auth     Auth
	token    string
	t        TB
	graphApp sync.Once
}

// NewServer starts a server configured by opts. With t it is closed when the test ends (t.Cleanup); t may be
// nil outside tests (Examples, a demo program), and the caller must then call Close.
func NewServer(t TB, opts ...Option) *Server {
	if t != nil {
		t.Helper()
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{srv: testserver.NewServer(o.server()...), auth: o.auth(), token: o.token, t: t}
	if t != nil {
		t.Cleanup(s.Close)
	}
	for _, f := range o.after {
		if err := f(s); err != nil {
			s.fail("ewstest: %v", err)
		}
	}
	return s
}

func (s *Server) fail(format string, args ...any) {
	if s.t != nil {
		s.t.Helper()
		s.t.Fatalf(format, args...)
		return
	}
	panic(fmt.Sprintf(format, args...))
}

// Close shuts the server down; it is safe to call more than once.
func (s *Server) Close() { s.srv.Close() }

// URL returns the EWS endpoint, e.g. http://127.0.0.1:41234/EWS/Exchange.asmx.
func (s *Server) URL() string { return s.srv.URL }

// Username returns the first user's account name, e.g. CORP\alice.
func (s *Server) Username() string { return s.srv.Username() }

// Password returns the first user's password.
func (s *Server) Password() string { return s.srv.Password() }

// Email returns the first user's mailbox address, e.g. alice@example.com.
func (s *Server) Email() string { return s.srv.Email() }

// Config returns an ews.Config for the first user that works with this server as it is: its URL, the user's
// credentials in the server's authentication (WithAuth), the server's certificate as the only trusted root with
// WithTLS, and retries without long waits (a server busy fault asks for its own back-off). Change fields as
// the test needs; with AuthKerberos the Kerberos environment (KRB5_CONFIG) must be the test's.
func (s *Server) Config() ews.Config {
	cfg := ews.Config{
		Host:         s.srv.URL,
		Username:     s.srv.Username(),
		Password:     s.srv.Password(),
		EmailAddress: s.srv.Email(),
		Retry:        &ews.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond},
	}
	switch s.auth {
	case AuthNTLM:
		cfg.Auth = ews.AuthNTLM
	case AuthBasic:
		cfg.Auth = ews.AuthBasic
	case AuthBearer:
		cfg.Auth = ews.AuthOAuth2
		cfg.Username, cfg.Password = "", ""
		cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: s.token, TokenType: "Bearer"})
	case AuthNegotiate:
		cfg.Auth = ews.AuthKerberos
	}
	if strings.HasPrefix(s.srv.URL, "https://") {
		pool := x509.NewCertPool()
		pool.AddCert(s.srv.HTTP.Certificate())
		cfg.RootCAs = pool
	}
	return cfg
}

// HTTPClient returns an *http.Client that trusts the server's certificate, for requests of the test's own.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Connections returns how many TCP connections the server has accepted.
func (s *Server) Connections() int { return s.srv.Connections() }
