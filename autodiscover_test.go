package ews

import (
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestAutodiscoverSOAPAtDomain(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := &Discovery{URL: mailEWS, Version: "Exchange2016", Server: ServerVersion{Major: 15, Minor: 2, Build: 1118, Revision: 7},
		EmailAddress: "alice@example.com", Protocol: "soap", Source: "https://example.com/autodiscover/autodiscover.svc"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Discovery (-want +got):\n%s", diff)
	}
	if got, schemes := ex.ops(), ex.schemes(); !slices.Equal(got, []string{"GetUserSettings"}) || !slices.Equal(schemes, []string{"NTLM"}) {
		t.Errorf("server handled %v with schemes %v, want one GetUserSettings over NTLM", got, schemes)
	}
	reqs := ex.srv.Requests()
	body := string(reqs[len(reqs)-1].Body)
	for _, s := range []string{"<a:Mailbox>alice@example.com</a:Mailbox>", "<a:Setting>ExternalEwsUrl</a:Setting>",
		"<wsa:To>https://example.com/autodiscover/autodiscover.svc</wsa:To>"} {
		if !strings.Contains(body, s) {
			t.Errorf("request body lacks %s:\n%s", s, body)
		}
	}
	if got := reqs[len(reqs)-1].Version; got != "Exchange2010" {
		t.Errorf("RequestedServerVersion = %q, want Exchange2010", got)
	}
	if got := n.dials(); !slices.Equal(got, []string{"example.com:443"}) {
		t.Errorf("dialed %v, want only example.com:443", got)
	}
}

func TestAutodiscoverClientDiscoversOnFirstCall(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange(testserver.WithVersion(testserver.ServerVersion{MajorVersion: 14, MinorVersion: 3, MajorBuildNumber: 123, MinorBuildNumber: 4, Version: "Exchange2010_SP2"}))
	n.route(ex, "example.com:443")
	c, err := New(n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if len(n.dials()) != 0 || len(ex.requests()) != 0 || c.URL() != "" {
		t.Fatalf("New made requests (dials %v, requests %v) or has URL %q", n.dials(), ex.requests(), c.URL())
	}
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if f.ID != ex.srv.Default().FolderID("inbox") {
		t.Errorf("GetFolder returned %+v, not the server's inbox", f)
	}
	if c.URL() != mailEWS {
		t.Errorf("URL() = %q, want %q", c.URL(), mailEWS)
	}
	var ops []string
	for _, r := range ex.srv.Requests() {
		if r.User != "" {
			ops = append(ops, r.Operation+"@"+r.Version)
		}
	}
	// Exchange 2010 SP2 rejects the default Exchange2013_SP1: the first EWS request must already use the
	// version autodiscover reported.
	if want := []string{"GetUserSettings@Exchange2010", "GetFolder@Exchange2010_SP2"}; !slices.Equal(ops, want) {
		t.Errorf("server handled %v, want %v", ops, want)
	}
	if !slices.Contains(ex.paths(), "POST mail.example.com/EWS/Exchange.asmx") {
		t.Errorf("EWS request did not go to mail.example.com: %v", ex.paths())
	}
}

func TestAutodiscoverConcurrentFirstCallsDiscoverOnce(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	cfg := n.config("alice@example.com")
	// NTLM: the concurrent first calls authenticate fresh connections at once, each handshake on its own.
	cfg.Auth = AuthNTLM
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetFolder(ctx, Inbox)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("GetFolder: %v", err)
		}
	}
	count := 0
	for _, op := range ex.ops() {
		if op == "GetUserSettings" {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d GetUserSettings requests for 6 concurrent first calls, want 1", count)
	}
	if n := ex.srv.Handled("GetFolder"); n != 6 {
		t.Errorf("server carried out %d GetFolder, want 6", n)
	}
	for _, r := range ex.credentialed() {
		if r.Auth != "NTLM" {
			t.Errorf("%s %s authenticated with %s, want NTLM", r.Method, r.Path, r.Auth)
		}
	}
}

func TestAutodiscoverPOXWhenSOAPMissing(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange(testserver.WithVersion(testserver.ServerVersion{MajorVersion: 8, MinorVersion: 3, MajorBuildNumber: 83, MinorBuildNumber: 6}))
	ex.srv.DisableAutodiscover("soap") // Exchange 2007
	n.route(ex, "example.com:443")
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := &Discovery{URL: mailEWS, Version: "Exchange2007_SP1", Server: ServerVersion{Major: 8, Minor: 3, Build: 83},
		EmailAddress: "alice@example.com", Protocol: "pox", Source: "https://example.com/autodiscover/autodiscover.xml"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Discovery (-want +got):\n%s", diff)
	}
	if got, want := ex.paths(), []string{"POST example.com/autodiscover/autodiscover.svc", "POST example.com/autodiscover/autodiscover.xml"}; !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	reqs := ex.srv.Requests()
	if body := string(reqs[len(reqs)-1].Body); !strings.Contains(body, "<EMailAddress>alice@example.com</EMailAddress>") ||
		!strings.Contains(body, "outlook/responseschema/2006a</AcceptableResponseSchema>") {
		t.Errorf("POX request body: %s", body)
	}
}

func TestAutodiscoverFallsThroughToAutodiscoverHost(t *testing.T) {
	n := newADNet(t)
	web := n.notFound() // the domain's web site has no autodiscover
	ex := n.exchange()
	n.route(web, "example.com:443")
	n.route(ex, "autodiscover.example.com:443")
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.URL != mailEWS || d.Source != "https://autodiscover.example.com/autodiscover/autodiscover.svc" {
		t.Errorf("Discovery = %+v", d)
	}
	if got, want := web.paths(), []string{"POST example.com/autodiscover/autodiscover.svc", "POST example.com/autodiscover/autodiscover.xml"}; !slices.Equal(got, want) {
		t.Errorf("web site got %v, want %v", got, want)
	}
	if got := ex.ops(); !slices.Equal(got, []string{"GetUserSettings"}) {
		t.Errorf("autodiscover host handled %v", got)
	}
}

func TestAutodiscoverTimeoutFallsThrough(t *testing.T) {
	n := newADNet(t)
	slowFront := n.hanging()
	ex := n.exchange()
	n.route(slowFront, "example.com:443")
	n.route(ex, "autodiscover.example.com:443")
	cfg := n.config("alice@example.com")
	cfg.adHooks.probeTimeout = 300 * time.Millisecond
	d, err := Discover(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://autodiscover.example.com/autodiscover/autodiscover.svc" {
		t.Errorf("Source = %q, want the autodiscover host after example.com timed out", d.Source)
	}
	if got := slowFront.conns.Load(); got != 2 {
		t.Errorf("example.com got %d connections, want 2 (SOAP, then POX, each timed out)", got)
	}
}

func TestAutodiscoverHTTPRedirectStep(t *testing.T) {
	n := newADNet(t)
	redirector := n.servePlain()
	redirector.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{HTTPRedirect: "https://mail.example.com/autodiscover/autodiscover.xml"})
	n.route(redirector, "autodiscover.example.com:80")
	ex := n.exchange()
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Protocol != "pox" || d.Source != "https://mail.example.com/autodiscover/autodiscover.xml" || d.URL != mailEWS {
		t.Errorf("Discovery = %+v", d)
	}
	if got, want := n.dials(), []string{"example.com:443", "autodiscover.example.com:443", "autodiscover.example.com:80", "mail.example.com:443"}; !slices.Equal(got, want) {
		t.Errorf("dialed %v, want %v", got, want)
	}
	if got := redirector.requests(); len(got) != 1 || got[0].Method != "GET" || got[0].Auth != "" {
		t.Errorf("http redirector got %+v, want one GET without credentials", got)
	}
	// The redirected request may authenticate with NTLM (never Basic).
	if got, schemes := ex.ops(), ex.schemes(); !slices.Equal(got, []string{"Autodiscover"}) || !slices.Equal(schemes, []string{"NTLM"}) {
		t.Errorf("redirect target handled %v with %v, want one POX request over NTLM", got, schemes)
	}
}

