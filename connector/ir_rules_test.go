package connector_test

import (
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// impersonating starts the backend's server with an account that may impersonate, and the given mailboxes.
func impersonating(t *testing.T, setup setupFunc, mailboxes ...string) (*testserver.Server, connector.Config) {
	t.Helper()
	srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
		Email: "soc@example.com", CanImpersonate: true}))
	for _, m := range mailboxes {
		srv.AddMailbox(m, "")
	}
	cfg.AccessType = "Impersonation"
	return srv, cfg
}

func TestInboxRuleOperations(t *testing.T) {
	overBackends(t, testInboxRuleOperations)
}

func testInboxRuleOperations(t *testing.T, setup setupFunc) {
	srv, cfg := impersonating(t, setup, "ceo@example.com")
	ceo := srv.Mailbox("ceo@example.com")
	safe := ceo.AddInboxRule(testserver.InboxRule{Name: "newsletters", Enabled: true, ContainsSubjectStrings: []string{"newsletter"},
		MoveToFolder: ceo.FolderID("archive")})
	internalFwd := ceo.AddInboxRule(testserver.InboxRule{Name: "to assistant", Enabled: true, ForwardTo: []string{"assistant@example.com"}})
	evil := ceo.AddInboxRule(testserver.InboxRule{Name: "..", Enabled: true, FromAddresses: []string{"cfo@example.com"},
		RedirectTo: []string{"collect@evil.example"}, MarkAsRead: true, StopProcessing: true})

	var rules []connector.InboxRuleOut
	execOK(t, cfg, "get_inbox_rules", `{"mailbox": "ceo@example.com"}`, &rules)
	if len(rules) != 3 {
		t.Fatalf("get_inbox_rules = %+v", rules)
	}
	flags := map[string]bool{}
	for _, r := range rules {
		flags[r.ID] = r.ForwardsOutside
	}
	if diff := cmp.Diff(map[string]bool{safe: false, internalFwd: false, evil: true}, flags); diff != "" {
		t.Errorf("forwards_outside (-want +got):\n%s", diff)
	}
	if r := rules[2]; r.ID != evil || !cmp.Equal(r.OutsideAddresses, []string{"collect@evil.example"}) ||
		!cmp.Equal(r.Conditions["from_addresses"], []any{"cfo@example.com"}) || r.Actions["stop_processing_rules"] != true {
		t.Errorf("evil rule = %+v", r)
	}
	// internal_domains: with only evil.example internal, the assistant's forward is outside.
	execOK(t, cfg, "get_inbox_rules", `{"mailbox": "ceo@example.com", "internal_domains": "evil.example"}`, &rules)
	if !rules[1].ForwardsOutside || rules[2].ForwardsOutside {
		t.Errorf("with internal_domains evil.example: %+v", rules)
	}

	var upd connector.InboxRuleOut
	execOK(t, cfg, "update_inbox_rule", `{"rule_id": "`+evil+`", "is_enabled": false, "mailbox": "ceo@example.com"}`, &upd)
	if upd.Enabled || !upd.ForwardsOutside {
		t.Errorf("update_inbox_rule = %+v", upd)
	}
	got := ceo.InboxRules()[2]
	if got.Enabled || !cmp.Equal(got.RedirectTo, []string{"collect@evil.example"}) || !got.MarkAsRead || !cmp.Equal(got.FromAddresses, []string{"cfo@example.com"}) {
		t.Errorf("server's rule after update_inbox_rule: %+v", got)
	}
	execFail(t, cfg, "update_inbox_rule", `{"rule_id": "`+evil+`", "mailbox": "ceo@example.com"}`, "InvalidParameter", "is_enabled")
	execFail(t, cfg, "update_inbox_rule", `{"rule_id": "nope", "is_enabled": true, "mailbox": "ceo@example.com"}`, "ErrorInboxRulesValidationError", "RuleNotFound")

	var del connector.DeletedInboxRule
	execOK(t, cfg, "delete_inbox_rule", `{"rule_id": "`+evil+`", "mailbox": "ceo@example.com"}`, &del)
	if len(ceo.InboxRules()) != 2 {
		t.Errorf("rules after delete_inbox_rule: %+v", ceo.InboxRules())
	}
	execFail(t, cfg, "delete_inbox_rule", `{"rule_id": "`+evil+`", "mailbox": "ceo@example.com"}`, "ErrorInboxRulesValidationError", "RuleNotFound")
}

func TestOOFOperations(t *testing.T) {
	overBackends(t, testOOFOperations)
}

func testOOFOperations(t *testing.T, setup setupFunc) {
	srv, cfg := impersonating(t, setup, "bob@example.com")
	var o connector.OOFOut
	execOK(t, cfg, "get_oof", `{"mailbox": "bob@example.com"}`, &o)
	if o.State != "Disabled" || o.Mailbox != "bob@example.com" {
		t.Errorf("get_oof = %+v", o)
	}
	execOK(t, cfg, "set_oof", `{"mailbox": "bob@example.com", "state": "scheduled", "external_audience": "all",
		"start": "2024-07-01 08:00", "end": "2024-07-05 18:00", "internal_reply": "Out until Friday", "external_reply": "Out"}`, &o)
	start := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	want := testserver.OofSettings{State: "Scheduled", ExternalAudience: "All", Start: start, End: time.Date(2024, 7, 5, 18, 0, 0, 0, time.UTC),
		InternalReply: "Out until Friday", ExternalReply: "Out"}
	if got := srv.Mailbox("bob@example.com").Oof(); got != want {
		t.Errorf("server's OOF = %+v", got)
	}
	if o.State != "Scheduled" || !o.Start.Equal(start) || o.InternalReply != "Out until Friday" {
		t.Errorf("set_oof = %+v", o)
	}
	execFail(t, cfg, "set_oof", `{"mailbox": "bob@example.com", "state": "Scheduled"}`, "InvalidParameter", "end")
	execFail(t, cfg, "set_oof", `{"state": "Sometimes"}`, "InvalidParameter", "state")
	execOK(t, cfg, "set_oof", `{"mailbox": "bob@example.com", "state": "Disabled"}`, &o)
	if srv.Mailbox("bob@example.com").Oof().State != "Disabled" {
		t.Errorf("set_oof Disabled did not disable")
	}
}
