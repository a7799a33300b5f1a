package connector_test

import (
	"os"
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// "auth_type": "kerberos" against a real KDC (bash .ci/kerberos sets the environment; see ews's
// kerberos_env_test.go): with username and password, and with the credential cache of KRB5CCNAME.
func TestKerberosConnector(t *testing.T) {
	ktPath, user, pass := os.Getenv("EWS_TEST_KRB5_KEYTAB"), os.Getenv("EWS_TEST_KRB5_USER"), os.Getenv("EWS_TEST_KRB5_PASSWORD")
	if ktPath == "" || user == "" || pass == "" || os.Getenv("KRB5_CONFIG") == "" {
		msg := "no KDC: set KRB5_CONFIG, EWS_TEST_KRB5_KEYTAB, EWS_TEST_KRB5_USER and EWS_TEST_KRB5_PASSWORD (bash .ci/kerberos does)"
		if os.Getenv("EWS_TEST_KERBEROS_REQUIRED") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	kt, err := keytab.Load(ktPath)
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.New(t, testserver.WithAuth("Negotiate"), testserver.WithKeytab(kt, ""))
	srv.AddMessage("inbox", testserver.Item{Subject: "over kerberos"})
	for _, cfg := range []connector.Config{
		{Host: srv.URL, Username: user, Password: pass, EmailAddress: srv.Email(), AuthType: "kerberos"},
		{Host: srv.URL, EmailAddress: srv.Email(), AuthType: "kerberos", KerberosSPN: "HTTP/127.0.0.1"},
	} {
		var out []map[string]any
		execOK(t, cfg, "search_query", `{"folder_name": "inbox"}`, &out)
		if len(out) != 1 {
			t.Errorf("search_query with password %v: %d messages, want 1", cfg.Password != "", len(out))
		}
	}
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.AuthScheme != "Negotiate" && r.AuthScheme != "" {
			t.Errorf("%s authenticated with %q", r.Operation, r.AuthScheme)
		}
	}
	cfg := connector.Config{Host: srv.URL, Username: user, Password: "wrong-Passw0rd", EmailAddress: srv.Email(), AuthType: "kerberos"}
	r, b, _ := execJSON(t, cfg, "search_query", `{"folder_name": "inbox"}`)
	if r.Status == "Success" {
		t.Errorf("a wrong password succeeded: %s", b)
	}
	t.Logf("wrong password: %s", b)
}
