package ews

import (
	"context"
	"fmt"
	"iter"

	"github.com/ewsgo/ews/internal/soap"
)

// SortField is a property search results can be sorted by.
type SortField string

// Sort fields.
const (
	SortByReceived   SortField = "item:DateTimeReceived"
	SortBySent       SortField = "item:DateTimeSent"
	SortBySubject    SortField = "item:Subject"
	SortBySize       SortField = "item:Size"
	SortByImportance SortField = "item:Importance"
)

// SearchOptions selects the messages of MailService.Search. Filters that are set must all match.
type SearchOptions struct {
	// Folder is the folder searched, by well-known name, path or id; the zero value is the Inbox.
	Folder FolderRef
	// Sender keeps messages whose sender has this SMTP address (message:Sender is equal to it, the filter
	// exchangelib's sender= and the SOAR connector's sender parameter send).
	Sender string
	// Subject keeps messages whose subject contains this text, ignoring case.
	Subject string
	// Body keeps messages whose body contains this text, ignoring case.
	Body string
	// UnreadOnly keeps unread messages only.
	UnreadOnly bool
	// Query is any further condition, in exchangelib's vocabulary (see Q); it is combined with the filters above
	// (all must match). A query that can match nothing makes the search return nothing without a request.
	Query Q
	// SortBy is the sort property; the default is SortByReceived.
	SortBy SortField
	// Ascending sorts oldest (smallest) first; the default is newest first.
	Ascending bool
	// Limit stops the search after this many messages; 0 means no limit.
	Limit int
	// PageSize is the number of ids one FindItem asks for; 0 means DefaultPageSize (100), or BatchSize times
	// Concurrency when that is larger (a batch for each request in flight). At most 1000, the cap of Exchange;
	// the iterator pages past it.
	PageSize int
	// BatchSize is the number of messages one GetItem fetches in full; 0 means DefaultBatchSize (100).
	BatchSize int
	// Only limits the properties fetched to those named, by exchangelib's field names ("subject", "sender",
	// "datetime_received", "is_read", "body", "headers", "attachments", "to_recipients", "message_id"...); the
	// other fields of each Message are left empty. Asking only for what is needed makes large scans much
	// cheaper (a body is most of a message). Empty means every property of Message.
	Only []string
	// Concurrency is the number of requests the search keeps in flight. With 2 or more, the next GetItem batches
	// and FindItem page are fetched (and decoded) while the loop body handles the current batch, up to
	// Concurrency-1 batches ahead; messages still come in order, and breaking out of the loop cancels the
	// requests in flight (the server may have received them). 0 means 1: each request is sent when the loop needs
	// its messages. The client's MaxConcurrency bounds it as well.
	Concurrency int
}

// search is Search over EWS.
func (s ewsMail) search(ctx context.Context, opts SearchOptions) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		p, err := s.newPager("SearchOptions", opts)
		if err != nil {
			yield(nil, err)
			return
		}
		if p.never {
			return
		}
		parent, err := s.c.wireFolder(ctx, "SearchOptions.Folder", opts.Folder)
		if err != nil {
			yield(nil, err)
			return
		}
		p.parent = parent
		p.run(ctx, yield)
	}
}

// UnreadOptions selects the messages of MailService.Unread.
type UnreadOptions struct {
	// Folder is the folder read; the zero value is the Inbox.
	Folder FolderRef
	// MarkRead marks each message read once the loop body has handled it (when the body returns, or breaks, for
	// that message), so that a crash leaves unhandled mail unread. It costs one UpdateItem per message.
	MarkRead bool
	// Query narrows the unread messages further (see Q).
	Query Q
	// Limit stops after this many messages; 0 means all.
	Limit int
	// PageSize and BatchSize are as in SearchOptions.
	PageSize  int
	BatchSize int
	// Concurrency is the number of requests kept in flight, as in SearchOptions: the next GetItem batches are
	// fetched while the loop body handles a batch, and at most Concurrency batches are fetched ahead of it. With
	// MarkRead the next FindItem page is asked for once the loop body has handled (and marked read) every
	// message of the page, since the page's offset depends on them; the batches of a page are still fetched
	// ahead. 0 means 1.
	Concurrency int
}

// unread is Unread over EWS.
func (s ewsMail) unread(ctx context.Context, opts UnreadOptions) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		p, err := s.newPager("UnreadOptions", SearchOptions{Folder: opts.Folder, UnreadOnly: true, Ascending: true, Limit: opts.Limit,
			PageSize: opts.PageSize, BatchSize: opts.BatchSize, Query: opts.Query, Concurrency: opts.Concurrency})
		if err != nil {
			yield(nil, err)
			return
		}
		if p.never {
			return
		}
		parent, err := s.c.wireFolder(ctx, "UnreadOptions.Folder", opts.Folder)
		if err != nil {
			yield(nil, err)
			return
		}
		p.parent = parent
		if opts.MarkRead {
			// A message marked read leaves the view of unread messages, so the next page starts earlier.
			p.after = func(ctx context.Context, m *Message) (bool, error) {
				errs, err := s.updateRead(ctx, []target{{ref: m.ID, id: m.ID}}, true)
				if err == nil {
					err = errs[0]
				}
				if err != nil {
					return isErr(err, ErrItemNotFound), &ItemError{Ref: m.ID, ID: m.ID, Err: fmt.Errorf("mark read: %w", err)}
				}
				m.IsRead = true
				return true, nil
			}
		}
		p.run(ctx, yield)
	}
}

// findPage sends a FindItem over one folder and returns its result.
func (s *MailService) findPage(ctx context.Context, req *soap.FindItem) (*soap.FindItemParent, error) {
	return s.findPageInto(ctx, req, new(soap.FindItemResponse))
}

// findPageInto is findPage decoding into resp (the result points into it).
func (s *MailService) findPageInto(ctx context.Context, req *soap.FindItem, resp *soap.FindItemResponse) (*soap.FindItemParent, error) {
	if err := doInto(ctx, s.c, req, resp); err != nil {
		return nil, err
	}
	m := &resp.ResponseMessages[0]
	if err := s.c.itemErr(req, &m.ResponseMessage); err != nil {
		return nil, err
	}
	return &m.RootFolder, nil
}
