package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/redact"
	"golang.org/x/oauth2"
)

// Config is the connector's configuration, the JSON object a SOAR tool stores for an Exchange connection and
// that `ews --config file.json` reads:
//
//	{"host": "mail.example.com", "username": "CORP\\svc-soar", "password": "...",
//	 "email_address": "soc@example.com", "access_type": "Delegate", "protocol": "https",
//	 "use_autodiscover": false, "verify_ssl": true, "auth_type": "auto"}
//
// For Office 365 with an app registration (client credentials): "auth_type": "oauth2" with tenant_id, client_id
// and client_secret; host defaults to outlook.office365.com and access_type to Impersonation.
type Config struct {
	Host            string `json:"host" help:"Exchange server host name or EWS URL (https://mail.example.com/EWS/Exchange.asmx); not needed with use_autodiscover, outlook.office365.com by default with oauth2"`
	Username        string `json:"username" help:"account, DOMAIN\\user or user@domain (not used with oauth2)"`
	Password        string `json:"password" help:"the account's password (not used with oauth2)"`
	EmailAddress    string `json:"email_address" help:"mailbox to act on; defaults to username when that is an address"`
	AccessType      string `json:"access_type" choices:"Delegate|Impersonation" help:"Delegate acts with the account's rights; Impersonation acts as the mailbox's owner (needs the ApplicationImpersonation role); default Delegate, Impersonation with oauth2"`
	Protocol        string `json:"protocol" choices:"https|http" default:"https" help:"protocol when host is a host name"`
	UseAutodiscover bool   `json:"use_autodiscover" help:"find the EWS URL of email_address with Exchange Autodiscover; host is then ignored"`
	VerifySSL       *bool  `json:"verify_ssl" default:"true" help:"verify the server's TLS certificate"`
	AuthType        string `json:"auth_type" choices:"auto|ntlm|basic|oauth2|kerberos" default:"auto" help:"authentication: auto (Kerberos when offered and configured, else NTLM, else Basic over https), ntlm, basic, oauth2 (app-only client credentials), kerberos (username user@REALM with password or keytab, or the credential cache of KRB5CCNAME)"`
	KerberosSPN     string `json:"kerberos_spn" help:"kerberos: the service principal; default HTTP/<host>"`
	Keytab          string `json:"keytab" help:"kerberos: a keytab file with the key of username, instead of a password"`
	TenantID        string `json:"tenant_id" help:"oauth2: the Azure AD (Entra ID) tenant id or domain"`
	ClientID        string `json:"client_id" help:"oauth2: the application (client) id"`
	ClientSecret    string `json:"client_secret" help:"oauth2: the client secret"`
	CertificateFile string `json:"certificate_file" help:"oauth2: a PEM file with the app's certificate and its RSA private key, instead of client_secret (a signed client assertion is sent, never the key)"`
	TokenURL        string `json:"token_url" help:"oauth2: token endpoint; default <authority_host>/<tenant_id>/oauth2/v2.0/token"`
	Scope           string `json:"scope" help:"oauth2: scope asked for; default https://<host>/.default, <graph_endpoint>/.default with backend graph"`
	Backend         string `json:"backend" choices:"ews|graph|auto" help:"the wire (default ews): ews (Exchange Web Services), graph (Microsoft Graph, for Exchange Online after EWS ends there on 1 April 2027; needs auth_type oauth2), auto (graph for Exchange Online hosts such as outlook.office365.com, ews elsewhere)"`
	GraphEndpoint   string `json:"graph_endpoint" help:"backend graph: the Graph service root; default https://graph.microsoft.com (or the cloud's)"`
	AuthorityHost   string `json:"authority_host" help:"oauth2: the sign-in host tokens are asked of; default https://login.microsoftonline.com (or the cloud's)"`
	Cloud           string `json:"cloud" choices:"global|gcchigh|dod|china" help:"a national cloud's graph_endpoint and authority_host: gcchigh (US Government L4), dod (US Government L5), china (21Vianet); default global"`
	Timezone        string `json:"timezone" help:"IANA time zone of dates given without an offset and of the times returned; default UTC"`
	MaxAttempts     int    `json:"max_attempts" help:"attempts per request, retries of passing failures (server busy, broken connections) included; default 8; 1 turns retries off"`
	Timeout         int    `json:"timeout" help:"seconds one HTTP request may take; default 120"`
	AttachmentsDir  string `json:"attachments_dir" help:"send_email attaches files from this directory only (after symbolic links are resolved); default: any regular file outside /proc, /sys and /dev"`

	// Logger, if set, receives the SDK's debug records: each request's operation, status and timing, retries
	// and back-offs with their reason (see ews.Config.Logger). Credentials never appear in them. It is not a
	// configuration key.
	Logger *slog.Logger `json:"-"`
	// LogBodies adds the SOAP bodies exchanged to Logger's records (ews.Config.LogBodies): mailbox content, but
	// never credentials. It is not a configuration key.
	LogBodies bool `json:"-"`

	// SecretFiles are files that are never attached: the command line sets the configuration, password and
	// client secret files it read.
	SecretFiles []string `json:"-"`
}

