package ews

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
)

// search is Search over Graph.
func (s graphMail) search(ctx context.Context, opts SearchOptions) iter.Seq2[*Message, error] {
	return s.run(ctx, "SearchOptions", opts, false)
}

// unread is Unread over Graph.
func (s graphMail) unread(ctx context.Context, opts UnreadOptions) iter.Seq2[*Message, error] {
	return s.run(ctx, "UnreadOptions", SearchOptions{Folder: opts.Folder, UnreadOnly: true, Ascending: true,
		Limit: opts.Limit, PageSize: opts.PageSize, BatchSize: opts.BatchSize, Query: opts.Query}, opts.MarkRead)
}

// graphSortProps are the sort fields Graph can page by.
var graphSortProps = map[SortField]string{SortByReceived: "receivedDateTime", SortBySent: "sentDateTime"}

// graphEpoch starts the first page's range: Graph wants the $orderby property first in $filter.
var graphEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// run lists the messages of a search. A query rendered as $filter pages by its sort time (keyset paging: each
// page asks for the messages at or past the last time seen, leaving out those already yielded), so the loop
// body may move, delete or mark the messages it gets without making the search skip any, as over EWS. A query
// only $search can express pages with @odata.nextLink, in Graph's order (newest first); Graph cannot sort it.
func (s graphMail) run(ctx context.Context, opt string, o SearchOptions, markRead bool) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		p, err := s.newPager(opt, o)
		if err != nil {
			yield(nil, err)
			return
		}
		if p.never {
			return
		}
		q, never, keep, err := graphQuery(o, p)
		if err != nil {
			yield(nil, err)
			return
		}
		if never {
			return
		}
		prop := graphSortProps[p.field]
		switch {
		case prop == "":
			yield(nil, &NotSupportedError{Backend: string(BackendGraph), What: opt + ".SortBy " + string(p.field),
				Msg: "the graph backend sorts by the received or sent time only", Hint: "use SortByReceived or SortBySent"})
			return
		case q.Search != "" && (p.ascending || p.field != SortByReceived):
			yield(nil, &NotSupportedError{Backend: string(BackendGraph), What: opt + " sorted with a body or full-text lookup",
				Msg: "Graph returns $search results newest first and cannot sort them", Hint: "leave SortBy and Ascending unset, or drop the body lookup"})
			return
		}
		folder, err := s.folder(ctx, opt+".Folder", o.Folder)
		if err != nil {
			yield(nil, err)
			return
		}
		emit := func(gm *graph.Message) bool {
			m := messageFromGraph(gm, s.c.cfg.Location)
			if err := s.addAttachments(ctx, m); err != nil {
				return yield(nil, &ItemError{Ref: m.ID, ID: m.ID, Err: err})
			}
			more := yield(m, nil)
			if markRead {
				// Marked once the loop body has handled the message, also when it broke out of the loop; a
				// PATCH of isRead is idempotent, so it is retried like a read.
				if err := s.g().MarkRead(ctx, m.ID, true); err != nil {
					if ctx.Err() != nil {
						if more {
							yield(nil, ctx.Err())
						}
						return false
					}
					err = s.c.graphErr("update message", err, nil)
					if !more {
						return false
					}
					return yield(nil, &ItemError{Ref: m.ID, ID: m.ID, Err: fmt.Errorf("mark read: %w", err)})
				}
				m.IsRead = true
			}
			return more
		}
		if q.Search != "" {
			s.pageByLink(ctx, folder, q.Search, p, keep, emit, yield)
			return
		}
		s.pageByTime(ctx, folder, q.Filter, prop, p, keep, emit, yield)
	}
}

// pageByLink pages a $search with @odata.nextLink.
func (s graphMail) pageByLink(ctx context.Context, folder, search string, p *pager, keep func(*graph.Message) bool,
	emit func(*graph.Message) bool, yield func(*Message, error) bool) {
	page, err := s.g().ListMessages(ctx, folder, graph.ListOptions{Search: search, Select: graphMessageSelect, Top: p.pageSize})
	n := 0
	for {
		if err != nil {
			yield(nil, s.c.graphErr("list messages", err, nil))
			return
		}
		for i := range page.Value {
			if keep != nil && !keep(&page.Value[i]) {
				continue
			}
			if !emit(&page.Value[i]) {
				return
			}
			if n++; p.limit > 0 && n >= p.limit {
				return
			}
		}
		if page.NextLink == "" {
			return
		}
		page, err = s.g().NextMessages(ctx, page.NextLink)
	}
}

