package ews

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
)

// Backend selects the wire a Client speaks: EWS (SOAP/XML) or Microsoft Graph (REST/JSON). The services, the
// resource types and the errors are the same over both; what Graph cannot do is refused with a
// *NotSupportedError (errors.Is(err, ErrNotSupportedByBackend)). docs/GRAPH.md lists what each backend supports.
type Backend string

// Backends.
const (
	// BackendEWS speaks Exchange Web Services to Config.Host (the default).
	BackendEWS Backend = "ews"
	// BackendGraph speaks Microsoft Graph v1.0 to Config.GraphEndpoint, app-only with OAuth2, for the mailbox
	// Config.EmailAddress. Exchange Online turns EWS off on 1 April 2027; Graph is its way on.
	BackendGraph Backend = "graph"
	// BackendAuto chooses Graph when Config.Host is an Exchange Online host (outlook.office365.com and the
	// national clouds' hosts, see Clouds), and EWS elsewhere (on-premises Exchange, and Autodiscover).
	BackendAuto Backend = "auto"
)

// Cloud is a Microsoft cloud: its Graph service root, its sign-in host (Microsoft Entra ID) and the EWS host of
// its Exchange Online. The presets come from Microsoft's "Microsoft Graph national cloud deployments".
type Cloud struct {
	// Name is the preset's name: "global", "gcchigh", "dod" or "china".
	Name string
	// GraphEndpoint is the Graph service root (Config.GraphEndpoint).
	GraphEndpoint string
	// AuthorityHost is the sign-in host that gives tokens (Config.AuthorityHost).
	AuthorityHost string
	// EWSHost is the EWS host of the cloud's Exchange Online (BackendAuto chooses Graph for it).
	EWSHost string
}

// The clouds.
var (
	// CloudGlobal is Microsoft's global cloud (the default).
	CloudGlobal = Cloud{Name: "global", GraphEndpoint: "https://graph.microsoft.com",
		AuthorityHost: "https://login.microsoftonline.com", EWSHost: ExchangeOnlineHost}
	// CloudUSGovHigh is Microsoft Cloud for US Government L4 (GCC High).
	CloudUSGovHigh = Cloud{Name: "gcchigh", GraphEndpoint: "https://graph.microsoft.us",
		AuthorityHost: "https://login.microsoftonline.us", EWSHost: "outlook.office365.us"}
	// CloudUSGovDoD is Microsoft Cloud for US Government L5 (DoD).
	CloudUSGovDoD = Cloud{Name: "dod", GraphEndpoint: "https://dod-graph.microsoft.us",
		AuthorityHost: "https://login.microsoftonline.us", EWSHost: "webmail.apps.mil"}
	// CloudChina is Microsoft 365 operated by 21Vianet in China.
	CloudChina = Cloud{Name: "china", GraphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
		AuthorityHost: "https://login.chinacloudapi.cn", EWSHost: "partner.outlook.cn"}
)

// Clouds lists the cloud presets.
var Clouds = []Cloud{CloudGlobal, CloudUSGovHigh, CloudUSGovDoD, CloudChina}

// CloudNamed returns the preset named name ("global", "gcchigh", "dod", "china"; case-insensitive).
func CloudNamed(name string) (Cloud, bool) {
	for _, c := range Clouds {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, true
		}
	}
	return Cloud{}, false
}

// Apply sets cfg's GraphEndpoint and AuthorityHost to the cloud's.
func (cl Cloud) Apply(cfg *Config) {
	cfg.GraphEndpoint, cfg.AuthorityHost = cl.GraphEndpoint, cl.AuthorityHost
}

// CloudOfHost returns the cloud whose Exchange Online serves host: Config.Host as a host name, host:port or EWS
// URL ("outlook.office365.com", "https://outlook.office365.us/EWS/Exchange.asmx"). BackendAuto chooses Graph for
// these hosts.
func CloudOfHost(host string) (Cloud, bool) { return onlineCloud(hostName(host)) }

// onlineCloud returns the cloud whose Exchange Online host is host (outlook.office.com counts as the global one).
func onlineCloud(host string) (Cloud, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "outlook.office.com" {
		return CloudGlobal, true
	}
	for _, c := range Clouds {
		if host == c.EWSHost {
			return c, true
		}
	}
	return Cloud{}, false
}

// hostName returns the host name of Config.Host (a host, host:port or URL), lower-case.
func hostName(h string) string {
	h = strings.TrimSpace(h)
	if strings.Contains(h, "://") {
		if u, err := url.Parse(h); err == nil {
			return strings.ToLower(u.Hostname())
		}
		return ""
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return strings.ToLower(host)
	}
	return strings.ToLower(h)
}

