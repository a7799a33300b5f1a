package graph_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
)

// round follows a delta round from its first page to its deltaLink and returns every entry and the deltaLink.
func round(t *testing.T, c *graph.Client, p *graph.DeltaPage, err error, maxPage int) ([]graph.DeltaMessage, string, int) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var all []graph.DeltaMessage
	pages := 1
	for {
		if len(p.Value) > maxPage {
			t.Errorf("a page of %d entries, more than odata.maxpagesize %d", len(p.Value), maxPage)
		}
		all = append(all, p.Value...)
		if p.DeltaLink != "" {
			return all, p.DeltaLink, pages
		}
		if p, err = c.NextDelta(context.Background(), p.NextLink, maxPage); err != nil {
			t.Fatal(err)
		}
		pages++
	}
}

func summary(ms []graph.DeltaMessage) []string {
	var out []string
	for _, m := range ms {
		switch {
		case m.Removed != nil:
			out = append(out, "removed:"+m.Removed.Reason)
		default:
			out = append(out, fmt.Sprintf("%s read=%v", m.Subject, m.IsRead != nil && *m.IsRead))
		}
	}
	sort.Strings(out)
	return out
}

func TestMessageDeltaRounds(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	var ids []string
	for i := range 25 {
		ids = append(ids, testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: fmt.Sprintf("m%02d", i)})))
	}
	mb.AddItem("archive", testserver.Item{Subject: "elsewhere"})

	// The first round lists the folder, 10 a page, each message once; new mail during the round comes once too.
	p, err := f.c.MessageDelta(ctx, "inbox", graph.DeltaOptions{Select: []string{"subject", "isRead"}, MaxPageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Value) != 10 || p.NextLink == "" || p.Value[0].Body != nil {
		t.Fatalf("first page: %d entries, next %q, body %v", len(p.Value), p.NextLink, p.Value[0].Body)
	}
	late := testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: "late"}))
	all, deltaLink, pages := round(t, f.c, p, nil, 10)
	seen := map[string]int{}
	for _, m := range all {
		seen[m.ID]++
	}
	if len(all) != 26 || len(seen) != 26 || seen[late] != 1 || pages != 3 {
		t.Fatalf("first round: %d entries, %d distinct, late seen %d times, %d pages", len(all), len(seen), seen[late], pages)
	}
	for _, r := range f.srv.GraphRequests() {
		if strings.Contains(r.Path, "/delta") && !strings.Contains(r.Prefer, "odata.maxpagesize=10") {
			t.Errorf("delta request without the page size: Prefer %q", r.Prefer)
		}
	}

	// Changes: two new messages, one read, one moved out, one deleted (to Deleted Items).
	mb.AddItem("inbox", testserver.Item{Subject: "n1"})
	mb.AddItem("inbox", testserver.Item{Subject: "n2"})
	if err := f.c.MarkRead(ctx, ids[3], true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Move(ctx, ids[4], "archive"); err != nil {
		t.Fatal(err)
	}
	if err := f.c.Delete(ctx, ids[5]); err != nil {
		t.Fatal(err)
	}
	p, err = f.c.NextDelta(ctx, deltaLink, 10)
	changes, next, _ := round(t, f.c, p, err, 10)
	want := []string{"m03 read=true", "n1 read=false", "n2 read=false", "removed:deleted", "removed:deleted"}
	if fmt.Sprint(summary(changes)) != fmt.Sprint(want) {
		t.Errorf("second round = %v\nwant %v", summary(changes), want)
	}
	removed := map[string]bool{}
	for _, m := range changes {
		if m.Removed != nil {
			removed[m.ID] = true
		}
	}
	if !removed[ids[4]] || !removed[ids[5]] {
		t.Errorf("removed %v, want the moved %s and the deleted %s", removed, ids[4], ids[5])
	}
	// Nothing changed since: an empty page with a deltaLink. Going back to an older deltaLink replays.
	p, err = f.c.NextDelta(ctx, next, 10)
	if err != nil || len(p.Value) != 0 || p.DeltaLink == "" {
		t.Errorf("third round: %v, %+v", err, p)
	}
	p, err = f.c.NextDelta(ctx, deltaLink, 10)
	if again, _, _ := round(t, f.c, p, err, 10); len(again) != len(changes) {
		t.Errorf("replaying the second round's link: %d changes, want %d", len(again), len(changes))
	}
}

