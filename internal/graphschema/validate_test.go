package graphschema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustLoad(t *testing.T) *Schema {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decode(t *testing.T, js string) any {
	t.Helper()
	v, err := Decode([]byte(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// errText joins the errors, "" when there is none.
func errText(errs []error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

func TestLoadSource(t *testing.T) {
	s := mustLoad(t)
	if !strings.HasPrefix(s.Source, "msgraph-metadata@") || len(s.Source) != len("msgraph-metadata@")+40 {
		t.Errorf("Source = %q, want msgraph-metadata@<commit>", s.Source)
	}
	for _, n := range []string{"message", "event", "contact", "mailFolder", "fileAttachment", "itemAttachment",
		"messageRule", "mailboxSettings", "automaticRepliesSetting", "uploadSession", "person", "user", "itemBody",
		"recipient", "emailAddress", "dateTimeTimeZone", "attendee"} {
		if s.Type(n) == nil {
			t.Errorf("type %s is missing", n)
		}
	}
	if p := s.Type("fileAttachment").Property("name"); p == nil || p.Type != "Edm.String" {
		t.Errorf("fileAttachment.name (from attachment) = %+v", p)
	}
}

func TestEntity(t *testing.T) {
	s := mustLoad(t)
	for _, tc := range []struct {
		typ, json, want string // want: a part of the error text, "" for none
	}{
		{"message", `{"id":"AAM=","subject":"hi","isRead":false,"importance":"high","receivedDateTime":"2026-03-01T09:30:00Z",
			"toRecipients":[{"emailAddress":{"name":"Bob","address":"bob@example.com"}}],"body":{"contentType":"html","content":"<p>x</p>"},
			"flag":{"flagStatus":"flagged"},"categories":["Red"],"@odata.etag":"W/\"x\"","subject@odata.type":"#String"}`, ""},
		{"message", `{"subjekt":"hi"}`, "subjekt: not a property of message"},
		{"message", `{"isRead":"yes"}`, "isRead: is Edm.Boolean"},
		{"message", `{"importance":"urgent"}`, `"urgent" is not a member of the enum importance`},
		{"message", `{"receivedDateTime":"2026-03-01 09:30"}`, "is not an Edm.DateTimeOffset"},
		{"message", `{"toRecipients":{"emailAddress":{}}}`, "is a collection of recipient, not an object"},
		{"message", `{"toRecipients":[{"emailAddress":{"adress":"x"}}]}`, "toRecipients[0].emailAddress.adress: not a property of emailAddress"},
		{"message", `{"body":{"contentType":"markdown"}}`, `"markdown" is not a member of the enum bodyType`},
		{"message", `{"categories":[null]}`, "holds no null"},
		{"message", `{"nosuch@odata.type":"#String"}`, "annotates nosuch"},
		{"message", `{"@odata.type":"#microsoft.graph.event"}`, "does not derive from message"},
		{"message", `{"@odata.type":"#microsoft.graph.eventMessage","meetingMessageType":"meetingRequest"}`, ""},
		{"message", `{"meetingMessageType":"meetingRequest"}`, "not a property of message"},
		{"attachment", `{"name":"a.txt"}`, "abstract type attachment needs an @odata.type"},
		{"attachment", `{"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentBytes":"aGk=","size":2,"isInline":false}`, ""},
		{"attachment", `{"@odata.type":"#microsoft.graph.fileAttachment","contentBytes":"not base64!"}`, "is not an Edm.Binary"},
		{"attachment", `{"@odata.type":"#microsoft.graph.itemAttachment","contentId":"x"}`, "contentId: not a property of itemAttachment"},
		{"attachment", `{"@odata.type":"#microsoft.graph.fileAttachment","isInline":null}`, "is null, and isInline is not nullable"},
		{"attachment", `{"@odata.type":"#microsoft.graph.fileAttachment","size":2.5}`, "2.5 is not an Edm.Int32"},
		{"attachment", `{"@odata.type":"#microsoft.graph.fileAttachment","size":4294967296}`, "is not an Edm.Int32"},
		{"attachment", `{"@odata.type":"microsoft.graph.fileAttachment"}`, "not of the form #microsoft.graph.<type>"},
		{"event", `{"start":{"dateTime":"2026-03-01T09:00:00.0000000","timeZone":"UTC"},"showAs":"busy",
			"recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"]},"range":{"type":"endDate","startDate":"2026-03-01","endDate":"2026-04-01"}}}`, ""},
		{"event", `{"recurrence":{"range":{"startDate":"2026-3-1"}}}`, "is not an Edm.Date"},
		{"event", `{"recurrence":{"pattern":{"daysOfWeek":["Monday"]}}}`, `"Monday" is not a member of the enum dayOfWeek`},
		{"event", `{"recurrence":{"pattern":{"interval":null}}}`, "interval is not nullable"},
		{"mailboxSettings", `{"automaticRepliesSetting":{"status":"scheduled","externalAudience":"all"}}`, ""},
		{"uploadSession", `{"uploadUrl":"https://x","expirationDateTime":"2026-03-01T09:30:00.1234567Z","nextExpectedRanges":["0-"]}`, ""},
		{"message", `[1]`, "is an object of type message, not an array"},
	} {
		got := errText(s.Entity(tc.typ, decode(t, tc.json)))
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s %s: %s", tc.typ, tc.json, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s %s: got %q, want %q", tc.typ, tc.json, got, tc.want)
		}
	}
}

func TestCollectionActionSelect(t *testing.T) {
	s := mustLoad(t)
	check := func(what string, errs []error, want string) {
		t.Helper()
		got := errText(errs)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", what, got, want)
		}
	}
	check("collection", s.Collection("message", decode(t, `{"@odata.context":"x","value":[{"id":"a"}],"@odata.nextLink":"y"}`), false), "")
	check("collection item", s.Collection("message", decode(t, `{"value":[{"id":"a","size":1}]}`), false), "value[0].size: not a property of message")
	check("collection member", s.Collection("message", decode(t, `{"value":[],"count":1}`), false), "count: not a property of a collection answer")
	check("delta removed", s.Collection("message", decode(t, `{"value":[{"id":"a","@removed":{"reason":"deleted"}}],"@odata.deltaLink":"z"}`), true), "")
	check("delta removed bad", s.Collection("message", decode(t, `{"value":[{"id":"a","@removed":"deleted"}]}`), true), "@removed: is an object")

	check("sendMail", s.ActionBody("user", "sendMail", decode(t, `{"message":{"subject":"x"},"saveToSentItems":true}`)), "")
	check("sendMail param", s.ActionBody("user", "sendMail", decode(t, `{"message":{},"saveToSent":true}`)), "saveToSent: not a parameter of user.sendMail")
	check("sendMail type", s.ActionBody("user", "sendMail", decode(t, `{"saveToSentItems":"true"}`)), "is Edm.Boolean")
	check("move", s.ActionBody("message", "move", decode(t, `{"destinationId":"inbox"}`)), "")
	check("move null", s.ActionBody("message", "move", decode(t, `{"destinationId":null}`)), "not nullable")
	check("reply", s.ActionBody("message", "reply", decode(t, `{"comment":"ok","message":{"ccRecipients":[]}}`)), "")
	check("upload", s.ActionBody("attachment", "createUploadSession", decode(t, `{"AttachmentItem":{"attachmentType":"file","name":"a","size":5}}`)), "")
	check("upload enum", s.ActionBody("attachment", "createUploadSession", decode(t, `{"AttachmentItem":{"attachmentType":"File"}}`)), `"File" is not a member`)
	check("accept", s.ActionBody("event", "accept", decode(t, `{"comment":"x","sendResponse":false}`)), "")
	check("no action", s.ActionBody("message", "accept", nil), "no action accept bound to message")

	check("select", s.Select("attachment", "id,name,microsoft.graph.fileAttachment/contentId"), "")
	check("select derived", s.Select("attachment", "name,contentId"), "contentId: not a property of attachment")
	check("select cast", s.Select("attachment", "microsoft.graph.event/subject"), "is not a type derived from attachment")
}

func TestCheckExchanges(t *testing.T) {
	s := mustLoad(t)
	x := func(method, path, query string, status int, req, resp string) Exchange {
		e := Exchange{Method: method, Path: path, Query: query, Status: status}
		if req != "" {
			e.Request = json.RawMessage(req)
		}
		if resp != "" {
			e.Response = json.RawMessage(resp)
		}
		return e
	}
	for _, tc := range []struct {
		x    Exchange
		want string
	}{
		{x("POST", "/users/a@b/messages/AAM%3D/move", "", 201, `{"destinationId":"inbox"}`, `{"id":"AAM="}`), ""},
		{x("DELETE", "/users/a@b/messages/AQMk%2F+%2FRVdT", "", 204, ``, ``), ""},
		{x("POST", "/me/translateExchangeIds", "", 200, `{"inputIds":["x"],"sourceIdType":"ewsId","targetIdType":"restImmutableEntryId"}`, `{"value":[{"sourceId":"x","targetId":"y"}]}`), ""},
		{x("POST", "/me/translateExchangeIds", "", 200, `{"inputIds":["x"],"sourceIdType":"ews"}`, ``), `"ews" is not a member of the enum exchangeIdFormat`},
		{x("POST", "/users/a@b/messages/AAM%3D/move", "", 201, `{"folder":"inbox"}`, `{"id":"AAM="}`), "request: folder: not a parameter of message.move"},
		{x("POST", "/users/a@b/messages/AAM%3D/move", "", 400, `{"folder":"inbox"}`, `{"error":{"code":"BadRequest","message":"x"}}`), ""},
		{x("POST", "/users/a@b/messages/AAM%3D/move", "", 404, ``, `{"error":{"code":"x"}}`), "error.message"},
		{x("GET", "/users/a@b/mailFolders/inbox/messages", "%24select=subject", 200, ``, `{"value":[{"id":"a","subject":"s","isRead":true}]}`), "isRead is in the answer but not in $select"},
		{x("GET", "/users/a@b/mailFolders/inbox/messages", "%24select=subjekt", 200, ``, `{"value":[]}`), "$select: subjekt: not a property of message"},
		{x("DELETE", "/users/a@b/messages/x", "", 204, ``, `{"x":1}`), "a body where none is expected"},
		{x("GET", "/users/a@b/onenote/notebooks", "", 200, ``, `{}`), "no route for GET /users/a@b/onenote/notebooks"},
		{x("POST", "/$batch", "", 200, `{"requests":[{"id":"1","method":"POST","url":"/users/a/messages/x/move","body":{},"headers":{"Content-Type":"application/json"}}]}`,
			`{"responses":[{"id":"1","status":201,"headers":{},"body":{}}]}`), ""},
		{x("POST", "/$batch", "", 200, `{"requests":[{"id":1,"method":"POST","url":"https://graph.microsoft.com/v1.0/users"}]}`, ``), `requests[0].url: "https://graph.microsoft.com/v1.0/users" is not relative`},
		{x("POST", "/$batch", "", 200, `{"requests":[{"id":1,"method":"GET","url":"/users"}]}`, ``), "requests[0].id: string, not a number"},
		{x("POST", "/$batch", "", 200, `{"requests":[{"id":"1","method":"PATCH","url":"/users/a/messages/x","body":{"isRead":true}}]}`, ``), "needs a Content-Type header"},
		{x("POST", "/users/a/messages/x/reply", "", 202, `{"comment":"hi","message":{"body":{"content":"x"}}}`, ``), "both a comment and message.body"},
		{x("POST", "/users/a/messages/x/reply", "", 202, `{"comment":"hi","message":{"ccRecipients":[]}}`, ``), ""},
		{x("POST", "/users/a/messages/x/move", "", 200, `{"destinationId":"inbox"}`, `{"id":"x"}`), "status 200: Graph answers POST"},
		{x("POST", "/$batch", "", 200, ``, `{"responses":[{"id":"1","code":201}]}`), "status is missing"},
	} {
		got := errText(s.Check(tc.x))
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: got %q, want %q", tc.x.Method, tc.x.Path, got, tc.want)
		}
	}
}

func TestCheckDir(t *testing.T) {
	s := mustLoad(t)
	dir := t.TempDir()
	write := func(name, js string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("graph-GET-1.json", `{"method":"GET","path":"/users/a/messages/x","status":200,"response":{"id":"x","subject":"s"}}`)
	write("graph-GET-2.json", `{"method":"GET","path":"/users/a/messages/x","status":200,"response":{"id":"x","subjekt":"s"}}`)
	n, errs := s.CheckDir(dir)
	if n != 2 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "graph-GET-2.json (GET /users/a/messages/x, 200): answer: subjekt") {
		t.Errorf("CheckDir = %d, %v", n, errs)
	}
}

func TestFilterOrderBy(t *testing.T) {
	s := mustLoad(t)
	for _, tc := range []struct {
		typ, expr, want string
	}{
		{"message", "receivedDateTime ge 2026-01-01T00:00:00Z and isRead eq false", ""},
		{"message", "from/emailAddress/address eq 'a@b.c' and startswith(subject,'Re: ''x''')", ""},
		{"message", "categories/any(c:c eq 'Red') and toRecipients/any(r:r/emailAddress/address eq 'x')", ""},
		{"message", "flag/flagStatus eq 'flagged' and importance eq 'high'", ""},
		{"message", "recievedDateTime ge 2026-01-01T00:00:00Z", "recievedDateTime: in"},
		{"message", "from/emailAddress/adress eq 'x'", "not a property of emailAddress"},
		{"message", "toRecipients/any(r:r/address eq 'x')", "r/address"},
		{"contact", "emailAddresses/any(a:a/address eq 'x') or startswith(displayName,'Bo')", ""},
		{"user", "startswith(displayName,'a') or startswith(mail,'a')", ""},
		{"event", "start/dateTime ge '2026-01-01T00:00:00'", ""},
	} {
		got := errText(s.Filter(tc.typ, tc.expr))
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("Filter(%s, %s) = %q, want %q", tc.typ, tc.expr, got, tc.want)
		}
	}
	if got := errText(s.OrderBy("message", "receivedDateTime desc,subject")); got != "" {
		t.Errorf("OrderBy: %s", got)
	}
	if got := errText(s.OrderBy("message", "received desc")); !strings.Contains(got, "not a property of message") {
		t.Errorf("OrderBy unknown: %q", got)
	}
	if got := errText(s.OrderBy("message", "subject up")); !strings.Contains(got, "not of the form") {
		t.Errorf("OrderBy form: %q", got)
	}
}
