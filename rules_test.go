package ews

import (
	"errors"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestInboxRules(t *testing.T) {
	backends(t, testInboxRules)
}

func testInboxRules(t *testing.T, srv *testserver.Server, c *Client) {
	ctx := testCtx(t)
	mb := srv.Default()
	junk := mb.FolderID("junkemail")
	hide := mb.AddInboxRule(testserver.InboxRule{Name: "hide replies", Enabled: true, ContainsSubjectStrings: []string{"invoice", "payment"},
		MoveToFolder: junk, MarkAsRead: true, StopProcessing: true})
	fwd := mb.AddInboxRule(testserver.InboxRule{Name: ".", Enabled: true, FromAddresses: []string{"ceo@example.com"},
		ForwardTo: []string{"colleague@example.com", "drop@evil.example"}, RedirectTo: []string{"x@mail.example.com"}})

	rules, err := c.Rules().List(ctx)
	if !serverPersonality(srv).Accepts("Exchange2010_SP1") {
		// Exchange 2007 has no inbox rules operations: refused before sending one.
		wantOpRefused(t, srv, err, "GetInboxRules")
		_, err := c.Rules().SetEnabled(ctx, hide, false)
		wantOpRefused(t, srv, err, "UpdateInboxRules")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].ID != hide || rules[1].ID != fwd {
		t.Fatalf("rules = %+v", rules)
	}
	h := rules[0]
	if diff := cmp.Diff([]string{"invoice", "payment"}, h.ContainsSubjectStrings); diff != "" || !sameID(h.MoveToFolderID, junk) || !h.MarkAsRead || !h.StopProcessing || h.Priority != 1 {
		t.Errorf("hide rule = %+v", h)
	}
	if got := h.ForwardsOutside("example.com"); len(got) != 0 {
		t.Errorf("a rule without forwarding forwards outside: %v", got)
	}
	f := rules[1]
	if diff := cmp.Diff([]string{"drop@evil.example"}, f.ForwardsOutside("example.com")); diff != "" {
		t.Errorf("ForwardsOutside (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ceo@example.com"}, f.FromAddresses); diff != "" {
		t.Errorf("FromAddresses: %s", diff)
	}

	// Disable: the server's rule is off and keeps every condition and action.
	if _, err := c.Rules().SetEnabled(ctx, fwd, false); err != nil {
		t.Fatal(err)
	}
	got := mb.InboxRules()
	want := testserver.InboxRule{ID: fwd, Name: ".", Priority: 2, Enabled: false, FromAddresses: []string{"ceo@example.com"},
		ForwardTo: []string{"colleague@example.com", "drop@evil.example"}, RedirectTo: []string{"x@mail.example.com"}}
	if diff := cmp.Diff(want, got[1]); diff != "" {
		t.Errorf("server's rule after SetEnabled(false) (-want +got):\n%s", diff)
	}
	if !got[0].Enabled || got[0].MoveToFolder != junk {
		t.Errorf("the other rule changed: %+v", got[0])
	}

	if err := c.Rules().Delete(ctx, hide); err != nil {
		t.Fatal(err)
	}
	if got := mb.InboxRules(); len(got) != 1 || got[0].ID != fwd {
		t.Errorf("rules after Delete: %+v", got)
	}
	// A rule that is not there: the server's validation error, naming RuleNotFound.
	err = c.Rules().Delete(ctx, hide)
	if !errors.Is(err, ErrInboxRulesValidation) || !hasText([]byte(err.Error()), "RuleNotFound") {
		t.Errorf("Delete of a missing rule: %v", err)
	}
	if _, err := c.Rules().SetEnabled(ctx, "nope", true); !errors.Is(err, ErrInboxRulesValidation) {
		t.Errorf("SetEnabled of a missing rule: %v", err)
	}
	before := wireRequests(srv)
	wantInputErr(t, c.Rules().Delete(ctx, " "), "id")
	wantInputErr(t, c.Rules().Delete(ctx, "a\x00b"), "id")
	if _, err := c.Rules().SetEnabled(ctx, "", true); err == nil {
		t.Error("SetEnabled with an empty id: no error")
	}
	if n := wireRequests(srv); n != before {
		t.Errorf("bad input sent %d requests", n-before)
	}
}

// With delegate access the rules and out-of-office settings of another mailbox are read through its address; a
// mailbox the account has no rights on is refused by the server.
func TestRulesAndOOFDelegate(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	boss := srv.AddMailbox("boss@example.com", "Boss")
	boss.AddInboxRule(testserver.InboxRule{Name: "fwd", Enabled: true, ForwardTo: []string{"x@evil.example"}})
	other := srv.AddMailbox("other@example.com", "Other")
	other.AddInboxRule(testserver.InboxRule{Name: "secret", Enabled: true})
	srv.GrantDelegate("boss@example.com", srv.Email())

	bc, _ := c.ForMailbox("boss@example.com")
	rules, err := bc.Rules().List(ctx)
	if !serverPersonality(srv).Accepts("Exchange2010_SP1") {
		// Exchange 2007 has no inbox rules operations; out-of-office settings it has.
		wantOpRefused(t, srv, err, "GetInboxRules")
		_, err := bc.Rules().SetEnabled(ctx, boss.InboxRules()[0].ID, false)
		wantOpRefused(t, srv, err, "UpdateInboxRules")
		if err := bc.OOF().Set(ctx, OOFSettings{State: OOFEnabled, InternalReply: "away"}); err != nil || boss.Oof().State != "Enabled" {
			t.Errorf("delegate OOF().Set: %v, server %+v", err, boss.Oof())
		}
		return
	}
	if err != nil || len(rules) != 1 || rules[0].Name != "fwd" {
		t.Fatalf("delegate List = %+v, %v", rules, err)
	}
	if _, err := bc.Rules().SetEnabled(ctx, rules[0].ID, false); err != nil || boss.InboxRules()[0].Enabled {
		t.Errorf("delegate SetEnabled: %v, server %+v", err, boss.InboxRules())
	}
	if b := mailLastBody(t, srv, "UpdateInboxRules"); !hasText(b, "<m:MailboxSmtpAddress>boss@example.com</m:MailboxSmtpAddress>") {
		t.Errorf("UpdateInboxRules does not name the mailbox: %s", b)
	}
	if err := bc.OOF().Set(ctx, OOFSettings{State: OOFEnabled, InternalReply: "away"}); err != nil || boss.Oof().State != "Enabled" {
		t.Errorf("delegate OOF().Set: %v, server %+v", err, boss.Oof())
	}
	oc, _ := c.ForMailbox("other@example.com")
	if _, err := oc.Rules().List(ctx); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("List without rights: %v", err)
	}
}

// wantOpRefused checks that err is the client's refusal of an operation of Exchange 2010 SP1 that the server's
// release lacks (ErrInvalidServerVersion), and that no op request reached the server other than those it refused
// for their RequestServerVersion while the client learnt the version.
func wantOpRefused(t *testing.T, srv *testserver.Server, err error, op string) {
	t.Helper()
	if !errors.Is(err, ErrInvalidServerVersion) || !strings.Contains(err.Error(), "needs Exchange 2010 SP1 or later") ||
		!strings.Contains(err.Error(), "speaks "+serverPersonality(srv).Newest()) {
		t.Errorf("%s on %s: err = %v, want ErrInvalidServerVersion", op, serverPersonality(srv), err)
	}
	if n := mailCountOp(srv, op); n != 0 {
		t.Errorf("%d %s sent to %s", n, op, serverPersonality(srv))
	}
}
