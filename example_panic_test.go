package ews_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// A FanOut function that panics for one mailbox (here on a nil map, a bug) fails that mailbox with a
// *PanicError, matching ErrInternal; the process goes on, and so do the other mailboxes. The stack is in
// pe.Stack, for the logs, not in the error's text.
func ExamplePanicError() {
	srv := ewstest.NewServer(nil, ewstest.WithUser(ewstest.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1",
		Email: "svc@example.com", CanImpersonate: true}))
	defer srv.Close()
	mailboxes := []string{"alice@example.com", "bob@example.com"}
	for _, addr := range mailboxes {
		srv.AddMailbox(addr, "")
	}
	cfg := srv.Config()
	cfg.AccessType = ews.Impersonation
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	var seen map[string]bool // never made: a bug
	results := c.FanOut(context.Background(), mailboxes, 2, func(ctx context.Context, mc *ews.Client) error {
		if mc.Mailbox() == "bob@example.com" {
			seen[mc.Mailbox()] = true // panics: assignment to entry in nil map
		}
		return nil
	})
	for _, r := range results {
		var pe *ews.PanicError
		switch {
		case errors.As(r.Err, &pe):
			fmt.Printf("%s: internal error (ErrInternal: %v) in %s, %v\n", r.Mailbox, errors.Is(r.Err, ews.ErrInternal), pe.Where, pe.Value)
		case r.Err != nil:
			fmt.Printf("%s: %v\n", r.Mailbox, r.Err)
		default:
			fmt.Printf("%s: done\n", r.Mailbox)
		}
	}
	// Output:
	// alice@example.com: done
	// bob@example.com: internal error (ErrInternal: true) in FanOut, assignment to entry in nil map
}
