package graphschema

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Exchange is one captured Graph request and its answer, as internal/testserver writes them (GraphExchange).
type Exchange struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"` // under /v1.0
	Query    string          `json:"query"`
	Status   int             `json:"status"`
	Batch    bool            `json:"batch"`
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
}

// A body's shape: one instance of a type ("entity"; complex types too), a collection answer ("collection"),
// an action's parameters ("action"), a $batch envelope ("batch"), nothing ("none": a body is an error), or
// not JSON / not checked ("any").
type body struct {
	kind string // entity, collection, delta, action, batch, none, any
	typ  string // the type, or the action's binding type
	name string // the action
}

func entity(t string) body     { return body{kind: "entity", typ: t} }
func collection(t string) body { return body{kind: "collection", typ: t} }
func action(binding, name string) body {
	return body{kind: "action", typ: binding, name: name}
}

var (
	none    = body{kind: "none"}
	anyBody = body{kind: "any"}
)

// route maps a method and a path under /users/{id}/ or /me/ (or the service root, for the ones starting with "^/") to
// the shapes of its request and answer bodies.
type route struct {
	method string
	re     *regexp.Regexp
	req    body
	resp   body
	ok     []int // the success statuses Graph answers with
}

// status sets the success statuses of a route whose default (r) is not Graph's.
func (rt route) status(codes ...int) route {
	rt.ok = codes
	return rt
}

func r(method, pattern string, req, resp body) route {
	p := pattern
	if !strings.HasPrefix(p, "/") {
		p = "(/users/[^/]+|/me)/" + p
	}
	p = strings.ReplaceAll(p, "{id}", "[^/]+")
	rt := route{method: method, re: regexp.MustCompile("^" + p + "$"), req: req, resp: resp}
	// Graph's success statuses: 200 for a read or an update, 204 for a delete, 201 for a create (or a move or
	// copy, which create), 202 for an action that sends (sendMail, reply, accept...).
	switch {
	case method == "GET" || method == "PATCH" || method == "PUT":
		rt.ok = []int{200}
	case method == "DELETE":
		rt.ok = []int{204}
	case resp.kind == "none":
		rt.ok = []int{202}
	default:
		rt.ok = []int{201}
	}
	return rt
}

