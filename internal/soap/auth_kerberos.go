package soap

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	krbcred "github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// KerberosConfig says where Kerberos credentials come from.
type KerberosConfig struct {
	// Username is "user@REALM" or "REALM\user"; it may be empty when the credential cache is used.
	Username string
	// Password, if set, gets tickets from the KDC with the password.
	Password string
	// Keytab, if set (and Password is not), is a keytab file with the user's key.
	Keytab string
	// CCache is the credential cache used when there is neither Password nor Keytab; empty means KRB5CCNAME.
	CCache string
	// ConfigFile is the krb5.conf; empty means KRB5_CONFIG, else /etc/krb5.conf.
	ConfigFile string
	// SPN is the service principal; empty means HTTP/<host of the URL>.
	SPN string
}

// KerberosError is a failure to get a Kerberos ticket: the KDC refused the credentials (a wrong password, an
// unknown principal, an expired cache) or could not be reached. No request was sent to the server.
type KerberosError struct{ Err error }

// Error implements error.
func (e *KerberosError) Error() string { return "kerberos: " + e.Err.Error() }

// Unwrap returns Err.
func (e *KerberosError) Unwrap() error { return e.Err }

// SplitPrincipal splits "user@REALM" or "REALM\user" into user and realm ("" when the name has no realm).
func SplitPrincipal(name string) (user, realm string) {
	if d, u, ok := strings.Cut(name, `\`); ok {
		return u, strings.ToUpper(d)
	}
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		return name[:i], strings.ToUpper(name[i+1:])
	}
	return name, ""
}

// KerberosConfigFile returns the krb5.conf in use: KRB5_CONFIG (its first file), else /etc/krb5.conf.
func KerberosConfigFile() string {
	if p := os.Getenv("KRB5_CONFIG"); p != "" {
		p, _, _ = strings.Cut(p, ":")
		return p
	}
	return "/etc/krb5.conf"
}

// CCacheFile returns the credential cache file of KRB5CCNAME ("FILE:" prefix removed), or "".
func CCacheFile() string {
	p := os.Getenv("KRB5CCNAME")
	if rest, ok := strings.CutPrefix(p, "FILE:"); ok {
		return rest
	}
	if strings.Contains(p, ":") && !strings.HasPrefix(p, "/") {
		return "" // KEYRING:, KCM:, API: ... are not files
	}
	return p
}

// LoadKerberosConfig reads a krb5.conf; directives gokrb5 does not know are ignored.
func LoadKerberosConfig(path string) (*config.Config, error) {
	c, err := config.Load(path)
	var ud config.UnsupportedDirective
	if err != nil && !errors.As(err, &ud) {
		return nil, err
	}
	return c, nil
}

// CheckKerberos checks a Kerberos configuration before any request: the krb5.conf can be read, and the
// credentials are complete. It returns the configuration with its defaults filled in.
func CheckKerberos(k KerberosConfig) (KerberosConfig, error) {
	if k.ConfigFile == "" {
		k.ConfigFile = KerberosConfigFile()
	}
	if _, err := LoadKerberosConfig(k.ConfigFile); err != nil {
		return k, fmt.Errorf("krb5.conf %s: %w", k.ConfigFile, err)
	}
	if k.Password != "" || k.Keytab != "" {
		if _, realm := SplitPrincipal(k.Username); realm == "" {
			return k, fmt.Errorf("username %q has no realm (user@REALM or REALM\\user)", k.Username)
		}
		if k.Password == "" {
			if _, err := os.Stat(k.Keytab); err != nil {
				return k, fmt.Errorf("keytab: %w", err)
			}
		}
		return k, nil
	}
	if k.CCache == "" {
		k.CCache = CCacheFile()
	}
	if k.CCache == "" {
		return k, errors.New("no password, no keytab and no credential cache (KRB5CCNAME)")
	}
	if _, err := os.Stat(k.CCache); err != nil {
		return k, fmt.Errorf("credential cache: %w", err)
	}
	return k, nil
}

// KerberosAvailable tells whether AuthAuto may use Kerberos: the krb5.conf can be read and knows the realm of
// the user (in [realms]), or there is no password and a credential cache exists.
func KerberosAvailable(k KerberosConfig) bool {
	k, err := CheckKerberos(k)
	if err != nil {
		return false
	}
	if k.Password == "" && k.Keytab == "" {
		return true
	}
	c, err := LoadKerberosConfig(k.ConfigFile)
	if err != nil {
		return false
	}
	_, realm := SplitPrincipal(k.Username)
	for _, r := range c.Realms {
		if strings.EqualFold(r.Realm, realm) && len(r.KDC) > 0 {
			return true
		}
	}
	return false
}

// kerberosAuth sends a SPNEGO token with a Kerberos service ticket in the Authorization header of every request
// (Negotiate). The Kerberos client logs in on the first request and keeps its tickets.
type kerberosAuth struct {
	cfg  KerberosConfig
	base http.RoundTripper

	mu   sync.Mutex
	cl   *client.Client
	err  error     // a failed login: every later request fails the same way, without asking the KDC again
	last time.Time // the time of the last authenticator (see token)
}

func newKerberosAuth(cfg *KerberosConfig, base http.RoundTripper) *kerberosAuth {
	if cfg == nil {
		cfg = &KerberosConfig{}
	}
	return &kerberosAuth{cfg: *cfg, base: base}
}

// login makes the Kerberos client. Callers hold k.mu.
func (k *kerberosAuth) login() (*client.Client, error) {
	if k.cl != nil || k.err != nil {
		return k.cl, k.err
	}
	cfg, err := CheckKerberos(k.cfg)
	if err != nil {
		k.err = &KerberosError{Err: err}
		return nil, k.err
	}
	conf, err := LoadKerberosConfig(cfg.ConfigFile)
	if err != nil {
		k.err = &KerberosError{Err: err}
		return nil, k.err
	}
	user, realm := SplitPrincipal(cfg.Username)
	var cl *client.Client
	switch {
	case cfg.Password != "":
		cl = client.NewWithPassword(user, realm, cfg.Password, conf, client.DisablePAFXFAST(true))
	case cfg.Keytab != "":
		kt, err := keytab.Load(cfg.Keytab)
		if err != nil {
			k.err = &KerberosError{Err: fmt.Errorf("keytab %s: %w", cfg.Keytab, err)}
			return nil, k.err
		}
		cl = client.NewWithKeytab(user, realm, kt, conf, client.DisablePAFXFAST(true))
	default:
		cc, err := krbcred.LoadCCache(cfg.CCache)
		if err != nil {
			k.err = &KerberosError{Err: fmt.Errorf("credential cache %s: %w", cfg.CCache, err)}
			return nil, k.err
		}
		if cl, err = client.NewFromCCache(cc, conf, client.DisablePAFXFAST(true)); err != nil {
			k.err = &KerberosError{Err: fmt.Errorf("credential cache %s: %w", cfg.CCache, err)}
			return nil, k.err
		}
	}
	if err := cl.AffirmLogin(); err != nil {
		k.err = &KerberosError{Err: err}
		return nil, k.err
	}
	k.cl = cl
	// gokrb5 renews the TGT in a goroutine of its own until Destroy: end it when the client is no longer used.
	runtime.AddCleanup(k, func(cl *client.Client) { cl.Destroy() }, cl)
	return cl, nil
}

// token returns a fresh SPNEGO token for spn. Tokens are made one at a time, each with a later authenticator
// time than the one before (to the microsecond): a server's replay cache refuses a second authenticator of
// the same client and time.
func (k *kerberosAuth) token(spn string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cl, err := k.login()
	if err != nil {
		return "", err
	}
	for !time.Now().Truncate(time.Microsecond).After(k.last) {
		time.Sleep(time.Microsecond)
	}
	k.last = time.Now().Truncate(time.Microsecond)
	st, err := spnego.SPNEGOClient(cl, spn).InitSecContext()
	if err != nil {
		return "", &KerberosError{Err: err}
	}
	b, err := st.Marshal()
	if err != nil {
		return "", &KerberosError{Err: err}
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// spn returns the service principal for a request: the configured one, else HTTP/<host>.
func (k *kerberosAuth) spn(r *http.Request) string {
	if k.cfg.SPN != "" {
		return k.cfg.SPN
	}
	host := r.URL.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return "HTTP/" + strings.ToLower(strings.TrimSuffix(host, "."))
}

// RoundTrip implements http.RoundTripper.
func (k *kerberosAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := k.token(k.spn(r))
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Negotiate "+tok)
	return k.base.RoundTrip(r)
}

// negotiateAuto is AuthAuto when Kerberos is configured: the first request goes without credentials; when the
// server's challenge offers Negotiate, this request and every later one use Kerberos, else the other
// RoundTripper (NTLM, or Basic over https) does.
type negotiateAuto struct {
	base  http.RoundTripper
	krb   *kerberosAuth
	other http.RoundTripper
	state atomic.Int32 // 0: not known yet, 1: Kerberos, 2: other
}

// RoundTrip implements http.RoundTripper.
func (a *negotiateAuto) RoundTrip(r *http.Request) (*http.Response, error) {
	switch a.state.Load() {
	case 1:
		return a.krb.RoundTrip(r)
	case 2:
		return a.other.RoundTrip(r)
	}
	probe := r.Clone(r.Context())
	probe.Header.Del("Authorization")
	if r.Body != nil && r.GetBody != nil {
		b, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		probe.Body = b
	}
	resp, err := a.base.RoundTrip(probe)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	next, state := a.other, int32(2)
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		if strings.EqualFold(AuthScheme(v), "Negotiate") {
			next, state = a.krb, 1
			break
		}
	}
	a.state.Store(state)
	again := r.Clone(r.Context())
	if r.Body != nil && r.GetBody != nil {
		b, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		again.Body = b
	}
	return next.RoundTrip(again)
}
