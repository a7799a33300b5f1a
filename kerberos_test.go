package ews

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// krbServer starts a fake server that verifies Kerberos tickets and offers schemes (Negotiate first).
func krbServer(t *testing.T, e krbEnv, schemes ...string) *testserver.Server {
	return testserver.New(t, testserver.WithAuth(schemes...), testserver.WithKeytab(e.keytab, ""))
}

func krbConfig(srv *testserver.Server, e krbEnv, edit func(*Config)) Config {
	cfg := Config{Host: srv.URL, Username: e.user, Password: e.pass, EmailAddress: srv.Email(), Auth: AuthKerberos}
	if edit != nil {
		edit(&cfg)
	}
	return cfg
}

// sendAndCheck sends a message and reads the inbox, then checks that every request was authenticated with the
// given scheme as the server's first user.
func sendAndCheck(t *testing.T, srv *testserver.Server, c *Client, scheme string) {
	t.Helper()
	ctx := testCtx(t)
	srv.AddMessage("inbox", testserver.Item{Subject: "kerberos inbound"})
	if _, err := c.Mail().Send(ctx, Draft{To: []string{srv.Email()}, Subject: "over " + scheme}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	n := 0
	for _, err := range c.Mail().Search(ctx, SearchOptions{Folder: Inbox}) {
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("inbox holds %d messages; want 2", n)
	}
	for _, r := range srv.Requests() {
		if r.Operation == "" {
			continue
		}
		if r.AuthScheme != scheme && r.AuthScheme != "" || r.User != srv.Username() {
			t.Errorf("%s authenticated as %q with %q; want %q with %s", r.Operation, r.User, r.AuthScheme, srv.Username(), scheme)
		}
	}
}

func TestKerberosPassword(t *testing.T) {
	e := kerberosEnv(t)
	srv := krbServer(t, e, "Negotiate")
	c, err := New(krbConfig(srv, e, nil))
	if err != nil {
		t.Fatal(err)
	}
	sendAndCheck(t, srv, c, "Negotiate")
}

func TestKerberosCredentialCache(t *testing.T) {
	e := kerberosEnv(t)
	if os.Getenv("KRB5CCNAME") == "" {
		t.Fatal("KRB5CCNAME is not set (kinit's cache)")
	}
	srv := krbServer(t, e, "Negotiate")
	c, err := New(krbConfig(srv, e, func(c *Config) { c.Username, c.Password = "", "" }))
	if err != nil {
		t.Fatal(err)
	}
	sendAndCheck(t, srv, c, "Negotiate")
}

// A wrong password is one *AuthError from the KDC's refusal: nothing reaches the EWS server, nothing is retried,
// and the error holds no password.
func TestKerberosWrongPassword(t *testing.T) {
	e := kerberosEnv(t)
	srv := krbServer(t, e, "Negotiate")
	c, err := New(krbConfig(srv, e, func(c *Config) { c.Password = "Not-The-Password-1" }))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Mail().Get(testCtx(t), "AAMkADAwAA==")
	var ae *AuthError
	if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) || ae.Err == nil || ae.Method != "kerberos" {
		t.Fatalf("error = %#v (%v); want an *AuthError of method kerberos with the KDC's reason", err, err)
	}
	if strings.Contains(err.Error(), "Not-The-Password-1") {
		t.Errorf("error text holds the password: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v: a retry loop?", el)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server got %d requests; want none", n)
	}
	// The refusal is remembered: the next operation fails the same way without asking the KDC again.
	if _, err2 := c.Mail().Get(testCtx(t), "AAMkADAwAA=="); !errors.As(err2, &ae) {
		t.Errorf("second call: %v", err2)
	}
	t.Logf("error: %v", err)
}

