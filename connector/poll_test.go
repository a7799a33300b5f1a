package connector_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/google/go-cmp/cmp"
)

func TestPoll(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		mustFolder(t, srv, "inbox", "Phishing")
		addMail(srv, "inbox", "Old 1", "bob@example.com", true, t0, nil)
		addMail(srv, "inbox", "Old 2", "bob@example.com", false, t0.Add(time.Minute), nil)
		state := filepath.Join(t.TempDir(), "inbox.state")
		params := fmt.Sprintf(`{"state_file": %q}`, state)

		// The first call records the folder and returns nothing.
		var es []connector.Email
		execOK(t, cfg, "poll", params, &es)
		if len(es) != 0 {
			t.Errorf("first poll: %v, want nothing (baseline)", emailSubjects(es))
		}
		if _, err := os.Stat(state); err != nil {
			t.Fatalf("the state file was not written: %v", err)
		}
		addMail(srv, "inbox", "New 1", "x@evil.example", false, t0.Add(time.Hour), nil)
		addMail(srv, "inbox/Phishing", "Elsewhere", "x@evil.example", false, t0.Add(time.Hour), nil)
		addMail(srv, "inbox", "New 2", "x@evil.example", false, t0.Add(2*time.Hour), nil)
		execOK(t, cfg, "poll", params, &es)
		if diff := cmp.Diff([]string{"New 1", "New 2"}, emailSubjects(es)); diff != "" {
			t.Errorf("second poll (-want +got):\n%s", diff)
		}
		if len(es) == 2 && (es[0].MessageID != "<new.1@mail.example.com>" || es[0].Sender == nil || es[0].Body != "body of New 1") {
			t.Errorf("polled email %+v", es[0])
		}
		execOK(t, cfg, "poll", params, &es)
		if len(es) != 0 {
			t.Errorf("third poll: %v, want nothing new", emailSubjects(es))
		}

		// include_existing on a new state file, another folder.
		other := fmt.Sprintf(`{"state_file": %q, "folder_name": "Inbox/Phishing", "include_existing": true}`, filepath.Join(t.TempDir(), "phishing.state"))
		execOK(t, cfg, "poll", other, &es)
		if diff := cmp.Diff([]string{"Elsewhere"}, emailSubjects(es)); diff != "" {
			t.Errorf("include_existing (-want +got):\n%s", diff)
		}
		execOK(t, cfg, "poll", other, &es)
		if len(es) != 0 {
			t.Errorf("include_existing, second call: %v", emailSubjects(es))
		}

		execFail(t, cfg, "poll", `{}`, connector.CodeInvalidParameter, "state_file")
		execFail(t, cfg, "poll", `{"state_file": "/nonexistent/dir/x.state"}`, connector.CodeInvalidParameter, "state_file")
		execFail(t, cfg, "poll", fmt.Sprintf(`{"state_file": %q}`, t.TempDir()), connector.CodeInvalidParameter, "state_file")
		execFail(t, cfg, "poll", fmt.Sprintf(`{"state_file": %q, "folder_name": "Nope"}`, state), "ErrorFolderNotFound", "folder_name")
		corrupt := filepath.Join(t.TempDir(), "corrupt.state")
		if err := os.WriteFile(corrupt, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		execFail(t, cfg, "poll", fmt.Sprintf(`{"state_file": %q}`, corrupt), connector.CodeInvalidParameter, "state_file")
	})
}

// failingOutput loses the result: its Flush fails.
type failingOutput struct{ n int }

func (o *failingOutput) Write(any) error { o.n++; return nil }
func (o *failingOutput) Flush() error    { return errors.New("disk full") }

func TestPollCommitsOnlyAfterTheResultIsWritten(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		state := filepath.Join(t.TempDir(), "inbox.state")
		params := json.RawMessage(fmt.Sprintf(`{"state_file": %q}`, state))
		execOK(t, cfg, "poll", string(params), nil)
		addMail(srv, "inbox", "New", "x@evil.example", false, t0, nil)

		out := &failingOutput{}
		err := connector.Run(testCtx(t), cfg, "poll", params, out)
		if err == nil || out.n != 1 {
			t.Fatalf("Run with a failing output: err %v, %d items written", err, out.n)
		}
		// The result was not delivered, so the state was not committed: the next call returns the message again.
		var es []connector.Email
		execOK(t, cfg, "poll", string(params), &es)
		if diff := cmp.Diff([]string{"New"}, emailSubjects(es)); diff != "" {
			t.Errorf("poll after a lost result (-want +got):\n%s", diff)
		}
		execOK(t, cfg, "poll", string(params), &es)
		if len(es) != 0 {
			t.Errorf("poll after a delivered result: %v", emailSubjects(es))
		}
	})
}
