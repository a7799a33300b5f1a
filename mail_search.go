package ews

import (
	"context"
	"fmt"
	"iter"

	"github.com/ewsgo/ews/internal/soap"
)

// Page sizes of FindItem.
const (
	// DefaultPageSize is the number of items one FindItem page asks for.
	DefaultPageSize = 100
	// maxPageSize is the most items Exchange returns in one FindItem page (EWSFindCountLimit).
	maxPageSize = 1000
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

// Search returns an iterator over the messages that match opts, with every property of Message. It pages with
// FindItem (IndexedPageItemView) and fetches the messages of each page with GetItem in batches, so memory stays
// flat whatever the folder's size. Breaking out of the loop stops all further requests.
//
// An error of the search as a whole (bad options, unknown folder, a failed request) is yielded once and ends
// the iteration. A message that cannot be fetched is yielded as an *ItemError and the iteration goes on;
// messages deleted while the search runs are skipped. The loop body may delete or move the messages it gets
// (search and purge): the paging follows the folder as it shrinks, so no message is skipped, and messages
// arriving meanwhile never make one come twice.
func (s *MailService) Search(ctx context.Context, opts SearchOptions) iter.Seq2[*Message, error] {
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
}

// Unread returns an iterator over the unread messages of a folder, oldest first, with every property of
// Message. With MarkRead, each message is marked read (without a read receipt where the server allows) after the
// loop body has handled it; a failure to mark it is yielded as an error after the message. Breaking out of the
// loop stops all further requests.
func (s *MailService) Unread(ctx context.Context, opts UnreadOptions) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		p, err := s.newPager("UnreadOptions", SearchOptions{Folder: opts.Folder, UnreadOnly: true, Ascending: true, Limit: opts.Limit,
			PageSize: opts.PageSize, BatchSize: opts.BatchSize, Query: opts.Query})
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

// pager walks the pages of one FindItem query.
type pager struct {
	s                          *MailService
	parent                     soap.FolderRef
	restriction                *soap.Restriction
	sort                       soap.SortOrder
	limit, pageSize, batchSize int
	concurrency                int
	shape                      *soap.ItemShape // from Only; nil means the full message
	finds                      freeList[soap.FindItemResponse, *soap.FindItemResponse]
	gets                       freeList[soap.GetItemResponse, *soap.GetItemResponse]
	// never is set for a query that matches nothing: no request is needed.
	never bool
	// after runs when the loop body has handled a message; removed reports that the message left the view.
	after func(ctx context.Context, m *Message) (removed bool, err error)
}

// newPager checks o (whose fields the errors call opt+".Field") and prepares its query.
func (s *MailService) newPager(opt string, o SearchOptions) (*pager, error) {
	switch {
	case o.Limit < 0:
		return nil, inputErr(opt+".Limit", "%d is negative", o.Limit)
	case o.PageSize < 0 || o.PageSize > maxPageSize:
		return nil, inputErr(opt+".PageSize", "%d is not between 1 and %d, the most items Exchange returns in one page (0 means %d)", o.PageSize, maxPageSize, DefaultPageSize)
	case o.BatchSize < 0 || o.BatchSize > maxBatchSize:
		return nil, inputErr(opt+".BatchSize", "%d is not between 1 and %d (0 means %d)", o.BatchSize, maxBatchSize, DefaultBatchSize)
	case o.Concurrency < 0:
		return nil, inputErr(opt+".Concurrency", "%d is negative", o.Concurrency)
	}
	if err := firstErr(o.Folder.check(opt+".Folder"), checkText(opt+".Sender", o.Sender), checkText(opt+".Subject", o.Subject),
		checkText(opt+".Body", o.Body)); err != nil {
		return nil, err
	}
	p := &pager{s: s, limit: o.Limit, pageSize: o.PageSize, batchSize: o.BatchSize, concurrency: max(1, o.Concurrency)}
	if len(o.Only) > 0 {
		shape, err := onlyShape(opt+".Only", o.Only)
		if err != nil {
			return nil, err
		}
		p.shape = &shape
	}
	if p.batchSize == 0 {
		p.batchSize = DefaultBatchSize
	}
	if p.pageSize == 0 {
		// A page holds a batch for each request in flight: the next page is asked for once a page's batches
		// are back, so smaller pages would leave the pipeline half empty.
		p.pageSize = min(maxPageSize, max(DefaultPageSize, p.batchSize*p.concurrency))
	}
	// The filters are queries too, so that they send the restriction exchangelib sends for sender=,
	// subject__icontains=, body__icontains= and is_read=.
	qs := []Q{o.Query}
	if o.Sender != "" {
		if err := checkEmail(opt+".Sender", o.Sender); err != nil {
			return nil, inputErr(opt+".Sender", "%q is not an email address", o.Sender)
		}
		qs = append(qs, Where("sender", o.Sender))
	}
	if o.Subject != "" {
		qs = append(qs, Where("subject__icontains", o.Subject))
	}
	if o.Body != "" {
		qs = append(qs, Where("body__icontains", o.Body))
	}
	if o.UnreadOnly {
		qs = append(qs, Where("is_read", false))
	}
	var err error
	if p.restriction, p.never, err = And(qs...).restriction(); err != nil {
		return nil, err
	}
	field := o.SortBy
	switch field {
	case "":
		field = SortByReceived
	case SortByReceived, SortBySent, SortBySubject, SortBySize, SortByImportance:
	default:
		return nil, inputErr(opt+".SortBy", "%q is not a sort field (use SortByReceived, SortBySent, SortBySubject, SortBySize or SortByImportance)", string(field))
	}
	order := "Descending"
	if o.Ascending {
		order = "Ascending"
	}
	p.sort = soap.SortOrder{{Order: order, Path: soap.Path{FieldURI: string(field)}}}
	return p, nil
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
