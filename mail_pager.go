package ews

import (
	"context"
	"sync"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testhook"
)

// The pager runs as a pipeline: a producer goroutine pages with FindItem and starts one goroutine per GetItem
// batch; the iterator yields the batches in order. Credits bound the work ahead of the loop body: the producer
// takes one for each batch it starts and the iterator gives one back when the loop body has handled a batch, so
// with concurrency n at most n batches are in flight or waiting. With n = 1 each request is sent when the loop
// needs it, as a plain loop would. A page's next page is asked for once every batch of the page is back, because
// the offset of the next page depends on how many of its messages were deleted meanwhile (and, for Unread with
// MarkRead, on how many the loop body marked read, which the credits carry back: there the next page waits
// until the loop body has handled every batch of the page, whose batches are still fetched ahead of it).
// Messages the pager cannot know of leaving the view (the loop body deletes or moves the messages it gets) show
// in TotalItemsInView: see produce.

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
	// query is the whole query (the filters of SearchOptions and its Query), field and ascending its sort, for
	// a wire that renders them itself (Graph).
	query     Q
	field     SortField
	ascending bool
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
	p.query = And(qs...)
	if p.restriction, p.never, err = p.query.restriction(); err != nil {
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
	p.field, p.ascending = field, o.Ascending
	order := "Descending"
	if o.Ascending {
		order = "Ascending"
	}
	p.sort = soap.SortOrder{{Order: order, Path: soap.Path{FieldURI: string(field)}}}
	return p, nil
}

// fetched is one GetItem batch of a search, converted.
type fetched struct {
	batch []target
	msgs  []*Message // nil where the item failed
	errs  []error
	err   error // the search failed: yielded, and the search ends
}

// run pages through the query and yields its messages.
func (p *pager) run(ctx context.Context, yield func(*Message, error) bool) {
	p.finds = newFreeList[soap.FindItemResponse](2)
	p.gets = newFreeList[soap.GetItemResponse](p.concurrency + 1)
	window := p.concurrency
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	results := make(chan chan fetched, window)
	credits := make(chan int, window) // the messages of a handled batch that left the view
	for range window {
		credits <- 0
	}
	var cut error // why the producer stopped before the end, when nothing delivered the error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(results)
		defer func() {
			if v := recover(); v != nil {
				cut = p.s.c.panicErr("search pager", v)
			}
		}()
		testhook.Point("search pager")
		cut = p.produce(ctx, &wg, credits, results)
	}()
	n := 0
	for slot := range results {
		f := <-slot
		if f.err != nil {
			yield(nil, f.err)
			return
		}
		gone := 0
		for i, t := range f.batch {
			if f.errs[i] != nil {
				if !yield(nil, &ItemError{Ref: t.ref, ID: t.id, Err: f.errs[i]}) {
					return
				}
				continue
			}
			m := f.msgs[i]
			if m == nil {
				continue // deleted since FindItem
			}
			more := yield(m, nil)
			if p.after != nil {
				removed, err := p.after(ctx, m)
				if removed {
					gone++
				}
				if err != nil && more {
					more = yield(nil, err)
				}
			}
			n++
			if !more || p.limit > 0 && n >= p.limit {
				return
			}
		}
		credits <- gone
	}
	// The results closed before the search reached its end: its context ended (while a FindItem page or a
	// GetItem batch was in flight, or between them). The caller must not take what came for the whole.
	if cut != nil {
		yield(nil, cut)
	}
}

