// Command poll watches a mailbox folder for new mail and prints each message once, keeping its state in a file,
// and stops cleanly on Ctrl-C: run it again and it goes on where it stopped, without printing anything twice
// and without missing what arrived in between. With no settings it starts the in-process fake EWS server, which
// keeps receiving mail, so it works out of the box:
//
//	go run ./examples/poll            # until Ctrl-C
//	go run ./examples/poll -n 5       # exits after 5 messages (CI)
//
// To watch a real server, set EWS_HOST (host name or EWS URL), EWS_USERNAME (DOMAIN\user or UPN), EWS_PASSWORD,
// and optionally EWS_EMAIL and EWS_INSECURE=1 (turns TLS verification off).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

func main() {
	state := flag.String("state", "", "state file (default: ews-poll-state.json, or a temporary file with the fake server)")
	folder := flag.String("folder", "Inbox", "folder to watch: a well-known name, a path such as Inbox/Phishing, or an id")
	n := flag.Int("n", 0, "exit after this many messages (0: run until Ctrl-C)")
	every := flag.Duration("every", 300*time.Millisecond, "with the fake server: time between two arriving messages")
	flag.Parse()

	// Ctrl-C (or SIGTERM) cancels ctx: Watch returns after the message being handled is committed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

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
		for _, s := range []string{"Welcome", "Quarterly report", "Lunch?"} {
			srv.AddMessage("inbox", testserver.Item{Subject: s}) // there before the first run: not printed
		}
		go deliverMail(ctx, srv, *every)
		cfg = ews.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(), Auth: ews.AuthNTLM}
		fmt.Printf("started the fake EWS server at %s; it receives a message every %v\n", srv.URL, *every)
		if *state == "" {
			dir, err := os.MkdirTemp("", "ews-poll")
			if err != nil {
				log.Fatal(err)
			}
			defer os.RemoveAll(dir)
			*state = filepath.Join(dir, "state.json")
		}
	}
	if *state == "" {
		*state = "ews-poll-state.json"
	}
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, c, ews.ParseFolder(*folder), *state, *n); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, c *ews.Client, folder ews.FolderRef, stateFile string, limit int) error {
	store, err := ews.NewFileStateStore(stateFile)
	if err != nil {
		return err
	}
	p, err := c.NewPoller(ews.PollerOptions{
		Folders: []ews.FolderRef{folder},
		Store:   store,
		OnError: func(err error) { log.Printf("recovering: %v", err) },
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	count := 0
	fmt.Printf("watching %s; state in %s\n", folder, store.Path())
	err = p.Watch(ctx, func(_ context.Context, ev *ews.MailEvent) error {
		count++
		fmt.Printf("%s  %-30q from %s\n", ev.Received.Local().Format("15:04:05"), ev.Subject, ev.From)
		if limit > 0 && count >= limit {
			cancel()
		}
		return nil // committed: this message is never printed again
	})
	if errors.Is(err, context.Canceled) {
		fmt.Printf("stopped after %d messages; state saved in %s\n", count, store.Path())
		return nil
	}
	return err
}

// deliverMail keeps mail arriving at the fake server.
func deliverMail(ctx context.Context, srv *testserver.Server, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	senders := []string{"alerts@siem.example.com", "bob@example.com", "it-support@examp1e.com"}
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("Message %d", i),
				From: testserver.Address{Email: senders[i%len(senders)]}})
		}
	}
}
