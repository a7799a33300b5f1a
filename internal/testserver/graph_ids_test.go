package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/graph"
	"golang.org/x/oauth2"
)

// graphDo sends one Graph request with a bearer token and returns the status and the decoded JSON answer.
func graphDo(t *testing.T, srv *Server, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, srv.GraphURL()+GraphPath+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Prefer", `IdType="ImmutableId"`)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// TestGraphIDsDistinctFromEWS: Graph answers carry Graph ids (REST immutable ids, URL-safe), never the EWS ids
// of the same objects; Graph ids are read back in paths, bodies, $batch and links; an EWS id (with "+" or "/")
// in a Graph URL or body is malformed, as Exchange Online answers it.
func TestGraphIDsDistinctFromEWS(t *testing.T) {
	srv := New(t, WithAppToken("app"))
	mb := srv.Default()
	fid, err := mb.AddFolder("inbox", "Phishing", "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		ids = append(ids, mb.AddItem("inbox", Item{Subject: fmt.Sprint("m", i), ItemClass: "IPM.Note"}))
	}
	id := ids[0]
	if !strings.ContainsAny(id, "+/") || !graph.IsEWSID(id) {
		t.Fatalf("the fake's EWS id %q does not look like Exchange Online's (standard base64 with + and /)", id)
	}
	gid := GraphID(id)
	if gid == id || strings.ContainsAny(gid, "+/") || !strings.HasPrefix(gid, "AAkALg") || EWSID(gid) != id {
		t.Fatalf("GraphID(%q) = %q", id, gid)
	}
	user := "/users/" + DefaultEmail

	// The message by its Graph id: its id, parentFolderId and conversationId are Graph ids.
	st, m := graphDo(t, srv, "app", "GET", user+"/messages/"+url.PathEscape(gid), nil)
	if st != 200 || m["id"] != gid || m["parentFolderId"] != GraphID(mb.FolderID("inbox")) || strings.Contains(fmt.Sprint(m), id) {
		t.Fatalf("GET by Graph id: %d %v", st, m)
	}
	// By its REST id (the EWS id in the URL-safe alphabet): Graph takes it too.
	if st, m := graphDo(t, srv, "app", "GET", user+"/messages/"+graph.RESTID(id), nil); st != 200 || m["id"] != gid {
		t.Fatalf("GET by REST id: %d %v", st, m)
	}
	// By its EWS id: malformed (400), nothing served.
	if st, m := graphDo(t, srv, "app", "GET", user+"/messages/"+url.PathEscape(id), nil); st != 400 || errCode(m) != "ErrorInvalidIdMalformed" {
		t.Fatalf("GET by EWS id: %d %v", st, m)
	}
	// A move whose destinationId is an EWS id is malformed too and moves nothing; with the Graph id it moves.
	if st, m := graphDo(t, srv, "app", "POST", user+"/messages/"+url.PathEscape(gid)+"/move", map[string]string{"destinationId": fid}); st != 400 || errCode(m) != "ErrorInvalidIdMalformed" {
		t.Fatalf("move to an EWS folder id: %d %v", st, m)
	}
	if it, _ := mb.Item(id); it.FolderID != mb.FolderID("inbox") {
		t.Fatal("a malformed move moved the message")
	}
	if st, m := graphDo(t, srv, "app", "POST", user+"/messages/"+url.PathEscape(gid)+"/move", map[string]string{"destinationId": GraphID(fid)}); st != 201 || m["id"] != gid || m["parentFolderId"] != GraphID(fid) {
		t.Fatalf("move to a Graph folder id: %d %v", st, m)
	}
	if it, _ := mb.Item(id); it.FolderID != fid {
		t.Fatal("not moved")
	}
	// Paging: the next link names the folder by its Graph id, and its pages carry Graph ids.
	st, p := graphDo(t, srv, "app", "GET", user+"/mailFolders/"+url.PathEscape(GraphID(mb.FolderID("inbox")))+"/messages?$top=1&$select=id", nil)
	link, _ := p["@odata.nextLink"].(string)
	if st != 200 || link == "" || strings.Contains(link, url.PathEscape(mb.FolderID("inbox"))) || !strings.Contains(link, GraphID(mb.FolderID("inbox"))) {
		t.Fatalf("first page: %d, next link %q", st, link)
	}
	st, p = graphDo(t, srv, "app", "GET", strings.TrimPrefix(link, srv.GraphURL()+GraphPath), nil)
	if v, _ := p["value"].([]any); st != 200 || len(v) != 1 || v[0].(map[string]any)["id"] != GraphID(ids[2]) {
		t.Fatalf("second page: %d %v", st, p)
	}
	// $batch: each sub-request's ids are read and written the same way.
	st, b := graphDo(t, srv, "app", "POST", "/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": user + "/messages/" + url.PathEscape(GraphID(ids[1]))},
		map[string]any{"id": "2", "method": "GET", "url": user + "/messages/" + url.PathEscape(ids[2])},
		map[string]any{"id": "3", "method": "PATCH", "url": user + "/messages/" + url.PathEscape(GraphID(ids[2])),
			"body": map[string]any{"isRead": true}, "headers": map[string]string{"Content-Type": "application/json"}},
	}})
	rs, _ := b["responses"].([]any)
	if st != 200 || len(rs) != 3 {
		t.Fatalf("$batch: %d %v", st, b)
	}
	for _, r := range rs {
		r := r.(map[string]any)
		body, _ := r["body"].(map[string]any)
		switch r["id"] {
		case "1":
			if r["status"] != 200.0 || body["id"] != GraphID(ids[1]) {
				t.Errorf("batch GET by Graph id: %v", r)
			}
		case "2":
			if r["status"] != 400.0 || errCode(body) != "ErrorInvalidIdMalformed" {
				t.Errorf("batch GET by EWS id: %v", r)
			}
		case "3":
			if r["status"] != 200.0 || body["id"] != GraphID(ids[2]) {
				t.Errorf("batch PATCH: %v", r)
			}
		}
	}
	if it, _ := mb.Item(ids[2]); !it.IsRead {
		t.Error("the batch's PATCH was not carried out")
	}
	// Without Prefer: IdType="ImmutableId" Graph answers REST ids.
	req, _ := http.NewRequest("GET", srv.GraphURL()+GraphPath+user+"/messages/"+url.PathEscape(GraphID(ids[1]))+"?$select=id", nil)
	req.Header.Set("Authorization", "Bearer app")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var plain map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&plain)
	resp.Body.Close()
	if plain["id"] != graph.RESTID(ids[1]) {
		t.Errorf("without the immutable preference the id is %v, want the REST id %s", plain["id"], graph.RESTID(ids[1]))
	}
}

