package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ewsgo/ews/connector"
)

// strFlag is a string flag that remembers whether it was given.
type strFlag struct {
	v   string
	set bool
}

func (f *strFlag) String() string     { return f.v }
func (f *strFlag) Set(s string) error { f.v, f.set = s, true; return nil }

// boolFlag is a boolean flag that remembers whether it was given.
type boolFlag struct {
	v, set bool
}

func (f *boolFlag) String() string { return fmt.Sprint(f.v) }
func (f *boolFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		f.v = true
	case "false", "0", "no":
		f.v = false
	default:
		return fmt.Errorf("%q is not true or false", s)
	}
	f.set = true
	return nil
}
func (f *boolFlag) IsBoolFlag() bool { return true }

// globals are the flags that configure the connection; they may come before or after the operation.
type globals struct {
	config, host, username, password, passwordFile, email, accessType, protocol, auth strFlag
	tenantID, clientID, clientSecretFile, tokenURL, timezone, output                  strFlag
	maxAttempts, timeout, attachmentsDir                                              strFlag
	backend, graphEndpoint, authorityHost, cloud                                      strFlag
	autodiscover, insecure, verbose, trace, progress, version                         boolFlag
}

// globalFlags lists the global flags with their help, in the order of the usage text.
func (g *globals) flags() []struct {
	name, arg, help string
	v               flag.Value
} {
	return []struct {
		name, arg, help string
		v               flag.Value
	}{
		{"config", "FILE", "JSON configuration (the connector's Config: host, username, password, email_address, ...); flags override it", &g.config},
		{"host", "HOST", "Exchange server host name or EWS URL", &g.host},
		{"username", "USER", `account, DOMAIN\user or user@domain`, &g.username},
		{"password-file", "FILE", "file holding the password (- for stdin); or set EWS_PASSWORD", &g.passwordFile},
		{"password", "PASSWORD", "the password on the command line: visible to other users (ps, shell history); avoid", &g.password},
		{"email", "ADDRESS", "mailbox to act on (email_address)", &g.email},
		{"access-type", "TYPE", "Delegate (default) or Impersonation", &g.accessType},
		{"protocol", "PROTO", "https (default) or http, when --host is a host name", &g.protocol},
		{"auth", "METHOD", "auto (default), ntlm, basic or oauth2", &g.auth},
		{"autodiscover", "", "find the EWS URL with Autodiscover (--host is then not needed)", &g.autodiscover},
		{"insecure", "", "do not verify the server's TLS certificate", &g.insecure},
		{"tenant-id", "TENANT", "oauth2: Azure AD (Entra ID) tenant id or domain", &g.tenantID},
		{"client-id", "ID", "oauth2: application (client) id", &g.clientID},
		{"client-secret-file", "FILE", "oauth2: file holding the client secret; or set EWS_CLIENT_SECRET", &g.clientSecretFile},
		{"token-url", "URL", "oauth2: token endpoint instead of Microsoft's (national clouds)", &g.tokenURL},
		{"backend", "WIRE", "ews (default), graph (Microsoft Graph, for Exchange Online after April 2027; needs --auth oauth2) or auto", &g.backend},
		{"graph-endpoint", "URL", "backend graph: Graph service root (default https://graph.microsoft.com)", &g.graphEndpoint},
		{"authority-host", "URL", "oauth2: sign-in host tokens are asked of (default https://login.microsoftonline.com)", &g.authorityHost},
		{"cloud", "NAME", "national cloud: global (default), gcchigh, dod or china (sets graph endpoint and sign-in host)", &g.cloud},
		{"timezone", "ZONE", "IANA time zone of dates without an offset and of returned times (default UTC)", &g.timezone},
		{"max-attempts", "N", "attempts per request, retries of passing failures included (default 8; 1: no retries)", &g.maxAttempts},
		{"timeout", "SECONDS", "time one HTTP request may take (default 120)", &g.timeout},
		{"attachments-dir", "DIR", "send_email attaches files from this directory only (attachments_dir)", &g.attachmentsDir},
		{"output", "FORMAT", "json (default): one result object; ndjson: the data's items one per line, for large lists", &g.output},
		{"progress", "", "show progress on stderr (items, rate, retries and back-offs) even when stderr is not a terminal; --progress=false: never", &g.progress},
		{"verbose", "", "log each request to stderr: operation, status, size, time; retries with their reason", &g.verbose},
		{"trace", "", "--verbose, plus the SOAP bodies exchanged and the HTTP legs of authentication (credentials are redacted; bodies hold mailbox content)", &g.trace},
		{"version", "", "print the version of ews (module, VCS revision, Go) and exit", &g.version},
	}
}

