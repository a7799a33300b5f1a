package ews

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as the SHA-1 thumbprint of the certificate
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ExchangeOnlineHost is the EWS host of Exchange Online (Microsoft 365).
const ExchangeOnlineHost = "outlook.office365.com"

// OAuth2App is an application registered in Microsoft Entra ID (Azure AD) that reaches Exchange Online
// mailboxes app-only: the OAuth2 client credentials flow, the application permission full_access_as_app, and
// Impersonation of the mailbox acted on. It proves itself with a client secret or, better, a certificate.
type OAuth2App struct {
	// TenantID is the directory (tenant) id or a verified domain ("contoso.onmicrosoft.com").
	TenantID string
	// ClientID is the application (client) id.
	ClientID string
	// ClientSecret is a client secret of the app; leave it empty with Certificate.
	ClientSecret string
	// Certificate and PrivateKey (RSA) are a certificate uploaded to the app and its key: the app then signs a
	// short-lived client assertion (RFC 7523) for each token instead of sending a secret.
	Certificate *x509.Certificate
	PrivateKey  crypto.Signer
	// AuthorityHost is the sign-in host tokens are asked of; empty means https://login.microsoftonline.com. A
	// national cloud's is its Cloud's AuthorityHost (CloudUSGovHigh.AuthorityHost, ...).
	AuthorityHost string
	// TokenURL is the token endpoint; empty means <AuthorityHost>/<TenantID>/oauth2/v2.0/token. It must be https
	// (http only on the loopback interface, for a local test server or proxy).
	TokenURL string
	// Scope is the scope asked for; empty means https://outlook.office365.com/.default.
	Scope string
	// HTTPClient sends the token requests; nil means a client with a one-minute timeout. Redirects are never
	// followed (they would carry the secret or assertion elsewhere).
	HTTPClient *http.Client
}

// Config returns a Config for mailbox on Exchange Online with this app: Host outlook.office365.com, AuthOAuth2
// with the app's token source, and Impersonation, as Exchange Online requires of app-only tokens.
func (a OAuth2App) Config(mailbox string) (Config, error) {
	ts, err := a.TokenSource(context.Background())
	if err != nil {
		return Config{}, err
	}
	return Config{Host: ExchangeOnlineHost, Auth: AuthOAuth2, TokenSource: ts, EmailAddress: mailbox, AccessType: Impersonation}, nil
}

// TokenSource checks the app's fields and returns a source of app-only tokens that asks for a new token only
// when the last one expires. ctx is used for the token requests.
func (a OAuth2App) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	if a.ClientID == "" {
		return nil, phraseErr("OAuth2App.ClientID", "is empty")
	}
	switch {
	case a.ClientSecret != "" && a.Certificate != nil:
		return nil, phraseErr("OAuth2App.ClientSecret", "and OAuth2App.Certificate are both set; set one")
	case a.ClientSecret == "" && a.Certificate == nil:
		return nil, phraseErr("OAuth2App.ClientSecret", "is empty: the app needs ClientSecret or Certificate and PrivateKey")
	case a.Certificate != nil:
		if _, ok := a.PrivateKey.(*rsa.PrivateKey); !ok {
			return nil, phraseErr("OAuth2App.PrivateKey", "must be the certificate's RSA private key")
		}
	}
	tokenURL, field := a.TokenURL, "OAuth2App.TokenURL"
	if tokenURL == "" {
		if a.TenantID == "" {
			return nil, phraseErr("OAuth2App.TenantID", "is empty (or set OAuth2App.TokenURL)")
		}
		if strings.ContainsAny(a.TenantID, "/?#@ %") {
			return nil, phraseErr("OAuth2App.TenantID", "%q is not a tenant id or domain", a.TenantID)
		}
		authority := a.AuthorityHost
		if authority == "" {
			authority = CloudGlobal.AuthorityHost
		}
		tokenURL, field = strings.TrimRight(authority, "/")+"/"+url.PathEscape(a.TenantID)+"/oauth2/v2.0/token", "OAuth2App.AuthorityHost"
	}
	if err := checkTokenURL(field, tokenURL); err != nil {
		return nil, err
	}
	scope := a.Scope
	if scope == "" {
		scope = "https://" + ExchangeOnlineHost + "/.default"
	}
	hc := &http.Client{Timeout: time.Minute}
	if a.HTTPClient != nil {
		c := *a.HTTPClient
		hc = &c
	}
	// A redirected POST would carry the secret or assertion to another address: the 3xx answer is an error.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	cc := &clientcredentials.Config{ClientID: a.ClientID, TokenURL: tokenURL, Scopes: []string{scope}, AuthStyle: oauth2.AuthStyleInParams}
	if a.ClientSecret != "" {
		cc.ClientSecret = a.ClientSecret
		return cc.TokenSource(ctx), nil // caches the token until it expires
	}
	return oauth2.ReuseTokenSource(nil, &assertionSource{ctx: ctx, cc: cc, app: a}), nil
}

