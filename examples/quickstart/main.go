// Command quickstart connects to an EWS server and shows what the SDK does. With no settings it starts the
// in-process fake EWS server, seeds a mailbox, and runs every operation of the SOAR connector once against it,
// printing each result (poll twice: the first call records the Inbox, the second returns what arrived since),
// so it works out of the box:
//
//	go run ./examples/quickstart
//
// To run it against a real server, set EWS_HOST (host name or EWS URL), EWS_USERNAME (DOMAIN\user or UPN),
// EWS_PASSWORD and optionally EWS_EMAIL and EWS_INSECURE=1 (turns TLS verification off). Against a real server
// it only runs the operations that change nothing.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	verify := os.Getenv("EWS_INSECURE") != "1"
	cfg := connector.Config{
		Host:         os.Getenv("EWS_HOST"),
		Username:     os.Getenv("EWS_USERNAME"),
		Password:     os.Getenv("EWS_PASSWORD"),
		EmailAddress: os.Getenv("EWS_EMAIL"),
		VerifySSL:    &verify,
	}
	fake := cfg.Host == ""
	if fake {
		srv := testserver.NewServer()
		defer srv.Close()
		sum, err := srv.Default().Seed(testserver.SeedOptions{Messages: 20, Seed: 1})
		if err != nil {
			log.Fatal(err)
		}
		cfg = connector.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(), AuthType: "ntlm"}
		fmt.Printf("started the fake EWS server at %s (user %s): %d messages (%d unread), %d events, %d contacts\n",
			srv.URL, srv.Username(), sum.Messages, sum.Unread, sum.Events, sum.Contacts)
	}
	c, err := connector.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := showFolders(ctx, c); err != nil {
		log.Fatal(err)
	}
	if err := runOperations(ctx, cfg, fake); err != nil {
		log.Fatal(err)
	}
}

// showFolders uses the SDK directly: the server's version and the Inbox's folders.
func showFolders(ctx context.Context, c *ews.Client) error {
	inbox, err := c.GetFolder(ctx, ews.Inbox)
	if err != nil {
		return err
	}
	v, _ := c.ServerVersion()
	fmt.Printf("connected to %s (Exchange %s, schema %s)\n", c.URL(), v, v.Version)
	fmt.Printf("Inbox: %d items, %d unread\n", inbox.TotalCount, inbox.UnreadCount)
	folders, err := c.ListFolders(ctx, ews.Inbox, true)
	if err != nil {
		return err
	}
	for _, f := range folders {
		fmt.Printf("  folder %q: %d items\n", f.DisplayName, f.TotalCount)
	}
	return nil
}

// step is one connector operation of the tour; params may use what earlier steps found.
type step struct {
	op      string
	params  func(t *tour) string
	changes bool // changes the mailbox: run against the fake server only
}

// tour is what the steps found so far.
type tour struct {
	messageID string // the Internet Message-ID of a suspicious message
	stateFile string // the poll state
	self      string // the mailbox's own address
}

func steps() []step {
	start := time.Now().UTC().AddDate(0, 0, 2).Truncate(24 * time.Hour).Add(14 * time.Hour)
	fixed := func(p string) func(*tour) string { return func(*tour) string { return p } }
	iocs := base64.StdEncoding.EncodeToString([]byte("micros0ft-365-security.com\nexamp1e-helpdesk.com\n"))
	return []step{
		{"get_events", fixed(`{}`), false},
		{"create_event", fixed(fmt.Sprintf(`{"subject": "Incident review", "start_date": %q, "end_date": %q,
			"required_attendees": "bob.martin@example.com, carol.nguyen@example.com", "location": "Room 4.12",
			"categories": ["Incident"], "show_as": "Busy", "reminder": "30 minutes", "is_private": false,
			"body": "Review of the phishing wave."}`, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))), true},
		{"get_contacts", fixed(`{}`), false},
		{"get_email", fixed(`{"mark_as_read": false}`), false},
		{"search_query", fixed(`{"folder_name": "Inbox", "query": "{'subject__icontains': 'password'}", "range": 5}`), false},
		{"mark_as_read", func(t *tour) string { return fmt.Sprintf(`{"message_id": %q}`, t.messageID) }, true},
		{"move_email", func(t *tour) string {
			return fmt.Sprintf(`{"message_id": %q, "source_folder": "Inbox", "destination_folder": "Inbox/Phishing"}`, t.messageID)
		}, true},
		{"delete_email", func(t *tour) string {
			return fmt.Sprintf(`{"message_id": %q, "folder_name": "Inbox/Phishing", "delete_type": "Move To Trash"}`, t.messageID)
		}, true},
		{"poll", func(t *tour) string { return fmt.Sprintf(`{"state_file": %q}`, t.stateFile) }, false},
		{"send_email", func(t *tour) string {
			return fmt.Sprintf(`{"subject": "Phishing wave: indicators", "to_recipients": "carol.nguyen@example.com",
				"cc_recipients": [%q], "body": "<p>Blocked the domains attached.</p>",
				"attachments": [{"name": "iocs.txt", "content": %q}]}`, t.self, iocs)
		}, true},
		{"poll", func(t *tour) string { return fmt.Sprintf(`{"state_file": %q}`, t.stateFile) }, true},
	}
}

// runOperations runs each step through connector.Execute, the call a SOAR tool makes, and prints its result.
func runOperations(ctx context.Context, cfg connector.Config, fake bool) error {
	dir, err := os.MkdirTemp("", "ews-quickstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	t := &tour{stateFile: filepath.Join(dir, "inbox.state"), self: cfg.EmailAddress}
	for _, s := range steps() {
		if s.changes && !fake {
			continue
		}
		if t.messageID == "" && (s.op == "mark_as_read" || s.op == "move_email" || s.op == "delete_email") {
			fmt.Printf("\n(no message matched the search: skipping %s)\n", s.op)
			continue
		}
		params := s.params(t)
		res, err := connector.Execute(ctx, cfg, s.op, json.RawMessage(params))
		fmt.Printf("\n== %s %s\n%s\n", s.op, compact(params), show(res))
		if err != nil {
			return err
		}
		if s.op == "search_query" {
			if es, ok := res.(*connector.Result).Data.([]any); ok && len(es) > 0 {
				t.messageID = es[0].(*connector.Email).MessageID
			}
		}
	}
	return nil
}

func compact(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(buf.String())
}

// show formats a result, on one line, with long lists cut to their first three items.
func show(res any) string {
	r, ok := res.(*connector.Result)
	if !ok {
		return fmt.Sprint(res)
	}
	more := 0
	if items, ok := r.Data.([]any); ok && len(items) > 3 {
		more = len(items) - 3
		r = connector.Success(items[:3])
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err.Error()
	}
	b := strings.TrimSpace(buf.String())
	if more > 0 {
		return fmt.Sprintf("%s\n(and %d more items)", b, more)
	}
	return string(b)
}
