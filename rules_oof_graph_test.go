package ews

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// One mailbox, both wires: a rule and out-of-office settings written over one are read over the other.
func TestRulesAndOOFAcrossWires(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	ews, gr := newTestClient(t, srv, nil), newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	mb := srv.Default()
	archive := mb.FolderID("archive")
	id := mb.AddInboxRule(testserver.InboxRule{Name: "fwd", Enabled: true, ContainsSubjectStrings: []string{"wire"},
		SentToAddresses: []string{"me@example.com"}, ForwardAsAttachmentTo: []string{"a@evil.example"}, MoveToFolder: archive, Delete: true})

	overEWS, err := ews.Rules().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	overGraph, err := gr.Rules().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(overEWS) != 1 || len(overGraph) != 1 {
		t.Fatalf("rules: ews %d, graph %d", len(overEWS), len(overGraph))
	}
	// The same InboxRule over both wires (the EWS one also keeps the raw rule for writing back).
	opt := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".raw" }, cmp.Ignore())
	// Folder ids compared as the same folder's (Graph names it with a Graph id).
	ids := cmp.Transformer("folderID", testserver.EWSID)
	if diff := cmp.Diff(overEWS[0], overGraph[0], cmp.AllowUnexported(InboxRule{}), opt, ids); diff != "" {
		t.Errorf("the rule over EWS and over Graph differ (-ews +graph):\n%s", diff)
	}
	if r := overGraph[0]; r.ID != id || !sameID(r.MoveToFolderID, archive) || !r.Delete || !cmp.Equal(r.ForwardsOutside("example.com"), []string{"a@evil.example"}) {
		t.Errorf("rule over Graph = %+v", r)
	}

	// Disabled over Graph (a PATCH of isEnabled only), read over EWS: off, everything else kept.
	r, err := gr.Rules().SetEnabled(ctx, id, false)
	if err != nil || r.Enabled || !cmp.Equal(r.ForwardAsAttachmentTo, []string{"a@evil.example"}) {
		t.Fatalf("SetEnabled over Graph = %+v, %v", r, err)
	}
	var patch int
	for _, q := range srv.GraphRequests() {
		if q.Method == http.MethodPatch && q.Path == "/users/"+srv.Email()+"/mailFolders/inbox/messageRules/"+id {
			patch++
		}
	}
	if patch != 1 {
		t.Errorf("PATCH requests of the rule: %d, want 1 (%+v)", patch, srv.GraphRequests())
	}
	if again, err := ews.Rules().Get(ctx, id); err != nil || again.Enabled || again.MoveToFolderID != archive {
		t.Errorf("rule over EWS after the Graph disable = %+v, %v", again, err)
	}

	// Out of office: set over Graph, read over EWS and the server; set over EWS, read over Graph.
	start := time.Date(2026, 12, 24, 17, 0, 0, 0, time.UTC)
	if err := gr.OOF().Set(ctx, OOFSettings{State: OOFScheduled, ExternalAudience: OOFAudienceKnown, Start: start,
		End: start.Add(240 * time.Hour), InternalReply: "Back <b>in January</b>", ExternalReply: "Away"}); err != nil {
		t.Fatal(err)
	}
	want := testserver.OofSettings{State: "Scheduled", ExternalAudience: "Known", Start: start, End: start.Add(240 * time.Hour),
		InternalReply: "Back <b>in January</b>", ExternalReply: "Away"}
	if o := mb.Oof(); o != want {
		t.Errorf("server's OOF set over Graph = %+v, want %+v", o, want)
	}
	o, err := ews.OOF().Get(ctx)
	if err != nil || o.State != OOFScheduled || o.ExternalAudience != OOFAudienceKnown || !o.End.Equal(start.Add(240*time.Hour)) {
		t.Errorf("OOF over EWS = %+v, %v", o, err)
	}
	if err := ews.OOF().Set(ctx, OOFSettings{State: OOFEnabled, ExternalAudience: OOFAudienceAll, InternalReply: "x", ExternalReply: "y"}); err != nil {
		t.Fatal(err)
	}
	if o, err := gr.OOF().Get(ctx); err != nil || o.State != OOFEnabled || o.ExternalAudience != OOFAudienceAll || o.ExternalReply != "y" {
		t.Errorf("OOF over Graph = %+v, %v", o, err)
	}

	// Deleted over Graph: gone over EWS; a second delete is RuleNotFound, as over EWS.
	if err := gr.Rules().Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if l, err := ews.Rules().List(ctx); err != nil || len(l) != 0 {
		t.Errorf("rules over EWS after the Graph delete: %+v, %v", l, err)
	}
	for _, c := range []*Client{ews, gr} {
		if err := c.Rules().Delete(ctx, id); !errors.Is(err, ErrInboxRulesValidation) || !strings.Contains(err.Error(), "RuleNotFound") {
			t.Errorf("second delete (%s): %v", c.Backend(), err)
		}
	}
}

// A rule's DELETE that may have reached Graph (504) is not sent again and says so; a 429 on the list is waited
// out and retried.
func TestRulesGraphFaults(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{BaseDelay: 1, MaxDelay: 1} })
	ctx := testCtx(t)
	id := srv.Default().AddInboxRule(testserver.InboxRule{Name: "r", Enabled: true, ForwardTo: []string{"x@evil.example"}})
	srv.AddGraphFault(testserver.GraphFault{Method: http.MethodGet, PathContains: "/messageRules", Status: 429, RetryAfter: "0", Times: 1})
	if l, err := c.Rules().List(ctx); err != nil || len(l) != 1 {
		t.Fatalf("List after a 429: %+v, %v", l, err)
	}
	srv.AddGraphFault(testserver.GraphFault{Method: http.MethodDelete, PathContains: "/messageRules/", Status: 504, After: true, Times: 1})
	err := c.Rules().Delete(ctx, id)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("Delete with a 504 = %v, want ErrOutcomeUnknown", err)
	}
	deletes := 0
	for _, q := range srv.GraphRequests() {
		if q.Method == http.MethodDelete {
			deletes++
		}
	}
	if deletes != 1 || len(srv.Default().InboxRules()) != 0 {
		t.Errorf("DELETE sent %d times; rules left %+v", deletes, srv.Default().InboxRules())
	}
}
