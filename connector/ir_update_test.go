package connector_test

import (
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestUpdateEmailOperation(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		// The service account reaches bob's mailbox by impersonation over EWS, with its app-only token over Graph.
		srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
			Email: "soc@example.com", CanImpersonate: true}))
		if cfg.Backend != "graph" {
			cfg.AccessType = "Impersonation"
		}
		bob := srv.AddMailbox("bob@example.com", "")
		id := bob.AddItem("inbox", testserver.Item{Subject: "suspicious", InternetMessageID: "<sus@evil.example>", Categories: []string{"Old"}})
		copyID := bob.AddItem("junkemail", testserver.Item{Subject: "suspicious", InternetMessageID: "<sus@evil.example>"})

		var out connector.UpdatedEmail
		execOK(t, cfg, "update_email", `{"message_id": "<sus@evil.example>", "categories": "Phish, Triaged", "flag": "flagged",
		"importance": "High", "is_read": "true", "mailbox": "bob@example.com"}`, &out)
		if len(out.IDs) != 2 || out.Flag != "Flagged" {
			t.Errorf("update_email = %+v", out)
		}
		for _, x := range []string{id, copyID} {
			it, _ := srv.Item(x)
			if diff := cmp.Diff([]string{"Phish", "Triaged"}, it.Categories); diff != "" || it.FlagStatus != "Flagged" || it.Importance != "High" || !it.IsRead {
				t.Errorf("server after update_email: %+v", it)
			}
		}
		execOK(t, cfg, "update_email", `{"message_id": "`+id+`", "clear_categories": true, "mailbox": "bob@example.com"}`, nil)
		if it, _ := srv.Item(id); len(it.Categories) != 0 {
			t.Errorf("clear_categories left %v", it.Categories)
		}
		execFail(t, cfg, "update_email", `{"message_id": "`+id+`", "mailbox": "bob@example.com"}`, "InvalidParameter", "nothing to update")
		execFail(t, cfg, "update_email", `{"message_id": "`+id+`", "importance": "Urgent"}`, "InvalidParameter", "importance")
		execFail(t, cfg, "update_email", `{"message_id": "<none@evil.example>", "is_read": true, "mailbox": "bob@example.com"}`, "ErrorItemNotFound", "none@evil.example")
	})
}