func TestAutodiscoverSRVOrder(t *testing.T) {
	n := newADNet(t)
	empty := n.notFound()
	ex := n.exchange()
	n.route(empty, "first.example.com:8443")
	n.route(ex, "second.example.com:443")
	n.srv["example.com"] = []*net.SRV{
		{Target: "last.example.com.", Port: 443, Priority: 20, Weight: 100},
		{Target: "second.example.com.", Port: 443, Priority: 10, Weight: 1},
		{Target: "first.example.com.", Port: 8443, Priority: 10, Weight: 50},
		{Target: ".", Port: 443, Priority: 0, Weight: 0}, // "no service" record
	}
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://second.example.com/autodiscover/autodiscover.svc" {
		t.Errorf("Source = %q", d.Source)
	}
	dials := n.dials()
	if i, j := slices.Index(dials, "first.example.com:8443"), slices.Index(dials, "second.example.com:443"); i < 0 || j < i {
		t.Errorf("dialed %v: want first.example.com:8443 (priority 10, weight 50) before second.example.com (weight 1)", dials)
	}
	if slices.ContainsFunc(dials, func(s string) bool { return strings.HasPrefix(s, "last.") }) {
		t.Errorf("dialed %v: the priority 20 host was tried although a priority 10 host answered", dials)
	}
	if !slices.Equal(n.srvAsked, []string{"_autodiscover._tcp.example.com"}) {
		t.Errorf("SRV look-ups %v", n.srvAsked)
	}
}

