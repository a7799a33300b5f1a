package connector_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// countingProxy passes every request on to target over real HTTP and counts the token requests.
func countingProxy(t *testing.T, target string) (*httptest.Server, *atomic.Int32) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
			n.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// The connector's oauth2 over EWS asks the fake server's token endpoint (at authority_host) with the client
// secret, through the SDK's OAuth2App: one token for the client's requests (cached until it expires), the
// Exchange host's scope, and the token then accepted by the EWS endpoint for an impersonated mailbox.
func TestOAuth2SecretFromTheFakeTokenEndpoint(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	authority, tokens := countingProxy(t, srv.GraphURL())
	cfg := connector.Config{Host: srv.URL, AuthType: "oauth2", AuthorityHost: authority.URL, TenantID: testGraphApp.TenantID,
		ClientID: testGraphApp.ClientID, ClientSecret: testGraphApp.ClientSecret, EmailAddress: srv.Email()}
	c, err := connector.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetFolder(testCtx(t), ews.Inbox); err != nil {
			t.Fatalf("GetFolder with the token of the fake endpoint: %v", err)
		}
	}
	if n := tokens.Load(); n != 1 {
		t.Errorf("%d token requests for 3 requests of one client, want 1 (the token is cached)", n)
	}
	checkAppOnly(t, srv)
	// The fake endpoint refuses a wrong secret as Microsoft does: the connector's code, and no secret in the text.
	refusesWrongSecret(t, cfg, "AADSTS7000215")
	// A tenant the endpoint does not know.
	other := cfg
	other.TenantID = "fabrikam.onmicrosoft.com"
	execFail(t, other, "get_contacts", `{}`, connector.CodeUnauthorized, "AADSTS700016")
}

// certificate_file makes the SDK sign a client assertion with the app's key: the token endpoint gets the
// assertion (checked here against the certificate, over real HTTP), never a secret or the key, and the token
// it gives is accepted by the fake EWS server.
func TestOAuth2CertificateFile(t *testing.T) {
	cert, key := selfSignedRSA(t)
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "app.pem")
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	if err := os.WriteFile(pemFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var requests, good atomic.Int32
	var tokenSrv *httptest.Server
	tokenSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f := r.PostForm
		if r.URL.Path != "/contoso.onmicrosoft.com/oauth2/v2.0/token" || f.Get("client_secret") != "" || f.Get("client_id") != "app-id" ||
			f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
			testserver.CheckClientAssertion(f.Get("client_assertion"), cert, "app-id", tokenSrv.URL+r.URL.Path) != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed signature validation."}`))
			return
		}
		good.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"cert-app-token","token_type":"Bearer","expires_in":3600}`))
	}))
	defer tokenSrv.Close()
	srv := testserver.New(t, testserver.WithAppToken("cert-app-token"))
	cfg := connector.Config{Host: srv.URL, AuthType: "oauth2", AuthorityHost: tokenSrv.URL, TenantID: "contoso.onmicrosoft.com",
		ClientID: "app-id", CertificateFile: pemFile, EmailAddress: srv.Email()}
	execOK(t, cfg, "get_contacts", `{}`, nil)
	if requests.Load() != 1 || good.Load() != 1 {
		t.Errorf("%d token requests, %d with a valid assertion; want 1 and 1", requests.Load(), good.Load())
	}

	// Bad files are configuration errors naming the key, before any request.
	for name, content := range map[string][]byte{
		"no key":    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		"no cert":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		"other key": append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), otherKeyPEM(t)...),
	} {
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".pem")
		if err := os.WriteFile(f, content, 0o600); err != nil {
			t.Fatal(err)
		}
		bad := cfg
		bad.CertificateFile = f
		ce := execFail(t, bad, "get_contacts", `{}`, connector.CodeInvalidConfig, "certificate_file")
		if ce != nil && ce.Param != "certificate_file" {
			t.Errorf("%s: Param %q, want certificate_file", name, ce.Param)
		}
	}
	both := cfg
	both.ClientSecret = "s3cret"
	execFail(t, both, "get_contacts", `{}`, connector.CodeInvalidConfig, "client_secret")
	if requests.Load() != 1 {
		t.Errorf("%d token requests after bad configurations, want still 1", requests.Load())
	}
}

func selfSignedRSA(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ews-app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func otherKeyPEM(t *testing.T) []byte {
	_, k := selfSignedRSA(t)
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// checkAppOnly checks that every EWS request srv received carried a bearer token and impersonated the mailbox, as
// app-only tokens must.
func checkAppOnly(t *testing.T, srv *testserver.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Operation != "" && (r.AuthScheme != "Bearer" || r.Impersonating != srv.Email()) {
			t.Errorf("%s: scheme %q impersonating %q; want Bearer impersonating %s (app-only tokens act by impersonation)", r.Operation, r.AuthScheme, r.Impersonating, srv.Email())
		}
	}
}

// refusesWrongSecret checks that cfg with a wrong client secret fails with CodeUnauthorized, a message holding
// want (the token endpoint's reason) and not the secret.
func refusesWrongSecret(t *testing.T, cfg connector.Config, want string) {
	t.Helper()
	cfg.ClientSecret = "wrong-s3cret"
	ce := execFail(t, cfg, "get_contacts", `{}`, connector.CodeUnauthorized, want)
	if ce != nil && strings.Contains(ce.Message, cfg.ClientSecret) {
		t.Errorf("token error %q holds the secret", ce.Message)
	}
}