// routes are the Graph requests the SDK sends and the fake server serves, with the types of their bodies
// (Microsoft Graph v1.0 REST reference). A captured exchange no route matches is an error: add its route here.
var routes = []route{
	r("GET", "/users", none, collection("user")),
	r("POST", `/\$batch`, body{kind: "batch"}, body{kind: "batch"}).status(200),
	r("POST", "translateExchangeIds", action("user", "translateExchangeIds"), collection("convertIdResult")).status(200),
	r("POST", "sendMail", action("user", "sendMail"), none),

	r("GET", "messages", none, collection("message")),
	r("POST", "messages", entity("message"), entity("message")),
	r("GET", "messages/{id}", none, entity("message")),
	r("PATCH", "messages/{id}", entity("message"), entity("message")),
	r("DELETE", "messages/{id}", none, none),
	r("POST", "messages/{id}/(move|copy)", action("message", ""), entity("message")),
	r("POST", "messages/{id}/(reply|replyAll|forward|send)", action("message", ""), none),
	r("POST", "messages/{id}/permanentDelete", action("message", "permanentDelete"), none).status(204),
	r("GET", `messages/{id}/\$value`, none, anyBody),
	r("GET", "messages/{id}/attachments", none, collection("attachment")),
	r("POST", "messages/{id}/attachments", entity("attachment"), entity("attachment")),
	r("GET", "messages/{id}/attachments/{id}", none, entity("attachment")),
	r("GET", `messages/{id}/attachments/{id}/\$value`, none, anyBody),
	r("GET", "/upload/AttachmentSessions/{id}", none, entity("uploadSession")),                     // an upload session's status
	r("PUT", "/upload/AttachmentSessions/{id}", anyBody, entity("uploadSession")).status(200, 201), // the fake's uploadUrl: 201 for the last chunk
	r("POST", "messages/{id}/attachments/createUploadSession", action("attachment", "createUploadSession"), entity("uploadSession")),

	r("GET", "mailFolders", none, collection("mailFolder")),
	r("GET", "mailFolders/{id}", none, entity("mailFolder")),
	r("PATCH", "mailFolders/{id}", entity("mailFolder"), entity("mailFolder")),
	r("DELETE", "mailFolders/{id}", none, none),
	r("POST", "mailFolders/{id}/permanentDelete", action("mailFolder", "permanentDelete"), none).status(204),
	r("GET", "mailFolders/{id}/childFolders", none, collection("mailFolder")),
	r("POST", "mailFolders/{id}/childFolders", entity("mailFolder"), entity("mailFolder")),
	r("GET", "mailFolders/{id}/messages", none, collection("message")),
	r("GET", "mailFolders/{id}/messages/delta", none, body{kind: "delta", typ: "message"}),
	r("GET", "mailFolders/{id}/messageRules", none, collection("messageRule")),
	r("POST", "mailFolders/{id}/messageRules", entity("messageRule"), entity("messageRule")),
	r("GET", "mailFolders/{id}/messageRules/{id}", none, entity("messageRule")),
	r("PATCH", "mailFolders/{id}/messageRules/{id}", entity("messageRule"), entity("messageRule")),
	r("DELETE", "mailFolders/{id}/messageRules/{id}", none, none),

	r("GET", "mailboxSettings", none, entity("mailboxSettings")),
	r("PATCH", "mailboxSettings", entity("mailboxSettings"), entity("mailboxSettings")),
	r("GET", "mailboxSettings/automaticRepliesSetting", none, entity("automaticRepliesSetting")),

	r("GET", "(calendar/|calendars/{id}/)?calendarView", none, collection("event")),
	r("GET", "(calendar/|calendars/{id}/)?events", none, collection("event")),
	r("POST", "(calendar/|calendars/{id}/)?events", entity("event"), entity("event")),
	r("GET", "calendar", none, entity("calendar")),
	r("GET", "calendars", none, collection("calendar")),
	r("GET", "calendars/{id}", none, entity("calendar")),
	r("GET", "(calendar/)?events/{id}", none, entity("event")),
	r("PATCH", "(calendar/)?events/{id}", entity("event"), entity("event")),
	r("DELETE", "(calendar/)?events/{id}", none, none),
	r("GET", "(calendar/)?events/{id}/instances", none, collection("event")),
	r("POST", "(calendar/)?events/{id}/(accept|tentativelyAccept|decline|cancel|forward)", action("event", ""), none),
	r("POST", "(calendar/)?events/{id}/permanentDelete", action("event", "permanentDelete"), none).status(204),

	r("GET", "(contactFolders/{id}/)?contacts", none, collection("contact")),
	r("POST", "(contactFolders/{id}/)?contacts", entity("contact"), entity("contact")),
	r("GET", "(contactFolders/{id}/)?contacts/{id}", none, entity("contact")),
	r("PATCH", "(contactFolders/{id}/)?contacts/{id}", entity("contact"), entity("contact")),
	r("DELETE", "(contactFolders/{id}/)?contacts/{id}", none, none),
	r("GET", "contactFolders", none, collection("contactFolder")),
	r("GET", "contactFolders/{id}", none, entity("contactFolder")),
	r("GET", "contactFolders/{id}/childFolders", none, collection("contactFolder")),
	r("GET", "people", none, collection("person")),
}

