package ews

import (
	"os"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// The Kerberos tests need a KDC: .ci/kerberos starts MIT's krb5kdc in a throwaway realm and sets
//
//	KRB5_CONFIG           the realm's krb5.conf
//	KRB5CCNAME            a credential cache of EWS_TEST_KRB5_USER (kinit)
//	EWS_TEST_KRB5_KEYTAB  the keytab of HTTP/127.0.0.1, HTTP/localhost and the autodiscover tests' hosts
//	                      (HTTP/example.com, HTTP/autodiscover.example.com, HTTP/mail.example.com), for the fake server
//	EWS_TEST_KRB5_USER    user@REALM, and EWS_TEST_KRB5_PASSWORD its password
//	EWS_TEST_KERBEROS_REQUIRED=1 to fail instead of skipping when these are missing.
//
// EWS_TEST_KERBEROS=password or =ccache runs every test built on setup (mail, calendar, poll...) over Kerberos:
// the fake server verifies tickets with the keytab, and clients that would use NTLM use AuthKerberos.

type krbEnv struct {
	keytab *keytab.Keytab
	ktPath string
	user   string
	pass   string
}

// kerberosEnv returns the KDC's environment, or skips the test (fails it with EWS_TEST_KERBEROS_REQUIRED).
func kerberosEnv(t testing.TB) krbEnv {
	t.Helper()
	e := krbEnv{ktPath: os.Getenv("EWS_TEST_KRB5_KEYTAB"), user: os.Getenv("EWS_TEST_KRB5_USER"), pass: os.Getenv("EWS_TEST_KRB5_PASSWORD")}
	if e.ktPath == "" || e.user == "" || e.pass == "" || os.Getenv("KRB5_CONFIG") == "" {
		msg := "no KDC: set KRB5_CONFIG, EWS_TEST_KRB5_KEYTAB, EWS_TEST_KRB5_USER and EWS_TEST_KRB5_PASSWORD (bash .ci/kerberos does)"
		if os.Getenv("EWS_TEST_KERBEROS_REQUIRED") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	kt, err := keytab.Load(e.ktPath)
	if err != nil {
		t.Fatalf("keytab: %v", err)
	}
	e.keytab = kt
	return e
}

// kerberosMode is EWS_TEST_KERBEROS: "", "password" or "ccache".
func kerberosMode() string { return os.Getenv("EWS_TEST_KERBEROS") }

func kerberosServerOptions(t testing.TB) []testserver.Option {
	if kerberosMode() == "" {
		return nil
	}
	e := kerberosEnv(t)
	return []testserver.Option{testserver.WithKeytab(e.keytab, "")}
}

// kerberosTestConfig turns an NTLM test config into a Kerberos one in EWS_TEST_KERBEROS mode.
func kerberosTestConfig(srv *testserver.Server, cfg *Config) {
	mode := kerberosMode()
	if mode == "" || !srv.VerifiesKerberos() || cfg.Auth != AuthNTLM || cfg.HTTPClient != nil {
		return
	}
	cfg.Auth = AuthKerberos
	cfg.Username = os.Getenv("EWS_TEST_KRB5_USER")
	cfg.Password = os.Getenv("EWS_TEST_KRB5_PASSWORD")
	if mode == "ccache" {
		cfg.Username, cfg.Password = "", ""
	}
}
