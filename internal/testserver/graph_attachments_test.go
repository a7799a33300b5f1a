package testserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/graphschema"
)

// graphGet sends GET {GraphPath}{path} with the app token "app-tok" and returns the status and the JSON body.
func graphGet(t *testing.T, srv *Server, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.GraphURL()+GraphPath+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer app-tok")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// The attachment list honours $select as Graph does: a fileAttachment's contentId only cast to its type,
// an itemAttachment never has one, and only what is selected (with id and @odata.type) is answered; the
// answers match Graph's v1.0 metadata.
func TestGraphAttachmentSelect(t *testing.T) {
	srv := New(t, WithAppToken("app-tok"))
	mb := srv.Default()
	mb.AddItem("inbox", Item{Subject: "logo", Attachments: []Attachment{
		{Name: "logo.png", ContentType: "image/png", IsInline: true, ContentID: "logo", Content: []byte("PNG")},
		{Name: "earlier", Item: &Item{ItemClass: "IPM.Note", Subject: "earlier"}},
	}})
	schema, err := graphschema.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The message's Graph id, as a Graph client learns it.
	status, b := graphGet(t, srv, "/users/"+srv.Email()+"/mailFolders/inbox/messages?$select=id")
	var msgs struct{ Value []struct{ ID string } }
	if err := json.Unmarshal(b, &msgs); status != http.StatusOK || err != nil || len(msgs.Value) != 1 {
		t.Fatalf("inbox: %d %s", status, b)
	}
	id := msgs.Value[0].ID
	base := "/users/" + srv.Email() + "/messages/" + url.PathEscape(id) + "/attachments"
	list := func(sel string) []map[string]any {
		t.Helper()
		status, b := graphGet(t, srv, base+"?$select="+url.QueryEscape(sel))
		if status != http.StatusOK {
			t.Fatalf("$select=%s: %d %s", sel, status, b)
		}
		v, err := graphschema.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range schema.Collection("attachment", v, false) {
			t.Errorf("$select=%s: %v", sel, e)
		}
		var out struct{ Value []map[string]any }
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out.Value
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}

	got := list("name,isInline,microsoft.graph.fileAttachment/contentId")
	if len(got) != 2 {
		t.Fatalf("%d attachments", len(got))
	}
	if k := keys(got[0]); k != "@odata.type,contentId,id,isInline,name" || got[0]["contentId"] != "logo" {
		t.Errorf("file attachment = %v", got[0])
	}
	if k := keys(got[1]); k != "@odata.type,id,isInline,name" {
		t.Errorf("item attachment = %v (no contentId: it is not an itemAttachment's)", got[1])
	}
	// Without $select: every property, contentId on the file attachment only.
	status, b = graphGet(t, srv, base)
	var all struct{ Value []map[string]any }
	if err := json.Unmarshal(b, &all); status != http.StatusOK || err != nil || len(all.Value) != 2 {
		t.Fatalf("list: %d %s", status, b)
	}
	if _, ok := all.Value[1]["contentId"]; ok || all.Value[0]["contentId"] != "logo" {
		t.Errorf("contentId: file %v, item %v", all.Value[0]["contentId"], all.Value[1]["contentId"])
	}
	// A derived type's property without the cast is refused, as Graph refuses it.
	status, b = graphGet(t, srv, base+"?$select=name,contentId")
	if status != http.StatusBadRequest || !strings.Contains(string(b), "Could not find a property named 'contentId' on type 'microsoft.graph.attachment'") {
		t.Errorf("plain contentId: %d %s", status, b)
	}
}

// The calendar list answers $select as Graph does: the selected properties and the id only; a property a
// calendar does not have is refused.
func TestGraphCalendarsSelect(t *testing.T) {
	srv := New(t, WithAppToken("app-tok"))
	schema, err := graphschema.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := "/users/" + srv.Email() + "/calendars"
	status, b := graphGet(t, srv, base+"?$select="+url.QueryEscape("name,isDefaultCalendar"))
	v, err := graphschema.Decode(b)
	if status != http.StatusOK || err != nil {
		t.Fatalf("list: %d %s", status, b)
	}
	for _, e := range schema.Collection("calendar", v, false) {
		t.Error(e)
	}
	var out struct{ Value []map[string]any }
	if err := json.Unmarshal(b, &out); err != nil || len(out.Value) == 0 {
		t.Fatalf("list: %s", b)
	}
	for _, c := range out.Value {
		if len(c) != 3 || c["id"] == nil || c["name"] == nil || c["isDefaultCalendar"] == nil {
			t.Errorf("calendar = %v, want id, name and isDefaultCalendar only", c)
		}
	}
	status, b = graphGet(t, srv, "/users/"+srv.Email()+"/calendar?$select=name")
	if status != http.StatusOK || !strings.Contains(string(b), `"name"`) || strings.Contains(string(b), `"canEdit"`) {
		t.Errorf("default calendar: %d %s", status, b)
	}
	if status, b = graphGet(t, srv, base+"?$select=displayName"); status != http.StatusBadRequest ||
		!strings.Contains(string(b), "Could not find a property named 'displayName' on type 'microsoft.graph.calendar'") {
		t.Errorf("unknown property: %d %s", status, b)
	}
}