func TestAutodiscoverRedirectAddressRestarts(t *testing.T) {
	n := newADNet(t)
	old := n.serve()
	old.srv.SetAutodiscover("alice@example.com", testserver.AutodiscoverAnswer{RedirectAddress: "alice@corp.example.com"})
	n.route(old, "example.com:443")
	corp := n.serve(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@corp.example.com"}))
	corp.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{ExternalEWSURL: "https://ews.corp.example.com/EWS/Exchange.asmx"})
	n.route(corp, "corp.example.com:443")
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.URL != "https://ews.corp.example.com/EWS/Exchange.asmx" || d.EmailAddress != "alice@corp.example.com" {
		t.Errorf("Discovery = %+v", d)
	}
	reqs := corp.srv.Requests()
	if !strings.Contains(string(reqs[len(reqs)-1].Body), "<a:Mailbox>alice@corp.example.com</a:Mailbox>") {
		t.Errorf("the restarted request did not ask for the new address: %s", reqs[len(reqs)-1].Body)
	}
}

func TestAutodiscoverRedirectURLAndHTTP302(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer testserver.AutodiscoverAnswer
	}{
		{"RedirectUrl", testserver.AutodiscoverAnswer{RedirectURL: "https://autodiscover.example.com/autodiscover/autodiscover.svc"}},
		{"302", testserver.AutodiscoverAnswer{HTTPRedirect: "https://autodiscover.example.com/autodiscover/autodiscover.svc"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newADNet(t)
			front := n.serve()
			front.srv.SetAutodiscover("", tt.answer)
			n.route(front, "example.com:443")
			ex := n.exchange()
			n.route(ex, "autodiscover.example.com:443")
			d, err := Discover(testCtx(t), n.config("alice@example.com"))
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if d.Source != "https://autodiscover.example.com/autodiscover/autodiscover.svc" || d.URL != mailEWS {
				t.Errorf("Discovery = %+v", d)
			}
			if got, schemes := ex.ops(), ex.schemes(); !slices.Equal(got, []string{"GetUserSettings"}) || !slices.Equal(schemes, []string{"NTLM"}) {
				t.Errorf("redirect target handled %v with %v, want one GetUserSettings over NTLM", got, schemes)
			}
		})
	}
}

func TestAutodiscoverRedirectLoop(t *testing.T) {
	n := newADNet(t)
	a, b := n.serve(), n.serve()
	a.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "https://autodiscover.example.com/autodiscover/autodiscover.svc"})
	b.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{RedirectURL: "https://example.com/autodiscover/autodiscover.svc"})
	n.route(a, "example.com:443")
	n.route(b, "autodiscover.example.com:443")
	_, err := Discover(testCtx(t), n.config("alice@example.com"))
	if !errors.Is(err, ErrAutodiscoverLoop) {
		t.Fatalf("Discover: err = %v, want ErrAutodiscoverLoop", err)
	}
	for name, h := range map[string]*adHost{"example.com": a, "autodiscover.example.com": b} {
		asked := map[string]int{}
		for _, r := range h.srv.Requests() {
			if r.User != "" {
				asked[r.Operation]++
			}
		}
		for op, count := range asked {
			if count > 1 {
				t.Errorf("%s answered %s %d times; a loop must not ask an endpoint twice", name, op, count)
			}
		}
	}
}

func TestAutodiscoverTooManyRedirects(t *testing.T) {
	n := newADNet(t)
	hosts := make([]*adHost, 12)
	for i := range hosts {
		hosts[i] = n.serve()
		next := "https://h" + string(rune('a'+i+1)) + ".example.com/autodiscover/autodiscover.svc"
		hosts[i].srv.SetAutodiscover("", testserver.AutodiscoverAnswer{HTTPRedirect: next})
		n.route(hosts[i], "h"+string(rune('a'+i))+".example.com:443")
	}
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverURL = "https://ha.example.com/autodiscover/autodiscover.svc"
	_, err := Discover(testCtx(t), cfg)
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("Discover: err = %v, want ErrTooManyRedirects", err)
	}
	for i, h := range hosts {
		got := len(h.requests())
		if i <= 10 && got != 1 {
			t.Errorf("host %d got %d requests, want 1 (it is within 10 redirects)", i, got)
		}
		if i > 10 && got != 0 {
			t.Errorf("host %d got %d requests: the 11th redirect was followed", i, got)
		}
	}
}

