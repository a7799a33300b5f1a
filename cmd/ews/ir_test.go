package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// irOperations are the incident-response operations of issue 18.
var irOperations = []string{"get_attachments", "get_email_eml", "create_folder", "find_folders", "rename_folder", "delete_folder",
	"empty_folder", "mark_as_junk", "reply_email", "forward_email", "recover_email", "get_inbox_rules", "update_inbox_rule",
	"delete_inbox_rule", "get_oof", "set_oof", "update_email", "search_mailboxes"}

func TestCLIHelpIncidentResponseOperations(t *testing.T) {
	for _, op := range irOperations {
		c := runCLI(t, nil, "", "help", op)
		if c.code != 0 || !strings.Contains(c.stdout, "Usage: ews [global flags] "+op) || !strings.Contains(c.stdout, "Parameters") {
			t.Errorf("ews help %s: exit %d\n%s%s", op, c.code, c.stdout, c.stderr)
		}
		if op != "search_mailboxes" && !strings.Contains(c.stdout, "--mailbox TEXT") {
			t.Errorf("ews help %s does not offer --mailbox", op)
		}
	}
}

func TestCLIIncidentResponse(t *testing.T) {
	srv := testserver.New(t)
	g, env := conn(srv)
	mb := srv.Default()
	id := addMail(srv, "inbox", "Reset your password", "it-desk@evil.example", false, t0)
	rule := mb.AddInboxRule(testserver.InboxRule{Name: "fwd", Enabled: true, RedirectTo: []string{"x@evil.example"}})

	var f connector.FolderOut
	runCLI(t, env, "", append(g, "create_folder", "--folder-name", "Quarantine")...).ok(t, &f)
	if mb.FolderID("Inbox/Quarantine") != f.ID {
		t.Fatalf("create_folder: %+v", f)
	}
	var u connector.UpdatedEmail
	runCLI(t, env, "", append(g, "update_email", "--message_id", id, "--categories", "Phish,Triaged", "--flag", "Flagged")...).ok(t, &u)
	if it, _ := srv.Item(id); len(it.Categories) != 2 || it.FlagStatus != "Flagged" {
		t.Errorf("update_email: %+v", it)
	}
	var rules []connector.InboxRuleOut
	runCLI(t, env, "", append(g, "get_inbox_rules")...).ok(t, &rules)
	if len(rules) != 1 || !rules[0].ForwardsOutside {
		t.Fatalf("get_inbox_rules: %+v", rules)
	}
	runCLI(t, env, "", append(g, "update_inbox_rule", "--rule_id", rule, "--is_enabled=false")...).ok(t, nil)
	if mb.InboxRules()[0].Enabled {
		t.Error("update_inbox_rule --is_enabled=false left the rule on")
	}
	var rows []json.RawMessage
	runCLI(t, env, "", append(g, "search_mailboxes", "--mailboxes", srv.Email(), "--subject", "password")...).ok(t, &rows)
	if len(rows) != 2 || !strings.Contains(string(rows[1]), `"matches":1`) {
		t.Errorf("search_mailboxes: %s", rows)
	}
	runCLI(t, env, "", append(g, "update_inbox_rule", "--rule_id", rule)...).failed(t, 2, "InvalidParameter", "is_enabled")
}
