package ews

import (
	"bytes"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// assertRefused checks that err names host as refused and holds no secret.
func assertRefused(t *testing.T, err error, host string) {
	t.Helper()
	var uh *UntrustedHostError
	if !errors.As(err, &uh) || !errors.Is(err, ErrUntrustedHost) {
		t.Fatalf("err = %v, want an *UntrustedHostError", err)
	}
	if !strings.Contains(err.Error(), host) {
		t.Errorf("error does not name the refused host %s: %v", host, err)
	}
	assertNoSecret(t, err)
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testserver.DefaultPassword) {
		t.Errorf("error holds the password: %v", err)
	}
}

// assertUntouched checks that a trap server received no request at all.
func assertUntouched(t *testing.T, name string, h *adHost) {
	t.Helper()
	if got := h.requests(); len(got) != 0 {
		t.Errorf("%s received %+v; it must receive nothing", name, got)
	}
	if got := h.srv.Requests(); len(got) != 0 {
		t.Errorf("%s handled %d requests; it must handle none", name, len(got))
	}
}

func TestAutodiscoverNeverStripsLabels(t *testing.T) {
	for _, tt := range []struct {
		email string
		traps []string // hosts formed by stripping labels, or autodiscover.<public suffix>
		want  []string // the only dials allowed
	}{
		{"alice@sub.example.com",
			[]string{"example.com:443", "autodiscover.example.com:443", "autodiscover.example.com:80", "autodiscover.com:443", "autodiscover.com:80"},
			[]string{"sub.example.com:443", "autodiscover.sub.example.com:443", "autodiscover.sub.example.com:80"}},
		{"alice@mail.example.co.uk",
			[]string{"example.co.uk:443", "autodiscover.example.co.uk:443", "autodiscover.co.uk:443", "autodiscover.co.uk:80"},
			[]string{"mail.example.co.uk:443", "autodiscover.mail.example.co.uk:443", "autodiscover.mail.example.co.uk:80"}},
	} {
		t.Run(tt.email, func(t *testing.T) {
			n := newADNet(t)
			trap := n.trap(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: tt.email}))
			plain := n.servePlain(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: tt.email}))
			for _, hp := range tt.traps {
				if strings.HasSuffix(hp, ":80") {
					n.route(plain, hp)
				} else {
					n.route(trap, hp)
				}
			}
			cfg := n.config(tt.email)
			cfg.Auth = AuthBasic
			_, err := Discover(testCtx(t), cfg)
			var ae *AutodiscoverError
			if !errors.As(err, &ae) {
				t.Fatalf("Discover: err = %v, want an *AutodiscoverError", err)
			}
			assertNoSecret(t, err)
			if got := n.dials(); !slices.Equal(got, tt.want) {
				t.Errorf("dialed %v, want only %v", got, tt.want)
			}
			assertUntouched(t, "trap (https)", trap)
			assertUntouched(t, "trap (http)", plain)
		})
	}
}

func TestAutodiscoverRefusesRedirectToAnotherDomain(t *testing.T) {
	const evilURL = "https://autodiscover.evil.test/autodiscover/autodiscover.svc"
	for _, tt := range []struct {
		name   string
		answer testserver.AutodiscoverAnswer
		pox    bool
	}{
		{"RedirectUrl", testserver.AutodiscoverAnswer{RedirectURL: evilURL}, false},
		{"POX redirectUrl", testserver.AutodiscoverAnswer{RedirectURL: evilURL}, true},
		{"HTTP 302", testserver.AutodiscoverAnswer{HTTPRedirect: evilURL}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newADNet(t)
			ad := n.serve()
			ad.srv.SetAutodiscover("", tt.answer)
			if tt.pox {
				ad.srv.DisableAutodiscover("soap")
			}
			n.route(ad, "example.com:443")
			evil := n.trap()
			n.route(evil, "autodiscover.evil.test:443")
			cfg := n.config("alice@example.com")
			cfg.Auth = AuthBasic
			_, err := Discover(testCtx(t), cfg)
			assertRefused(t, err, "autodiscover.evil.test")
			assertUntouched(t, "autodiscover.evil.test", evil)
			if slices.Contains(n.dials(), "autodiscover.evil.test:443") {
				t.Errorf("dialed the refused host: %v", n.dials())
			}
		})
	}
}

