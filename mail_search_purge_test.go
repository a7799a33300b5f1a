package ews

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// purgeSearch runs a search over the Inbox whose loop body hands each message it gets to body, and returns the
// ids in the order yielded; an id yielded twice fails the test.
func purgeSearch(t *testing.T, c *Client, opts SearchOptions, body func(i int, m *Message)) []string {
	t.Helper()
	var got []string
	seen := map[string]bool{}
	for m, err := range c.Mail().Search(testCtx(t), opts) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[m.ID] {
			t.Fatalf("%s (%s) yielded twice", m.ID, m.Subject)
		}
		seen[m.ID] = true
		body(len(got), m)
		got = append(got, m.ID)
	}
	return got
}

// The SOAR "search and purge" loop: the loop body deletes every message it gets, which shrinks the folder under
// the paging; every message is still seen, in order, and the folder ends empty.
func TestSearchPurgeLoopSeesEveryMessage(t *testing.T) {
	for _, how := range []DeleteType{HardDelete, MoveToDeletedItems} {
		for _, conc := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/concurrency%d", how, conc), func(t *testing.T) {
				srv, c := setup(t)
				ids := seedMessages(srv, "inbox", 1000, nil)
				ctx := testCtx(t)
				got := purgeSearch(t, c, SearchOptions{PageSize: 100, BatchSize: 25, Concurrency: conc}, func(_ int, m *Message) {
					if err := c.Mail().Delete(ctx, DeleteOptions{How: how}, m.ID); err != nil {
						t.Fatal(err)
					}
				})
				want := slices.Clone(ids)
				slices.Reverse(want)
				if !slices.Equal(got, want) {
					t.Fatalf("got %d messages, want all %d newest first", len(got), len(want))
				}
				if left := srv.Default().Items("inbox"); len(left) != 0 {
					t.Errorf("%d messages left in the Inbox, first %q", len(left), left[0].Subject)
				}
				trash := srv.Default().Items("deleteditems")
				if how == MoveToDeletedItems && len(trash) != 1000 || how == HardDelete && len(trash) != 0 {
					t.Errorf("%d messages in Deleted Items", len(trash))
				}
				// Without a pipeline, the loop body has handled a page before the next is asked for: the second
				// page is asked for again at offset 0, once the shrink shows, and the later ones at 0 right away.
				if pages := pageRequests(srv); conc == 1 && (len(pages) != 11 || pages[2] != [2]int{0, 100} || pages[10] != [2]int{0, 100}) {
					t.Errorf("pages = %v", pages)
				}
				if n := mailCountOp(srv, "DeleteItem"); n != 1000 {
					t.Errorf("%d DeleteItem requests, want 1000", n)
				}
			})
		}
	}
}

// Deleting every other message: each message is seen exactly once, in order, and the others stay.
func TestSearchDeleteEveryOtherSeesEachOnce(t *testing.T) {
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprintf("concurrency%d", conc), func(t *testing.T) {
			srv, c := setup(t)
			ids := seedMessages(srv, "inbox", 1000, nil)
			ctx := testCtx(t)
			got := purgeSearch(t, c, SearchOptions{PageSize: 100, BatchSize: 25, Concurrency: conc}, func(i int, m *Message) {
				if i%2 == 0 {
					if _, err := c.Mail().Move(ctx, archiveRef(srv), m.ID); err != nil {
						t.Fatal(err)
					}
				}
			})
			want := slices.Clone(ids)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d messages, want all %d newest first, each once", len(got), len(want))
			}
			left := srv.Default().Items("inbox")
			if len(left) != 500 || len(srv.Default().Items("archive")) != 500 {
				t.Fatalf("%d messages left in the Inbox, %d archived", len(left), len(srv.Default().Items("archive")))
			}
			for _, it := range left {
				if i := slices.Index(want, it.ID); i%2 != 1 {
					t.Errorf("%s (position %d) should have been moved", it.Subject, i)
				}
			}
		})
	}
}

// Messages arriving while a newest-first search runs shift the older ones back; none is yielded twice, and every
// message there at the start is seen.
func TestSearchArrivalsYieldNoDuplicates(t *testing.T) {
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprintf("concurrency%d", conc), func(t *testing.T) {
			srv, c := setup(t)
			ids := seedMessages(srv, "inbox", 1000, nil)
			added := 0
			got := purgeSearch(t, c, SearchOptions{PageSize: 100, BatchSize: 25, Concurrency: conc}, func(i int, m *Message) {
				if i%7 == 0 {
					added++
					srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("new %04d", added), Body: "body",
						DateTimeReceived: mailBase.Add(time.Hour + time.Duration(added)*time.Second)})
				}
			})
			var old []string // the messages there at the start, in the order yielded
			for _, id := range got {
				if slices.Contains(ids, id) {
					old = append(old, id)
				}
			}
			want := slices.Clone(ids)
			slices.Reverse(want)
			if !slices.Equal(old, want) {
				t.Fatalf("got %d of the %d messages there at the start", len(old), len(want))
			}
			if n := len(srv.Default().Items("inbox")); n != 1000+added || added < 140 {
				t.Errorf("%d messages in the Inbox after %d arrivals", n, added)
			}
		})
	}
}

// Unread without MarkRead, whose loop body moves each message out of the folder, sees every unread message.
func TestUnreadMoveLoopSeesEveryMessage(t *testing.T) {
	srv, c := setup(t)
	ids := seedMessages(srv, "inbox", 450, func(i int, it *testserver.Item) { it.IsRead = i%3 == 2 })
	ctx := testCtx(t)
	var got []string
	for m, err := range c.Mail().Unread(ctx, UnreadOptions{PageSize: 100, BatchSize: 40}) {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Mail().Move(ctx, archiveRef(srv), m.ID); err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	var want []string
	for i, id := range ids {
		if i%3 != 2 {
			want = append(want, id)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %d messages, want the %d unread ones oldest first, each once", len(got), len(want))
	}
	if n, a := len(srv.Default().Items("inbox")), len(srv.Default().Items("archive")); n != 150 || a != 300 {
		t.Errorf("%d messages left in the Inbox, %d archived", n, a)
	}
}
