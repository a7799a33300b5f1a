package connector_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ewsgo/ews/connector"
)

func oauthCfg(tokenURL string) connector.Config {
	return connector.Config{Host: "https://mail.example.invalid/EWS/Exchange.asmx", AuthType: "oauth2", ClientID: "app-id",
		ClientSecret: "app-s3cret/+=", TokenURL: tokenURL, EmailAddress: "soc@example.com", MaxAttempts: 1}
}

func TestTokenURLHTTPSOnly(t *testing.T) {
	for _, u := range []string{"http://login.example.com/token", "http://10.0.0.1/token", "ftp://x/token", "https://u:p@login.example.com/t"} {
		execFail(t, oauthCfg(u), "get_contacts", `{}`, connector.CodeInvalidConfig, "token_url")
	}
	for _, u := range []string{"https://login.example.com/token", "http://127.0.0.1:1/token", "http://[::1]:1/token", "http://localhost:1/token"} {
		if _, err := connector.NewClient(oauthCfg(u)); err != nil {
			t.Errorf("token_url %s refused: %v", u, err)
		}
	}
}

// A token endpoint that redirects elsewhere does not get the secret posted on; one that echoes the request does
// not put the secret in the result.
func TestTokenClientRedirectAndEcho(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/token", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	ce := execFail(t, oauthCfg(redirect.URL+"/token"), "get_contacts", `{}`, connector.CodeUnauthorized, "307")
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the token request followed a 307 to another host (%d requests there)", n)
	}
	_ = ce

	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		form, _ := url.ParseQuery(string(b))
		fmt.Fprintf(w, `{"error":"invalid_request","error_description":"got %s; secret %q; b64 %s"}`, b, form.Get("client_secret"),
			base64.StdEncoding.EncodeToString([]byte(form.Get("client_secret"))))
	}))
	defer echo.Close()
	cfg := oauthCfg(echo.URL + "/token")
	ce = execFail(t, cfg, "get_contacts", `{}`, connector.CodeUnauthorized, "[REDACTED]")
	for _, form := range []string{cfg.ClientSecret, url.QueryEscape(cfg.ClientSecret), base64.StdEncoding.EncodeToString([]byte(cfg.ClientSecret))} {
		if ce != nil && strings.Contains(ce.Message, form) {
			t.Errorf("error message holds the client secret as %q: %s", form, ce.Message)
		}
	}
}
