// Package ews is a client for Exchange Web Services (EWS): mail, calendar and contacts of Exchange 2007-2019,
// Exchange SE and Office 365 mailboxes, over SOAP/XML and HTTP, with NTLM, Kerberos, Basic or OAuth2 authentication.
//
// A Client is made from a Config with New and offers its operations through services:
// Client.Mail, Client.Calendar and Client.Contacts. Every call takes a context first. Errors reported by the
// server are *Error values that errors.Is matches against sentinels such as ErrItemNotFound.
package ews

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/wintz"
	"golang.org/x/oauth2"
)

// AccessType says how the client acts on a mailbox other than the account's own.
type AccessType string

// Access types.
const (
	// Delegate acts with the account's own rights; another mailbox is reached by naming it in folder ids.
	Delegate AccessType = "Delegate"
	// Impersonation acts as the mailbox's owner through the ExchangeImpersonation header; the account needs the
	// ApplicationImpersonation role.
	Impersonation AccessType = "Impersonation"
)

// AuthMethod selects the authentication scheme.
type AuthMethod string

// Authentication methods.
const (
	// AuthAuto uses the strongest scheme the server offers: Kerberos when the server offers Negotiate and a
	// Kerberos configuration exists for the user (krb5.conf knows the user's realm, or there is no password and a
	// credential cache), else NTLM, else Basic (Basic only over https with the certificate verified: never when
	// InsecureSkipVerify is set).
	AuthAuto AuthMethod = soap.AuthAuto
	// AuthNTLM uses NTLM (NTLMv2), the usual choice for Exchange on premises.
	AuthNTLM AuthMethod = soap.AuthNTLM
	// AuthBasic sends Basic credentials with every request, even over http.
	AuthBasic AuthMethod = soap.AuthBasic
	// AuthOAuth2 sends a Bearer token from Config.TokenSource (Office 365).
	AuthOAuth2 AuthMethod = soap.AuthOAuth2
	// AuthKerberos sends a Kerberos service ticket in SPNEGO (HTTP Negotiate) with every request. Tickets come
	// from the KDC with Username ("user@REALM" or "REALM\user") and Password, else with Keytab, else from the
	// credential cache of KRB5CCNAME. The krb5.conf is KRB5_CONFIG's, else /etc/krb5.conf; the service principal
	// is HTTP/<host> unless KerberosSPN says otherwise. See auth_kerberos.go.
	AuthKerberos AuthMethod = soap.AuthKerberos
)