// resolveBackend checks Backend, GraphEndpoint and AuthorityHost, fills in their defaults and returns the
// backend in use (auto resolved).
func resolveBackend(cfg *Config) (Backend, error) {
	b := Backend(strings.ToLower(strings.TrimSpace(string(cfg.Backend))))
	switch b {
	case "", BackendEWS:
		b = BackendEWS
	case BackendGraph:
	case BackendAuto:
		b = BackendEWS
		if cl, ok := onlineCloud(hostName(cfg.Host)); ok {
			b = BackendGraph
			if cfg.GraphEndpoint == "" && cfg.AuthorityHost == "" {
				cl.Apply(cfg)
			}
		}
	default:
		return "", fmt.Errorf("ews: Config.Backend %q is not ews, graph or auto", cfg.Backend)
	}
	if cfg.GraphEndpoint == "" {
		cfg.GraphEndpoint = CloudGlobal.GraphEndpoint
	}
	if cfg.AuthorityHost == "" {
		cfg.AuthorityHost = CloudGlobal.AuthorityHost
	}
	var err error
	if cfg.GraphEndpoint, err = serviceRoot("Config.GraphEndpoint", cfg.GraphEndpoint); err != nil {
		return "", err
	}
	if cfg.AuthorityHost, err = serviceRoot("Config.AuthorityHost", cfg.AuthorityHost); err != nil {
		return "", err
	}
	cfg.Backend = b
	return b, nil
}

// serviceRoot checks a service root URL (scheme and host, no path, query or credentials; http only on the
// loopback interface, for test servers) and returns it without a trailing slash.
func serviceRoot(field, s string) (string, error) {
	example := CloudGlobal.GraphEndpoint
	if field == "Config.AuthorityHost" {
		example = CloudGlobal.AuthorityHost
	}
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return "", fmt.Errorf("ews: %s %q is not an https URL such as %s", field, s, example)
	case u.User != nil:
		return "", fmt.Errorf("ews: %s must not hold credentials", field)
	case u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		return "", fmt.Errorf("ews: %s %q must be a service root without a path or query (e.g. %s)", field, s, example)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return "", fmt.Errorf("ews: %s %q is not https: tokens would cross the network in clear text (http is accepted only on the loopback interface)", field, s)
	}
	return u.Scheme + "://" + u.Host, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkGraphConfig checks what the graph backend needs of cfg.
func checkGraphConfig(cfg *Config) error {
	if cfg.Autodiscover || cfg.AutodiscoverURL != "" {
		return errors.New("ews: Config.Autodiscover cannot be used with the graph backend (Graph has one endpoint per cloud: Config.GraphEndpoint)")
	}
	if cfg.EmailAddress == "" && strings.Contains(cfg.Username, "@") {
		cfg.EmailAddress = cfg.Username
	}
	if cfg.EmailAddress == "" {
		return errors.New("ews: Config.EmailAddress is empty (required with the graph backend: the mailbox acted on)")
	}
	if cfg.HTTPClient != nil {
		return nil
	}
	switch cfg.Auth {
	case "", AuthOAuth2:
		cfg.Auth = AuthOAuth2
	default:
		return fmt.Errorf("ews: Config.Auth %q cannot be used with the graph backend; Graph takes OAuth2 tokens (AuthOAuth2 with TokenSource or App)", cfg.Auth)
	}
	return nil
}

// appTokens makes the TokenSource of Config.App: app-only tokens asked for at
// {AuthorityHost}/{TenantID}/oauth2/v2.0/token with the ".default" scope of Graph (graph backend) or of the EWS
// host (EWS backend), unless the app sets TokenURL or Scope itself.
func appTokens(cfg *Config, backend Backend, ewsURL string) error {
	if cfg.App == nil || cfg.TokenSource != nil || cfg.HTTPClient != nil {
		return nil
	}
	if cfg.Auth == "" {
		cfg.Auth = AuthOAuth2
	}
	if cfg.Auth != AuthOAuth2 {
		return fmt.Errorf("ews: Config.App is set with Config.Auth %q; an app authenticates with AuthOAuth2", cfg.Auth)
	}
	app := *cfg.App
	if app.TokenURL == "" {
		if app.TenantID == "" {
			return errors.New("ews: Config.App.TenantID is empty")
		}
		if strings.ContainsAny(app.TenantID, "/?#@ %") {
			return fmt.Errorf("ews: Config.App.TenantID %q is not a tenant id or domain", app.TenantID)
		}
		app.TokenURL = cfg.AuthorityHost + "/" + url.PathEscape(app.TenantID) + "/oauth2/v2.0/token"
	}
	if app.Scope == "" {
		if backend == BackendGraph {
			app.Scope = cfg.GraphEndpoint + "/.default"
		} else if h := hostName(ewsURL); h != "" {
			app.Scope = "https://" + h + "/.default"
		}
	}
	ts, err := app.TokenSource(context.Background())
	if err != nil {
		return fmt.Errorf("ews: Config.App: %s", strings.TrimPrefix(err.Error(), "ews: "))
	}
	cfg.TokenSource = ts
	return nil
}

