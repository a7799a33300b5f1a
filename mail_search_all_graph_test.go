package ews

import (
	"errors"
	"sort"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// TestSearchMailboxesGraph: SearchMailboxes over the graph backend searches every mail folder of each mailbox
// with the app's token, and a mailbox that is not there fails alone.
func TestSearchMailboxesGraph(t *testing.T) {
	srv, addrs := fanOutServer(t, 4, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	per := map[string][]string{}
	var failed []*MailboxError
	for f, err := range c.SearchMailboxes(ctx, append(addrs, "ghost@example.com"), SearchMailboxesOptions{Concurrency: 2,
		Search: SearchAllOptions{SearchOptions: SearchOptions{Query: Where("message_id", phishID)}}}) {
		var me *MailboxError
		if errors.As(err, &me) {
			failed = append(failed, me)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		per[f.Mailbox] = append(per[f.Mailbox], f.Folder)
	}
	for i, a := range addrs {
		want := []string{"Inbox"}
		if i%3 == 0 {
			want = []string{"Inbox", "Junk Email"}
		}
		got := per[a]
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", a, diff)
		}
	}
	if len(failed) != 1 || failed[0].Mailbox != "ghost@example.com" || !errors.Is(failed[0], ErrNonExistentMailbox) {
		t.Errorf("failed = %v", failed)
	}
	if n := len(mailOps(srv)); n != 0 {
		t.Errorf("the graph client sent %d EWS requests", n)
	}
}
