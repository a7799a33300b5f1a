package ewstest_test

import (
	"context"
	"os"
	"testing"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// With a keytab the server verifies Kerberos tickets; Config is then AuthKerberos and only needs the test's
// principal (bash .ci/kerberos provides a KDC and this environment).
func TestKerberosNegotiate(t *testing.T) {
	kt, user, pass := os.Getenv("EWS_TEST_KRB5_KEYTAB"), os.Getenv("EWS_TEST_KRB5_USER"), os.Getenv("EWS_TEST_KRB5_PASSWORD")
	if kt == "" || user == "" || pass == "" || os.Getenv("KRB5_CONFIG") == "" {
		msg := "no KDC: set KRB5_CONFIG, EWS_TEST_KRB5_KEYTAB, EWS_TEST_KRB5_USER and EWS_TEST_KRB5_PASSWORD (bash .ci/kerberos does)"
		if os.Getenv("EWS_TEST_KERBEROS_REQUIRED") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	srv := ewstest.NewServer(t, ewstest.WithAuth(ewstest.AuthNegotiate), ewstest.WithKeytab(kt, ""),
		ewstest.WithMessages("inbox", ewstest.Message{Subject: "ticket"}))
	cfg := srv.Config()
	if cfg.Auth != ews.AuthKerberos {
		t.Fatalf("Config().Auth = %q", cfg.Auth)
	}
	cfg.Username, cfg.Password = user, pass
	c, err := ews.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail().MarkRead(context.Background(), srv.Messages("inbox")[0].ID); err != nil {
		t.Fatal(err)
	}
	if !srv.Messages("inbox")[0].IsRead {
		t.Error("not marked read")
	}
	for _, r := range srv.Requests() {
		if r.Operation != "" && r.AuthScheme != "Negotiate" {
			t.Errorf("%s with %q", r.Operation, r.AuthScheme)
		}
	}
}
