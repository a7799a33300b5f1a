package ews_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
	"github.com/ewsgo/ews/internal/testserver"
)

// tokenEndpoint is a fake Microsoft identity platform token endpoint that checks a client secret or a client
// assertion signed by cert, and issues ewstest's bearer token.
func tokenEndpoint(t *testing.T, secret string, cert *x509.Certificate) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f := r.PostForm
		ok := f.Get("grant_type") == "client_credentials" && f.Get("client_id") == "app-id" &&
			f.Get("scope") == "https://outlook.office365.com/.default"
		if secret != "" {
			ok = ok && f.Get("client_secret") == secret
		} else {
			ok = ok && f.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
				checkAssertion(t, f.Get("client_assertion"), cert, srv.URL+r.URL.Path) && f.Get("client_secret") == ""
		}
		if !ok {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"ewstest-bearer-token","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func checkAssertion(t *testing.T, jwt string, cert *x509.Certificate, aud string) bool {
	if err := testserver.CheckClientAssertion(jwt, cert, "app-id", aud); err != nil {
		t.Errorf("client assertion: %v", err)
		return false
	}
	return true
}

func selfSigned(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ews app"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

// An app with a secret and an app with a certificate get tokens from the identity platform and reach a mailbox
// with them.
func TestOAuth2App(t *testing.T) {
	cert, key := selfSigned(t)
	for _, name := range []string{"secret", "certificate"} {
		t.Run(name, func(t *testing.T) {
			app := ews.OAuth2App{TenantID: "contoso.onmicrosoft.com", ClientID: "app-id"}
			var tok *httptest.Server
			var n *atomic.Int32
			if name == "secret" {
				app.ClientSecret = "s3cret"
				tok, n = tokenEndpoint(t, "s3cret", nil)
			} else {
				app.Certificate, app.PrivateKey = cert, key
				tok, n = tokenEndpoint(t, "", cert)
			}
			app.TokenURL, app.HTTPClient = tok.URL+"/contoso/oauth2/v2.0/token", tok.Client()
			srv := ewstest.NewServer(t, ewstest.WithTLS(), ewstest.WithAuth(ewstest.AuthBearer),
				ewstest.WithMessages("inbox", ewstest.Message{Subject: "hello"}))
			cfg, err := app.Config(srv.Email())
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != ews.ExchangeOnlineHost || cfg.AccessType != ews.Impersonation {
				t.Errorf("Config: host %q, access %q", cfg.Host, cfg.AccessType)
			}
			cfg.Host, cfg.RootCAs, cfg.AccessType = srv.URL(), srv.Config().RootCAs, ews.Delegate
			c, err := ews.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				for _, err := range c.Mail().Search(context.Background(), ews.SearchOptions{}) {
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			if n.Load() != 1 {
				t.Errorf("%d token requests; want 1 (the token is reused until it expires)", n.Load())
			}
		})
	}
}

func TestOAuth2AppChecks(t *testing.T) {
	cert, key := selfSigned(t)
	for _, c := range []struct {
		app  ews.OAuth2App
		want string
	}{
		{ews.OAuth2App{TenantID: "t", ClientSecret: "s"}, "ClientID"},
		{ews.OAuth2App{ClientID: "c", ClientSecret: "s"}, "TenantID"},
		{ews.OAuth2App{TenantID: "a/b", ClientID: "c", ClientSecret: "s"}, "TenantID"},
		{ews.OAuth2App{TenantID: "t", ClientID: "c"}, "ClientSecret or Certificate"},
		{ews.OAuth2App{TenantID: "t", ClientID: "c", ClientSecret: "s", Certificate: cert, PrivateKey: key}, "both"},
		{ews.OAuth2App{ClientID: "c", ClientSecret: "s", TokenURL: "http://login.example/token"}, "https"},
	} {
		_, err := c.app.TokenSource(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%+v: err %v; want one naming %s", c.app.ClientID, err, c.want)
		}
	}
	app := ews.OAuth2App{TenantID: "t", ClientID: "c", ClientSecret: "s3cret", PrivateKey: key}
	for _, f := range []string{"%v", "%+v", "%#v"} {
		if out := fmt.Sprintf(f, app); strings.Contains(out, "s3cret") || strings.Contains(out, "PublicKey") {
			t.Errorf("%s printed a secret: %s", f, out)
		}
	}
	// A redirect of the token endpoint is not followed: the secret stays where it was sent.
	var other atomic.Int32
	elsewhere := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	redir := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/token", http.StatusTemporaryRedirect)
	}))
	defer redir.Close()
	ts, err := ews.OAuth2App{ClientID: "c", ClientSecret: "s3cret", TokenURL: redir.URL + "/token", HTTPClient: redir.Client()}.TokenSource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(); err == nil || other.Load() != 0 {
		t.Errorf("token through a redirect: err %v, %d requests elsewhere; want an error and none", err, other.Load())
	}
}