// String describes the configuration without its secrets.
func (c Config) String() string {
	hide := func(s string) string {
		if s == "" {
			return `""`
		}
		return "(hidden)"
	}
	return fmt.Sprintf("{host:%q username:%q password:%s email_address:%q access_type:%q protocol:%q use_autodiscover:%v auth_type:%q tenant_id:%q client_id:%q client_secret:%s}",
		c.Host, c.Username, hide(c.Password), c.EmailAddress, c.AccessType, c.Protocol, c.UseAutodiscover, c.AuthType, c.TenantID, c.ClientID, hide(c.ClientSecret))
}

// GoString is String, so that %#v does not print secrets either.
func (c Config) GoString() string { return c.String() }

// ConfigKeys describes the configuration keys, for help texts and forms.
func ConfigKeys() []ParamInfo { return paramsOf(reflect.TypeFor[Config]()) }

// ParseConfig reads a configuration object. Unknown keys and bad values are *Error values with Code
// CodeInvalidConfig that name the key; "verify_ssl": "false" and the like are accepted as SOAR forms send them.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := decodeParams("configuration keys", data, &c, time.UTC); err != nil {
		e := ErrorOf(err)
		e.Code = CodeInvalidConfig
		e.Message = strings.ReplaceAll(e.Message, "parameter ", "key ")
		e.Message = strings.ReplaceAll(e.Message, "unknown key", "unknown configuration key")
		return Config{}, e
	}
	return c, nil
}

// DefaultOffice365Host is the EWS host of Exchange Online, the default host with auth_type oauth2.
const DefaultOffice365Host = "outlook.office365.com"

// location returns the configured time zone.
func (c *Config) location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, configErr("timezone", "timezone %q is not an IANA time zone name (e.g. Europe/Berlin)", c.Timezone)
	}
	return loc, nil
}

func configErr(key, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidConfig, Param: key, Message: fmt.Sprintf(format, args...)}
}

// sdkNames maps the SDK's Config field names in its errors to the connector's keys.
var sdkNames = strings.NewReplacer("Config.Host", "host", "Config.Username", "username", "Config.Password", "password",
	"Config.EmailAddress", "email_address", "Config.AccessType", "access_type", "Config.Protocol", "protocol",
	"Config.AuthorityHost", "authority_host", "Config.Auth", "auth_type", "Config.TokenSource", "oauth2 token",
	"Config.Autodiscover", "use_autodiscover", "Config.Backend", "backend", "Config.GraphEndpoint", "graph_endpoint")

// NewClient checks the configuration and makes an SDK client from it; it makes no request. Errors are *Error
// values with Code CodeInvalidConfig that name the key.
func NewClient(cfg Config) (*ews.Client, error) { return newClient(cfg, cfg.secrets()) }