func TestAutodiscoverAllowListedRedirectGetsNTLMOnly(t *testing.T) {
	n := newADNet(t)
	ad := n.serve()
	ad.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "https://autodiscover.partner.example.net/autodiscover/autodiscover.svc"})
	n.route(ad, "example.com:443")
	partner := n.exchange()
	n.route(partner, "autodiscover.partner.example.net:443")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverTrustedHosts = []string{"Partner.Example.NET"}
	d, err := Discover(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://autodiscover.partner.example.net/autodiscover/autodiscover.svc" {
		t.Errorf("Source = %q", d.Source)
	}
	if got := partner.schemes(); !slices.Equal(got, []string{"NTLM"}) {
		t.Errorf("allow-listed redirect target saw schemes %v, want NTLM only", got)
	}
}

func TestAutodiscoverRefusesRedirectToHTTP(t *testing.T) {
	n := newADNet(t)
	ad := n.serve()
	ad.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "http://autodiscover.example.com/autodiscover/autodiscover.svc"})
	n.route(ad, "example.com:443")
	plain := n.servePlain()
	plain.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{HTTPRedirect: "http://mail.example.com/autodiscover/autodiscover.xml"})
	n.route(plain, "autodiscover.example.com:80", "mail.example.com:80")
	cfg := n.config("alice@example.com")
	cfg.Auth = AuthBasic
	_, err := Discover(testCtx(t), cfg)
	assertRefused(t, err, "autodiscover.example.com")
	assertRefused(t, err, "mail.example.com")
	if !strings.Contains(err.Error(), "not https") {
		t.Errorf("error does not say why: %v", err)
	}
	// The only request http may carry is the anonymous GET of the redirect step.
	for _, r := range plain.requests() {
		if r.Auth != "" || r.Method != "GET" || r.Host != "autodiscover.example.com" {
			t.Errorf("http server got %+v; only an anonymous GET of autodiscover.example.com is allowed", r)
		}
	}
}

func TestAutodiscoverRefusesIPLiteral(t *testing.T) {
	n := newADNet(t)
	trap := n.trap() // its certificate is valid for 127.0.0.1 too
	ip := trap.front.Listener.Addr().String()
	n.route(trap, ip)
	ad := n.serve()
	ad.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "https://" + ip + "/autodiscover/autodiscover.svc"})
	n.route(ad, "example.com:443")
	cfg := n.config("alice@example.com")
	cfg.Auth = AuthBasic
	_, err := Discover(testCtx(t), cfg)
	host, _, _ := net.SplitHostPort(ip)
	assertRefused(t, err, host)
	assertUntouched(t, "IP literal", trap)
	if !strings.Contains(err.Error(), "IP address") {
		t.Errorf("error does not say why: %v", err)
	}
}

func TestAutodiscoverNoBasicOrTokenOnRedirect(t *testing.T) {
	tokenSource := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "secret-token"})
	for _, tt := range []struct {
		name, scheme string
		auth         AuthMethod
		server       []testserver.Option
	}{
		{"auto", "Basic", AuthAuto, []testserver.Option{testserver.WithAuth("Basic")}},
		{"basic", "Basic", AuthBasic, []testserver.Option{testserver.WithAuth("Basic")}},
		{"oauth2", "Bearer", AuthOAuth2, []testserver.Option{testserver.WithAuth(), testserver.WithToken("secret-token", "alice@example.com")}},
	} {
		config := func(n *adNet) Config {
			cfg := n.config("alice@example.com")
			cfg.Auth = tt.auth
			if tt.auth == AuthOAuth2 {
				cfg.Username, cfg.Password, cfg.TokenSource = "", "", tokenSource
			}
			return cfg
		}
		t.Run(tt.name+"/redirected", func(t *testing.T) {
			n := newADNet(t)
			ad := n.serve(tt.server...)
			ad.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "https://mail.example.com/autodiscover/autodiscover.svc"})
			n.route(ad, "example.com:443")
			target := n.exchange(tt.server...) // at mail.example.com, within the domain, but reached by a redirect
			_, err := Discover(testCtx(t), config(n))
			if err == nil || !strings.Contains(err.Error(), "401") {
				t.Fatalf("Discover: err = %v, want the redirect target's 401", err)
			}
			if len(target.requests()) == 0 {
				t.Fatal("the redirect was not followed at all")
			}
			if got := target.credentialed(); len(got) != 0 {
				t.Errorf("redirected requests carried credentials: %+v", got)
			}
		})
		t.Run(tt.name+"/direct", func(t *testing.T) {
			// The same server asked directly (not redirected) gets the credentials: the rule above is not vacuous.
			n := newADNet(t)
			target := n.exchange(tt.server...)
			n.route(target, "example.com:443")
			if _, err := Discover(testCtx(t), config(n)); err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if got := target.schemes(); !slices.Equal(got, []string{tt.scheme}) {
				t.Errorf("direct request schemes %v, want %s", got, tt.scheme)
			}
		})
	}
}

