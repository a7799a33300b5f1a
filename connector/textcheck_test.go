package connector_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ewsgo/ews/connector"
)

// Parameters holding text XML cannot carry are refused before any request, with an error that names the
// parameter (the SDK's checks, mapped to the connector's parameter names). delete_email looks its folder_name up
// (GetFolder, which changes nothing) before the message reference is checked.
func TestParamsXMLCannotCarry(t *testing.T) {
	event := `"start_date": "2024-07-16 10:00", "end_date": "2024-07-16 11:00"`
	for _, tc := range []struct {
		op, params, param, want string
	}{
		{"send_email", `{"to_recipients": "bob@example.com", "subject": "re: \u0001"}`, "subject", "U+0001 at byte 4"},
		{"send_email", `{"to_recipients": "bob@example.com", "body": "<p>\u001b</p>"}`, "body", "U+001B"},
		{"send_email", `{"to_recipients": "bob@example.com", "body": "x\uffff"}`, "body", "U+FFFF"},
		{"send_email", `{"to_recipients": "bob@example.com", "cc_recipients": ["a@example.com", "=?utf-8?q?C=00?= <c@example.com>"]}`, "cc_recipients", "entry 2: the decoded name"},
		{"send_email", `{"to_recipients": "bob@example.com", "attachments": [{"name": "a\u0002.txt", "content": "eA=="}]}`, "attachments", "entry 1 (Name)"},
		{"send_email", `{"to_recipients": "bob@example.com", "attachments": [{"name": "a.txt", "content_type": "text/plain\u0000", "content": "eA=="}]}`, "attachments", "entry 1 (ContentType)"},
		{"create_event", `{"subject": "s\u0003", ` + event + `}`, "subject", "U+0003"},
		{"create_event", `{"subject": "s", "location": "\ufffe", ` + event + `}`, "location", "U+FFFE"},
		{"create_event", `{"subject": "s", "body": "\u0010", ` + event + `}`, "body", "U+0010"},
		{"create_event", `{"subject": "s", "body": "<b>\u0010</b>", ` + event + `}`, "body", "U+0010"},
		{"create_event", `{"subject": "s", "categories": ["a", "b\u0004"], ` + event + `}`, "categories", "entry 2"},
		{"create_event", `{"subject": "s", "optional_attendees": "=?utf-8?q?O=01?= <o@example.com>", ` + event + `}`, "optional_attendees", "entry 1"},
		{"search_query", `{"subject": "invoice \u0005"}`, "subject", "U+0005"},
		{"search_query", `{"body": "\u0006"}`, "body", "U+0006"},
		{"search_query", `{"folder_name": "Inbox/Phish\u0007"}`, "folder_name", "U+0007"},
		{"search_query", `{"query": "{'subject__icontains': '\\x01'}"}`, "query", "XML cannot carry"},
		{"move_email", `{"message_id": "<a@example.com>", "destination_folder": "Inbox/\u0008"}`, "destination_folder", "U+0008"},
		{"delete_email", `{"message_id": "<a\u000b@example.com>", "delete_type": "Hard Delete"}`, "message_id", "U+000B"},
		{"mark_as_read", `{"message_id": "<a\u000c@example.com>"}`, "message_id", "U+000C"},
		{"poll", `{"folder_name": "Inbox/\u000e", "state_file": %q}`, "folder_name", "U+000E"},
	} {
		srv, cfg := setup(t)
		params := tc.params
		if strings.Contains(params, "%q") {
			params = fmt.Sprintf(params, filepath.Join(t.TempDir(), "state.json"))
		}
		what := tc.op + " " + params
		ce := execFail(t, cfg, tc.op, params, connector.CodeInvalidParameter, fmt.Sprintf("parameter %q", tc.param))
		if ce == nil {
			continue
		}
		if ce.Param != tc.param || !strings.Contains(ce.Message, tc.want) || !ce.Usage() {
			t.Errorf("%s: Param %q, message %q; want Param %q and a message with %q", what, ce.Param, ce.Message, tc.param, tc.want)
		}
		for _, r := range srv.Requests() {
			if r.Operation != "" && !(r.Operation == "GetFolder" && tc.op == "delete_email") {
				t.Errorf("%s: the server received %s; bad input must be refused before any request", what, r.Operation)
			}
		}
	}
}
