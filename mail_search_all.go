package ews

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/ewsgo/ews/internal/testhook"
)

// SearchAllOptions select the messages of MailService.SearchAll and Client.SearchMailboxes.
type SearchAllOptions struct {
	// SearchOptions are the filters, order, limits and performance settings of each folder's search; Limit
	// bounds the matches of the whole search (of each mailbox for SearchMailboxes). Folder is ignored.
	SearchOptions
	// RecoverableItems searches the Recoverable Items folders (the dumpster: soft-deleted and purged mail) too.
	// Exchange 2007 has no such folders in EWS: there the search fails with an error matching
	// ErrInvalidServerVersion before any folder is searched.
	RecoverableItems bool
}

// Found is a message that SearchAll or SearchMailboxes found, with where it is.
type Found struct {
	*Message
	// Mailbox is the mailbox's address (the client's for SearchAll).
	Mailbox string
	// Folder is the folder's path below the top of the mailbox ("Inbox/Phishing"); folders of the Recoverable
	// Items start with "Recoverable Items/".
	Folder string
}

// searchAll is SearchAll over EWS.
func (s ewsMail) searchAll(ctx context.Context, opts SearchAllOptions) iter.Seq2[*Found, error] {
	return func(yield func(*Found, error) bool) {
		o := opts.SearchOptions
		o.Folder = FolderRef{}
		if _, err := s.newPager("SearchAllOptions", o); err != nil {
			yield(nil, err)
			return
		}
		if opts.RecoverableItems {
			if err := s.c.requireFeature(ctx, featDumpsterFolders, "SearchAllOptions.RecoverableItems"); err != nil {
				yield(nil, err)
				return
			}
		}
		folders, err := s.c.FolderTree(ctx, MsgFolderRoot)
		if err != nil {
			yield(nil, err)
			return
		}
		var mail []*Folder
		for _, f := range folders {
			if f.Class == "IPF.Note" || strings.HasPrefix(f.Class, "IPF.Note.") {
				mail = append(mail, f)
			}
		}
		if opts.RecoverableItems {
			top, err := s.c.GetFolder(ctx, RecoverableItemsRoot)
			if err != nil {
				yield(nil, err)
				return
			}
			top.Path = "Recoverable Items"
			rec, err := s.c.FolderTree(ctx, FolderByID(top.ID))
			if err != nil {
				yield(nil, err)
				return
			}
			for _, f := range rec {
				f.Path = "Recoverable Items/" + f.Path[strings.IndexByte(f.Path, '/')+1:]
			}
			mail = append(append(mail, top), rec...)
		}
		left := opts.Limit
		for _, f := range mail {
			if f.TotalCount == 0 {
				continue
			}
			fo := o
			fo.Folder = FolderByID(f.ID)
			fo.Limit = left
			for m, err := range s.Search(ctx, fo) {
				if err != nil {
					if !yield(nil, err) {
						return
					}
					var ie *ItemError
					if errors.As(err, &ie) {
						continue
					}
					return
				}
				if !yield(&Found{Message: m, Mailbox: s.c.Mailbox(), Folder: f.Path}, nil) {
					return
				}
				if opts.Limit > 0 {
					if left--; left == 0 {
						return
					}
				}
			}
		}
	}
}

// MailboxError is the failure of one mailbox of a search over many.
type MailboxError struct {
	Mailbox string
	Err     error
}

// Error implements error.
func (e *MailboxError) Error() string { return fmt.Sprintf("ews: mailbox %s: %v", e.Mailbox, e.Err) }

// Unwrap returns the mailbox's error.
func (e *MailboxError) Unwrap() error { return e.Err }

// SearchMailboxesOptions are the options of Client.SearchMailboxes.
type SearchMailboxesOptions struct {
	// Search selects the messages in each mailbox (every mail folder of it; see MailService.SearchAll).
	Search SearchAllOptions
	// Concurrency is the number of mailboxes searched at once; 0 means Config.MaxConcurrency.
	Concurrency int
}

// SearchMailboxes searches many mailboxes (through FanOut: impersonation or delegate access, shared connections
// and back-off), every mail folder of each, and yields each match as it is found, with its mailbox and folder.
// A mailbox that cannot be searched (no such mailbox, no access, a failed request) is yielded, after the matches,
// as a *MailboxError and the others go on; matches of a mailbox that failed midway are yielded too. Breaking out
// of the loop stops the search.
func (c *Client) SearchMailboxes(ctx context.Context, mailboxes []string, opts SearchMailboxesOptions) iter.Seq2[*Found, error] {
	return func(yield func(*Found, error) bool) {
		if len(mailboxes) == 0 {
			yield(nil, inputErr("mailboxes", "is empty"))
			return
		}
		if _, err := c.Mail().newPager("SearchMailboxesOptions.Search", opts.Search.SearchOptions); err != nil {
			yield(nil, err)
			return
		}
		if c.graph != nil {
			if err := graphSearchAllRefusal("SearchMailboxesOptions.Search", opts.Search); err != nil {
				yield(nil, err)
				return
			}
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type match struct {
			f   *Found
			err error
		}
		ch := make(chan match)
		done := make(chan []MailboxResult, 1)
		go func() {
			var results []MailboxResult
			defer func() {
				if v := recover(); v != nil {
					err := c.panicErr("SearchMailboxes", v)
					results = make([]MailboxResult, len(mailboxes))
					for i, m := range mailboxes {
						results[i] = MailboxResult{Mailbox: m, Err: err}
					}
				}
				done <- results
				close(ch)
			}()
			testhook.Point("SearchMailboxes")
			results = c.FanOut(ctx, mailboxes, opts.Concurrency, func(ctx context.Context, mc *Client) error {
				for f, err := range mc.Mail().SearchAll(ctx, opts.Search) {
					var ie *ItemError
					if err != nil && !errors.As(err, &ie) {
						return err
					}
					select {
					case ch <- match{f, err}:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				return nil
			})
		}()
		stopped := false
		for m := range ch {
			if !stopped && !yield(m.f, m.err) {
				stopped = true
				cancel()
			}
		}
		results := <-done
		if stopped {
			return
		}
		seen := map[string]bool{}
		for _, r := range results {
			key := strings.ToLower(strings.TrimSpace(r.Mailbox))
			if r.Err == nil || seen[key] {
				continue
			}
			seen[key] = true
			if !yield(nil, &MailboxError{Mailbox: r.Mailbox, Err: r.Err}) {
				return
			}
		}
	}
}