// Check checks a captured exchange: its request body (when the server accepted it) and its answer's body.
func (s *Schema) Check(x Exchange) []error {
	// Routes match the escaped path, where an id's "/" is "%2F" and stays in its segment.
	path, _ := url.PathUnescape(x.Path)
	var rt *route
	for i := range routes {
		if routes[i].method == x.Method && routes[i].re.MatchString(x.Path) {
			rt = &routes[i]
			break
		}
	}
	if rt == nil {
		return []error{fmt.Errorf("no route for %s %s: add it to internal/graphschema's routes", x.Method, path)}
	}
	var errs []error
	prefix := func(what string, list []error) {
		for _, e := range list {
			errs = append(errs, fmt.Errorf("%s: %w", what, e))
		}
	}
	ok := x.Status >= 200 && x.Status < 300
	if ok && !slices.Contains(rt.ok, x.Status) {
		errs = append(errs, fmt.Errorf("status %d: Graph answers %s %s with %v", x.Status, x.Method, rt.re, rt.ok))
	}
	if q, err := url.ParseQuery(x.Query); err == nil && ok {
		switch rt.resp.kind {
		case "entity", "collection", "delta":
			if q.Has("$select") {
				prefix("$select", s.Select(rt.resp.typ, q.Get("$select")))
			}
		}
		switch rt.resp.kind {
		case "collection", "delta":
			if q.Has("$filter") {
				prefix("$filter", s.Filter(rt.resp.typ, q.Get("$filter")))
			}
			if q.Has("$orderby") {
				prefix("$orderby", s.OrderBy(rt.resp.typ, q.Get("$orderby")))
			}
		}
	}
	if ok && len(x.Request) > 0 {
		prefix("request", s.checkBody(rt.req, actionName(rt, path), x.Request, x.Batch))
	}
	switch {
	case x.Status >= 400:
		prefix("answer", checkError(x.Response))
	case len(x.Response) > 0:
		prefix("answer", s.checkBody(rt.resp, "", x.Response, x.Batch))
		if q, err := url.ParseQuery(x.Query); err == nil && q.Has("$select") && ok {
			prefix("answer", selected(rt.resp.kind, q.Get("$select"), x.Response))
		}
	}
	return errs
}

// selected checks that an answer to a request with $select holds only the properties selected (and id), as
// Graph's does.
func selected(kind, list string, raw json.RawMessage) []error {
	want := map[string]bool{"id": true}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if _, p, ok := strings.Cut(n, "/"); ok {
			n = p
		}
		want[n] = true
	}
	if want["*"] {
		return nil
	}
	v, err := Decode(raw)
	if err != nil {
		return nil
	}
	var items []any
	switch kind {
	case "entity":
		items = []any{v}
	case "collection", "delta":
		o, _ := v.(map[string]any)
		items, _ = o["value"].([]any)
	}
	var errs []error
	for i, it := range items {
		o, _ := it.(map[string]any)
		for _, k := range sortedKeys(o) {
			if !annotation(k) && !want[k] {
				errs = append(errs, fmt.Errorf("item %d: %s is in the answer but not in $select=%s", i, k, list))
			}
		}
	}
	return errs
}

// actionName is the last segment of the path, for the routes whose action the path names.
func actionName(rt *route, path string) string {
	if rt.req.name != "" {
		return rt.req.name
	}
	return path[strings.LastIndex(path, "/")+1:]
}

func (s *Schema) checkBody(b body, act string, raw json.RawMessage, inBatch bool) []error {
	if b.kind == "any" {
		return nil
	}
	v, err := Decode(raw)
	if err != nil {
		return []error{err}
	}
	switch b.kind {
	case "none":
		return []error{fmt.Errorf("a body where none is expected")}
	case "entity":
		return s.Entity(b.typ, v)
	case "collection":
		return s.Collection(b.typ, v, false)
	case "delta":
		return s.Collection(b.typ, v, true)
	case "action":
		return append(s.ActionBody(b.typ, act, v), replyRule(b.typ, act, v)...)
	case "batch":
		if inBatch {
			return []error{fmt.Errorf("a $batch inside a $batch")}
		}
		return checkBatch(v)
	}
	return []error{fmt.Errorf("unknown body kind %s", b.kind)}
}