func TestAutodiscoverInvalidUserEndsDiscovery(t *testing.T) {
	for _, tt := range []struct {
		name, code string
		pox        bool
		want       error
	}{
		{"soap InvalidUser", "InvalidUser", false, ErrInvalidUser},
		{"soap InvalidDomain", "InvalidDomain", false, ErrInvalidDomain},
		{"pox 500", "InvalidUser", true, ErrInvalidUser},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newADNet(t)
			ex := n.serve()
			ex.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{Error: tt.code})
			if tt.pox {
				ex.srv.DisableAutodiscover("soap")
			}
			n.route(ex, "example.com:443")
			_, err := Discover(testCtx(t), n.config("alice@example.com"))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Discover: err = %v, want %v", err, tt.want)
			}
			if got := n.dials(); !slices.Equal(got, []string{"example.com:443"}) {
				t.Errorf("dialed %v: discovery went on after %s", got, tt.code)
			}
		})
	}
}

func TestAutodiscoverServerBusyAskedAgainAtTheEnd(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	ex.srv.SetAutodiscover("alice@example.com", testserver.AutodiscoverAnswer{Error: "ServerBusy", Times: 2})
	n.route(ex, "example.com:443")
	other := n.notFound()
	n.route(other, "autodiscover.example.com:443")
	d, err := Discover(testCtx(t), n.config("alice@example.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://example.com/autodiscover/autodiscover.svc" || d.URL != mailEWS {
		t.Errorf("Discovery = %+v", d)
	}
	want := []string{"example.com:443", "autodiscover.example.com:443", "autodiscover.example.com:80"}
	if got := n.dials(); len(got) < 3 || !slices.Equal(got[:3], want) {
		t.Errorf("dialed %v: want the other endpoints tried before the busy one again", got)
	}
	if got := ex.ops(); !slices.Equal(got, []string{"GetUserSettings", "Autodiscover", "GetUserSettings"}) {
		t.Errorf("busy server handled %v, want SOAP (busy), POX (busy), SOAP again", got)
	}
}

func TestAutodiscoverOffice365WithoutProbing(t *testing.T) {
	n := newADNet(t)
	d, err := Discover(testCtx(t), n.config("alice@contoso.onmicrosoft.com"))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.URL != "https://outlook.office365.com/EWS/Exchange.asmx" || d.Protocol != "office365" {
		t.Errorf("Discovery = %+v", d)
	}
	if got := n.dials(); len(got) != 0 {
		t.Errorf("dialed %v: Microsoft's domains need no probing", got)
	}
}

func TestAutodiscoverInternationalizedDomain(t *testing.T) {
	for _, email := range []string{"alice@bücher.example", "alice@BÜCHER.example.", "alice@xn--bcher-kva.example"} {
		t.Run(email, func(t *testing.T) {
			n := newADNet(t)
			ex := n.serve(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: email}))
			ex.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{ExternalEWSURL: "https://mail.bücher.example/EWS/Exchange.asmx"})
			n.route(ex, "xn--bcher-kva.example:443")
			d, err := Discover(testCtx(t), n.config(email))
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if d.URL != "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx" {
				t.Errorf("URL = %q, want the ASCII form", d.URL)
			}
			if got := n.dials(); !slices.Equal(got, []string{"xn--bcher-kva.example:443"}) {
				t.Errorf("dialed %v", got)
			}
		})
	}
}

func TestAutodiscoverFullWidthDomainIsNormalised(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange(testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@ｅｘａｍｐｌｅ.com"}))
	n.route(ex, "example.com:443")
	if _, err := Discover(testCtx(t), n.config("alice@ｅｘａｍｐｌｅ.com")); err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if got := n.dials(); !slices.Equal(got, []string{"example.com:443"}) {
		t.Errorf("dialed %v, want example.com:443", got)
	}
}

func TestAutodiscoverExplicitURLBaseTriesBothProtocols(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	ex.srv.DisableAutodiscover("soap")
	n.route(ex, "ad.example.net:443")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverURL = "https://ad.example.net"
	d, err := Discover(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Source != "https://ad.example.net/autodiscover/autodiscover.xml" || d.Protocol != "pox" {
		t.Errorf("Discovery = %+v", d)
	}
	if got := n.dials(); !slices.Equal(got, []string{"ad.example.net:443"}) {
		t.Errorf("dialed %v: with AutodiscoverURL set, nothing else may be probed", got)
	}
}
