package ews_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// Find the EWS URL and version of a mailbox. Against a real organisation only EmailAddress and the credentials
// are needed; here the fake server's Autodiscover endpoint is named, since its host is not a domain.
func ExampleDiscover() {
	srv := ewstest.NewServer(nil, ewstest.WithTLS(), ewstest.WithVersion(ewstest.Exchange2019))
	defer srv.Close()
	roots := srv.Config().RootCAs // the server's self-signed certificate

	d, err := ews.Discover(context.Background(), ews.Config{
		Username:        srv.Username(),
		Password:        srv.Password(),
		EmailAddress:    srv.Email(),
		AutodiscoverURL: srv.AutodiscoverURL(),
		RootCAs:         roots,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.URL == srv.URL(), d.Version, d.Protocol, d.EmailAddress)
	// Output: true Exchange2016 soap alice@example.com
}

// A client with Autodiscover finds its URL on its first operation.
func ExampleConfig_autodiscover() {
	srv := ewstest.NewServer(nil, ewstest.WithTLS())
	defer srv.Close()
	roots := srv.Config().RootCAs // the server's self-signed certificate

	c, err := ews.New(ews.Config{
		Autodiscover:    true,
		AutodiscoverURL: srv.AutodiscoverURL(),
		Username:        srv.Username(),
		Password:        srv.Password(),
		EmailAddress:    srv.Email(),
		RootCAs:         roots,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("before: %q\n", c.URL())
	inbox, err := c.GetFolder(context.Background(), ews.Inbox)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inbox.DisplayName, strings.HasSuffix(c.URL(), "/EWS/Exchange.asmx"))
	// Output:
	// before: ""
	// Inbox true
}

// A redirect to a host outside the mailbox's domain is refused, and the error names the host.
func ExampleUntrustedHostError() {
	srv := ewstest.NewServer(nil, ewstest.WithTLS())
	defer srv.Close()
	srv.RedirectAutodiscover("", "https://autodiscover.attacker.example/autodiscover/autodiscover.svc")
	roots := srv.Config().RootCAs

	_, err := ews.Discover(context.Background(), ews.Config{
		Username:        srv.Username(),
		Password:        srv.Password(),
		EmailAddress:    srv.Email(),
		AutodiscoverURL: srv.AutodiscoverURL(),
		RootCAs:         roots,
	})
	var uh *ews.UntrustedHostError
	if errors.As(err, &uh) {
		fmt.Println(uh.Host, "-", uh.Reason)
	}
	// Output: autodiscover.attacker.example - is outside example.com and not in Config.AutodiscoverTrustedHosts
}