// Config holds what a client needs to reach a mailbox.
type Config struct {
	// Host is the server's host name ("mail.example.com", optionally with a port) or a full EWS URL
	// ("https://mail.example.com/EWS/Exchange.asmx").
	Host string
	// Protocol is "https" (the default) or "http"; it is ignored when Host is a URL.
	Protocol string
	// Username is "DOMAIN\user" or a UPN ("user@example.com"). Not needed with OAuth2.
	Username string
	// Password of the account. It never appears in errors or logs.
	Password string
	// EmailAddress is the mailbox to act on. It defaults to Username when that is a UPN.
	EmailAddress string
	// AccessType is Delegate (the default) or Impersonation.
	AccessType AccessType
	// Auth is the authentication method; AuthAuto by default.
	Auth AuthMethod
	// TokenSource provides OAuth2 tokens for AuthOAuth2.
	TokenSource oauth2.TokenSource
	// InsecureSkipVerify turns off TLS certificate verification. Verification is on unless this is set.
	InsecureSkipVerify bool
	// RootCAs, if set, are the certificate authorities trusted instead of the system's.
	RootCAs *x509.CertPool
	// KerberosSPN is the service principal of AuthKerberos; empty means HTTP/<host of the EWS URL>.
	KerberosSPN string
	// Keytab is a keytab file with the key of Username, for AuthKerberos without a password.
	Keytab string
	// Transport, if set, carries every HTTP round trip; the client wraps it with its authentication (NTLM,
	// Kerberos, Basic, OAuth2), so a tracing, metrics or custom-dialer RoundTripper composes with every
	// method. An *http.Transport is used as the model of the client's connections (its proxy, dialer and TLS
	// settings are kept, with TLS 1.2 and Config's RootCAs and InsecureSkipVerify when it has no TLS settings).
	// Any other RoundTripper gets the requests as they are: as NTLM authenticates connections and such a
	// RoundTripper cannot be told which to use, MaxConcurrency then defaults to 1 with AuthNTLM and AuthAuto.
	Transport http.RoundTripper
	// Proxy, if set, chooses the proxy of each request (e.g. http.ProxyURL(u)); nil means the environment's
	// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (http.ProxyFromEnvironment). Credentials of the mailbox go through
	// the proxy's CONNECT tunnel to the server, never to the proxy.
	Proxy func(*http.Request) (*url.URL, error)
	// Tracer, if set, is told of every request, EWS or Graph (see Tracer); it is how OpenTelemetry plugs in.
	Tracer Tracer
	// HTTPClient, if set, sends every request and the client adds no authentication: it is for callers that
	// authenticate themselves. Auth, Username, Password, TokenSource, Transport, Proxy, InsecureSkipVerify and
	// RootCAs are then not used. To add tracing or a proxy and keep the SDK's authentication, use Transport
	// and Proxy instead.
	HTTPClient *http.Client
	// Version is the RequestServerVersion to send, e.g. "Exchange2016" or "Exchange2010_SP2". Empty: detected
	// from the server's first answer.
	Version string
	// Location is the time zone of times the client returns and of the TimeZoneContext header; UTC by default.
	Location *time.Location
	// Logger receives debug records of requests (never credentials) and warnings; nil logs nothing.
	Logger *slog.Logger
	// LogBodies adds the request and response bodies (each up to 64 KiB) to the debug records of Logger. They
	// hold mailbox content; credentials are never logged.
	LogBodies bool
	// Timeout bounds each HTTP request (each attempt, when a request is retried); 0 means 2 minutes. The
	// context bounds whole operations, retries included.
	Timeout time.Duration
	// Retry says how failed requests are retried; nil means the defaults of RetryPolicy. Retries are turned off
	// with &RetryPolicy{MaxAttempts: 1}.
	Retry *RetryPolicy
	// MaxResponseBytes limits the size of one response; 0 means 256 MiB.
	MaxResponseBytes int64
	// MaxConcurrency bounds the requests in flight at once over all services and iterators; 0 means 8. The
	// client lowers it for a while when the server says the account has too many connections.
	MaxConcurrency int
	// UserAgent is sent with each request; it defaults to "ewsgo/0.1".
	UserAgent string

	// Autodiscover, when true, finds the EWS URL of EmailAddress with Exchange Autodiscover on the first operation
	// (or with Discover), instead of Host, which must then be empty. See Discover for the order of probes and the
	// rules that keep credentials from hosts outside the mailbox's own domain.
	Autodiscover bool
	// AutodiscoverURL, if set, is the Autodiscover endpoint to ask instead of probing the domain:
	// "https://host/autodiscover/autodiscover.svc" (SOAP), ".../autodiscover.xml" (POX) or "https://host" (both).
	// Its host is trusted with credentials. It needs Autodiscover.
	AutodiscoverURL string
	// AutodiscoverTrustedHosts lists hosts outside the mailbox's registrable domain that autodiscover may send
	// credentials to and follow redirects to; an entry trusts the host and its subdomains ("contoso-mail.net").
	// Public suffixes ("com", "co.uk") and autodiscover.<public suffix> are refused.
	AutodiscoverTrustedHosts []string
	// AutodiscoverCacheTTL is how long a discovered URL is reused, per domain; 0 means 24 hours, a negative value
	// turns the cache off.
	AutodiscoverCacheTTL time.Duration
	// AutodiscoverCacheFile, if set, is a file that keeps discovered URLs across processes (mode 0600). It holds
	// domains, URLs and versions, never credentials or addresses.
	AutodiscoverCacheFile string

	// Backend is the wire: BackendEWS (the default), BackendGraph (Microsoft Graph, for Exchange Online after
	// EWS there ends) or BackendAuto (Graph for Exchange Online hosts, EWS elsewhere). With BackendGraph, Host is
	// not needed; EmailAddress names the mailbox, and authentication is OAuth2 (TokenSource or App) with tokens
	// for Graph. With BackendAuto, set App rather than TokenSource: App's token gets the scope of the backend
	// chosen, while a TokenSource's tokens are for the one audience it was made for.
	Backend Backend
	// GraphEndpoint is the Graph service root; empty means https://graph.microsoft.com. National clouds have
	// their own (see Clouds and Cloud.Apply); a test server's URL points the client at it.
	GraphEndpoint string
	// AuthorityHost is the sign-in host App's tokens are asked of, at {AuthorityHost}/{TenantID}/oauth2/v2.0/token;
	// empty means https://login.microsoftonline.com.
	AuthorityHost string
	// App, with AuthOAuth2 (the default when App is set) and no TokenSource, is the application registration whose
	// app-only tokens the client uses: the client-credentials grant at AuthorityHost, with the ".default" scope
	// of GraphEndpoint (graph backend) or of the EWS host (EWS backend), unless App sets TokenURL or Scope.
	App *OAuth2App

	// dial replaces the dialer (tests).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// adHooks replaces autodiscover's resolver, clock, cache and probe timeout (tests).
	adHooks *autodiscoverHooks
}

