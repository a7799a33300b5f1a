// Command quickstart connects to an EWS server and shows what the SDK does. With no settings it starts the
// in-process fake EWS server, seeds a mailbox and runs against that, so it works out of the box:
//
//	go run ./examples/quickstart
//
// To run it against a real server, set EWS_HOST (host name or EWS URL), EWS_USERNAME (DOMAIN\user or UPN),
// EWS_PASSWORD and optionally EWS_EMAIL and EWS_INSECURE=1 (turns TLS verification off).
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := ews.Config{
		Host:               os.Getenv("EWS_HOST"),
		Username:           os.Getenv("EWS_USERNAME"),
		Password:           os.Getenv("EWS_PASSWORD"),
		EmailAddress:       os.Getenv("EWS_EMAIL"),
		InsecureSkipVerify: os.Getenv("EWS_INSECURE") == "1",
	}
	if cfg.Host == "" {
		srv := testserver.NewServer()
		defer srv.Close()
		seed(srv)
		cfg = ews.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(), Auth: ews.AuthNTLM}
		fmt.Printf("started the fake EWS server at %s (user %s)\n", srv.URL, srv.Username())
	}
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

func seed(srv *testserver.Server) {
	mb := srv.Default()
	phishing, _ := mb.AddFolder("inbox", "Phishing", "")
	mb.AddItem("inbox", testserver.Item{Subject: "Quarterly report", From: testserver.Address{Name: "Bob", Email: "bob@example.com"}})
	mb.AddItem("inbox", testserver.Item{Subject: "Lunch?", IsRead: true})
	mb.AddItem(phishing, testserver.Item{Subject: "Your password expires today", From: testserver.Address{Email: "it-support@examp1e.com"}})
}

func run(ctx context.Context, c *ews.Client) error {
	inbox, err := c.GetFolder(ctx, ews.Inbox)
	if err != nil {
		return err
	}
	v, _ := c.ServerVersion()
	fmt.Printf("connected to %s (Exchange %s, schema %s)\n", c.URL(), v, v.Version)
	fmt.Printf("Inbox: %d items, %d unread\n", inbox.TotalCount, inbox.UnreadCount)
	folders, err := c.ListFolders(ctx, ews.Inbox, true)
	if err != nil {
		return err
	}
	for _, f := range folders {
		fmt.Printf("  folder %q: %d items\n", f.DisplayName, f.TotalCount)
	}
	return nil
}
