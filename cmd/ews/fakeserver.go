package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/ewsgo/ews/internal/testserver"
)

func printFakeServerHelp(w io.Writer) {
	fmt.Fprint(w, `Usage: ews fake-server [--addr 127.0.0.1:0] [--username U] [--password P] [--email E] [--messages N] [--seed S]
                       [--version NAME] [--poison]

Runs a fake EWS server (the one the SDK's tests use) with a seeded mailbox: N realistic messages (some unread,
some with attachments, some phishing in Inbox and Inbox/Phishing), calendar events in the coming two weeks and
contacts. It accepts NTLM and Basic authentication, like Exchange on premises, over http.

With --version it behaves as that release of Exchange: it reports the release's ServerVersionInfo, refuses a
RequestServerVersion the release does not know with the release's fault, and refuses elements and property paths
the release's schema lacks.

The first line on stdout is a JSON object with what a client needs:
  {"url": "http://127.0.0.1:PORT/EWS/Exchange.asmx", "username": "...", "password": "...", "email": "...",
   "version": "2019", "state": "http://127.0.0.1:PORT/testserver/state"}
"state" answers GET, with the account's Basic credentials, with the mailbox as JSON (folders by path, their items),
so that a test can check what an operation changed without trusting its own client.
The server runs until interrupted (Ctrl-C, SIGTERM). Its state lives in memory only.

Flags:
  --addr HOST:PORT   address to listen on (default 127.0.0.1:0, a free port)
  --username U       account name, DOMAIN\user or user@domain (default CORP\alice)
  --password P       the account's password (default: random)
  --email E          the mailbox address (default: the username if it is an address, else alice@example.com)
  --messages N       number of messages to seed (default 25)
  --seed S           seed of the generated content; the same seed gives the same mailbox (default 1)
  --version NAME     behave as an Exchange release: 2007sp1, 2010sp2, 2013, 2013sp1, 2016, 2019 (or se), online
                     (default: Exchange 2019 reported, every RequestServerVersion of the newest schema accepted)
  --poison           add one poison message of each kind to the Inbox: control-character references
                     (&#x0; &#x1; &#xB;), huge headers, broken MIME
`)
}

// fakeServerInfo is the first line the fake server prints.
type fakeServerInfo struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
	Version  string `json:"version,omitempty"`
	State    string `json:"state"`
}

func runFakeServer(ctx context.Context, args []string, e *env) int {
	fs := newFlagSet("fake-server")
	addr := fs.String("addr", "127.0.0.1:0", "")
	username := fs.String("username", testserver.DefaultDomain+`\`+testserver.DefaultUser, "")
	password := fs.String("password", "", "")
	email := fs.String("email", "", "")
	messages := fs.Int("messages", 25, "")
	seed := fs.Uint64("seed", 1, "")
	version := fs.String("version", "", "")
	poison := fs.Bool("poison", false, "")
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
	if *password == "" {
		*password = randomPassword()
	}
	opts := []testserver.Option{testserver.WithStateEndpoint()}
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
	info := fakeServerInfo{URL: srv.URL, Username: *username, Password: *password, Email: *email,
		State: srv.HTTP.URL + testserver.StatePath}
	if p, ok := srv.Personality(); ok {
		info.Version = p.Name()
	}
	b, _ := json.Marshal(info)
	if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
		return exitFail
	}
	as := "Exchange 2019"
	if p, ok := srv.Personality(); ok {
		as = p.String()
	}
	fmt.Fprintf(e.stderr, "ews fake-server: serving %s at %s as %s: %d messages (%d unread), %d events, %d contacts; NTLM and Basic; Ctrl-C stops it\n",
		*email, srv.URL, as, sum.Messages, sum.Unread, sum.Events, sum.Contacts)
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "ews fake-server: stopped")
	return exitOK
}

// randomPassword makes a password for the fake server's account.
func randomPassword() string {
	return "Fake-" + rand.Text()[:16]
}
