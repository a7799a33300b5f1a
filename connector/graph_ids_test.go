package connector_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// TestPlaybookSwitchKeepsStoredIDs: a playbook stores the ids the ews backend gave it, then its configuration
// switches to "backend": "graph"; the stored ids (EWS ItemIds, which Graph refuses as malformed) still work for
// get_email_eml, mark_as_read, move_email and delete_email, and what the graph backend answers are Graph ids of the
// same messages.
func TestPlaybookSwitchKeepsStoredIDs(t *testing.T) {
	srv, graphCfg := setupGraph(t)
	ewsCfg := connector.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(),
		EmailAddress: srv.Email(), AuthType: "ntlm"}
	mustFolder(t, srv, "inbox", "Phishing")
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, s := range []string{"Alpha", "Beta", "Gamma"} {
		addMail(srv, "inbox", s, "x@evil.example", false, t0.Add(time.Duration(i)*time.Minute), nil)
	}
	// Over EWS: the ids the playbook stores.
	var es []connector.Email
	execOK(t, ewsCfg, "get_email", `{"mark_as_read": false}`, &es)
	if len(es) != 3 {
		t.Fatalf("EWS get_email: %d emails", len(es))
	}
	stored := map[string]string{}
	for _, e := range es {
		if !strings.ContainsAny(e.ID, "+/") {
			t.Fatalf("the EWS id %q has no + or /: Graph would take it as it is", e.ID)
		}
		stored[e.Subject] = e.ID
	}
	from := len(srv.GraphRequests())

	// Over Graph, with the stored ids.
	var eml struct {
		MessageID string `json:"message_id"`
	}
	execOK(t, graphCfg, "get_email_eml", fmt.Sprintf(`{"message_id": %q}`, stored["Alpha"]), &eml)
	var r connector.MarkedRead
	execOK(t, graphCfg, "mark_as_read", fmt.Sprintf(`{"message_id": %q}`, stored["Alpha"]), &r)
	if it, _ := srv.Item(stored["Alpha"]); !it.IsRead || len(r.IDs) != 1 || !sameID(r.IDs[0], stored["Alpha"]) {
		t.Errorf("mark_as_read by the stored id: read %v, result %+v", it.IsRead, r)
	}
	var mv connector.MovedEmail
	execOK(t, graphCfg, "move_email", fmt.Sprintf(`{"message_id": %q, "destination_folder": "Inbox/Phishing"}`, stored["Beta"]), &mv)
	if it, ok := itemIn(srv, "inbox/Phishing", "Beta"); !ok || len(mv.NewIDs) != 1 || !sameID(mv.NewIDs[0], it.ID) || mv.NewIDs[0] == it.ID {
		t.Errorf("move_email by the stored id: moved %v, result %+v", ok, mv)
	}
	var del connector.DeletedEmail
	execOK(t, graphCfg, "delete_email", fmt.Sprintf(`{"message_id": %q, "delete_type": "Hard Delete"}`, stored["Gamma"]), &del)
	if _, ok := srv.Item(stored["Gamma"]); ok {
		t.Errorf("delete_email by the stored id left the message: %+v", del)
	}
	// No Graph request named a message by its EWS id.
	for _, q := range srv.GraphRequests()[from:] {
		for _, id := range stored {
			if strings.Contains(q.Path, id) {
				t.Errorf("%s %s holds the EWS id", q.Method, q.Path)
			}
		}
	}
	// The Graph ids the graph backend returns work on, too.
	var ges []connector.Email
	execOK(t, graphCfg, "get_email", `{"mark_as_read": false}`, &ges)
	if len(ges) != 0 {
		t.Fatalf("unread after the switch: %+v", ges)
	}
	if !slices.ContainsFunc(srv.Default().Items("inbox/Phishing"), func(it testserver.Item) bool { return it.Subject == "Beta" }) {
		t.Error("Beta is not in Phishing")
	}
}