// Client is a connection to one EWS endpoint, acting on one mailbox. It is safe for concurrent use.
type Client struct {
	cfg      Config
	url      string
	wire     *soap.Client
	mailbox  string // the mailbox acted on
	shared   *shared
	affinity *soap.Affinity // server affinity of the mailbox's subscriptions (notify.go)
	mail     *MailService
	calendar *CalendarService
	contacts *ContactsService
	// graph is the Graph wire when the backend is BackendGraph; nil for EWS.
	graph *graph.Client
}

// shared is the state a Client shares with the clients ForMailbox derives from it.
type shared struct {
	mu       sync.Mutex
	versions map[string]*endpointVersion // endpoint URL -> its RequestServerVersion (version.go)
	server   *ServerVersion
	limit    *limiter
	retry    RetryPolicy
	// pauseUntil is the end of a back-off the server asked for (ErrorServerBusy, Retry-After): no request of
	// the client is sent before; pauseErr is the error that asked for it.
	pauseUntil time.Time
	pauseErr   error
	folders    map[string]soap.FolderRef // "<mailbox>\x00<lower path>" -> folder
	graphIDs   graphIDCache              // EWS ids translated for the Graph wire (graph_ids.go)
	warned     sync.Once
	disc       discoverState // autodiscover's result (autodiscover.go)
	// secrets are the password, the Basic credentials and the tokens in use: no error text shows them.
	secrets *secrets
}

// ServerVersion describes the server, from its ServerVersionInfo header.
type ServerVersion struct {
	Major, Minor, Build, Revision int
	// Version is the schema version the server reports, e.g. "V2017_07_11" (empty on old servers).
	Version string
}

// String formats the build number, e.g. "15.2.1118.7".
func (v ServerVersion) String() string {
	return fmt.Sprintf("%d.%d.%d.%d", v.Major, v.Minor, v.Build, v.Revision)
}

// defaultUserAgent is sent when Config.UserAgent is empty.
const defaultUserAgent = "ewsgo/0.1"

