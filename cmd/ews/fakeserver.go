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

Runs a fake EWS server (the one the SDK's tests use) with a seeded mailbox: N realistic messages (some unread,
some with attachments, some phishing in Inbox and Inbox/Phishing), calendar events in the coming two weeks and
contacts. It accepts NTLM and Basic authentication, like Exchange on premises, over http.

The first line on stdout is a JSON object with what a client needs:
  {"url": "http://127.0.0.1:PORT/EWS/Exchange.asmx", "username": "...", "password": "...", "email": "..."}
The server runs until interrupted (Ctrl-C, SIGTERM). Its state lives in memory only.

Flags:
  --addr HOST:PORT   address to listen on (default 127.0.0.1:0, a free port)
  --username U       account name, DOMAIN\user or user@domain (default CORP\alice)
  --password P       the account's password (default: random)
  --email E          the mailbox address (default: the username if it is an address, else alice@example.com)
  --messages N       number of messages to seed (default 25)
  --seed S           seed of the generated content; the same seed gives the same mailbox (default 1)
`)
}

// fakeServerInfo is the first line the fake server prints.
type fakeServerInfo struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
}

func runFakeServer(ctx context.Context, args []string, e *env) int {
	fs := newFlagSet("fake-server")
	addr := fs.String("addr", "127.0.0.1:0", "")
	username := fs.String("username", testserver.DefaultDomain+`\`+testserver.DefaultUser, "")
	password := fs.String("password", "", "")
	email := fs.String("email", "", "")
	messages := fs.Int("messages", 25, "")
	seed := fs.Uint64("seed", 1, "")
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
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "ews fake-server: %v\n", err)
		return exitFail
	}
	srv := testserver.NewServer(testserver.WithListener(l),
		testserver.WithUser(testserver.User{Username: *username, Password: *password, Email: *email}))
	defer srv.Close()
	sum, err := srv.Default().Seed(testserver.SeedOptions{Messages: *messages, Seed: *seed})
	if err != nil {
		fmt.Fprintf(e.stderr, "ews fake-server: %v\n", err)
		return exitFail
	}
	b, _ := json.Marshal(fakeServerInfo{URL: srv.URL, Username: *username, Password: *password, Email: *email})
	if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
		return exitFail
	}
	fmt.Fprintf(e.stderr, "ews fake-server: serving %s at %s: %d messages (%d unread), %d events, %d contacts; NTLM and Basic; Ctrl-C stops it\n",
		*email, srv.URL, sum.Messages, sum.Unread, sum.Events, sum.Contacts)
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "ews fake-server: stopped")
	return exitOK
}

// randomPassword makes a password for the fake server's account.
func randomPassword() string {
	return "Fake-" + rand.Text()[:16]
}