// pageByTime pages a $filter by the sort time prop: each page asks for prop at or past the last time yielded.
func (s graphMail) pageByTime(ctx context.Context, folder, filter, prop string, p *pager, keep func(*graph.Message) bool,
	emit func(*graph.Message) bool, yield func(*Message, error) bool) {
	cmp, order := "le", prop+" desc"
	if p.ascending {
		cmp, order = "ge", prop+" asc"
	}
	var bound *time.Time
	atBound := map[string]bool{} // ids yielded whose time is bound
	size, n := p.pageSize, 0
	for {
		cond := prop + " ge " + graphEpoch.Format(time.RFC3339)
		if bound != nil {
			cond = prop + " " + cmp + " " + bound.UTC().Format(time.RFC3339Nano)
		}
		f := cond
		if filter != "" {
			f = cond + " and (" + filter + ")"
		}
		page, err := s.g().ListMessages(ctx, folder, graph.ListOptions{Filter: f, OrderBy: order, Select: graphMessageSelect, Top: size})
		if err != nil {
			yield(nil, s.c.graphErr("list messages", err, nil))
			return
		}
		fresh := 0
		for i := range page.Value {
			gm := &page.Value[i]
			t := sortTime(gm, prop)
			if bound != nil && t.Equal(*bound) && atBound[gm.ID] {
				continue
			}
			fresh++
			if bound == nil || !t.Equal(*bound) {
				bound, atBound = &t, map[string]bool{}
			}
			atBound[gm.ID] = true
			if keep != nil && !keep(gm) {
				continue
			}
			if !emit(gm) {
				return
			}
			if n++; p.limit > 0 && n >= p.limit {
				return
			}
		}
		if len(page.Value) < size {
			return
		}
		if fresh == 0 {
			// A whole page of messages of one time, all yielded already: a larger page gets past them.
			if size >= 1000 {
				yield(nil, &OpError{Op: "list messages", Err: fmt.Errorf("more than 1000 messages have the same %s; the graph backend cannot page past them", prop)})
				return
			}
			size = min(1000, size*2)
		}
	}
}

func sortTime(m *graph.Message, prop string) time.Time {
	t := m.ReceivedDateTime
	if prop == "sentDateTime" {
		t = m.SentDateTime
	}
	if t == nil {
		return time.Time{}
	}
	return *t
}

// graphQuery renders the query of a search for Graph. What Graph cannot express is, where the results of what it
// can express hold every message the query matches, checked in Go on each message (keep): the case of
// case-sensitive lookups (see caseChecked), and the sender and read flag next to a body lookup (a $search, which
// has no property for them).
func graphQuery(o SearchOptions, p *pager) (odataQuery, bool, func(*graph.Message) bool, error) {
	q, never, err := p.query.odata()
	if err == nil || !errors.Is(err, ErrNotSupportedByBackend) {
		return q, never, nil, err
	}
	if server, check, ok := p.query.caseChecked(); ok {
		if q2, never2, err2 := server.odata(); err2 == nil {
			return q2, never2, check, nil
		}
	}
	if o.Sender == "" && !o.UnreadOnly {
		return q, never, nil, err
	}
	qs := []Q{o.Query}
	if o.Subject != "" {
		qs = append(qs, Where("subject__icontains", o.Subject))
	}
	if o.Body != "" {
		qs = append(qs, Where("body__icontains", o.Body))
	}
	rest := And(qs...)
	var check func(*graph.Message) bool
	if server, c, ok := rest.caseChecked(); ok {
		rest, check = server, c
	}
	q2, never2, err2 := rest.odata()
	if err2 != nil || q2.Search == "" {
		return q, never, nil, err
	}
	return q2, never2, func(m *graph.Message) bool {
		if o.Sender != "" && (m.Sender == nil || !strings.EqualFold(m.Sender.EmailAddress.Address, o.Sender)) {
			return false
		}
		if o.UnreadOnly && m.IsRead != nil && *m.IsRead {
			return false
		}
		return check == nil || check(m)
	}, nil
}
