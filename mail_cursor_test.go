package ews

import "testing"

// The offset arithmetic of paging, step by step, without goroutines or a server: each step is what the pager
// tells the cursor (a page arrived, the page was handled) and what the cursor answers (the next offset and size).
func TestCursor(t *testing.T) {
	type step struct {
		// arrived: a page asked at offset came with this TotalItemsInView; wantAgain/wantAt is the answer.
		arrive        bool
		offset, total int
		wantAgain     bool
		wantAt        int
		// handled: the page (IndexedPagingOffset pagingOffset, count items, last?) gave yielded messages to the
		// loop body, notFound were gone, the loop body removed removed; wantDone, or the next offset and size.
		pagingOffset     int
		count            int
		last             bool
		yielded          int
		notFound         int
		removed          int
		wantDone         bool
		wantNext, wantSz int
	}
	arrive := func(offset, total int, again bool, at int) step {
		return step{arrive: true, offset: offset, total: total, wantAgain: again, wantAt: at}
	}
	handle := func(pagingOffset, count, yielded, notFound, removed, next, size int) step {
		return step{pagingOffset: pagingOffset, count: count, yielded: yielded, notFound: notFound, removed: removed, wantNext: next, wantSz: size}
	}
	end := func(pagingOffset, count, yielded int, last bool) step {
		return step{pagingOffset: pagingOffset, count: count, yielded: yielded, last: last, wantDone: true}
	}
	for _, tc := range []struct {
		name      string
		pageSize  int
		limit     int
		speculate bool
		steps     []step
	}{
		{"a view that holds still pages by the offsets the server names", 100, 0, false, []step{
			arrive(0, 250, false, 0), handle(100, 100, 100, 0, 0, 100, 100),
			arrive(100, 250, false, 0), handle(200, 100, 100, 0, 0, 200, 100),
			arrive(200, 250, false, 0), end(250, 50, 50, true),
		}},
		{"the last page asks for what remains to the limit", 100, 150, false, []step{
			arrive(0, 1000, false, 0), handle(100, 100, 100, 0, 0, 100, 50),
			arrive(100, 1000, false, 0), end(150, 50, 50, false),
		}},
		{"messages the loop body removed step the next page back", 100, 0, false, []step{
			arrive(0, 250, false, 0), handle(100, 100, 100, 0, 30, 70, 100),
			arrive(70, 220, false, 0), handle(170, 100, 100, 0, 0, 170, 100),
		}},
		{"messages GetItem no longer found step the next page back", 100, 0, false, []step{
			arrive(0, 250, false, 0), handle(100, 100, 90, 10, 0, 90, 100),
			arrive(90, 240, false, 0), handle(190, 100, 100, 0, 0, 190, 100),
		}},
		{"a view that shrank by more than the pager knew is asked for again further back", 100, 0, false, []step{
			arrive(0, 250, false, 0), handle(100, 100, 100, 0, 30, 70, 100),
			arrive(70, 200, true, 50), // 50 left, 30 known: again, 50 back
			arrive(50, 200, false, 0), // taken; 20 left unknown to the pager: drift
			handle(150, 100, 80, 0, 0, 130, 100),
		}},
		{"pipelined, a page asked again steps back half a page more", 100, 0, true, []step{
			arrive(0, 250, false, 0), handle(100, 100, 100, 0, 30, 70, 100),
			arrive(70, 200, true, 0), // 100 - min(50+50, 200)
		}},
		{"a page is stepped back at most two pages", 100, 0, false, []step{
			arrive(0, 5000, false, 0), handle(100, 100, 100, 0, 0, 100, 100),
			arrive(100, 5000, false, 0), handle(500, 100, 100, 0, 900, 300, 100),
		}},
		{"a view that keeps shrinking is asked for again a bounded number of times", 100, 0, false, []step{
			arrive(0, 5000, false, 0), handle(100, 100, 100, 0, 0, 100, 100),
			arrive(100, 4990, true, 90), arrive(90, 4980, true, 80), arrive(80, 4970, true, 70), arrive(70, 4960, true, 60),
			arrive(60, 4950, true, 50), arrive(50, 4940, true, 40), arrive(40, 4930, true, 30), arrive(30, 4920, true, 20),
			arrive(20, 4910, false, 0), // maxPageAttempts (8) reached: taken
		}},
		{"an empty page ends the search", 100, 0, false, []step{
			arrive(0, 0, false, 0), end(0, 0, 0, false),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCursor(tc.pageSize, tc.limit, tc.speculate)
			want := tc.pageSize
			if tc.limit > 0 {
				want = min(want, tc.limit)
			}
			if off, size := c.first(); off != 0 || size != want {
				t.Fatalf("first page at %d of %d, want at 0 of %d", off, size, want)
			}
			for i, s := range tc.steps {
				if s.arrive {
					again, at := c.arrived(s.offset, s.total)
					if again != s.wantAgain || again && at != s.wantAt {
						t.Fatalf("step %d: page at %d with %d in view: again %v at %d, want %v at %d", i, s.offset, s.total, again, at, s.wantAgain, s.wantAt)
					}
					continue
				}
				if done := c.handled(s.yielded, s.last, s.count); done != s.wantDone {
					t.Fatalf("step %d: done = %v, want %v", i, done, s.wantDone)
				}
				if s.wantDone {
					continue
				}
				if next, size := c.next(s.pagingOffset, s.notFound, s.removed); next != s.wantNext || size != s.wantSz {
					t.Fatalf("step %d: next page at %d of %d, want at %d of %d", i, next, size, s.wantNext, s.wantSz)
				}
			}
		})
	}
}

// The page asked for ahead (pipelined) starts where the page names, less what left the view unknown to the pager
// between the last two pages, and is not asked for when the search ends with the current page.
func TestCursorGuess(t *testing.T) {
	c := newCursor(100, 250, true)
	c.arrived(0, 1000)
	if off, size, ok := c.guess(100, 100, false, 100); !ok || off != 100 || size != 100 {
		t.Errorf("guess after the first page: %d of %d (%v), want 100 of 100", off, size, ok)
	}
	c.handled(100, false, 100)
	c.next(100, 0, 0)
	// 20 left the view, none known to the pager: asked again 20 and half a page back.
	if again, at := c.arrived(100, 980); !again || at != 30 {
		t.Fatalf("a page 20 short: again %v at %d, want again at 30", again, at)
	}
	c.arrived(30, 980) // taken: a drift of 20
	if off, size, ok := c.guess(130, 100, false, 100); !ok || off != 110 || size != 50 {
		t.Errorf("guess after a drift of 20: %d of %d (%v), want 110 of 50 (the limit)", off, size, ok)
	}
	for _, tt := range []struct {
		fresh, count int
		last         bool
	}{{100, 100, true}, {0, 0, false}, {150, 150, false}} {
		if _, _, ok := c.guess(130, tt.fresh, tt.last, tt.count); ok {
			t.Errorf("guess with %d fresh of %d, last %v: a page is asked for", tt.fresh, tt.count, tt.last)
		}
	}
}
