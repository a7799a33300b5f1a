package ews

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

var odataT = time.Date(2018, 1, 20, 18, 30, 0, 0, time.UTC)

// TestODataRendering renders each lookup of the query builder for Graph: as $filter, as $search, or refused
// with a *NotSupportedError naming the key.
func TestODataRendering(t *testing.T) {
	for _, tc := range []struct {
		q              Q
		filter, search string
		refused        string // the key a *NotSupportedError names
	}{
		// equality and its negation
		{q: Where("subject", "Invoice"), filter: "subject eq 'Invoice'"},
		{q: Where("subject__not", "Invoice"), filter: "subject ne 'Invoice'"},
		{q: Not(Where("subject", "x")), filter: "subject ne 'x'"},
		{q: Where("subject__iexact", "it's"), filter: "subject eq 'it''s'"},
		{q: Where("is_read", false), filter: "isRead eq false"},
		{q: Where("has_attachments__not", true), filter: "hasAttachments ne true"},
		{q: Where("importance", "High"), filter: "importance eq 'high'"},
		{q: Where("message_id", "<a@b>"), filter: "internetMessageId eq '<a@b>'"},
		{q: Where("sender", "eve@example.net"), filter: "sender/emailAddress/address eq 'eve@example.net'"},
		{q: Where("from__iexact", "Eve@Example.net"), filter: "from/emailAddress/address eq 'Eve@Example.net'"},
		// order
		{q: Where("datetime_received__gt", odataT), filter: "receivedDateTime gt 2018-01-20T18:30:00Z"},
		{q: Where("datetime_received__gte", odataT), filter: "receivedDateTime ge 2018-01-20T18:30:00Z"},
		{q: Where("datetime_sent__lt", odataT), filter: "sentDateTime lt 2018-01-20T18:30:00Z"},
		{q: Where("last_modified_time__lte", odataT), filter: "lastModifiedDateTime le 2018-01-20T18:30:00Z"},
		{q: Where("datetime_created__range", []time.Time{odataT, odataT.Add(time.Hour)}),
			filter: "createdDateTime ge 2018-01-20T18:30:00Z and createdDateTime le 2018-01-20T19:30:00Z"},
		{q: Where("subject__gt", "m"), refused: "subject__gt"},
		// text
		{q: Where("subject__icontains", "365"), filter: "contains(subject,'365')"},
		{q: Where("subject__istartswith", "RE:"), filter: "startswith(subject,'RE:')"},
		{q: Where("subject__contains", "365"), refused: "subject__contains"},
		{q: Where("subject__startswith", "RE"), refused: "subject__startswith"},
		{q: Where("subject__exact", "RE"), refused: "subject__exact"},
		// in, categories, exists
		{q: Where("importance__in", []string{"High", "Low"}), filter: "importance eq 'high' or importance eq 'low'"},
		{q: Where("subject__in", []string{}), filter: ""},
		{q: Where("categories", "Phish"), filter: "categories/any(c:c eq 'Phish')"},
		{q: Where("categories__contains", []string{"A", "B"}),
			filter: "categories/any(c:c eq 'A') and categories/any(c:c eq 'B')"},
		{q: Where("categories__icontains", "Ph"), refused: "categories__icontains"},
		{q: Where("subject__exists", true), refused: "subject__exists"},
		// combinations
		{q: Where("is_read", false).And(Or(Where("subject__icontains", "a"), Where("subject__icontains", "b"))),
			filter: "(contains(subject,'a') or contains(subject,'b')) and isRead eq false"},
		{q: Not(Where("subject__icontains", "a").Or(Where("is_read", true))),
			filter: "not (isRead eq true or contains(subject,'a'))"},
		{q: Or(Where("subject__icontains", "x"), Where("subject__icontains", "y").And(Where("is_read", true))),
			filter: "(isRead eq true and contains(subject,'y')) or contains(subject,'x')"},
		// fields Graph has no filter for
		{q: Where("size__gt", 10), refused: "size__gt"},
		{q: Where("display_to__icontains", "bob"), refused: "display_to__icontains"},
		{q: Where("item_class", "IPM.Note"), refused: "item_class"},
		{q: Where("start__gt", odataT), refused: "start__gt"},
		{q: Where("display_name", "x"), refused: "display_name"},
		// $search: body and sender text
		{q: Where("body__icontains", "password"), search: `body:"password"`},
		{q: Where("body__icontains", "reset").And(Where("subject__icontains", "urgent")),
			search: `body:"reset" AND subject:"urgent"`},
		{q: Where("from__icontains", "evil.example"), search: `from:"evil.example"`},
		{q: Where("body__icontains", "x").And(Where("has_attachments", true), Where("importance", "High")),
			search: `body:"x" AND hasattachment:true AND importance:high`},
		{q: Where("body__icontains", "x").And(Not(Where("subject__icontains", "y"))),
			search: `NOT subject:"y" AND body:"x"`},
		{q: Where("body__icontains", "x").And(Not(Where("subject__icontains", "y").Or(Where("from__icontains", "z")))),
			search: `NOT (from:"z" OR subject:"y") AND body:"x"`},
		{q: Or(Where("body__icontains", "x"), Where("subject__icontains", "y").And(Where("from__icontains", "z"))),
			search: `(from:"z" AND subject:"y") OR body:"x"`},
		{q: Where("body__contains", "x"), refused: "body__contains"},
		{q: Where("body", "x"), refused: "body"},
		{q: Where("body__icontains", `say "hi"`), refused: "body__icontains"},
		{q: Where("body__icontains", "x").And(Where("is_read", false)), refused: "is_read"},
		{q: Where("body__icontains", "x").And(Where("datetime_received__gt", odataT)), refused: "datetime_received__gt"},
	} {
		o, never, err := tc.q.odata()
		name := tc.q.String()
		switch {
		case tc.refused != "":
			var ns *NotSupportedError
			if !errors.As(err, &ns) || !errors.Is(err, ErrNotSupportedByBackend) || ns.What != tc.refused || ns.Backend != "graph" {
				t.Errorf("%s: err = %v, want a refusal naming %s", name, err, tc.refused)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.filter == "" && tc.search == "":
			if !never {
				t.Errorf("%s: want matches nothing, got %+v", name, o)
			}
		case o.Filter != tc.filter || o.Search != tc.search:
			t.Errorf("%s:\n got filter %q search %q\nwant filter %q search %q", name, o.Filter, o.Search, tc.filter, tc.search)
		}
	}
	if _, _, err := Where("subjekt", "x").odata(); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("a query built with a mistake: %v, want its QueryError", err)
	}
	if o, never, err := (Q{}).odata(); err != nil || never || o != (odataQuery{}) {
		t.Errorf("the empty query: %+v %v %v", o, never, err)
	}
}