// New checks cfg and returns a client. It makes no request; the first operation connects.
func New(cfg Config) (*Client, error) {
	backend, err := resolveBackend(&cfg)
	if err != nil {
		return nil, err
	}
	var u string
	if backend == BackendGraph {
		err = checkGraphConfig(&cfg)
	} else {
		u, err = endpointURL(cfg)
		if cfg.Autodiscover || cfg.AutodiscoverURL != "" {
			u, err = "", checkAutodiscoverHost(cfg)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := appTokens(&cfg, backend, u); err != nil {
		return nil, err
	}
	if cfg.AccessType == "" {
		cfg.AccessType = Delegate
	}
	if cfg.AccessType != Delegate && cfg.AccessType != Impersonation {
		return nil, fmt.Errorf("ews: Config.AccessType %q is not Delegate or Impersonation", cfg.AccessType)
	}
	if cfg.Auth == "" {
		cfg.Auth = AuthAuto
	}
	switch cfg.Auth {
	case AuthAuto, AuthNTLM, AuthBasic:
		if cfg.HTTPClient == nil && cfg.Username == "" {
			return nil, errors.New("ews: Config.Username is empty")
		}
		if cfg.HTTPClient == nil && cfg.Password == "" {
			return nil, errors.New("ews: Config.Password is empty")
		}
		if cfg.Username != "" {
			if err := checkUsername(cfg.Username); err != nil {
				return nil, err
			}
		}
	case AuthOAuth2:
		if cfg.HTTPClient == nil && cfg.TokenSource == nil {
			return nil, errors.New("ews: Config.TokenSource is nil (required with AuthOAuth2; or set Config.App)")
		}
	case AuthKerberos:
		if cfg.HTTPClient == nil {
			if _, err := soap.CheckKerberos(kerberosConfig(cfg)); err != nil {
				return nil, fmt.Errorf("ews: Config (AuthKerberos): %w", err)
			}
		}
	default:
		return nil, fmt.Errorf("ews: Config.Auth %q is not one of auto, ntlm, basic, oauth2, kerberos", cfg.Auth)
	}
	if cfg.MaxConcurrency == 0 && cfg.HTTPClient == nil && (cfg.Auth == AuthNTLM || cfg.Auth == AuthAuto) && cfg.Transport != nil {
		if _, ok := cfg.Transport.(*http.Transport); !ok {
			cfg.MaxConcurrency = 1 // see Config.Transport
		}
	}
	if cfg.EmailAddress == "" && strings.Contains(cfg.Username, "@") && cfg.Auth != AuthKerberos {
		cfg.EmailAddress = cfg.Username
	}
	if cfg.EmailAddress != "" {
		if err := checkEmail("Config.EmailAddress", cfg.EmailAddress); err != nil {
			return nil, err
		}
	}
	if cfg.Autodiscover {
		if err := checkAutodiscover(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.AccessType == Impersonation && cfg.EmailAddress == "" {
		return nil, errors.New("ews: Config.EmailAddress is empty (required with Impersonation)")
	}
	if cfg.Version != "" && !knownVersion(cfg.Version) {
		return nil, fmt.Errorf("ews: Config.Version %q is not an EWS RequestServerVersion (e.g. Exchange2013_SP1, Exchange2016)", cfg.Version)
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("ews: Config.Timeout is negative")
	}
	if cfg.MaxConcurrency == 0 {
		cfg.MaxConcurrency = 8
	}
	if cfg.MaxConcurrency < 0 {
		return nil, errors.New("ews: Config.MaxConcurrency is negative")
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	retry, err := cfg.Retry.resolve()
	if err != nil {
		return nil, err
	}
	sec := clientSecrets(cfg)
	cfg.Logger, cfg.TokenSource = redactLogger(cfg, sec)
	tc := soap.TransportConfig{
		Method:             string(cfg.Auth),
		Username:           cfg.Username,
		Password:           cfg.Password,
		TokenSource:        cfg.TokenSource,
		HTTPS:              strings.HasPrefix(u, "https://") || cfg.Autodiscover,
		InsecureSkipVerify: cfg.InsecureSkipVerify,
		RootCAs:            cfg.RootCAs,
		MaxConnsPerHost:    cfg.MaxConcurrency,
		Timeout:            0, // each attempt is bounded by a context of Config.Timeout (see attempt)
		DialContext:        cfg.dial,
		Base:               cfg.Transport,
		Proxy:              cfg.Proxy,
		Kerberos:           autoKerberos(cfg),
	}
	hc := cfg.HTTPClient
	if hc == nil {
		if cfg.InsecureSkipVerify && cfg.Logger != nil {
			where := u
			if backend == BackendGraph {
				where = cfg.GraphEndpoint
			}
			cfg.Logger.Warn("ews: TLS certificate verification is turned off", slog.String("url", where))
		}
		hc = soap.NewHTTPClient(tc)
	}
	c := &Client{
		cfg:     cfg,
		url:     u,
		mailbox: cfg.EmailAddress,
		shared: &shared{
			versions: map[string]*endpointVersion{},
			limit:    newLimiter(cfg.MaxConcurrency),
			retry:    retry,
			folders:  map[string]soap.FolderRef{},
			secrets:  sec,
		},
	}
	maxResp := cfg.MaxResponseBytes
	if maxResp <= 0 {
		maxResp = soap.DefaultMaxResponseBytes
	}
	c.wire = &soap.Client{URL: u, HTTP: hc, UserAgent: cfg.UserAgent, MaxResponseBytes: cfg.MaxResponseBytes, Budget: soap.NewBudget(maxResp / 2), Logger: cfg.Logger,
		LogBodies: cfg.LogBodies, Trace: traceHook(cfg.Tracer), AuthMethod: string(c.authMethod())}
	if cfg.Auth != AuthOAuth2 {
		c.wire.Username = cfg.Username // an *AuthError names the refused account; an OAuth2 token has none
	}
	if cfg.Auth == AuthOAuth2 || cfg.AccessType == Impersonation {
		// Exchange Online and Exchange 2013+ route a request by X-AnchorMailbox: with OAuth2 the token's account
		// may differ from the mailbox, and an impersonated request must reach the impersonated mailbox's server.
		c.wire.AnchorMailbox = cfg.EmailAddress
	}
	c.affinity = &soap.Affinity{Anchor: cfg.EmailAddress}
	if backend == BackendGraph {
		if c.graph, err = c.newGraphWire(tc); err != nil {
			return nil, fmt.Errorf("ews: Config.GraphEndpoint: %w", err)
		}
	}
	c.initServices()
	return c, nil
}

func (c *Client) initServices() {
	c.mail = &MailService{c: c}
	c.calendar = &CalendarService{c: c}
	c.contacts = &ContactsService{c: c}
}

// URL returns the EWS endpoint the client talks to ("" while Autodiscover has not found it yet).
func (c *Client) URL() string {
	if c.graph != nil {
		return c.cfg.GraphEndpoint + "/v1.0"
	}
	if c.cfg.Autodiscover {
		return c.shared.disc.url()
	}
	return c.url
}

// CloseIdleConnections closes the connections the client keeps open for reuse (and that NTLM authenticated).
// Requests in flight are not affected; a later request opens a new connection.
func (c *Client) CloseIdleConnections() {
	c.wire.HTTP.CloseIdleConnections()
	if c.graph != nil {
		c.graph.CloseIdleConnections()
	}
}

// Mailbox returns the address of the mailbox the client acts on ("" means the account's own).
func (c *Client) Mailbox() string { return c.mailbox }

// Mail returns the mail service.
func (c *Client) Mail() *MailService { return c.mail }

// Calendar returns the calendar service.
func (c *Client) Calendar() *CalendarService { return c.calendar }

// Contacts returns the contacts service.
func (c *Client) Contacts() *ContactsService { return c.contacts }

// ForMailbox returns a client for another mailbox that shares this client's connections, authentication,
// concurrency limit and caches. With Impersonation it impersonates the mailbox's owner; with Delegate it names
// the mailbox in every distinguished folder id, so the account needs delegate rights on it.
func (c *Client) ForMailbox(emailAddress string) (*Client, error) {
	if err := checkEmail("emailAddress", emailAddress); err != nil {
		return nil, err
	}
	d := *c
	d.mailbox = emailAddress
	if (d.cfg.Auth == AuthOAuth2 || d.cfg.AccessType == Impersonation) && c.cfg.HTTPClient == nil {
		w := *c.wire
		w.AnchorMailbox = emailAddress
		d.wire = &w
	}
	d.affinity = &soap.Affinity{Anchor: emailAddress}
	if c.graph != nil {
		g, err := c.graph.ForMailbox(emailAddress)
		if err != nil {
			return nil, err
		}
		d.graph = g
	}
	d.initServices()
	return &d, nil
}

// ServerVersion returns the server's version once a request has been answered, and false before.
func (c *Client) ServerVersion() (ServerVersion, bool) {
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	if c.shared.server == nil {
		return ServerVersion{}, false
	}
	return *c.shared.server, true
}

// Location returns the time zone the client returns times in.
func (c *Client) Location() *time.Location { return c.cfg.Location }

func (c *Client) authMethod() AuthMethod {
	if c.cfg.HTTPClient != nil {
		return ""
	}
	return c.cfg.Auth
}

// endpointURL builds the EWS URL from Host and Protocol.
func endpointURL(cfg Config) (string, error) {
	host := strings.TrimSpace(cfg.Host)
	if host == "" {
		return "", errors.New("ews: Config.Host is empty")
	}
	proto := strings.ToLower(cfg.Protocol)
	if proto == "" {
		proto = "https"
	}
	if proto != "https" && proto != "http" {
		return "", fmt.Errorf("ews: Config.Protocol %q is not https or http", cfg.Protocol)
	}
	if strings.Contains(host, "://") {
		u, err := url.Parse(host)
		if err != nil {
			return "", fmt.Errorf("ews: Config.Host is not a valid URL: %v", err)
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			return "", fmt.Errorf("ews: Config.Host URL scheme %q is not https or http", u.Scheme)
		}
		if u.Host == "" {
			return "", errors.New("ews: Config.Host URL has no host")
		}
		if u.User != nil {
			return "", errors.New("ews: Config.Host URL must not hold credentials; use Username and Password")
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/EWS/Exchange.asmx"
		}
		return u.String(), nil
	}
	if strings.ContainsAny(host, "/?#@ ") {
		return "", fmt.Errorf("ews: Config.Host %q is not a host name", host)
	}
	return proto + "://" + host + "/EWS/Exchange.asmx", nil
}

func checkUsername(u string) error {
	if strings.ContainsAny(u, "\r\n\x00") {
		return errors.New("ews: Config.Username contains control characters")
	}
	if d, n, ok := strings.Cut(u, `\`); ok && (d == "" || n == "") {
		return fmt.Errorf("ews: Config.Username %q must be DOMAIN\\user or user@domain", u)
	}
	return nil
}

// checkEmail does a light check of an SMTP address.
func checkEmail(field, addr string) error {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " \t\r\n<>\x00") {
		return fmt.Errorf("ews: %s %q is not an email address", field, addr)
	}
	return nil
}

// header builds the SOAP header of a request that carries RequestServerVersion v.
func (c *Client) header(v string) soap.Header {
	h := soap.Header{Version: v}
	if c.cfg.AccessType == Impersonation && c.mailbox != "" {
		h.Impersonation = &soap.ConnectingSID{PrimarySmtpAddress: c.mailbox}
	}
	if versionHas(v, featTimeZoneContext) {
		id, ok := wintz.WindowsID(c.cfg.Location)
		if !ok {
			id = "UTC"
			c.shared.warned.Do(func() {
				if c.cfg.Logger != nil {
					c.cfg.Logger.Warn("ews: no Windows time zone for the configured location; using UTC", slog.String("location", c.cfg.Location.String()))
				}
			})
		}
		h.TimeZoneID = id
	}
	return h
}