func TestAutodiscoverTLSErrorStopsHost(t *testing.T) {
	n := newADNet(t)
	bad := n.serveUntrusted() // a certificate from a CA the client does not trust
	n.route(bad, "example.com:443")
	ex := n.exchange()
	n.route(ex, "autodiscover.example.com:443")
	cfg := n.config("alice@example.com")
	cfg.Auth = AuthBasic
	cfg.InsecureSkipVerify = true // applies to EWS only; autodiscover always verifies
	d, err := Discover(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://autodiscover.example.com/autodiscover/autodiscover.svc" {
		t.Errorf("Source = %q", d.Source)
	}
	assertUntouched(t, "host with a bad certificate", bad)
	if got := bad.conns.Load(); got != 1 {
		t.Errorf("host with a bad certificate got %d connections, want 1 (no POX, no retry without verification)", got)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	count := 0
	for _, a := range n.dialed {
		if a == "example.com:443" {
			count++
		}
		if a == "example.com:80" {
			t.Errorf("fell back to http after the TLS error")
		}
	}
	if count != 1 {
		t.Errorf("dialed example.com:443 %d times, want 1", count)
	}
}

func TestAutodiscoverEWSURLMustBeTrusted(t *testing.T) {
	for _, tt := range []struct {
		name               string
		external, internal string
		want               string // discovered URL, or "" for a refusal
		refused            string
	}{
		{"other domain", "https://mail.evil.test/EWS/Exchange.asmx", "", "", "mail.evil.test"},
		{"http", "http://mail.example.com/EWS/Exchange.asmx", "", "", "mail.example.com"},
		{"IP", "https://10.1.2.3/EWS/Exchange.asmx", "", "", "10.1.2.3"},
		{"internal used when external refused", "https://mail.evil.test/EWS/Exchange.asmx", mailEWS, mailEWS, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newADNet(t)
			ex := n.exchange()
			ex.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{ExternalEWSURL: tt.external, InternalEWSURL: tt.internal})
			n.route(ex, "example.com:443")
			evil := n.trap()
			n.route(evil, "mail.evil.test:443")
			c, err := New(n.config("alice@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetFolder(testCtx(t), Inbox)
			if tt.want == "" {
				assertRefused(t, err, tt.refused)
			} else if err != nil || c.URL() != tt.want {
				t.Errorf("GetFolder: %v; URL %q, want %q", err, c.URL(), tt.want)
			}
			assertUntouched(t, "mail.evil.test", evil)
		})
	}
}

func TestAutodiscoverRedirectAddressToAnotherDomain(t *testing.T) {
	n := newADNet(t)
	ad := n.serve()
	ad.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectAddress: "alice@evil.test"})
	n.route(ad, "example.com:443")
	evil := n.trap(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@evil.test"}))
	evilHTTP := n.servePlain()
	n.route(evil, "evil.test:443", "autodiscover.evil.test:443")
	n.route(evilHTTP, "autodiscover.evil.test:80")
	n.srv["evil.test"] = []*net.SRV{{Target: "evil.test.", Port: 443}}
	cfg := n.config("alice@example.com")
	cfg.Auth = AuthBasic
	_, err := Discover(testCtx(t), cfg)
	assertRefused(t, err, "evil.test")
	assertUntouched(t, "evil.test", evil)
	assertUntouched(t, "http://autodiscover.evil.test", evilHTTP)
}

func TestAutodiscoverLogsHoldNoSecrets(t *testing.T) {
	n := newADNet(t)
	web := n.notFound()
	n.route(web, "example.com:443")
	ex := n.exchange()
	n.route(ex, "autodiscover.example.com:443")
	var logs bytes.Buffer
	cfg := n.config("alice@example.com")
	cfg.Auth = AuthBasic
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatal(err)
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the test checks nothing")
	}
	// The debug log names the auth scheme of each round trip (auth_scheme=Basic), never the credentials.
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
	for _, secret := range []string{testserver.DefaultPassword, "Authorization", basic} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs hold %q:\n%s", secret, logs.String())
		}
	}
}

