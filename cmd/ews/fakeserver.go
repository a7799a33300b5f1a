package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/ewsgo/ews/internal/testserver"
)

func printFakeServerHelp(w io.Writer) {
	fmt.Fprint(w, `Usage: ews fake-server [--addr 127.0.0.1:0] [--username U] [--password P] [--email E] [--messages N] [--seed S]
                       [--config-out FILE] [--version NAME] [--poison] [--backend ews|graph]

Runs a fake EWS server (the one the SDK's tests use) with a seeded mailbox: N realistic messages (some unread,
some with attachments, some phishing in Inbox and Inbox/Phishing), calendar events in the coming two weeks and
contacts. It accepts NTLM and Basic authentication, like Exchange on premises, over http.

The first line on stdout is a configuration that ews --config (and the connector) accepts as it is:
  {"host": "http://127.0.0.1:PORT/EWS/Exchange.asmx", "username": "...", "password": "...",
   "email_address": "...", "auth_type": "ntlm"}
  ews fake-server --config-out fake.json &   # then: ews --config fake.json get_email
With --backend graph the first line configures the connector for the same mailbox over Microsoft Graph:
  {"backend": "graph", "auth_type": "oauth2", "email_address": "...", "tenant_id": "...", "client_id": "...",
   "client_secret": "...", "graph_endpoint": "http://127.0.0.1:PORT", "authority_host": "http://127.0.0.1:PORT"}
The server registers that application for its token endpoint (client credentials); both wires serve the same
mailbox whichever --backend is given.
The server runs until interrupted (Ctrl-C, SIGTERM). Its state lives in memory only.

With --version it behaves as that release of Exchange: it reports the release's ServerVersionInfo, refuses a
RequestServerVersion the release does not know with the release's fault, and refuses elements and property paths
the release's schema lacks (docs/FAKE_SERVER.md).

GET /testserver/state on the same host and port (the host with its path replaced), with the account's Basic
credentials, answers with the mailbox as JSON (folders by path, their items), so that a test can check what an
operation changed without trusting its own client.

Flags:
  --addr HOST:PORT   address to listen on (default 127.0.0.1:0, a free port)
  --username U       account name, DOMAIN\user or user@domain (default CORP\alice)
  --password P       the account's password (default: random)
  --email E          the mailbox address (default: the username if it is an address, else alice@example.com)
  --messages N       number of messages to seed (default 25)
  --seed S           seed of the generated content; the same seed gives the same mailbox (default 1)
  --config-out FILE  write the first line to FILE as well (mode 0600: it holds the password), once the
                     server accepts requests
  --version NAME     behave as an Exchange release: 2007sp1, 2010sp2, 2013, 2013sp1, 2016, 2019 (or se), online
                     (default: Exchange 2019 reported, every RequestServerVersion of the newest schema accepted)
  --backend B        ews (default) or graph: the wire the first line configures
  --poison           add one poison message of each kind to the Inbox: control-character references
                     (&#x0; &#x1; &#xB;), huge headers, broken MIME
`)
}

// fakeServerInfo is the first line the fake server prints: keys of the connector's configuration (see
// connector.Config), so that --config reads it as it is.
type fakeServerInfo struct {
	Backend       string `json:"backend,omitempty"`
	Host          string `json:"host,omitempty"`
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	EmailAddress  string `json:"email_address"`
	AuthType      string `json:"auth_type"`
	TenantID      string `json:"tenant_id,omitempty"`
	ClientID      string `json:"client_id,omitempty"`
	ClientSecret  string `json:"client_secret,omitempty"`
	GraphEndpoint string `json:"graph_endpoint,omitempty"`
	AuthorityHost string `json:"authority_host,omitempty"`
}

// The application the fake server registers for its token endpoint.
const (
	fakeTenantID = "fake-tenant.onmicrosoft.com"
	fakeClientID = "00000000-0000-4000-8000-0000000fa4e1"
)