// newGraphWire makes the Graph client of c, sharing c's retry policy, concurrency limit and back-off pause.
func (c *Client) newGraphWire(tc soap.TransportConfig) (*graph.Client, error) {
	cfg := c.cfg
	hc := cfg.HTTPClient
	ts := cfg.TokenSource
	if hc == nil {
		hc = soap.NewPlainHTTPClient(tc)
	} else {
		ts = nil // the caller's client authenticates
	}
	p := &c.shared.retry
	return graph.New(graph.Config{
		Endpoint:         cfg.GraphEndpoint,
		Mailbox:          c.mailbox,
		TokenSource:      ts,
		HTTPClient:       hc,
		Timeout:          cfg.Timeout,
		MaxAttempts:      p.MaxAttempts,
		MaxWait:          p.MaxWait,
		BaseDelay:        p.BaseDelay,
		MaxDelay:         p.MaxDelay,
		MaxResponseBytes: cfg.MaxResponseBytes,
		UserAgent:        cfg.UserAgent,
		Sleep:            p.clock.Sleep,
		Acquire: func(ctx context.Context) (func(), error) {
			if err := c.shared.limit.acquire(ctx); err != nil {
				return nil, err
			}
			return c.shared.limit.release, nil
		},
		PauseLeft: func() time.Duration { d, _ := c.pauseLeft(p); return d },
		Throttled: func(d time.Duration, err error) { c.pause(p, d, err) },
		Observe:   c.logGraph,
		Trace:     c.graphTraceHook(cfg.Tracer),
	})
}

// logGraph writes a debug record of a Graph request to Config.Logger (which redacts the client's secrets).
func (c *Client) logGraph(ctx context.Context, method, path string, status int, elapsed time.Duration, err error) {
	if c.cfg.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("method", method), slog.String("path", path), slog.Int("status", status),
		slog.Duration("elapsed", elapsed)}
	msg := "ews graph request"
	if err != nil {
		msg = "ews graph request failed"
		attrs = append(attrs, slog.String("error", c.scrubError(err).Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

// Backend returns the backend the client speaks (BackendAuto resolved).
func (c *Client) Backend() Backend {
	if c.graph != nil {
		return BackendGraph
	}
	return BackendEWS
}

// ewsOnly is the error of an EWS operation asked of a client on the graph backend: what the SDK does only
// over EWS so far (docs/GRAPH.md lists it).
func ewsOnly(op string) error {
	return &NotSupportedError{Backend: string(BackendGraph), What: op,
		Msg:  "this operation is not available over Microsoft Graph yet",
		Hint: "see docs/GRAPH.md for what each backend supports, or use the ews backend where EWS is still on"}
}

// graphErr converts an error of the Graph wire for op: Graph's error answers become *Error values with the
// SDK's codes (404 matches ErrItemNotFound, or notFound when given, such as ErrFolderNotFound), 401 an
// *AuthError, requests that may have been carried out match ErrOutcomeUnknown; all wrapped in an *OpError
// naming the operation. The context's own error is returned as it is.
func (c *Client) graphErr(op string, err error, notFound *Error) error {
	if err == nil || err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	unknown := errors.Is(err, graph.ErrOutcomeUnknown)
	var ge *graph.Error
	var rq *graph.RequestError
	var out error
	switch {
	case errors.As(err, &ge):
		out = c.graphAnswerErr(ge, notFound)
	case errors.As(err, &rq):
		out = rq.Err
	case unknown:
		// the cause after the sentinel (a context's error, a malformed $batch answer)
		out = errors.Unwrap(err)
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			if es := u.Unwrap(); len(es) > 1 {
				out = es[1]
			}
		}
		if out == nil {
			out = err
		}
	default:
		out = err
	}
	if unknown {
		out = fmt.Errorf("%w: %w", ErrOutcomeUnknown, out)
	}
	return &OpError{Op: op, Err: c.scrubError(out)}
}

// graphAnswerErr converts one error answer of Graph.
func (c *Client) graphAnswerErr(ge *graph.Error, notFound *Error) error {
	msg := ge.Message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d from Graph (%s %s)", ge.StatusCode, ge.Method, ge.Path)
	}
	switch {
	case ge.StatusCode == 401:
		return &AuthError{StatusCode: 401, Method: string(c.authMethod()), Offered: []string{"Bearer"}}
	case ge.Code == "ErrorInvalidUser":
		// Graph's 404 for a mailbox that is not there; EWS says ErrorNonExistentMailbox.
		return &Error{Code: ErrNonExistentMailbox.Code, Message: msg}
	case ge.NotFound():
		if notFound == nil {
			notFound = ErrItemNotFound
		}
		return &Error{Code: notFound.Code, Message: msg}
	case ge.StatusCode == 403:
		return &Error{Code: ErrAccessDenied.Code, Message: msg}
	case ge.StatusCode == 429 || ge.StatusCode == 503:
		return &Error{Code: ErrServerBusy.Code, Message: msg, Details: map[string]string{
			"BackOffMilliseconds": fmt.Sprint(ge.RetryAfter.Milliseconds())}}
	case strings.HasPrefix(ge.Code, "Error"):
		// Exchange's own codes, as Graph passes them on for mail (ErrorInvalidRecipients, ...).
		return &Error{Code: ge.Code, Message: msg}
	case ge.Code != "":
		return &Error{Code: ge.Code, Message: msg}
	}
	return &HTTPError{StatusCode: ge.StatusCode, Status: fmt.Sprint(ge.StatusCode), Excerpt: msg, RetryAfter: ge.RetryAfter}
}