// produce pages through the query, starting a goroutine per GetItem batch, each of which delivers its result to
// the slot it sent on results, in order. With concurrency above 1 (and no loop-body action that changes the
// view), the next FindItem page is asked for as soon as a page arrives, at the offset it names (less the
// messages that left the view unaccounted for between the last two pages); when the page's batches show that
// messages were deleted meanwhile, that guess is dropped and the page asked for again at the corrected offset.
// A page whose TotalItemsInView shows that more messages left the view than it was stepped back for is asked
// for again further back, and the ids handed out recently are dropped from each page: messages removed or
// added while the search runs neither skip nor repeat the others.
func (p *pager) produce(ctx context.Context, wg *sync.WaitGroup, credits chan int, results chan<- chan fetched) error {
	s := p.s
	shape := s.messageShape()
	if p.shape != nil {
		shape = *p.shape
	}
	removed := 0 // messages the loop body removed from the view, from the credits
	take := func() bool {
		select {
		case g := <-credits:
			removed += g
			return true
		case <-ctx.Done():
			return false
		}
	}
	deliver := func(f fetched) error {
		slot := make(chan fetched, 1)
		slot <- f
		select {
		case results <- slot:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	speculate := p.concurrency > 1 && p.after == nil
	cur := newCursor(p.pageSize, p.limit, speculate)
	// inFlight bounds the requests in flight, a speculative page included, to the concurrency.
	inFlight := make(chan struct{}, p.concurrency)
	acquire := func(ctx context.Context) bool {
		select {
		case inFlight <- struct{}{}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	type pageReq struct {
		offset, size int
		done         chan pageResult
		cancel       context.CancelFunc
	}
	startPage := func(offset, size int) *pageReq {
		pctx, cancel := context.WithCancel(ctx)
		r := &pageReq{offset: offset, size: size, done: make(chan pageResult, 1), cancel: cancel}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.done <- func() (pr pageResult) {
				defer func() {
					if v := recover(); v != nil {
						pr = pageResult{err: s.c.panicErr("FindItem page", v)}
					}
				}()
				if !acquire(pctx) {
					return pageResult{err: pctx.Err()}
				}
				defer func() { <-inFlight }()
				testhook.Point("FindItem page")
				resp := p.finds.get()
				resp.Reset()
				root, err := s.findPageInto(pctx, &soap.FindItem{
					Traversal:       "Shallow",
					ItemShape:       soap.ItemShape{BaseShape: "IdOnly"},
					IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: size, Offset: offset, BasePoint: "Beginning"},
					Restriction:     p.restriction,
					SortOrder:       p.sort,
					ParentFolderIDs: []soap.FolderRef{p.parent},
				}, resp)
				return pageResult{root, resp, err}
			}()
		}()
		return r
	}
	// The ids handed out recently are dropped from every page, so that no message is yielded twice when a page
	// is asked for further back (see cursor). Twice as many ids as a page may be stepped back are remembered (those
	// of the overlap that are still there may be interleaved with as many removed ones).
	seen := newRecentIDs(2 * cur.maxStep)
	// The credit of the page's first batch is taken before its FindItem: when the loop body must have handled
	// the previous page first (concurrency 1), the offset then accounts for what it removed.
	if !take() {
		return ctx.Err()
	}
	held := true // the credit for the next batch is taken
	pending := startPage(cur.first())
	removed = 0
	guard := &progressGuard{what: "FindItem"} // the same page forever
	for {
		var pr pageResult
		select {
		case pr = <-pending.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		pending.cancel()
		if pr.err != nil {
			return deliver(fetched{err: pr.err})
		}
		if again, at := cur.arrived(pending.offset, pr.root.TotalItemsInView); again {
			p.finds.put(pr.resp)
			pending = startPage(at, pending.size)
			continue
		}
		page := pr.root.Items.Items
		last, pagingOffset, count := pr.root.IncludesLastItemInRange, pr.root.IndexedPagingOffset, len(page)
		fresh := make([]target, 0, count)
		for _, it := range page {
			if it.ItemID != nil && !seen.has(it.ItemID.ID) {
				seen.add(it.ItemID.ID)
				fresh = append(fresh, target{ref: it.ItemID.ID, id: it.ItemID.ID})
			}
		}
		p.finds.put(pr.resp) // the ids are taken
		if err := guard.step(ctx, len(fresh) > 0 || last); err != nil {
			return deliver(fetched{err: err})
		}
		var spec *pageReq
		if speculate {
			if offset, size, ok := cur.guess(pagingOffset, len(fresh), last, count); ok {
				spec = startPage(offset, size)
			}
		}
		dropSpec := func() {
			if spec != nil {
				spec.cancel()
			}
		}
		var (
			mu       sync.Mutex
			notFound int // messages of this page deleted since FindItem
			yielded  int // messages of this page the loop body gets
			failed   bool
			batchW   sync.WaitGroup
		)
		for lo := 0; lo < len(fresh); lo += p.batchSize {
			if !held && !take() {
				dropSpec()
				return ctx.Err()
			}
			held = false
			mu.Lock()
			stop := failed
			mu.Unlock()
			if stop {
				break
			}
			batch := fresh[lo:min(lo+p.batchSize, len(fresh)):min(lo+p.batchSize, len(fresh))]
			slot := make(chan fetched, 1)
			select {
			case results <- slot:
			case <-ctx.Done():
				dropSpec()
				return ctx.Err()
			}
			wg.Add(1)
			batchW.Add(1)
			go func() {
				defer wg.Done()
				defer batchW.Done()
				var f fetched
				if acquire(ctx) {
					f = p.fetchRecovered(ctx, batch, shape)
					<-inFlight
				} else {
					f.err = ctx.Err()
				}
				mu.Lock()
				failed = failed || f.err != nil
				for i := range f.msgs {
					switch {
					case f.msgs[i] != nil:
						yielded++
					case f.errs[i] == nil:
						notFound++
					}
				}
				mu.Unlock()
				slot <- f
			}()
		}
		batchW.Wait()
		if failed || ctx.Err() != nil {
			dropSpec()
			return ctx.Err() // a failed batch delivered its error
		}
		if cur.handled(yielded, last, count) {
			dropSpec()
			return nil
		}
		if !held && !take() {
			dropSpec()
			return ctx.Err()
		}
		held = true
		if p.after != nil {
			// The next page's offset depends on what the loop body did with this page's messages: wait until it
			// has handled every batch (every credit is back), then hand back the credits beyond the one held.
			for range p.concurrency - 1 {
				if !take() {
					return ctx.Err()
				}
			}
			for range p.concurrency - 1 {
				credits <- 0
			}
		}
		next, size := cur.next(pagingOffset, notFound, removed)
		removed = 0
		if spec != nil && spec.offset == next && spec.size == size {
			pending = spec
		} else {
			dropSpec()
			pending = startPage(next, size)
		}
	}
}

// maxPageAttempts bounds how often one page is asked for again because the view keeps shrinking under it.
const maxPageAttempts = 8

// pageResult is the answer to one FindItem page; resp, which root points into, goes back to the pager's free
// list once the page's ids are taken.
type pageResult struct {
	root *soap.FindItemParent
	resp *soap.FindItemResponse
	err  error
}

// freeList keeps decoded responses of a search for reuse: soap.Item is large, and a scan decodes thousands of
// them. (A sync.Pool is emptied by every garbage collection, which a scan triggers every few batches.)
type freeList[T any, P interface {
	*T
	Reset()
}] struct {
	ch chan P
}

func newFreeList[T any, P interface {
	*T
	Reset()
}](n int) freeList[T, P] {
	return freeList[T, P]{ch: make(chan P, n)}
}

// get returns an empty response, reused when one is free.
func (f freeList[T, P]) get() P {
	select {
	case r := <-f.ch:
		r.Reset()
		return r
	default:
		return P(new(T))
	}
}

// put keeps r for reuse, if there is room.
func (f freeList[T, P]) put(r P) {
	select {
	case f.ch <- r:
	default:
	}
}

// fetchRecovered is fetch, with a panic delivered as the batch's error.
func (p *pager) fetchRecovered(ctx context.Context, batch []target, shape soap.ItemShape) (f fetched) {
	defer func() {
		if v := recover(); v != nil {
			f = fetched{batch: batch, err: p.s.c.panicErr("GetItem batch", v)}
		}
	}()
	testhook.Point("GetItem batch")
	return p.fetch(ctx, batch, shape)
}

// fetch gets one batch with GetItem and converts its messages; those deleted since FindItem are left nil without
// an error.
func (p *pager) fetch(ctx context.Context, batch []target, shape soap.ItemShape) fetched {
	s := p.s
	f := fetched{batch: batch}
	resp := p.gets.get()
	defer p.gets.put(resp) // the messages are converted by then
	items, errs, err := s.getItemsInto(ctx, batch, shape, resp)
	if err != nil {
		f.err = err
		return f
	}
	f.msgs = make([]*Message, len(batch))
	f.errs = errs
	for i, it := range items {
		if errs[i] != nil {
			if isErr(errs[i], ErrItemNotFound) {
				errs[i] = nil // deleted since FindItem: skipped
			}
			continue
		}
		f.msgs[i] = messageFromWire(it, s.c.cfg.Location)
		items[i] = nil
	}
	return f
}