// TestGraphTranslateExchangeIDs: POST /users/{id}/translateExchangeIds (and /me) as Microsoft documents it, and
// the formats agree with the ids each wire serves and with EWS's ConvertId.
func TestGraphTranslateExchangeIDs(t *testing.T) {
	srv := New(t, WithToken("alice-token", DefaultEmail), WithAppToken("app"), WithGraphApp(crossApp))
	mb := srv.Default()
	bob := srv.AddMailbox("bob@example.com", "Bob")
	var ids []string
	for i := range 3 {
		ids = append(ids, mb.AddItem("inbox", Item{Subject: fmt.Sprint("m", i), ItemClass: "IPM.Note"}))
	}
	ids = append(ids, mb.FolderID("inbox"))
	g, err := graph.New(graph.Config{Endpoint: srv.GraphURL(), Mailbox: DefaultEmail, HTTPClient: srv.Client(),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "alice-token"})})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := g.TranslateExchangeIDs(ctx, ids, graph.IDFormatEWS, graph.IDFormatRESTImmutable)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.SourceID != ids[i] || r.TargetID != GraphID(ids[i]) || r.ErrorDetails != nil {
			t.Errorf("ewsId -> restImmutableEntryId %d: %+v, want %s", i, r, GraphID(ids[i]))
		}
	}
	// What Graph serves for the message is the translation's target.
	if m, err := g.GetMessage(ctx, rs[0].TargetID, "id"); err != nil || m.ID != rs[0].TargetID {
		t.Errorf("GET by the translated id: %+v, %v", m, err)
	}
	// Round trips through every format.
	for _, f := range []string{graph.IDFormatEntryID, graph.IDFormatImmutableEntryID, graph.IDFormatREST, graph.IDFormatRESTImmutable} {
		there, err := g.TranslateExchangeIDs(ctx, ids[:1], graph.IDFormatEWS, f)
		if err != nil {
			t.Fatal(err)
		}
		back, err := g.TranslateExchangeIDs(ctx, []string{there[0].TargetID}, f, graph.IDFormatEWS)
		if err != nil || back[0].TargetID != ids[0] {
			t.Errorf("%s: %s back to %+v, %v", f, there[0].TargetID, back, err)
		}
	}
	if rs, _ := g.TranslateExchangeIDs(ctx, ids[:1], graph.IDFormatEWS, graph.IDFormatREST); rs[0].TargetID != graph.RESTID(ids[0]) {
		t.Errorf("restId = %s, want the URL-safe EWS id", rs[0].TargetID)
	}
	// EWS's ConvertId to EntryId agrees with Graph's entryId.
	if rs, _ := g.TranslateExchangeIDs(ctx, ids[:1], graph.IDFormatEWS, graph.IDFormatEntryID); rs[0].TargetID != idIn("EntryId", entryBytes(ids[0])) {
		t.Errorf("entryId %s differs from ConvertId's EntryId", rs[0].TargetID)
	}
	// An id that is not the mailbox's, or not an id: errorDetails for it alone.
	rs, err = g.TranslateExchangeIDs(ctx, []string{"AAMkNotAnId", bob.FolderID("inbox"), ids[1]}, graph.IDFormatEWS, graph.IDFormatREST)
	if err != nil || rs[0].ErrorDetails == nil || rs[0].ErrorDetails.Code != "ErrorInvalidIdMalformed" ||
		rs[1].ErrorDetails == nil || rs[1].ErrorDetails.Code != "ErrorItemNotFound" || rs[2].TargetID != graph.RESTID(ids[1]) {
		t.Errorf("mixed ids: %+v, %v", rs, err)
	}
	// /me, a bad format, too many ids, an app-only token (Microsoft documents the call for delegated permissions only).
	if st, m := graphDo(t, srv, "alice-token", "POST", "/me/translateExchangeIds", map[string]any{"inputIds": ids[:1],
		"sourceIdType": "ewsId", "targetIdType": "restImmutableEntryId"}); st != 200 || fmt.Sprint(m["value"]) != fmt.Sprint([]any{map[string]any{"sourceId": ids[0], "targetId": GraphID(ids[0])}}) {
		t.Errorf("/me: %d %v", st, m)
	}
	if st, m := graphDo(t, srv, "alice-token", "POST", "/me/translateExchangeIds", map[string]any{"inputIds": ids[:1],
		"sourceIdType": "ewsId", "targetIdType": "hexEntryId"}); st != 400 {
		t.Errorf("bad format: %d %v", st, m)
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = ids[0]
	}
	if st, m := graphDo(t, srv, "alice-token", "POST", "/me/translateExchangeIds", map[string]any{"inputIds": many,
		"sourceIdType": "ewsId", "targetIdType": "restId"}); st != 400 || errCode(m) != "ErrorInvalidParameter" {
		t.Errorf("1001 ids: %d %v", st, m)
	}
	if st, m := graphDo(t, srv, "app", "POST", "/users/"+DefaultEmail+"/translateExchangeIds", map[string]any{"inputIds": ids[:1],
		"sourceIdType": "ewsId", "targetIdType": "restId"}); st != 403 {
		t.Errorf("app-only: %d %v", st, m)
	}
	// The client splits more than 1000 ids into requests of 1000.
	before := len(srv.GraphRequests())
	big := make([]string, 2500)
	for i := range big {
		big[i] = ids[i%len(ids)]
	}
	rs, err = g.TranslateExchangeIDs(ctx, big, graph.IDFormatEWS, graph.IDFormatRESTImmutable)
	if err != nil || len(rs) != 2500 || rs[2499].TargetID != GraphID(big[2499]) {
		t.Fatalf("2500 ids: %d results, %v", len(rs), err)
	}
	if n := len(srv.GraphRequests()) - before; n != 3 {
		t.Errorf("2500 ids took %d requests, want 3", n)
	}
	// App-only over the client: an *Error with status 403.
	var ge *graph.Error
	if _, err := graphFor(t, srv, DefaultEmail).TranslateExchangeIDs(ctx, ids[:1], graph.IDFormatEWS, graph.IDFormatREST); !errors.As(err, &ge) || ge.StatusCode != 403 {
		t.Errorf("app-only translate: %v", err)
	}
}