// AuthAuto uses Kerberos when the server offers Negotiate and krb5.conf knows the user's realm, else NTLM.
func TestKerberosAuto(t *testing.T) {
	e := kerberosEnv(t)
	srv := krbServer(t, e, "Negotiate", "NTLM")
	c, err := New(krbConfig(srv, e, func(c *Config) { c.Auth = AuthAuto }))
	if err != nil {
		t.Fatal(err)
	}
	sendAndCheck(t, srv, c, "Negotiate")

	ntlm := testserver.New(t) // NTLM and Basic, no Negotiate
	c2, err := New(Config{Host: ntlm.URL, Username: ntlm.Username(), Password: ntlm.Password(), EmailAddress: ntlm.Email()})
	if err != nil {
		t.Fatal(err)
	}
	sendAndCheck(t, ntlm, c2, "NTLM")
}

// connectProxy is an HTTP proxy on loopback that tunnels CONNECT requests and forwards absolute-URI ones,
// counting both.
type connectProxy struct {
	*httptest.Server
	tunnels, forwards atomic.Int32
	wg                sync.WaitGroup
	mu                sync.Mutex
	conns             []net.Conn
}

func (p *connectProxy) track(c ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c...)
}

// shut closes the proxy and every tunnel, and waits for the tunnels' goroutines.
func (p *connectProxy) shut() {
	p.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func newConnectProxy(t *testing.T) *connectProxy {
	p := &connectProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			p.forwards.Add(1)
			r.RequestURI = ""
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
			return
		}
		p.tunnels.Add(1)
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		p.track(conn, up)
		_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		p.wg.Add(2)
		go func() { defer p.wg.Done(); _, _ = io.Copy(up, bufio.NewReader(buf)); up.(*net.TCPConn).CloseWrite() }()
		go func() { defer p.wg.Done(); _, _ = io.Copy(conn, up); conn.Close() }()
	}))
	t.Cleanup(p.shut)
	return p
}

func (p *connectProxy) proxy() func(*http.Request) (*url.URL, error) {
	u, _ := url.Parse(p.URL)
	return http.ProxyURL(u)
}

// tracingTransport is a caller's RoundTripper that records every round trip it carries.
type tracingTransport struct {
	base  http.RoundTripper
	mu    sync.Mutex
	trips []string // "<auth scheme> <status>"
}

func (tt *tracingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := tt.base.RoundTrip(r)
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if err != nil {
		tt.trips = append(tt.trips, scheme+" error")
	} else {
		tt.trips = append(tt.trips, scheme+" "+resp.Status[:3])
	}
	return resp, err
}

// recordingTracer is a Tracer that keeps the finished requests.
type recordingTracer struct {
	mu   sync.Mutex
	done []RequestTrace
}

func (rt *recordingTracer) StartRequest(ctx context.Context, op string) (context.Context, func(RequestTrace)) {
	return ctx, func(r RequestTrace) {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		rt.done = append(rt.done, r)
	}
}

// checkComposed runs operations through a proxy, a tracing Transport and a Tracer, and checks all three saw them.
func checkComposed(t *testing.T, srv *testserver.Server, cfg Config, scheme string) {
	t.Helper()
	p := newConnectProxy(t)
	base := srv.Client().Transport.(*http.Transport).Clone() // trusts the server's certificate
	base.Proxy = nil
	tt := &tracingTransport{base: base}
	tr := &recordingTracer{}
	cfg.Transport, cfg.Proxy, cfg.Tracer = tt, p.proxy(), tr
	base.Proxy = p.proxy()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sendAndCheck(t, srv, c, scheme)
	if p.tunnels.Load() == 0 {
		t.Errorf("the proxy tunnelled nothing")
	}
	tt.mu.Lock()
	trips := append([]string(nil), tt.trips...)
	tt.mu.Unlock()
	authed := 0
	for _, x := range trips {
		if strings.HasPrefix(x, scheme+" ") {
			authed++
		}
	}
	if authed == 0 {
		t.Errorf("the tracing transport saw no %s round trip: %v", scheme, trips)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	ops := map[string]bool{}
	pv := serverPersonality(srv).ServerVersion()
	want := fmt.Sprintf("%d.%d.%d.%d", pv.MajorVersion, pv.MinorVersion, pv.MajorBuildNumber, pv.MinorBuildNumber)
	refusals := 0
	for _, d := range tr.done {
		if d.ResponseCode == "ErrorInvalidServerVersion" && d.ServerVersion == "" {
			refusals++ // an older server refusing the client's first RequestServerVersion (negotiation)
			continue
		}
		ops[d.Operation] = true
		if d.StatusCode != 200 || d.ResponseCode != "NoError" || d.ServerVersion != want || d.Err != nil {
			t.Errorf("trace %+v; want 200 NoError from %s", d, want)
		}
	}
	if refusals != negotiationRefusals(srv) {
		t.Errorf("%d version refusals traced, want %d", refusals, negotiationRefusals(srv))
	}
	if !ops["CreateItem"] || !ops["FindItem"] {
		t.Errorf("traced operations %v; want CreateItem and FindItem", ops)
	}
}

func TestComposedTransportNTLM(t *testing.T) {
	srv := testserver.New(t, testserver.WithTLS())
	checkComposed(t, srv, Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(),
		Auth: AuthNTLM}, "NTLM")
}