// checkBatch checks a JSON batch envelope (Graph's "Combine multiple requests in one HTTP call"): a request
// {"requests": [{"id", "method", "url", "headers"?, "body"?, "dependsOn"?}]} or an answer
// {"responses": [{"id", "status", "headers"?, "body"?}], "@odata.nextLink"?}. The sub-requests' bodies are
// captured (and checked) as exchanges of their own.
func checkBatch(v any) []error {
	o, ok := v.(map[string]any)
	if !ok {
		return []error{fmt.Errorf("a $batch body is an object")}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	list, key := o["requests"], "requests"
	members := map[string]string{"id": "string", "method": "string", "url": "string", "headers": "object", "body": "any", "dependsOn": "array"}
	required := []string{"id", "method", "url"}
	if _, isResp := o["responses"]; isResp {
		list, key = o["responses"], "responses"
		members = map[string]string{"id": "string", "status": "number", "headers": "object", "body": "any"}
		required = []string{"id", "status"}
	}
	for k := range o {
		if k != key && !annotation(k) {
			bad("%s: not a member of a $batch body", k)
		}
	}
	items, ok := list.([]any)
	if !ok {
		return append(errs, fmt.Errorf("%s: an array, not %s", key, kind(list)))
	}
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			bad("%s[%d]: an object, not %s", key, i, kind(it))
			continue
		}
		for _, k := range required {
			if _, ok := m[k]; !ok {
				bad("%s[%d]: %s is missing", key, i, k)
			}
		}
		for _, k := range sortedKeys(m) {
			want, ok := members[k]
			switch {
			case !ok:
				bad("%s[%d].%s: not a member of a $batch %s", key, i, k, strings.TrimSuffix(key, "s"))
			case want == "string" && kind(m[k]) != "a string", want == "number" && kind(m[k]) != "a number",
				want == "object" && kind(m[k]) != "an object", want == "array" && kind(m[k]) != "an array":
				bad("%s[%d].%s: %s, not %s", key, i, k, want, kind(m[k]))
			}
		}
		if h, ok := m["headers"].(map[string]any); ok {
			for k, hv := range h {
				if _, ok := hv.(string); !ok {
					bad("%s[%d].headers.%s: a string, not %s", key, i, k, kind(hv))
				}
			}
		}
		if _, hasBody := m["body"]; hasBody && key == "requests" {
			// "When a body is included with the request, the headers object must contain a value for Content-Type."
			h, _ := m["headers"].(map[string]any)
			ct := false
			for k := range h {
				ct = ct || strings.EqualFold(k, "Content-Type")
			}
			if !ct {
				bad("%s[%d]: a request with a body needs a Content-Type header", key, i)
			}
		}
		if u, ok := m["url"].(string); ok && !strings.HasPrefix(u, "/") {
			bad("%s[%d].url: %q is not relative to the version root (/users/...)", key, i, u)
		}
	}
	return errs
}

// checkError checks Graph's error answer: {"error": {"code", "message", "innerError"?, "details"?}}.
func checkError(raw json.RawMessage) []error {
	if len(raw) == 0 {
		return nil
	}
	v, err := Decode(raw)
	if err != nil {
		return []error{err}
	}
	o, _ := v.(map[string]any)
	e, ok := o["error"].(map[string]any)
	if !ok || len(o) != 1 {
		return []error{fmt.Errorf("an error answer is {\"error\": {...}}")}
	}
	var errs []error
	for _, k := range []string{"code", "message"} {
		if _, ok := e[k].(string); !ok {
			errs = append(errs, fmt.Errorf("error.%s: a string, not %s", k, kind(e[k])))
		}
	}
	for k := range e {
		switch k {
		case "code", "message", "innerError", "details", "target", "innererror":
		default:
			errs = append(errs, fmt.Errorf("error.%s: not a member of Graph's error", k))
		}
	}
	return errs
}

// CheckDir checks every captured exchange (graph-*.json) in dir: how many were checked and the mismatches,
// each naming its file.
func (s *Schema) CheckDir(dir string) (int, []error) {
	files, _ := filepath.Glob(filepath.Join(dir, "graph-*.json"))
	sort.Strings(files)
	var errs []error
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var x Exchange
		if err := json.Unmarshal(b, &x); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Base(f), err))
			continue
		}
		for _, e := range s.Check(x) {
			errs = append(errs, fmt.Errorf("%s (%s %s, %d): %w", filepath.Base(f), x.Method, x.Path, x.Status, e))
		}
	}
	return len(files), errs
}

// replyRule is the rule of a message's reply, replyAll and forward: "Specify either a comment or the body
// property of the message parameter. Specifying both will return an HTTP 400 Bad Request error."
func replyRule(binding, act string, v any) []error {
	if binding != "message" || act != "reply" && act != "replyAll" && act != "forward" {
		return nil
	}
	o, _ := v.(map[string]any)
	var comment, body bool
	for k, pv := range o {
		switch strings.ToLower(k) {
		case "comment":
			comment = true
		case "message":
			m, _ := pv.(map[string]any)
			_, body = m["body"]
		}
	}
	if comment && body {
		return []error{fmt.Errorf("%s has both a comment and message.body (Graph answers 400)", act)}
	}
	return nil
}
