package ews_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

func ExamplePoller_Poll() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	srv.AddMessage("inbox", ewstest.Message{Subject: "already there"})
	c := exampleClient(srv, nil)
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "poll")
	defer os.RemoveAll(dir)

	store, err := ews.NewFileStateStore(filepath.Join(dir, "state.json"))
	if err != nil {
		log.Fatal(err)
	}
	p, err := c.NewPoller(ews.PollerOptions{Folders: []ews.FolderRef{ews.Inbox}, Store: store})
	if err != nil {
		log.Fatal(err)
	}
	handle := func(_ context.Context, ev *ews.MailEvent) error {
		fmt.Println(ev.Kind, ev.Subject, "from", ev.From)
		fmt.Println("body:", ev.Message.Body) // the whole message
		return nil                            // the event is committed: it will not be delivered again
	}
	// The first poll records what the inbox holds (the baseline) and delivers nothing.
	if err := p.Poll(ctx, handle); err != nil {
		log.Fatal(err)
	}
	srv.AddMessage("inbox", ewstest.Message{Subject: "Invoice", From: "billing@example.net", Body: "Please pay."})
	if err := p.Poll(ctx, handle); err != nil {
		log.Fatal(err)
	}
	// Output:
	// created Invoice from billing@example.net
	// body: Please pay.
}

func ExamplePoller_Watch() {
	srv := ewstest.NewServer(nil, ewstest.WithVersion(ewstest.Exchange2019)) // streaming notifications: 2010 SP1+
	defer srv.Close()
	c := exampleClient(srv, nil)
	p, err := c.NewPoller(ews.PollerOptions{}) // the inbox, state in memory, streaming notifications
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_ = srv.WaitStreams(ctx, 1) // once the poller listens, mail arrives
		srv.AddMessage("inbox", ewstest.Message{Subject: "Suspicious login"})
	}()
	err = p.Watch(ctx, func(_ context.Context, ev *ews.MailEvent) error {
		fmt.Println("new mail:", ev.Subject)
		cancel() // stop after the first one
		return nil
	})
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// new mail: Suspicious login
	// true
}

func ExampleClient_PollOnce() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	c := exampleClient(srv, nil)
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "pollonce")
	defer os.RemoveAll(dir)
	stateFile := filepath.Join(dir, "inbox.state")

	// A periodic job: each run prints what arrived since the last run, then commits.
	run := func() {
		batch, err := c.PollOnce(ctx, ews.PollOnceOptions{Folder: ews.ParseFolder("Inbox"), StateFile: stateFile})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("baseline=%v, %d new\n", batch.Baseline, len(batch.Events))
		for _, ev := range batch.Events {
			fmt.Println(" ", ev.Subject)
		}
		if err := batch.Commit(); err != nil { // only after the output is written
			log.Fatal(err)
		}
	}
	srv.AddMessage("inbox", ewstest.Message{Subject: "before the first run"})
	run()
	srv.AddMessage("inbox", ewstest.Message{Subject: "Phishing report"})
	run()
	run()
	// Output:
	// baseline=true, 0 new
	// baseline=false, 1 new
	//   Phishing report
	// baseline=false, 0 new
}