// newClient is NewClient with the set of secrets that the token source adds its tokens to.
func newClient(cfg Config, sec *redact.Set) (*ews.Client, error) {
	ec, err := cfg.sdkConfig(sec)
	if err != nil {
		return nil, err
	}
	c, err := ews.New(ec)
	if err != nil {
		return nil, &Error{Code: CodeInvalidConfig, Message: sdkNames.Replace(strings.TrimPrefix(err.Error(), "ews: ")), Err: err}
	}
	return c, nil
}

// sdkConfig translates the configuration to the SDK's.
func (c *Config) sdkConfig(sec *redact.Set) (ews.Config, error) {
	loc, err := c.location()
	if err != nil {
		return ews.Config{}, err
	}
	ec := ews.Config{
		Host:         strings.TrimSpace(c.Host),
		Protocol:     strings.ToLower(c.Protocol),
		Username:     strings.TrimSpace(c.Username),
		Password:     c.Password,
		EmailAddress: strings.TrimSpace(c.EmailAddress),
		Autodiscover: c.UseAutodiscover,
		Location:     loc,
		Logger:       c.Logger,
		LogBodies:    c.LogBodies,
	}
	if c.VerifySSL != nil && !*c.VerifySSL {
		ec.InsecureSkipVerify = true
	}
	if c.MaxAttempts < 0 {
		return ews.Config{}, configErr("max_attempts", "max_attempts %d is negative", c.MaxAttempts)
	}
	if c.MaxAttempts > 0 {
		ec.Retry = &ews.RetryPolicy{MaxAttempts: c.MaxAttempts}
	}
	if c.Timeout < 0 {
		return ews.Config{}, configErr("timeout", "timeout %d is negative", c.Timeout)
	}
	ec.Timeout = time.Duration(c.Timeout) * time.Second
	access, ok := choose(c.AccessType, []string{"Delegate", "Impersonation"})
	if c.AccessType != "" && !ok {
		return ews.Config{}, configErr("access_type", "access_type %q is not Delegate or Impersonation", c.AccessType)
	}
	auth, ok := choose(c.AuthType, []string{"auto", "ntlm", "basic", "oauth2", "kerberos"})
	if c.AuthType != "" && !ok {
		return ews.Config{}, configErr("auth_type", "auth_type %q is not one of auto, ntlm, basic, oauth2, kerberos", c.AuthType)
	}
	if c.Protocol != "" {
		if _, ok := choose(c.Protocol, []string{"https", "http"}); !ok {
			return ews.Config{}, configErr("protocol", "protocol %q is not https or http", c.Protocol)
		}
	}
	backend, err := c.backend(&ec, auth)
	if err != nil {
		return ews.Config{}, err
	}
	if backend == ews.BackendGraph {
		return c.graphConfig(ec, access, sec)
	}
	if c.UseAutodiscover {
		ec.Host = ""
		if ec.EmailAddress == "" && !strings.Contains(ec.Username, "@") {
			return ews.Config{}, configErr("email_address", "email_address is required with use_autodiscover (or a username of the form user@domain)")
		}
	}
	switch auth {
	case "kerberos":
		ec.Auth = ews.AuthKerberos
		ec.KerberosSPN, ec.Keytab = c.KerberosSPN, c.Keytab
		if ec.Host == "" && !c.UseAutodiscover {
			return ews.Config{}, configErr("host", "host is required (or use_autodiscover)")
		}
		if (ec.Password != "" || ec.Keytab != "") && ec.Username == "" {
			return ews.Config{}, configErr("username", "username (user@REALM or REALM\\user) is required with a password or keytab")
		}
	case "oauth2":
		ec.Auth = ews.AuthOAuth2
		if access == "" {
			access = string(ews.Impersonation)
		}
		ts, err := c.tokenSource(ec.Host, "", ec.AuthorityHost, sec)
		if err != nil {
			return ews.Config{}, err
		}
		ec.TokenSource = ts
		ec.Username, ec.Password = "", ""
		if ec.Host == "" && !c.UseAutodiscover {
			ec.Host = DefaultOffice365Host
		}
		if ec.EmailAddress == "" {
			return ews.Config{}, configErr("email_address", "email_address is required with auth_type oauth2 (the mailbox to act on)")
		}
	default:
		ec.Auth = ews.AuthMethod(auth)
		if auth == "" {
			ec.Auth = ews.AuthAuto
		}
		if ec.Host == "" && !c.UseAutodiscover {
			return ews.Config{}, configErr("host", "host is required (or use_autodiscover)")
		}
		if ec.Username == "" {
			return ews.Config{}, configErr("username", "username is required")
		}
		if ec.Password == "" {
			return ews.Config{}, configErr("password", "password is required")
		}
	}
	ec.AccessType = ews.AccessType(access)
	return ec, nil
}

