package connector

import (
	"context"
	"errors"
	"iter"
	"net/mail"
	"strings"

	"github.com/ewsgo/ews"
)

// SearchMailboxesParams are the parameters of search_mailboxes.
type SearchMailboxesParams struct {
	Mailboxes        []string `json:"mailboxes" required:"true" help:"the mailboxes searched, comma-separated or a JSON list (impersonation or delegate access, as access_type says)"`
	EmailAddress     string   `json:"email_address" help:"messages sent by this address"`
	Subject          string   `json:"subject" help:"messages whose subject contains this text (ignoring case)"`
	Body             string   `json:"body" help:"messages whose body contains this text (ignoring case)"`
	Query            Query    `json:"query" help:"further conditions in exchangelib's vocabulary, as in search_query ({'message_id': '<abc@evil.example>'})"`
	AllFolders       *bool    `json:"all_folders" default:"true" help:"search every mail folder of each mailbox; false searches folder_name only"`
	FolderName       string   `json:"folder_name" default:"Inbox" help:"the folder searched when all_folders is false"`
	RecoverableItems bool     `json:"recoverable_items" help:"search the Recoverable Items (soft-deleted and purged mail) too"`
	Range            int      `json:"range" default:"100" help:"the most matches per mailbox; 0 for all"`
	Concurrency      int      `json:"concurrency" default:"8" help:"mailboxes searched at once"`
}

// MailboxMatch is one message search_mailboxes found: the email, with the mailbox and the folder it is in.
type MailboxMatch struct {
	*Email
	Mailbox string `json:"mailbox"`
	Folder  string `json:"folder"`
}

// SearchSummary is the last entry of search_mailboxes' data: {"summary": {...}}.
type SearchSummary struct {
	Summary *SearchTotals `json:"summary"`
}

// SearchTotals counts what search_mailboxes did.
type SearchTotals struct {
	// MailboxesSearched counts the mailboxes searched to the end; MailboxesFailed lists the others with why.
	MailboxesSearched int             `json:"mailboxes_searched"`
	MailboxesFailed   []MailboxFailed `json:"mailboxes_failed"`
	// Matches counts the messages found, MatchesPerMailbox per mailbox.
	Matches           int            `json:"matches"`
	MatchesPerMailbox map[string]int `json:"matches_per_mailbox"`
}

// MailboxFailed is a mailbox search_mailboxes could not search.
type MailboxFailed struct {
	Mailbox string `json:"mailbox"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// SearchMailboxes searches many mailboxes, every mail folder of each, and returns one entry per match with its
// mailbox and folder, then one summary entry.
func SearchMailboxes(ctx context.Context, c *ews.Client, p SearchMailboxesParams) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		if len(p.Mailboxes) == 0 {
			yield(nil, paramErr("mailboxes", "parameter %q is required", "mailboxes"))
			return
		}
		for i, m := range p.Mailboxes {
			if a, err := mail.ParseAddress(m); err != nil || a.Address != strings.TrimSpace(m) {
				yield(nil, paramErr("mailboxes", "parameter %q: entry %d: %q is not an email address", "mailboxes", i+1, m))
				return
			}
		}
		if p.Range < 0 {
			yield(nil, paramErr("range", "parameter %q: %d is negative", "range", p.Range))
			return
		}
		if p.Concurrency < 0 {
			yield(nil, paramErr("concurrency", "parameter %q: %d is negative", "concurrency", p.Concurrency))
			return
		}
		if p.EmailAddress != "" {
			a, err := mail.ParseAddress(p.EmailAddress)
			if err != nil {
				yield(nil, paramErr("email_address", "parameter %q: %q is not an email address", "email_address", p.EmailAddress))
				return
			}
			p.EmailAddress = a.Address
		}
		if err := p.Query.Q.Err(); err != nil {
			yield(nil, paramErr("query", "parameter %q: %v", "query", err))
			return
		}
		if p.EmailAddress == "" && p.Subject == "" && p.Body == "" && p.Query.Q.IsZero() {
			yield(nil, paramErr("query", "give at least one of email_address, subject, body and query: a search of every message of every mailbox is refused"))
			return
		}
		opts := ews.SearchAllOptions{SearchOptions: ews.SearchOptions{Sender: p.EmailAddress, Subject: p.Subject, Body: p.Body,
			Query: p.Query.Q, Limit: p.Range}, RecoverableItems: p.RecoverableItems}
		totals := &SearchTotals{MailboxesFailed: []MailboxFailed{}, MatchesPerMailbox: map[string]int{}}
		var seq iter.Seq2[*ews.Found, error]
		if p.AllFolders == nil || *p.AllFolders {
			seq = c.SearchMailboxes(ctx, p.Mailboxes, ews.SearchMailboxesOptions{Search: opts, Concurrency: p.Concurrency})
		} else {
			seq = searchOneFolder(ctx, c, p, opts)
		}
		for f, err := range seq {
			var me *ews.MailboxError
			if errors.As(err, &me) {
				e := ErrorOf(me.Err)
				totals.MailboxesFailed = append(totals.MailboxesFailed, MailboxFailed{Mailbox: me.Mailbox, Code: e.Code, Message: e.Message})
				continue
			}
			if err != nil {
				yield(nil, inputParamOf(err, "query", map[string]string{"SearchMailboxesOptions.Search.Sender": "email_address",
					"SearchMailboxesOptions.Search.Subject": "subject", "SearchMailboxesOptions.Search.Body": "body"}))
				return
			}
			totals.Matches++
			totals.MatchesPerMailbox[f.Mailbox]++
			if !yield(&MailboxMatch{Email: emailOut(f.Message), Mailbox: f.Mailbox, Folder: f.Folder}, nil) {
				return
			}
		}
		failed := map[string]bool{}
		for _, f := range totals.MailboxesFailed {
			failed[strings.ToLower(f.Mailbox)] = true
		}
		seen := map[string]bool{}
		for _, m := range p.Mailboxes {
			k := strings.ToLower(strings.TrimSpace(m))
			if !seen[k] && !failed[k] {
				totals.MailboxesSearched++
			}
			seen[k] = true
		}
		yield(&SearchSummary{Summary: totals}, nil)
	}
}

// searchOneFolder is search_mailboxes with all_folders false: folder_name in each mailbox.
func searchOneFolder(ctx context.Context, c *ews.Client, p SearchMailboxesParams, opts ews.SearchAllOptions) iter.Seq2[*ews.Found, error] {
	return func(yield func(*ews.Found, error) bool) {
		folder := ews.ParseFolder(p.FolderName)
		for _, m := range p.Mailboxes {
			mc, err := c.ForMailbox(strings.TrimSpace(m))
			if err != nil {
				if !yield(nil, &ews.MailboxError{Mailbox: m, Err: err}) {
					return
				}
				continue
			}
			o := opts.SearchOptions
			o.Folder = folder
			for msg, err := range mc.Mail().Search(ctx, o) {
				if err != nil {
					var ie *ews.ItemError
					if errors.As(err, &ie) {
						continue
					}
					if !yield(nil, &ews.MailboxError{Mailbox: m, Err: err}) {
						return
					}
					break
				}
				if !yield(&ews.Found{Message: msg, Mailbox: m, Folder: p.FolderName}, nil) {
					return
				}
			}
		}
	}
}