func TestAutodiscoverConfigErrors(t *testing.T) {
	base := Config{Autodiscover: true, Username: `CORP\alice`, Password: "pw", EmailAddress: "alice@example.com"}
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"public suffix entry", func(c *Config) { c.AutodiscoverTrustedHosts = []string{"co.uk"} }, `Config.AutodiscoverTrustedHosts entry "co.uk" is a public suffix`},
		{"tld entry", func(c *Config) { c.AutodiscoverTrustedHosts = []string{"com"} }, `"com" is a public suffix`},
		{"autodiscover.com entry", func(c *Config) { c.AutodiscoverTrustedHosts = []string{"autodiscover.com"} }, "autodiscover.<public suffix>"},
		{"IP entry", func(c *Config) { c.AutodiscoverTrustedHosts = []string{"10.0.0.1"} }, "is an IP address"},
		{"URL entry", func(c *Config) { c.AutodiscoverTrustedHosts = []string{"https://x.example.net/"} }, "is not a host name"},
		{"http AutodiscoverURL", func(c *Config) { c.AutodiscoverURL = "http://ad.example.com/autodiscover/autodiscover.xml" }, "is not https"},
		{"AutodiscoverURL with user", func(c *Config) { c.AutodiscoverURL = "https://u:p@ad.example.com/" }, "without credentials"},
		{"AutodiscoverURL autodiscover.com", func(c *Config) { c.AutodiscoverURL = "https://autodiscover.com/" }, "never trusted"},
		{"AutodiscoverURL alone", func(c *Config) { c.Autodiscover = false; c.Host = ""; c.AutodiscoverURL = "https://ad.example.com/" }, "Config.Autodiscover is false"},
		{"Host too", func(c *Config) { c.Host = "mail.example.com" }, "Config.Host and Config.Autodiscover are both set"},
		{"no address", func(c *Config) { c.EmailAddress = "" }, "Config.EmailAddress is empty (required with Autodiscover)"},
		{"HTTPClient", func(c *Config) { c.HTTPClient = testserver.New(t).Client() }, "Config.HTTPClient cannot be used with Autodiscover"},
		{"public suffix domain", func(c *Config) { c.EmailAddress = "alice@co.uk" }, "is a public suffix"},
		{"IP domain", func(c *Config) { c.EmailAddress = "alice@[10.0.0.1]" }, "not the IP address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: err = %v, want it to mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "pw") && !strings.Contains(tt.want, "pw") {
				t.Errorf("error holds the password: %v", err)
			}
		})
	}
}

func TestTrustPolicy(t *testing.T) {
	pol, err := newTrustPolicy("example.com", []string{"partner.net", "*.bücher.example"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		host string
		ok   bool
	}{
		{"example.com", true}, {"EXAMPLE.com.", true}, {"autodiscover.example.com", true}, {"a.b.example.com", true},
		{"partner.net", true}, {"ad.partner.net", true}, {"xn--bcher-kva.example", true}, {"mail.bücher.example", true},
		{"example.com.evil.test", false}, {"evilexample.com", false}, {"notpartner.net", false}, {"com", false},
		{"autodiscover.com", false}, {"autodiscover.co.uk", false}, {"10.0.0.1", false}, {"::1", false},
		{"[::1]", false}, {"", false}, {"example.net", false},
	} {
		err := pol.checkHost(tt.host)
		if (err == nil) != tt.ok {
			t.Errorf("checkHost(%q) = %v, want ok=%v", tt.host, err, tt.ok)
		}
	}
	for _, tt := range []struct {
		url  string
		want string // "" = refused
	}{
		{"https://Mail.Example.com/EWS/Exchange.asmx", "https://mail.example.com/EWS/Exchange.asmx"},
		{"https://mail.example.com:443/EWS/Exchange.asmx", "https://mail.example.com/EWS/Exchange.asmx"},
		{"https://mail.example.com:8443/ews", "https://mail.example.com:8443/ews"},
		{"http://mail.example.com/EWS/Exchange.asmx", ""},
		{"https://u:p@mail.example.com/", ""},
		{"/autodiscover/autodiscover.svc", ""},
		{"ftp://mail.example.com/", ""},
	} {
		u, err := pol.checkURL(tt.url)
		got := ""
		if err == nil {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("checkURL(%q) = %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
	// A private public-suffix entry (github.io) makes each user's site its own registrable domain.
	gh, err := newTrustPolicy("alice.github.io", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if gh.checkHost("autodiscover.alice.github.io") != nil || gh.checkHost("bob.github.io") == nil {
		t.Errorf("github.io policy: alice's own host refused or bob's trusted")
	}
}
