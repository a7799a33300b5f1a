package testserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With CaptureEnv set, the Graph endpoint writes each distinct exchange: method, path, status, the request's
// and the answer's JSON, a $batch's sub-requests as exchanges of their own; the same shape once.
func TestGraphCapture(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CaptureEnv, dir)
	srv := New(t, WithAppToken("app-tok"))
	mb := srv.Default()
	mb.AddItem("inbox", Item{Subject: "one"})
	mb.AddItem("inbox", Item{Subject: "two"})
	inbox := "/users/" + srv.Email() + "/mailFolders/inbox/messages?$select=id,subject"
	for range 2 { // the same shape twice: one file
		if status, b := graphGet(t, srv, inbox); status != http.StatusOK {
			t.Fatalf("list: %d %s", status, b)
		}
	}
	_, b := graphGet(t, srv, inbox)
	var list struct{ Value []struct{ ID string } }
	if err := json.Unmarshal(b, &list); err != nil || len(list.Value) != 2 {
		t.Fatalf("list: %s", b)
	}
	batch := `{"requests":[{"id":"1","method":"PATCH","url":"/users/` + srv.Email() + `/messages/` + list.Value[0].ID +
		`","headers":{"Content-Type":"application/json"},"body":{"isRead":true}}]}`
	req, _ := http.NewRequest(http.MethodPost, srv.GraphURL()+GraphPath+"/$batch", strings.NewReader(batch))
	req.Header.Set("Authorization", "Bearer app-tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("$batch: %v %v", err, resp)
	}
	resp.Body.Close()

	files, _ := filepath.Glob(filepath.Join(dir, GraphCaptureDir, "graph-*.json"))
	got := map[string]GraphExchange{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var x GraphExchange
		if err := json.Unmarshal(b, &x); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		x.Request, x.Response = compactJSON(t, x.Request), compactJSON(t, x.Response)
		key := x.Method + " " + x.Path[strings.LastIndex(x.Path, "/")+1:]
		if x.Batch {
			key += " (batch)"
		}
		if _, dup := got[key]; dup {
			t.Errorf("%s captured twice", key)
		}
		got[key] = x
	}
	if len(got) != 3 {
		t.Fatalf("captured %d exchanges: %v", len(got), got)
	}
	if x := got["GET messages"]; x.Status != 200 || !strings.Contains(string(x.Response), `"subject":"one"`) || x.Query == "" {
		t.Errorf("list exchange = %+v %s", x, x.Response)
	}
	if x := got["PATCH "+list.Value[0].ID+" (batch)"]; x.Status != 200 || string(x.Request) != `{"isRead":true}` || !strings.Contains(string(x.Response), `"isRead":true`) {
		t.Errorf("batch sub-request exchange = %+v %s %s", x, x.Request, x.Response)
	}
	if x := got["POST $batch"]; !strings.Contains(string(x.Request), `"requests"`) || !strings.Contains(string(x.Response), `"responses"`) {
		t.Errorf("batch exchange = %+v", x)
	}
}

func compactJSON(t *testing.T, raw json.RawMessage) json.RawMessage {
	t.Helper()
	if len(raw) == 0 {
		return raw
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