func TestKerberosComposedTransport(t *testing.T) {
	e := kerberosEnv(t)
	srv := testserver.New(t, testserver.WithTLS(), testserver.WithAuth("Negotiate"), testserver.WithKeytab(e.keytab, ""))
	checkComposed(t, srv, krbConfig(srv, e, nil), "Negotiate")
}

// Config.Proxy alone (the SDK's own transport) tunnels NTLM through the proxy.
func TestProxyNTLM(t *testing.T) {
	srv := testserver.New(t, testserver.WithTLS())
	p := newConnectProxy(t)
	c := newTestClient(t, srv, func(c *Config) {
		c.Proxy, c.RootCAs = p.proxy(), srv.HTTP.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	})
	sendAndCheck(t, srv, c, "NTLM")
	if p.tunnels.Load() == 0 {
		t.Errorf("the proxy tunnelled nothing")
	}
}

// HTTPClient means the caller authenticates: a 401 says so instead of naming a method the client did not use.
func TestHTTPClientAuthErrorSaysCallerAuthenticates(t *testing.T) {
	srv := testserver.New(t)
	c, err := New(Config{Host: srv.URL, EmailAddress: srv.Email(), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Mail().Get(testCtx(t), "AAMkADAwAA==")
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "HTTPClient") || strings.Contains(err.Error(), "method auto") {
		t.Errorf("error = %v; want an AuthError saying the HTTPClient must authenticate", err)
	}
}

// curl --negotiate (MIT GSSAPI, not our code) authenticates to the fake server with kinit's cache: the server's
// verifier accepts tickets of an independent implementation.
func TestKerberosCurlNegotiate(t *testing.T) {
	e := kerberosEnv(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed")
	}
	srv := krbServer(t, e, "Negotiate")
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // the SPN is HTTP/localhost
	body := `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>`
	out, err := exec.Command("curl", "-sS", "--negotiate", "-u", ":", "-H", "Content-Type: text/xml; charset=utf-8",
		"--data-binary", body, "-w", "\n%{http_code}", u).CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(out)), "200") || !strings.Contains(string(out), "NoError") {
		t.Fatalf("curl got:\n%s", out)
	}
	var ok bool
	for _, r := range srv.Requests() {
		if r.Operation == "GetFolder" && r.AuthScheme == "Negotiate" && r.User == srv.Username() {
			ok = true
		}
	}
	if !ok {
		t.Errorf("no GetFolder authenticated by Kerberos: %+v", srv.Requests())
	}
}