func runFakeServer(ctx context.Context, args []string, e *env) int {
	fs := newFlagSet("fake-server")
	addr := fs.String("addr", "127.0.0.1:0", "")
	username := fs.String("username", testserver.DefaultDomain+`\`+testserver.DefaultUser, "")
	password := fs.String("password", "", "")
	email := fs.String("email", "", "")
	messages := fs.Int("messages", 25, "")
	seed := fs.Uint64("seed", 1, "")
	configOut := fs.String("config-out", "", "")
	version := fs.String("version", "", "")
	poison := fs.Bool("poison", false, "")
	backend := fs.String("backend", "ews", "")
	if err := fs.Parse(args); err != nil {
		if isHelp(err) {
			printFakeServerHelp(e.stdout)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "ews fake-server: %v (see: ews fake-server --help)\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "ews fake-server: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *messages < 0 || *messages > 100000 {
		fmt.Fprintf(e.stderr, "ews fake-server: --messages %d is not between 0 and 100000\n", *messages)
		return exitUsage
	}
	if *username == "" || strings.ContainsAny(*username, "\r\n") {
		fmt.Fprintln(e.stderr, "ews fake-server: --username is empty or not a user name")
		return exitUsage
	}
	if *email == "" {
		*email = testserver.DefaultEmail
		if strings.Contains(*username, "@") {
			*email = *username
		}
	}
	if at := strings.LastIndexByte(*email, '@'); at <= 0 || at == len(*email)-1 {
		fmt.Fprintf(e.stderr, "ews fake-server: --email %q is not an email address\n", *email)
		return exitUsage
	}
	if *backend != "ews" && *backend != "graph" {
		fmt.Fprintf(e.stderr, "ews fake-server: --backend %q is not ews or graph\n", *backend)
		return exitUsage
	}
	if *password == "" {
		*password = randomPassword()
	}
	app := testserver.GraphApp{TenantID: fakeTenantID, ClientID: fakeClientID, ClientSecret: randomPassword()}
	opts := []testserver.Option{testserver.WithStateEndpoint(), testserver.WithGraphApp(app)}
	if *version != "" {
		p, ok := testserver.PersonalityNamed(*version)
		if !ok {
			fmt.Fprintf(e.stderr, "ews fake-server: --version %q is not one of 2007sp1, 2010sp2, 2013, 2013sp1, 2016, 2019, se, online\n", *version)
			return exitUsage
		}
		opts = append(opts, testserver.WithPersonality(p))
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "ews fake-server: %v\n", err)
		return exitFail
	}
	srv := testserver.NewServer(append(opts, testserver.WithListener(l),
		testserver.WithUser(testserver.User{Username: *username, Password: *password, Email: *email}))...)
	defer srv.Close()
	sum, err := srv.Default().Seed(testserver.SeedOptions{Messages: *messages, Seed: *seed, Poison: *poison})
	if err != nil {
		fmt.Fprintf(e.stderr, "ews fake-server: %v\n", err)
		return exitFail
	}
	info := fakeServerInfo{Host: srv.URL, Username: *username, Password: *password, EmailAddress: *email, AuthType: "ntlm"}
	if *backend == "graph" {
		info = fakeServerInfo{Backend: "graph", EmailAddress: *email, AuthType: "oauth2", TenantID: app.TenantID,
			ClientID: app.ClientID, ClientSecret: app.ClientSecret, GraphEndpoint: srv.GraphURL(), AuthorityHost: srv.GraphURL()}
	}
	b, _ := json.Marshal(info)
	b = append(b, '\n')
	if *configOut != "" {
		if err := writeFilePrivate(*configOut, b); err != nil {
			fmt.Fprintf(e.stderr, "ews fake-server: --config-out: %v\n", err)
			return exitFail
		}
	}
	if _, err := e.stdout.Write(b); err != nil {
		return exitFail
	}
	as := "Exchange 2019"
	if p, ok := srv.Personality(); ok {
		as = p.String()
	}
	fmt.Fprintf(e.stderr, "ews fake-server: serving %s at %s as %s: %d messages (%d unread), %d events, %d contacts; EWS with NTLM and Basic, Graph at %s; state at %s; Ctrl-C stops it\n",
		*email, srv.URL, as, sum.Messages, sum.Unread, sum.Events, sum.Contacts, srv.GraphURL()+testserver.GraphPath, srv.HTTP.URL+testserver.StatePath)
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "ews fake-server: stopped")
	return exitOK
}

// writeFilePrivate writes b to path, readable by its owner only (it replaces a file that is there).
func writeFilePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// randomPassword makes a password for the fake server's account.
func randomPassword() string {
	return "Fake-" + rand.Text()[:16]
}