// tokenSource makes the OAuth2 client-credentials token source of Microsoft's identity platform: the SDK's
// ews.OAuth2App (client secret or certificate, authority host, no redirects, the token cached until it
// expires), with the connector's keys in its errors and every token it hands out added to the secrets.
func (c *Config) tokenSource(host, defaultScope, authority string, sec *redact.Set) (oauth2.TokenSource, error) {
	scope := c.Scope
	if scope == "" {
		scope = defaultScope
	}
	if scope == "" {
		h := DefaultOffice365Host
		if host != "" {
			if u, err := url.Parse(host); err == nil && u.Host != "" {
				h = u.Hostname()
			} else if !strings.Contains(host, "/") {
				h, _, _ = strings.Cut(host, ":")
			}
		}
		scope = "https://" + h + "/.default"
	}
	app := ews.OAuth2App{TenantID: c.TenantID, ClientID: c.ClientID, ClientSecret: c.ClientSecret, AuthorityHost: authority,
		TokenURL: c.TokenURL, Scope: scope}
	if c.CertificateFile != "" {
		var err error
		if app.Certificate, app.PrivateKey, err = readCertificate(c.CertificateFile); err != nil {
			return nil, configErr("certificate_file", "certificate_file: %v", err)
		}
	}
	ts, err := app.TokenSource(context.Background())
	var ie *ews.InputError
	if errors.As(err, &ie) {
		key := appKeys[ie.Field]
		return nil, &Error{Code: CodeInvalidConfig, Param: key, Message: appKeyNames.Replace(strings.TrimPrefix(ie.Error(), "ews: ")), Err: err}
	}
	if err != nil {
		return nil, &Error{Code: CodeInvalidConfig, Message: strings.TrimPrefix(err.Error(), "ews: "), Err: err}
	}
	return &recordedTokens{src: ts, secrets: sec}, nil
}

// appKeys maps the fields of ews.OAuth2App in its errors to the connector's keys.
var appKeys = map[string]string{"OAuth2App.ClientID": "client_id", "OAuth2App.ClientSecret": "client_secret",
	"OAuth2App.Certificate": "certificate_file", "OAuth2App.PrivateKey": "certificate_file", "OAuth2App.TenantID": "tenant_id",
	"OAuth2App.TokenURL": "token_url", "OAuth2App.AuthorityHost": "authority_host"}

// appKeyNames rewrites the texts of ews.OAuth2App's errors with the connector's keys.
var appKeyNames = strings.NewReplacer("ClientSecret or Certificate and PrivateKey", "client_secret or certificate_file",
	"OAuth2App.ClientID", "client_id", "OAuth2App.ClientSecret", "client_secret", "OAuth2App.Certificate", "certificate_file",
	"OAuth2App.PrivateKey", "certificate_file", "OAuth2App.TenantID", "tenant_id", "OAuth2App.TokenURL", "token_url",
	"OAuth2App.AuthorityHost", "authority_host")