func (g *globals) register(fs *flag.FlagSet) {
	for _, f := range g.flags() {
		fs.Var(f.v, f.name, f.help)
	}
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func isHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }

// readSecret reads a password or secret file ("-": stdin), without its trailing newline.
func readSecret(path string, e *env) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(e.stdin, 1<<16))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// buildConfig makes the connector's configuration: the --config file, then the flags over it, then the
// password and client secret from their files or the environment. Warnings go to stderr.
func (g *globals) buildConfig(e *env) (connector.Config, error) {
	var cfg connector.Config
	if g.config.set {
		b, err := os.ReadFile(g.config.v)
		if err != nil {
			return cfg, &connector.Error{Code: connector.CodeInvalidConfig, Param: "config", Message: "cannot read --config: " + err.Error()}
		}
		if cfg, err = connector.ParseConfig(b); err != nil {
			e := connector.ErrorOf(err)
			e.Message = g.config.v + ": " + e.Message
			return cfg, e
		}
	}
	for _, s := range []struct {
		f   *strFlag
		dst *string
	}{{&g.host, &cfg.Host}, {&g.username, &cfg.Username}, {&g.email, &cfg.EmailAddress}, {&g.accessType, &cfg.AccessType},
		{&g.protocol, &cfg.Protocol}, {&g.auth, &cfg.AuthType}, {&g.tenantID, &cfg.TenantID}, {&g.clientID, &cfg.ClientID},
		{&g.tokenURL, &cfg.TokenURL}, {&g.timezone, &cfg.Timezone}, {&g.attachmentsDir, &cfg.AttachmentsDir},
		{&g.backend, &cfg.Backend}, {&g.graphEndpoint, &cfg.GraphEndpoint}, {&g.authorityHost, &cfg.AuthorityHost},
		{&g.cloud, &cfg.Cloud}} {
		if s.f.set {
			*s.dst = s.f.v
		}
	}
	for _, s := range []struct {
		f    *strFlag
		name string
		dst  *int
	}{{&g.maxAttempts, "max_attempts", &cfg.MaxAttempts}, {&g.timeout, "timeout", &cfg.Timeout}} {
		if s.f.set {
			n, err := strconv.Atoi(s.f.v)
			if err != nil {
				return cfg, &connector.Error{Code: connector.CodeInvalidConfig, Param: s.name, Message: fmt.Sprintf("--%s %q is not a whole number", strings.ReplaceAll(s.name, "_", "-"), s.f.v)}
			}
			*s.dst = n
		}
	}
	if g.autodiscover.set {
		cfg.UseAutodiscover = g.autodiscover.v
	}
	if g.insecure.set {
		v := !g.insecure.v
		cfg.VerifySSL = &v
	}
	switch {
	case g.password.set && g.passwordFile.set:
		return cfg, &connector.Error{Code: connector.CodeInvalidConfig, Param: "password", Message: "give --password-file or --password, not both"}
	case g.password.set:
		fmt.Fprintln(e.stderr, "ews: warning: --password puts the password on the command line, where other users can see it (ps, shell history); use --password-file or EWS_PASSWORD")
		cfg.Password = g.password.v
	case g.passwordFile.set:
		pw, err := readSecret(g.passwordFile.v, e)
		if err != nil {
			return cfg, &connector.Error{Code: connector.CodeInvalidConfig, Param: "password", Message: "cannot read --password-file: " + err.Error()}
		}
		cfg.Password = pw
	case e.getenv("EWS_PASSWORD") != "":
		cfg.Password = e.getenv("EWS_PASSWORD")
	}
	switch {
	case g.clientSecretFile.set:
		s, err := readSecret(g.clientSecretFile.v, e)
		if err != nil {
			return cfg, &connector.Error{Code: connector.CodeInvalidConfig, Param: "client_secret", Message: "cannot read --client-secret-file: " + err.Error()}
		}
		cfg.ClientSecret = s
	case e.getenv("EWS_CLIENT_SECRET") != "":
		cfg.ClientSecret = e.getenv("EWS_CLIENT_SECRET")
	}
	if cfg.VerifySSL != nil && !*cfg.VerifySSL {
		fmt.Fprintln(e.stderr, "ews: warning: TLS certificate verification is off")
	}
	// send_email never attaches the files the secrets came from.
	for _, f := range []*strFlag{&g.config, &g.passwordFile, &g.clientSecretFile} {
		if f.set && f.v != "-" {
			cfg.SecretFiles = append(cfg.SecretFiles, f.v)
		}
	}
	return cfg, nil
}