// checkTokenURL accepts an https token endpoint, and http only on the loopback interface (a local test server or
// proxy): the secret never crosses a network in clear text. The URL is never quoted with its credentials.
func checkTokenURL(field, tokenURL string) error {
	u, err := url.Parse(tokenURL)
	switch {
	case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
		if err == nil {
			tokenURL = u.Redacted()
		}
		return phraseErr(field, "%q is not an https URL", tokenURL)
	case u.User != nil:
		return phraseErr(field, "must not hold credentials (user:password@)")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return phraseErr(field, "%q is not https: the client secret would cross the network in clear text (http is accepted only on the loopback interface)", u.Redacted())
	}
	return nil
}

// assertionSource gets a token with a fresh client assertion each time.
type assertionSource struct {
	ctx context.Context
	cc  *clientcredentials.Config
	app OAuth2App
}

func (s *assertionSource) Token() (*oauth2.Token, error) {
	jwt, err := clientAssertion(s.app, s.cc.TokenURL, time.Now())
	if err != nil {
		return nil, err
	}
	cc := *s.cc
	cc.EndpointParams = url.Values{
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {jwt},
	}
	return cc.Token(s.ctx)
}

// clientAssertion makes the signed JWT Microsoft's identity platform takes as a certificate credential: RS256,
// the certificate's thumbprint in x5t, audience the token endpoint, issuer and subject the client id, valid
// for ten minutes.
func clientAssertion(a OAuth2App, aud string, now time.Time) (string, error) {
	thumb := sha1.Sum(a.Certificate.Raw) //nolint:gosec // see import
	thumb256 := sha256.Sum256(a.Certificate.Raw)
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT",
		"x5t": base64.RawURLEncoding.EncodeToString(thumb[:]), "x5t#S256": base64.RawURLEncoding.EncodeToString(thumb256[:])})
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	claims, _ := json.Marshal(map[string]any{"aud": aud, "iss": a.ClientID, "sub": a.ClientID, "jti": hex.EncodeToString(jti[:]),
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()})
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := a.PrivateKey.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("ews: signing the client assertion: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// String describes the app without its secret or key, so that logging it (%v, %+v, %#v) cannot leak them.
func (a OAuth2App) String() string {
	secret := `""`
	if a.ClientSecret != "" {
		secret = "(hidden)"
	}
	cert := "nil"
	if a.Certificate != nil {
		cert = fmt.Sprintf("%q", a.Certificate.Subject.String())
	}
	return fmt.Sprintf("{TenantID:%q ClientID:%q ClientSecret:%s Certificate:%s AuthorityHost:%q TokenURL:%q Scope:%q}", a.TenantID, a.ClientID, secret,
		cert, a.AuthorityHost, a.TokenURL, a.Scope)
}

// GoString is String.
func (a OAuth2App) GoString() string { return a.String() }
