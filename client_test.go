package ews

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

func TestNewValidatesConfig(t *testing.T) {
	base := Config{Host: "mail.example.com", Username: `CORP\svc`, Password: "pw"}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no host", func(c *Config) { c.Host = "" }, "Config.Host is empty"},
		{"bad protocol", func(c *Config) { c.Protocol = "ftp" }, `Config.Protocol "ftp"`},
		{"bad url scheme", func(c *Config) { c.Host = "ftp://x/EWS" }, "scheme"},
		{"credentials in url", func(c *Config) { c.Host = "https://u:p@x/EWS/Exchange.asmx" }, "must not hold credentials"},
		{"no user", func(c *Config) { c.Username = "" }, "Config.Username is empty"},
		{"no password", func(c *Config) { c.Password = "" }, "Config.Password is empty"},
		{"bad domain user", func(c *Config) { c.Username = `CORP\` }, `DOMAIN\user`},
		{"bad access type", func(c *Config) { c.AccessType = "Owner" }, "Config.AccessType"},
		{"impersonation without mailbox", func(c *Config) { c.AccessType = Impersonation }, "Config.EmailAddress is empty"},
		{"bad email", func(c *Config) { c.EmailAddress = "not-an-address" }, "Config.EmailAddress"},
		{"bad version", func(c *Config) { c.Version = "Exchange2019" }, `Config.Version "Exchange2019"`},
		{"bad auth", func(c *Config) { c.Auth = "spnego" }, "Config.Auth"},
		{"oauth2 without source", func(c *Config) { c.Auth = AuthOAuth2 }, "Config.TokenSource is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: err = %v, want it to mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "pw") && cfg.Password == "pw" && tt.name != "no password" {
				t.Errorf("error %q holds the password", err)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	tests := []struct{ host, proto, want string }{
		{"mail.example.com", "", "https://mail.example.com/EWS/Exchange.asmx"},
		{"mail.example.com:8443", "http", "http://mail.example.com:8443/EWS/Exchange.asmx"},
		{"https://mail.example.com", "", "https://mail.example.com/EWS/Exchange.asmx"},
		{"https://mail.example.com/ews/exchange.asmx", "http", "https://mail.example.com/ews/exchange.asmx"},
	}
	for _, tt := range tests {
		got, err := endpointURL(Config{Host: tt.host, Protocol: tt.proto})
		if err != nil || got != tt.want {
			t.Errorf("endpointURL(%q, %q) = %q, %v; want %q", tt.host, tt.proto, got, err, tt.want)
		}
	}
}

func TestGetFolderNTLM(t *testing.T) {
	srv, c := setup(t)
	srv.AddMessage("inbox", testserver.Item{Subject: "one"})
	srv.AddMessage("inbox", testserver.Item{Subject: "two", IsRead: true})
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if f.DisplayName != "Inbox" || f.TotalCount != 2 || f.UnreadCount != 1 || f.ID != srv.Default().FolderID("inbox") {
		t.Errorf("GetFolder(Inbox) = %+v, want Inbox with 2 items, 1 unread, id %s", f, srv.Default().FolderID("inbox"))
	}
	reqs := srv.Requests()
	var ntlm bool
	for _, r := range reqs {
		if r.Operation == "GetFolder" && r.User == srv.Username() {
			ntlm = ntlm || r.AuthScheme == "NTLM" // (the first of a connection; negotiation may send more)
		}
	}
	if !ntlm {
		t.Errorf("GetFolder was not authenticated with NTLM: %+v", reqs)
	}
	v, ok := c.ServerVersion()
	if want := serverPersonality(srv).ServerVersion(); !ok || v.Major != want.MajorVersion || v.Minor != want.MinorVersion || v.Version != want.Version {
		t.Errorf("ServerVersion = %+v, %v; want %+v", v, ok, want)
	}
}

func TestNTLMConnectionReuse(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	for i := 0; i < 5; i++ {
		if _, err := c.GetFolder(ctx, Inbox); err != nil {
			t.Fatal(err)
		}
	}
	handshakes := 0
	for _, r := range srv.Requests() {
		if r.AuthScheme == "NTLM" && r.Operation != "" {
			handshakes++
		}
	}
	if handshakes != 1 {
		t.Errorf("%d NTLM handshakes for 5 sequential requests, want 1 (connection reuse)", handshakes)
	}
}

func TestNTLMWrongPassword(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Password = "Wrong-Password-123" })
	_, err := c.GetFolder(testCtx(t), Inbox)
	var ae *AuthError
	if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want *AuthError matching ErrUnauthorized", err)
	}
	if ae.StatusCode != http.StatusUnauthorized {
		t.Errorf("StatusCode = %d, want 401", ae.StatusCode)
	}
	if strings.Contains(err.Error(), "Wrong-Password-123") || strings.Contains(err.Error(), srv.Password()) {
		t.Errorf("error text %q holds a password", err)
	}
}

func TestUPNUsername(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Username = srv.Email() })
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder with UPN: %v", err)
	}
}

func TestBasicAuth(t *testing.T) {
	srv := testserver.New(t, testserver.WithAuth("Basic"))
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic })
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.AuthScheme != "Basic" {
		t.Errorf("AuthScheme = %q, want Basic", last.AuthScheme)
	}
	bad := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic; cfg.Password = "nope-nope" })
	_, err := bad.GetFolder(testCtx(t), Inbox)
	if !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), "nope-nope") {
		t.Errorf("wrong Basic password: err = %v, want ErrUnauthorized without the password", err)
	}
}

func TestAutoAuthPrefersNTLMAndRefusesBasicOverHTTP(t *testing.T) {
	srv := testserver.New(t) // offers NTLM and Basic over http
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthAuto })
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.AuthScheme == "Basic" {
			t.Fatalf("auto auth sent Basic although NTLM was offered")
		}
	}

	basicOnly := testserver.New(t, testserver.WithAuth("Basic"))
	c = newTestClient(t, basicOnly, func(cfg *Config) { cfg.Auth = AuthAuto })
	_, err := c.GetFolder(testCtx(t), Inbox)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("auto auth against Basic-only over http: err = %v, want ErrUnauthorized", err)
	}
	for _, r := range basicOnly.Requests() {
		if r.AuthScheme == "Basic" {
			t.Fatalf("auto auth sent Basic credentials over plain http")
		}
	}

	tlsBasic := testserver.New(t, testserver.WithAuth("Basic"), testserver.WithTLS())
	c = newTestClient(t, tlsBasic, func(cfg *Config) { cfg.Auth = AuthAuto; cfg.RootCAs = certPool(tlsBasic) })
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("auto auth against Basic over https: %v", err)
	}
}

func certPool(srv *testserver.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.HTTP.Certificate())
	return p
}

func TestOAuth2Bearer(t *testing.T) {
	srv := testserver.New(t, testserver.WithToken("tok-123", testserver.DefaultEmail))
	c, err := New(Config{Host: srv.URL, Auth: AuthOAuth2, EmailAddress: srv.Email(),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-123", TokenType: "Bearer"})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatalf("GetFolder: %v", err)
	}
	if r := srv.Requests(); r[len(r)-1].AuthScheme != "Bearer" {
		t.Errorf("AuthScheme = %q, want Bearer", r[len(r)-1].AuthScheme)
	}
	bad, _ := New(Config{Host: srv.URL, Auth: AuthOAuth2, EmailAddress: srv.Email(),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "stolen-token"})})
	_, err = bad.GetFolder(testCtx(t), Inbox)
	if !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), "stolen-token") {
		t.Errorf("bad token: err = %v, want ErrUnauthorized without the token", err)
	}
}

func TestTLSVerification(t *testing.T) {
	srv := testserver.New(t, testserver.WithTLS())
	ctx := testCtx(t)
	c := newTestClient(t, srv, nil)
	_, err := c.GetFolder(ctx, Inbox)
	var ue x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &ue) {
		t.Fatalf("untrusted certificate: err = %v, want x509.UnknownAuthorityError", err)
	}
	if got := len(srv.Requests()); got != 0 {
		t.Errorf("server saw %d requests before TLS was verified", got)
	}
	c = newTestClient(t, srv, func(cfg *Config) { cfg.RootCAs = certPool(srv) })
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("trusted CA: %v", err)
	}
	c = newTestClient(t, srv, func(cfg *Config) { cfg.InsecureSkipVerify = true })
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("verification off: %v", err)
	}
}

func TestServerErrorIsTyped(t *testing.T) {
	_, c := setup(t)
	_, err := c.GetFolder(testCtx(t), FolderByID("AAMkADEzNzY2not-a-real-id-at-all-but-long-enough=="))
	if !errors.Is(err, ErrInvalidIDMalformed) {
		t.Fatalf("err = %v, want ErrInvalidIdMalformed", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != "ErrorInvalidIdMalformed" || e.Message == "" || e.Fault {
		t.Errorf("err = %#v, want *Error with code and message", err)
	}
	if errors.Is(err, ErrItemNotFound) {
		t.Errorf("errors.Is matched a different code")
	}
}

func TestSOAPFaultIsError(t *testing.T) {
	srv := testserver.New(t)
	c := newTestClient(t, srv, nil)
	// A request the server cannot parse is answered with a SOAP fault.
	err := c.rawCall(testCtx(t), []byte(`<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetFolder xmlns:m="urn:x"`))
	var e *Error
	if !errors.As(err, &e) || !e.Fault || e.Code != "ErrorSchemaValidation" || !errors.Is(err, ErrSchemaValidation) {
		t.Fatalf("err = %#v, want a SOAP fault *Error with ErrorSchemaValidation", err)
	}
}

func TestImpersonation(t *testing.T) {
	srv := testserver.New(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1", Email: "svc@example.com", CanImpersonate: true}))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	bob.AddItem("inbox", testserver.Item{Subject: "for bob"})
	c, err := New(Config{Host: srv.URL, Username: `CORP\svc-soar`, Password: "Svc-Pass-1", EmailAddress: "bob@example.com", AccessType: Impersonation, Auth: AuthNTLM})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil {
		t.Fatalf("GetFolder as bob: %v", err)
	}
	if f.ID != bob.FolderID("inbox") || f.TotalCount != 1 {
		t.Errorf("got folder %+v, want bob's inbox with 1 item", f)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Impersonating != "bob@example.com" {
		t.Errorf("Impersonating = %q, want bob@example.com", last.Impersonating)
	}
	// The same connection acts on another mailbox without a new client.
	carol := srv.AddMailbox("carol@example.com", "Carol")
	cc, err := c.ForMailbox("carol@example.com")
	if err != nil {
		t.Fatal(err)
	}
	f, err = cc.GetFolder(testCtx(t), Inbox)
	if err != nil || f.ID != carol.FolderID("inbox") {
		t.Fatalf("ForMailbox(carol).GetFolder = %+v, %v; want carol's inbox", f, err)
	}
	if _, err := c.ForMailbox("nobody@example.com"); err != nil {
		t.Fatal(err)
	}
	nobody, _ := c.ForMailbox("nobody@example.com")
	if _, err := nobody.GetFolder(testCtx(t), Inbox); !errors.Is(err, ErrNonExistentMailbox) {
		t.Errorf("impersonating a missing mailbox: err = %v, want ErrNonExistentMailbox", err)
	}
}

func TestImpersonationDenied(t *testing.T) {
	srv := testserver.New(t)
	srv.AddMailbox("bob@example.com", "")
	c := newTestClient(t, srv, func(cfg *Config) { cfg.AccessType = Impersonation; cfg.EmailAddress = "bob@example.com" })
	if _, err := c.GetFolder(testCtx(t), Inbox); !errors.Is(err, ErrImpersonateUserDenied) {
		t.Fatalf("err = %v, want ErrImpersonateUserDenied", err)
	}
}

func TestDelegateAccess(t *testing.T) {
	srv := testserver.New(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c := newTestClient(t, srv, nil)
	d, err := c.ForMailbox("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetFolder(testCtx(t), Inbox); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("without delegate rights: err = %v, want ErrAccessDenied", err)
	}
	srv.GrantDelegate("bob@example.com", srv.Email())
	f, err := d.GetFolder(testCtx(t), Inbox)
	if err != nil || f.ID != bob.FolderID("inbox") {
		t.Fatalf("delegate GetFolder = %+v, %v; want bob's inbox", f, err)
	}
}

func TestFolderByPath(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	phishing, err := mb.AddFolder("inbox", "Phishing", "")
	if err != nil {
		t.Fatal(err)
	}
	reported, err := mb.AddFolder(phishing, "Reported", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.AddFolder("msgfolderroot", "Projects", ""); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	for _, path := range []string{"Inbox/Phishing/Reported", "inbox/phishing/REPORTED", "/Inbox/Phishing/Reported/"} {
		f, err := c.GetFolder(ctx, FolderByPath(path))
		if err != nil || f.ID != reported {
			t.Errorf("GetFolder(%q) = %+v, %v; want id %s", path, f, err, reported)
		}
	}
	f, err := c.GetFolder(ctx, ParseFolder("Projects"))
	if err != nil || f.DisplayName != "Projects" {
		t.Errorf("GetFolder(Projects) = %+v, %v", f, err)
	}
	// A bare display name is found anywhere in the mailbox; an ambiguous one is an error.
	f, err = c.GetFolder(ctx, ParseFolder("reported"))
	if err != nil || f.ID != reported {
		t.Errorf("GetFolder(reported) = %+v, %v; want id %s", f, err, reported)
	}
	if _, err := mb.AddFolder("sentitems", "Reported", ""); err != nil {
		t.Fatal(err)
	}
	fresh := newTestClient(t, srv, nil) // the first client has "reported" cached
	if _, err := fresh.GetFolder(ctx, ParseFolder("Reported")); !errors.Is(err, ErrInvalidFolder) || !strings.Contains(err.Error(), "2 folders") {
		t.Errorf("ambiguous name: err = %v, want ErrInvalidFolder naming 2 folders", err)
	}
	_, err = c.GetFolder(ctx, FolderByPath("Inbox/Nope"))
	if !errors.Is(err, ErrFolderNotFound) || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("missing folder: err = %v, want ErrFolderNotFound naming it", err)
	}
	// The path is cached: a second lookup sends only the GetFolder.
	before := len(srv.Requests())
	if _, err := c.GetFolder(ctx, FolderByPath("Inbox/Phishing/Reported")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Errorf("cached path lookup sent %d requests, want 1", n)
	}
}

func TestListFolders(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	p, _ := mb.AddFolder("inbox", "A", "")
	_, _ = mb.AddFolder(p, "B", "")
	fs, err := c.ListFolders(testCtx(t), Inbox, true)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fs {
		names = append(names, f.DisplayName)
	}
	if strings.Join(names, ",") != "A,B" {
		t.Errorf("ListFolders(Inbox, deep) = %v, want [A B]", names)
	}
}

func TestParseFolder(t *testing.T) {
	tests := []struct {
		in   string
		want FolderRef
	}{
		{"", Inbox},
		{"Inbox", Inbox},
		{"Sent Items", SentItems},
		{"deleteditems", DeletedItems},
		{"Inbox/Phishing", FolderByPath("Inbox/Phishing")},
		{"AAMkADEzNzY2ZjM1LTQ5ZWMtNDkzNy1iMGU4LTEyNDQ0ZDQxYmM4MAAuAAAAAAA=", FolderByID("AAMkADEzNzY2ZjM1LTQ5ZWMtNDkzNy1iMGU4LTEyNDQ0ZDQxYmM4MAAuAAAAAAA=")},
	}
	for _, tt := range tests {
		if got := ParseFolder(tt.in); got != tt.want {
			t.Errorf("ParseFolder(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestContextCancel(t *testing.T) {
	_, c := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetFolder(ctx, Inbox); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestTimeZoneHeader(t *testing.T) {
	srv := testserver.New(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata")
	}
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Location = berlin })
	if _, err := c.GetFolder(testCtx(t), Inbox); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()
	want := "W. Europe Standard Time"
	if !serverPersonality(srv).Accepts("Exchange2010") {
		want = "" // Exchange 2007's schema has no TimeZoneContext header
	}
	if got := r[len(r)-1].TimeZone; got != want {
		t.Errorf("TimeZoneContext on %s = %q, want %q", serverPersonality(srv), got, want)
	}
}

// TestNTLMConcurrentFirstUse starts many requests at once on a fresh client: every NTLM handshake must stay
// on its own connection.
func TestNTLMConcurrentFirstUse(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func() {
			_, err := c.GetFolder(ctx, Inbox)
			errs <- err
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent GetFolder: %v", err)
		}
	}
	handshakes := 0
	for _, r := range srv.Requests() {
		if r.AuthScheme == "NTLM" && r.Operation != "" {
			handshakes++
		}
	}
	if handshakes > 8 {
		t.Errorf("%d NTLM handshakes for 16 requests with MaxConcurrency 8, want at most 8", handshakes)
	}
}