// New checks a Kerberos configuration before any request and names what is wrong.
func TestNewValidatesKerberos(t *testing.T) {
	dir := t.TempDir()
	conf := dir + "/krb5.conf"
	if err := os.WriteFile(conf, []byte("[libdefaults]\n default_realm = EXAMPLE.COM\n[realms]\n EXAMPLE.COM = {\n  kdc = 127.0.0.1:1\n }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KRB5_CONFIG", conf)
	t.Setenv("KRB5CCNAME", "")
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no realm", Config{Username: "alice", Password: "pw"}, `username "alice" has no realm`},
		{"missing keytab", Config{Username: "alice@EXAMPLE.COM", Keytab: dir + "/none.keytab"}, "keytab"},
		{"nothing", Config{}, "no password, no keytab and no credential cache"},
		{"missing cache", Config{}, "credential cache"},
	} {
		if c.name == "missing cache" {
			t.Setenv("KRB5CCNAME", "FILE:"+dir+"/none")
		}
		c.cfg.Host, c.cfg.Auth, c.cfg.EmailAddress = "mail.example.com", AuthKerberos, "alice@example.com"
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "AuthKerberos") {
			t.Errorf("%s: err = %v; want one naming %q", c.name, err, c.want)
		}
	}
	t.Setenv("KRB5_CONFIG", dir+"/none.conf")
	if _, err := New(Config{Host: "mail.example.com", Auth: AuthKerberos, Username: "alice@EXAMPLE.COM", Password: "pw"}); err == nil ||
		!strings.Contains(err.Error(), "krb5.conf") {
		t.Errorf("missing krb5.conf: err = %v", err)
	}
}

// An *http.Transport in Config.Transport is the model of the client's connections: its dialer and TLS settings
// are used, and NTLM keeps full concurrency: the server holds the first GetItem until a second arrives.
func TestTransportModelNTLM(t *testing.T) {
	srv := testserver.New(t, testserver.WithTLS())
	for i := range 40 {
		srv.AddMessage("inbox", testserver.Item{Subject: "m" + string(rune('a'+i%26))})
	}
	// Concurrency shown by events, not timing.
	together := holdFirstGetItem(srv)
	base := srv.Client().Transport.(*http.Transport).Clone()
	var dials atomic.Int32
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c := newTestClient(t, srv, func(c *Config) { c.Transport = base })
	n := 0
	for _, err := range c.Mail().Search(testCtx(t), SearchOptions{Folder: Inbox, PageSize: 10, BatchSize: 5, Concurrency: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	concurrent := together.Load()
	if n != 40 || dials.Load() == 0 || !concurrent {
		t.Errorf("%d messages, %d dials through the caller's dialer, a second GetItem while the first was held: %v; want 40, >0, true", n, dials.Load(), concurrent)
	}
}

// Autodiscover over Kerberos: a site that turned NTLM off offers only Negotiate, on its autodiscover host as on
// its EWS endpoint. The client discovers its endpoint with a ticket for the autodiscover host (HTTP/example.com)
// and then reads mail with one for the EWS host (HTTP/mail.example.com), never sending the password.
func TestKerberosAutodiscover(t *testing.T) {
	e := kerberosEnv(t)
	n := newADNet(t)
	ex := n.exchange(testserver.WithAuth("Negotiate"), testserver.WithKeytab(e.keytab, ""))
	n.route(ex, "example.com:443")
	cfg := n.config(ex.srv.Email())
	cfg.Auth, cfg.Username, cfg.Password = AuthKerberos, e.user, e.pass
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder after autodiscover over Kerberos: %v", err)
	}
	if c.URL() != mailEWS {
		t.Errorf("discovered %q, want %q", c.URL(), mailEWS)
	}
	ops := ex.ops()
	if !slices.Contains(ops, "GetUserSettings") || !slices.Contains(ops, "GetFolder") {
		t.Errorf("server handled %v, want GetUserSettings then GetFolder", ops)
	}
	for _, s := range ex.schemes() {
		if s != "Negotiate" {
			t.Errorf("a request authenticated with %q; want Negotiate (Kerberos) only", s)
		}
	}
	for _, r := range ex.srv.Requests() {
		if r.Operation != "" && r.User != ex.srv.Username() {
			t.Errorf("%s authenticated as %q, want %q", r.Operation, r.User, ex.srv.Username())
		}
	}
}