// TestODataSameResultsAsEWS runs the same queries over both wires against one fake mailbox: Mail().Search over
// EWS with the restriction, and Graph's messages list with the rendered $filter or $search. Both must find the
// same messages.
func TestODataSameResultsAsEWS(t *testing.T) {
	app := testserver.GraphApp{TenantID: "t", ClientID: "c", ClientSecret: "s"}
	srv, c := setup(t, testserver.WithGraphApp(app))
	mb := srv.Default()
	base := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	seed := []testserver.Item{
		{Subject: "Invoice 365 overdue", Body: "please pay", IsRead: false, Importance: "High", Categories: []string{"Finance"},
			From: testserver.Address{Email: "billing@vendor.example"}},
		{Subject: "RE: lunch", Body: "reset your password here", IsRead: true,
			From: testserver.Address{Email: "eve@evil.example"}},
		{Subject: "Password reset", Body: "<p>Click to <b>reset</b></p>", BodyType: "HTML", IsRead: false,
			From: testserver.Address{Email: "it@corp.example"}, Categories: []string{"Phish", "Finance"}},
		{Subject: "weekly report", Body: "numbers", IsRead: true, Importance: "Low",
			From: testserver.Address{Email: "boss@corp.example"}},
	}
	for i, it := range seed {
		it.DateTimeReceived = base.Add(time.Duration(i) * 24 * time.Hour)
		mb.AddItem("inbox", it)
	}
	creds := graph.AppCredentials{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AuthorityHost: srv.GraphURL(), GraphEndpoint: srv.GraphURL()}
	ctx := testCtx(t)
	ts, err := creds.TokenSource(contextWithHTTPClient(ctx, srv))
	if err != nil {
		t.Fatal(err)
	}
	gc, err := graph.New(graph.Config{Endpoint: srv.GraphURL(), Mailbox: srv.Email(), TokenSource: ts, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []Q{
		Where("is_read", false),
		Where("subject__icontains", "INVOICE"),
		Where("subject__istartswith", "re:"),
		Where("importance__in", []string{"High", "Low"}),
		Where("categories", "Finance"),
		Where("categories__contains", []string{"Finance", "Phish"}),
		Where("datetime_received__gte", base.Add(36*time.Hour)),
		Where("datetime_received__range", []time.Time{base, base.Add(24 * time.Hour)}),
		Where("from", "eve@evil.example"),
		Where("is_read", false).And(Not(Where("subject__icontains", "invoice"))),
		Where("body__icontains", "reset"),
		Where("body__icontains", "password").Or(Where("subject__icontains", "weekly")),
		Where("from__icontains", "corp.example"),
	} {
		var ews []string
		for m, err := range c.Mail().Search(ctx, SearchOptions{Query: q}) {
			if err != nil {
				t.Fatalf("%s over EWS: %v", q, err)
			}
			ews = append(ews, m.Subject)
		}
		o, _, err := q.odata()
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		p, err := gc.ListMessages(ctx, "inbox", graph.ListOptions{Filter: o.Filter, Search: o.Search, Top: 100})
		if err != nil {
			t.Fatalf("%s over Graph (%+v): %v", q, o, err)
		}
		var gr []string
		for _, m := range p.Value {
			gr = append(gr, m.Subject)
		}
		sort.Strings(ews)
		sort.Strings(gr)
		if strings.Join(ews, "|") != strings.Join(gr, "|") || len(ews) == 0 {
			t.Errorf("%s: EWS found %q, Graph (%+v) found %q", q, ews, o, gr)
		}
	}
}

func contextWithHTTPClient(ctx context.Context, srv *testserver.Server) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, srv.Client())
}