func TestMessageDeltaChangeTypeAndReset(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	a := testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: "a"}))
	p, err := f.c.MessageDelta(ctx, "inbox", graph.DeltaOptions{ChangeType: "created", Select: []string{"subject"}})
	first, link, _ := round(t, f.c, p, err, 10)
	if len(first) != 1 {
		t.Fatalf("first round: %+v", first)
	}
	if err := f.c.MarkRead(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	mb.AddItem("inbox", testserver.Item{Subject: "b"})
	p, err = f.c.NextDelta(ctx, link, 0)
	got, link, _ := round(t, f.c, p, err, 10)
	if fmt.Sprint(summary(got)) != "[b read=false]" {
		t.Errorf("changeType=created round = %v, want only the new message", summary(got))
	}

	// The server drops its sync states: Graph's reset, 410 Gone with the initial request in Location.
	f.srv.ExpireSyncStates()
	_, err = f.c.NextDelta(ctx, link, 0)
	var ge *graph.Error
	if !errors.Is(err, graph.ErrSyncReset) || !errors.As(err, &ge) || ge.StatusCode != 410 || !ge.SyncReset() ||
		!strings.Contains(ge.Location, "/messages/delta?") || !strings.Contains(ge.Location, "changeType=created") {
		t.Fatalf("after the reset: %v (%+v)", err, ge)
	}
	// Starting again lists the folder again.
	p, err = f.c.MessageDelta(ctx, "inbox", graph.DeltaOptions{})
	if again, _, _ := round(t, f.c, p, err, 10); len(again) != 2 {
		t.Errorf("full resync: %d messages, want 2", len(again))
	}
	if _, err := f.c.MessageDelta(ctx, "inbox", graph.DeltaOptions{ChangeType: "moved"}); err == nil {
		t.Error("an unknown changeType was sent")
	}
	if _, err := f.c.MessageDelta(ctx, "nope", graph.DeltaOptions{}); !errors.As(err, &ge) || !ge.NotFound() {
		t.Errorf("unknown folder: %v", err)
	}
}

func TestMessageDeltaThrottledPageIsRetried(t *testing.T) {
	f := setup(t)
	for i := range 3 {
		f.srv.Default().AddItem("inbox", testserver.Item{Subject: fmt.Sprint(i)})
	}
	p, err := f.c.MessageDelta(context.Background(), "inbox", graph.DeltaOptions{MaxPageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.AddGraphFault(testserver.GraphFault{Method: "GET", PathContains: "/delta", Status: 429, RetryAfter: "2", Times: 1})
	all, _, _ := round(t, f.c, p, nil, 2)
	if len(all) != 3 {
		t.Errorf("%d messages after a throttled page, want 3", len(all))
	}
	if w := f.slept(); len(w) != 1 {
		t.Errorf("waits %v, want one Retry-After", w)
	}
}

// BenchmarkMessageDeltaRound10k measures a first delta round over a folder of 10,000 messages (100 a page,
// subject and isRead selected) against the fake server, and reports the size of the final deltaLink.
func BenchmarkMessageDeltaRound10k(b *testing.B) {
	srv := testserver.New(b, testserver.WithGraphApp(app))
	for i := range 10000 {
		srv.Default().AddItem("inbox", testserver.Item{Subject: fmt.Sprintf("message %05d", i)})
	}
	creds := graph.AppCredentials{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AuthorityHost: srv.GraphURL(), GraphEndpoint: srv.GraphURL()}
	ts, _ := creds.TokenSource(oauthCtx(srv))
	c, err := graph.New(graph.Config{Endpoint: srv.GraphURL(), Mailbox: srv.Email(), TokenSource: ts, HTTPClient: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		p, err := c.MessageDelta(ctx, "inbox", graph.DeltaOptions{Select: []string{"subject", "isRead"}, MaxPageSize: 100})
		n := 0
		for err == nil {
			n += len(p.Value)
			if p.DeltaLink != "" {
				b.ReportMetric(float64(len(p.DeltaLink)), "deltaLink-bytes")
				break
			}
			p, err = c.NextDelta(ctx, p.NextLink, 100)
		}
		if err != nil || n != 10000 {
			b.Fatalf("%d messages, %v", n, err)
		}
	}
}
