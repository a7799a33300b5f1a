package ews

// cursor is the offset arithmetic of a search's paging, apart from its goroutines (pager.produce): where each
// FindItem page starts and how many ids it asks for, given what the pages said (IndexedPagingOffset,
// TotalItemsInView) and what the pager knows left the view (messages GetItem no longer found, messages the loop
// body removed).
//
// Paging by offset assumes the view holds still. A loop body that deletes or moves the messages it gets (or
// another client) shrinks it, so that the next offset would skip as many unseen messages; messages arriving
// ahead of the position shift it the other way. Each page's TotalItemsInView shows by how much the view changed
// since the previous page: when it shrank by more than the page was stepped back, the page is asked for again
// further back (the ids seen recently are dropped from every page by the pager, so no message comes twice). A
// page is stepped back at most maxStep messages: the loop body can only remove the messages of the page before
// and of the current one.
type cursor struct {
	pageSize int // ids per page
	limit    int // messages the search yields at most; 0 means no limit
	maxStep  int // the furthest a page is stepped back
	slack    int // the margin a page asked again is stepped back further (pipelined: the loop body goes on)

	n        int // messages the pages so far yield to the loop body
	base     int // the offset after the last page taken, in that page's view
	total    int // that page's TotalItemsInView; -1 before the first page
	drift    int // messages that left the view between the last two pages beyond those the pager knew of
	known    int // messages the pager knows left the view since the last page
	attempts int // times the current page was asked for again
}

// newCursor returns the cursor of a search with pages of pageSize and at most limit messages (0: no limit).
// With speculate (pipelined paging, where the loop body goes on while a page is asked for again) a page asked for
// again is stepped back a further half page.
func newCursor(pageSize, limit int, speculate bool) cursor {
	c := cursor{pageSize: pageSize, limit: limit, maxStep: 2 * pageSize, total: -1}
	if speculate {
		c.slack = pageSize / 2
	}
	return c
}

// size is the number of ids to ask for after n messages: a page, or what remains to the limit.
func (c *cursor) size(n int) int {
	if c.limit > 0 {
		return min(c.pageSize, c.limit-n)
	}
	return c.pageSize
}

// first returns the offset and size of the first page.
func (c *cursor) first() (offset, size int) { return 0, c.size(0) }

// arrived takes the TotalItemsInView of a page asked for at offset. When the view shrank by more than the page
// was stepped back for, it returns again and the offset at which to ask for the page again; otherwise the page
// is taken.
func (c *cursor) arrived(offset, total int) (again bool, at int) {
	if c.total >= 0 {
		d := c.total - total // messages that left the view since the last page
		step := c.base - offset
		if d > step && offset > 0 && step < c.maxStep && c.attempts < maxPageAttempts {
			c.attempts++
			return true, max(0, c.base-min(d+c.slack, c.maxStep))
		}
		c.drift = max(0, d-c.known)
	}
	c.attempts, c.total = 0, total
	return false, 0
}

// guess returns the offset and size of the page after the one just taken, asked for before its messages are
// back (pipelined paging), given the page's IndexedPagingOffset and the fresh ids it held. ok is false when no
// further page is needed: the page was the last, it was empty, or the limit is reached with its ids.
func (c *cursor) guess(pagingOffset, fresh int, last bool, count int) (offset, size int, ok bool) {
	if last || count == 0 || c.limit > 0 && c.n+fresh >= c.limit {
		return 0, 0, false
	}
	return max(0, pagingOffset-min(c.drift, c.maxStep)), c.size(c.n + fresh), true
}

// handled counts the messages of the page just handled that the loop body got, and reports whether the search
// ends with that page: the limit is reached, or the page was the last or empty.
func (c *cursor) handled(yielded int, last bool, count int) (done bool) {
	c.n += yielded
	return c.limit > 0 && c.n >= c.limit || last || count == 0
}

// next returns the offset and size of the page after the one handled, given its IndexedPagingOffset and the
// messages the pager knows left the view since it was asked for: those GetItem no longer found and those the
// loop body removed.
func (c *cursor) next(pagingOffset, notFound, removed int) (offset, size int) {
	c.known = notFound + removed
	c.base = pagingOffset
	return max(0, c.base-min(c.known+c.drift, c.maxStep)), c.size(c.n)
}

// recentIDs remembers the last ids a search handed out, up to a fixed number, so that a page asked for at an
// offset stepped back (messages left the view) or shifted (messages arrived ahead of it) does not yield a
// message twice. Memory stays bounded: the oldest id is forgotten when a new one comes in.
type recentIDs struct {
	ring []string
	next int // where the next id goes in ring
	set  map[string]struct{}
}

func newRecentIDs(n int) *recentIDs {
	return &recentIDs{ring: make([]string, 0, n), set: make(map[string]struct{}, n)}
}

// add remembers id, forgetting the oldest one when full.
func (r *recentIDs) add(id string) {
	if _, ok := r.set[id]; ok {
		return
	}
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, id)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % len(r.ring)
	}
	r.set[id] = struct{}{}
}

// has reports whether id was handed out recently.
func (r *recentIDs) has(id string) bool {
	_, ok := r.set[id]
	return ok
}
