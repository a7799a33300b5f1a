package connector_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	cfg, err := connector.ParseConfig([]byte(`{"host": "mail.example.com", "username": "CORP\\svc", "password": "pw",
		"email_address": "soc@example.com", "access_type": "impersonation", "protocol": "HTTP", "use_autodiscover": "false",
		"verify_ssl": "false", "auth_type": "NTLM", "tenant_id": "t", "client_id": "c", "client_secret": "s",
		"token_url": "https://login.example/token", "scope": "https://x/.default", "timezone": "Europe/Berlin",
		"max_attempts": "1", "timeout": 30}`))
	if err != nil {
		t.Fatal(err)
	}
	f := false
	want := connector.Config{Host: "mail.example.com", Username: `CORP\svc`, Password: "pw", EmailAddress: "soc@example.com",
		AccessType: "Impersonation", Protocol: "http", VerifySSL: &f, AuthType: "ntlm", TenantID: "t", ClientID: "c",
		ClientSecret: "s", TokenURL: "https://login.example/token", Scope: "https://x/.default", Timezone: "Europe/Berlin",
		MaxAttempts: 1, Timeout: 30}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("ParseConfig (-want +got):\n%s", diff)
	}
	cfg, err = connector.ParseConfig([]byte(`{"host": "h"}`))
	if err != nil || cfg.VerifySSL == nil || !*cfg.VerifySSL || cfg.Protocol != "https" || cfg.AuthType != "auto" {
		t.Errorf("defaults: %+v, %v; want verify_ssl true, protocol https, auth_type auto", cfg, err)
	}
	for _, c := range []struct{ json, key, msg string }{
		{`{"hostname": "h"}`, "hostname", `did you mean "host"`},
		{`{"verify_ssl": "perhaps"}`, "verify_ssl", "true or false"},
		{`{"auth_type": "spnego"}`, "auth_type", "spnego"},
		{`{"access_type": "Owner"}`, "access_type", "Owner"},
		{`{"protocol": "ftp"}`, "protocol", "ftp"},
		{`{"backend": "rest"}`, "backend", "rest"},
		{`{"cloud": "mars"}`, "cloud", "mars"},
		{`[1]`, "", "JSON object"},
	} {
		_, err := connector.ParseConfig([]byte(c.json))
		var ce *connector.Error
		if !errors.As(err, &ce) || ce.Code != connector.CodeInvalidConfig || ce.Param != c.key || !strings.Contains(ce.Message, c.msg) || !ce.Usage() {
			t.Errorf("ParseConfig(%s) = %v, want InvalidConfig naming %q with %q", c.json, err, c.key, c.msg)
		}
	}
	if keys := connector.ConfigKeys(); len(keys) != 25 || keys[0].Name != "host" {
		t.Errorf("ConfigKeys() = %d keys starting with %+v", len(keys), keys[0])
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	srv, good := setup(t)
	for _, c := range []struct {
		edit func(*connector.Config)
		key  string
	}{
		{func(c *connector.Config) { c.Host = "" }, "host"},
		{func(c *connector.Config) { c.Username = "" }, "username"},
		{func(c *connector.Config) { c.Password = "" }, "password"},
		{func(c *connector.Config) { c.AccessType = "Boss" }, "access_type"},
		{func(c *connector.Config) { c.AuthType = "kerberso" }, "auth_type"},
		{func(c *connector.Config) { c.AuthType, c.Username = "kerberos", "" }, "username"},
		{func(c *connector.Config) { c.Protocol = "gopher" }, "protocol"},
		{func(c *connector.Config) { c.Timezone = "Mars/Olympus" }, "timezone"},
		{func(c *connector.Config) { c.MaxAttempts = -1 }, "max_attempts"},
		{func(c *connector.Config) { c.Timeout = -5 }, "timeout"},
		{func(c *connector.Config) { c.Username = `CORP\` }, "username"},
		{func(c *connector.Config) { c.EmailAddress = "not an address" }, "email_address"},
		{func(c *connector.Config) { c.Host = "https://u:p@mail.example.com/" }, "host"},
		{func(c *connector.Config) { c.UseAutodiscover, c.EmailAddress = true, "" }, "email_address"},
		{func(c *connector.Config) { c.AuthType, c.ClientID = "oauth2", "" }, "client_id"},
		{func(c *connector.Config) { c.AuthType, c.ClientID, c.ClientSecret = "oauth2", "id", "" }, "client_secret"},
		{func(c *connector.Config) {
			c.AuthType, c.ClientID, c.ClientSecret, c.TenantID = "oauth2", "id", "s", ""
		}, "tenant_id"},
		{func(c *connector.Config) {
			c.AuthType, c.ClientID, c.ClientSecret, c.TenantID = "oauth2", "id", "s", "a/b"
		}, "tenant_id"},
		{func(c *connector.Config) {
			c.AuthType, c.ClientID, c.ClientSecret, c.TokenURL = "oauth2", "id", "s", "ftp://x"
		}, "token_url"},
	} {
		cfg := good
		cfg.Password = "Secret-Passw0rd!"
		c.edit(&cfg)
		ce := execFail(t, cfg, "get_contacts", `{}`, connector.CodeInvalidConfig, c.key)
		if ce != nil && strings.Contains(ce.Message, "Secret-Passw0rd!") {
			t.Errorf("config error %q holds the password", ce.Message)
		}
		if ce != nil && strings.Contains(ce.Message, "Config.") {
			t.Errorf("config error %q names the SDK's field instead of the key", ce.Message)
		}
	}
	noRequests(t, srv, "bad configurations")
	cfg := good
	cfg.Password, cfg.ClientSecret = "Secret-Passw0rd!", "client-s3cret"
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, "Secret-Passw0rd!") || strings.Contains(s, "client-s3cret") || !strings.Contains(s, srv.URL) {
			t.Errorf("Config printed as %s: secrets must be hidden, the host shown", s)
		}
	}
}

func TestServerAndTransportErrors(t *testing.T) {
	srv, cfg := setup(t)
	bad := cfg
	bad.Password = "wrong-password"
	ce := execFail(t, bad, "get_contacts", `{}`, connector.CodeUnauthorized, "alice")
	if ce != nil && (ce.Usage() || strings.Contains(ce.Message, "wrong-password") || !errors.Is(ce, ews.ErrUnauthorized)) {
		t.Errorf("auth error %+v: want a non-usage error without the password that matches ews.ErrUnauthorized", ce)
	}

	other := srv.AddMailbox("bob@example.com", "Bob")
	_ = other
	imp := cfg
	imp.AccessType, imp.EmailAddress = "Impersonation", "bob@example.com"
	ce = execFail(t, imp, "get_events", `{}`, "ErrorImpersonateUserDenied", "impersonate")
	if ce != nil && (ce.Usage() || !errors.Is(ce, &ews.Error{Code: "ErrorImpersonateUserDenied"})) {
		t.Errorf("EWS error %+v: want a non-usage error matching the SDK's", ce)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	down := cfg
	down.Host = "http://" + addr + "/EWS/Exchange.asmx"
	down.MaxAttempts = 1 // no retries of the refused connection
	execFail(t, down, "get_contacts", `{}`, connector.CodeConnectionError, addr)

	execFail(t, cfg, "get_mail", `{}`, connector.CodeUnknownOperation, "get_contacts")
	execFail(t, cfg, "get_event", `{}`, connector.CodeUnknownOperation, `did you mean "get_events"`)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = connector.Execute(ctx, cfg, "get_contacts", nil)
	if ce := connector.ErrorOf(err); ce == nil || ce.Usage() {
		t.Errorf("canceled context: %v", err)
	}
}

func TestOAuth2ClientCredentials(t *testing.T) {
	var tokenRequests atomic.Int32
	var form atomic.Value
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenRequests.Add(1)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		form.Store(r.PostForm.Encode())
		if r.PostForm.Get("client_secret") != "app-s3cret" || r.PostForm.Get("client_id") != "app-id" || r.PostForm.Get("grant_type") != "client_credentials" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token": "app-token-1", "token_type": "Bearer", "expires_in": 3600}`)
	}))
	defer tokens.Close()
	srv := testserver.New(t, testserver.WithAppToken("app-token-1"))
	if _, err := srv.Default().Seed(testserver.SeedOptions{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	cfg := connector.Config{Host: srv.URL, AuthType: "oauth2", TenantID: "contoso.onmicrosoft.com", ClientID: "app-id",
		ClientSecret: "app-s3cret", TokenURL: tokens.URL, EmailAddress: srv.Email()}
	var cts []connector.Contact
	execOK(t, cfg, "get_contacts", `{}`, &cts)
	execOK(t, cfg, "get_events", `{}`, nil)
	if len(cts) != 8 {
		t.Errorf("get_contacts over oauth2 returned %d contacts, want 8", len(cts))
	}
	if n := tokenRequests.Load(); n != 2 {
		t.Errorf("%d token requests for two operations (one client each), want 2", n)
	}
	host := strings.TrimPrefix(strings.Split(srv.URL, "/EWS")[0], "http://")
	if f, _ := form.Load().(string); !strings.Contains(f, "scope=https%3A%2F%2F"+strings.Split(host, ":")[0]+"%2F.default") {
		t.Errorf("token request form %s: want the scope of the EWS host", f)
	}
	checkAppOnly(t, srv)
	refusesWrongSecret(t, cfg, "invalid_client")
	// Delegate access with an app-only token is refused by the server, as Exchange Online does.
	del := cfg
	del.AccessType = "Delegate"
	execFail(t, del, "get_contacts", `{}`, "ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation")
}

func TestResultJSON(t *testing.T) {
	b, _ := json.Marshal(connector.Success([]int{}))
	if string(b) != `{"status":"Success","data":[]}` {
		t.Errorf("Success: %s", b)
	}
	b, _ = json.Marshal(connector.Failure(&ews.Error{Code: "ErrorItemNotFound", Message: "The specified object was not found in the store."}))
	if string(b) != `{"status":"Error","code":"ErrorItemNotFound","message":"The specified object was not found in the store."}` {
		t.Errorf("Failure: %s", b)
	}
}

func TestRetriesFollowMaxAttempts(t *testing.T) {
	// The server is busy for the first request of each client and asks for a short back-off.
	_, cfg := setup(t, testserver.WithFaults(testserver.ServerBusy(20*time.Millisecond).Times(1)))
	noRetry := cfg
	noRetry.MaxAttempts = 1
	ce := execFail(t, noRetry, "get_contacts", `{}`, "ErrorServerBusy", "")
	if ce != nil && ce.Usage() {
		t.Error("ErrorServerBusy is not a usage error")
	}
	_, cfg = setup(t, testserver.WithFaults(testserver.ServerBusy(20*time.Millisecond).Times(1)))
	execOK(t, cfg, "get_contacts", `{}`, nil) // the default policy retries after the back-off
}
