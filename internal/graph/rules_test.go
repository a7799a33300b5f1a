package graph_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
)

func TestMessageRules(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	id := mb.AddInboxRule(testserver.InboxRule{Name: "fwd", Enabled: true, FromAddresses: []string{"ceo@example.com"},
		ForwardTo: []string{"x@evil.example"}, StopProcessing: true})
	rules, err := f.c.ListMessageRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 {
		t.Fatalf("rules = %+v", rules)
	}
	r := rules[0]
	if r.ID != id || r.DisplayName != "fwd" || r.Sequence != 1 || !r.IsEnabled || r.Conditions == nil || r.Actions == nil ||
		len(r.Conditions.FromAddresses) != 1 || r.Conditions.FromAddresses[0].EmailAddress.Address != "ceo@example.com" ||
		len(r.Actions.ForwardTo) != 1 || r.Actions.ForwardTo[0].EmailAddress.Address != "x@evil.example" || !r.Actions.StopProcessingRules {
		t.Errorf("rule = %+v (conditions %+v, actions %+v)", r, r.Conditions, r.Actions)
	}
	got, err := f.c.SetMessageRuleEnabled(ctx, id, false)
	if err != nil || got.IsEnabled {
		t.Fatalf("SetMessageRuleEnabled = %+v, %v", got, err)
	}
	if s := mb.InboxRules()[0]; s.Enabled || len(s.ForwardTo) != 1 || !s.StopProcessing {
		t.Errorf("server's rule after the PATCH = %+v", s)
	}
	if err := f.c.DeleteMessageRule(ctx, id); err != nil {
		t.Fatal(err)
	}
	if len(mb.InboxRules()) != 0 {
		t.Errorf("rules left: %+v", mb.InboxRules())
	}
	var ge *graph.Error
	if err := f.c.DeleteMessageRule(ctx, id); !errors.As(err, &ge) || !ge.NotFound() {
		t.Errorf("second DELETE = %v, want a 404", err)
	}
	if _, err := f.c.SetMessageRuleEnabled(ctx, "", true); err == nil {
		t.Error("an empty rule id: no error")
	}
	var methods []string
	for _, q := range f.srv.GraphRequests() {
		methods = append(methods, q.Method+" "+q.Path)
	}
	want := []string{"GET /users/" + f.srv.Email() + "/mailFolders/inbox/messageRules",
		"PATCH /users/" + f.srv.Email() + "/mailFolders/inbox/messageRules/" + id,
		"DELETE /users/" + f.srv.Email() + "/mailFolders/inbox/messageRules/" + id,
		"DELETE /users/" + f.srv.Email() + "/mailFolders/inbox/messageRules/" + id}
	if len(methods) != len(want) {
		t.Fatalf("requests %v, want %v", methods, want)
	}
	for i := range want {
		if methods[i] != want[i] {
			t.Errorf("request %d = %s, want %s", i, methods[i], want[i])
		}
	}
}

func TestAutomaticReplies(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	s, err := f.c.GetAutomaticReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != "disabled" || s.ExternalAudience != "none" || s.ScheduledStartDateTime == nil {
		t.Errorf("default automatic replies = %+v", s)
	}
	// A schedule in a Windows zone: the server keeps the instant.
	start, _ := graph.NewDateTimeTimeZone(time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC), "Pacific Standard Time")
	end, _ := graph.NewDateTimeTimeZone(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), "Pacific Standard Time")
	if start.DateTime != "2026-12-24T01:00:00.0000000" {
		t.Fatalf("start = %+v", start)
	}
	err = f.c.SetAutomaticReplies(ctx, graph.AutomaticRepliesSetting{Status: "scheduled", ExternalAudience: "contactsOnly",
		ScheduledStartDateTime: &start, ScheduledEndDateTime: &end, InternalReplyMessage: "<p>Away</p>", ExternalReplyMessage: "Away"})
	if err != nil {
		t.Fatal(err)
	}
	want := testserver.OofSettings{State: "Scheduled", ExternalAudience: "Known", Start: time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC),
		End: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), InternalReply: "<p>Away</p>", ExternalReply: "Away"}
	if o := mb.Oof(); o != want {
		t.Errorf("server's OOF = %+v, want %+v", o, want)
	}
	s, err = f.c.GetAutomaticReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ScheduledEndDateTime.Time(); s.Status != "scheduled" || s.ExternalAudience != "contactsOnly" || !got.Equal(want.End) {
		t.Errorf("automatic replies read back = %+v", s)
	}
	// Graph's validation: an unknown status, and a schedule that ends before it starts.
	var ge *graph.Error
	if err := f.c.SetAutomaticReplies(ctx, graph.AutomaticRepliesSetting{Status: "sometimes", ExternalAudience: "none"}); !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest {
		t.Errorf("status sometimes: %v", err)
	}
	if err := f.c.SetAutomaticReplies(ctx, graph.AutomaticRepliesSetting{Status: "scheduled", ExternalAudience: "none",
		ScheduledStartDateTime: &end, ScheduledEndDateTime: &start}); !errors.As(err, &ge) || ge.Code != "ErrorInvalidScheduledOofDuration" {
		t.Errorf("end before start: %v", err)
	}
	if o := mb.Oof(); o != want {
		t.Errorf("a refused PATCH changed the server's OOF: %+v", o)
	}
}
