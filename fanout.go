package ews

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/ewsgo/ews/internal/testhook"
)

// MailboxResult is the outcome of Client.FanOut for one mailbox.
type MailboxResult struct {
	// Mailbox is the address as given.
	Mailbox string
	// Err is what the function returned for the mailbox; an *InputError when the address or the concurrency is
	// not valid; an error matching ErrNotAttempted (and the context's error) when the context ended before the
	// mailbox's turn came; an error matching ErrInternal (a *PanicError) when fn panicked.
	Err error
}

// FanOut runs fn once for each of mailboxes with a client for that mailbox, concurrency mailboxes at a time (0
// means Config.MaxConcurrency), and returns one result per mailbox, in the order given. A mailbox named twice
// (ignoring case) is handled once; both entries get its result.
//
// The clients are made with ForMailbox: with Impersonation they act as each mailbox's owner, with Delegate they
// name the mailbox in folder ids. They share c's connections (one NTLM handshake per connection, not per
// mailbox), its concurrency limit and its back-off: when the server throttles (ErrorServerBusy with a back-off,
// HTTP 503 or 429), every mailbox's requests wait as it asked, and a server that reports too many connections
// lowers the limit for all of them, so that a sweep over thousands of mailboxes slows down instead of failing.
//
// A panic in fn is recovered and becomes the mailbox's Err (a *PanicError, matching ErrInternal); the other
// mailboxes go on.
//
// A typical use is search and purge: find a phishing message by its Message-ID in every mailbox and delete it.
func (c *Client) FanOut(ctx context.Context, mailboxes []string, concurrency int, fn func(ctx context.Context, mc *Client) error) []MailboxResult {
	results := make([]MailboxResult, len(mailboxes))
	for i, m := range mailboxes {
		results[i].Mailbox = m
	}
	if concurrency < 0 {
		err := inputErr("concurrency", "%d is negative", concurrency)
		for i := range results {
			results[i].Err = err
		}
		return results
	}
	if concurrency == 0 {
		concurrency = c.cfg.MaxConcurrency
	}
	first := map[string]int{} // lower-case address -> index of its first entry
	var todo []int
	for i, m := range mailboxes {
		key := strings.ToLower(strings.TrimSpace(m))
		if _, dup := first[key]; dup {
			continue
		}
		first[key] = i
		todo = append(todo, i)
	}
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, i := range todo {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			results[i].Err = fmt.Errorf("%w: %w", ErrNotAttempted, ctx.Err())
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			defer func() {
				if v := recover(); v != nil { // fn's or the SDK's: an error for this mailbox, not the process's end
					results[i].Err = c.panicErr("FanOut", v)
				}
			}()
			testhook.Point("FanOut")
			mc, err := c.ForMailbox(strings.TrimSpace(mailboxes[i]))
			if err != nil {
				results[i].Err = inputErr(fmt.Sprintf("mailboxes[%d]", i), "%q is not an email address", mailboxes[i])
				return
			}
			results[i].Err = fn(ctx, mc)
		}()
	}
	wg.Wait()
	for i, m := range mailboxes {
		if j := first[strings.ToLower(strings.TrimSpace(m))]; j != i {
			results[i].Err = results[j].Err
		}
	}
	return results
}
