package testserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Graph's message delta over the same change tracking as EWS SyncFolderItems: GET
// /users/{id}/mailFolders/{id}/messages/delta. A state token (the $skiptoken of @odata.nextLink, the
// $deltatoken of @odata.deltaLink) holds the EWS sync state (what the client has been told of each message)
// and the round's options ($select, changeType, $filter); so a token survives new mail, delivers each change
// once, and stays usable when the client goes back to it. Prefer: odata.maxpagesize sets the page size
// (default 10). A message deleted or moved out of the folder is {"id", "@removed": {"reason": "deleted"}}.
// ExpireSyncStates makes every token stale, as it does EWS sync states: Graph's synchronization reset, 410 Gone
// with code syncStateNotFound and a Location header naming the round's initial request.

func init() { graphRoutes = append(graphRoutes, (*graphCall).deltaRoute) }

func (g *graphCall) deltaRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if len(rest) != 4 || rest[0] != "mailFolders" || rest[2] != "messages" || rest[3] != "delta" {
		return nil, nil, false
	}
	if g.method != http.MethodGet {
		return nil, gerr(http.StatusMethodNotAllowed, "BadRequest", "The delta function takes GET."), true
	}
	f := graphFolder(mb, rest[1])
	if f == nil {
		return nil, errNotFound(), true
	}
	a, e := g.messageDelta(mb, f)
	return a, e, true
}

// deltaToken is the content of a state token.
type deltaToken struct {
	State      string `json:"s"`
	Select     string `json:"sel,omitempty"`
	ChangeType string `json:"ct,omitempty"`
	Filter     string `json:"f,omitempty"`
}

func (t deltaToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeDeltaToken(s string) (deltaToken, bool) {
	var t deltaToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &t) != nil {
		return t, false
	}
	return t, true
}

// deltaSince reads the only $filter Graph takes on a message delta: receivedDateTime ge (or gt) an instant.
func deltaSince(filter string) (since time.Time, strict bool, ok bool) {
	if filter == "" {
		return time.Time{}, false, true
	}
	f := strings.Fields(filter)
	if len(f) != 3 || f[0] != "receivedDateTime" || (f[1] != "ge" && f[1] != "gt") {
		return time.Time{}, false, false
	}
	t, err := time.Parse(time.RFC3339Nano, f[2])
	return t, f[1] == "gt", err == nil
}

func (g *graphCall) messageDelta(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	q := g.query
	tok := deltaToken{Select: q.Get("$select"), ChangeType: q.Get("changeType"), Filter: q.Get("$filter")}
	st := &syncState{known: map[int]knownItem{}}
	raw := q.Get("$skiptoken")
	if raw == "" {
		raw = q.Get("$deltatoken")
	}
	if q.Get("$search") != "" || q.Get("$orderby") != "" && q.Get("$orderby") != "receivedDateTime desc" {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQuery", "The delta function takes no $search and only $orderby=receivedDateTime desc.")
	}
	if raw != "" {
		t, ok := decodeDeltaToken(raw)
		if !ok {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "The state token is not valid.")
		}
		tok = t
		old, err := decodeSyncState(t.State)
		if err != nil || old.folder != f.ID {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "The state token is not valid for this folder.")
		}
		if old.epoch != g.srv.notify.syncEpoch {
			initial := url.Values{}
			for k, v := range map[string]string{"$select": t.Select, "changeType": t.ChangeType, "$filter": t.Filter} {
				if v != "" {
					initial.Set(k, v)
				}
			}
			loc := g.srv.GraphURL() + GraphPath + g.path
			if len(initial) > 0 {
				loc += "?" + strings.ReplaceAll(initial.Encode(), "+", "%20")
			}
			e := gerr(http.StatusGone, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.")
			e.header = map[string]string{"Location": loc}
			return nil, e
		}
		st = old
	}
	switch tok.ChangeType {
	case "", "created", "updated", "deleted":
	default:
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQuery", "The changeType '%s' is not one of created, updated, deleted.", tok.ChangeType)
	}
	since, strict, ok := deltaSince(tok.Filter)
	if !ok {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQueryFilter", "The delta function takes only $filter=receivedDateTime ge (or gt) a date and time.")
	}
	sel, gE := selectOf(tok.Select)
	if gE != nil {
		return nil, gE
	}
	pageSize := 10
	if v := g.preference("odata.maxpagesize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Invalid odata.maxpagesize preference '%s'.", v)
		}
		pageSize = n
	}
	st.epoch, st.folder = g.srv.notify.syncEpoch, f.ID
	changes := syncChangesLocked(mb, f, st)
	page := []any{}
	i := 0
	for ; i < len(changes) && len(page) < pageSize; i++ {
		c := changes[i]
		kind := map[string]string{"Create": "created", "Update": "updated", "ReadFlagChange": "updated", "Delete": "deleted"}[c.kind]
		if c.kind == "Delete" {
			delete(st.known, c.n)
		} else {
			if !since.IsZero() && (c.it.DateTimeReceived.Before(since) || strict && c.it.DateTimeReceived.Equal(since)) {
				continue // outside the round's $filter: neither told nor known
			}
			if c.it.Kind() != "message" {
				continue
			}
			st.known[c.n] = knownItem{version: c.it.contentVersion, read: c.it.IsRead}
		}
		if tok.ChangeType != "" && tok.ChangeType != kind {
			continue
		}
		if c.kind == "Delete" {
			page = append(page, map[string]any{"@odata.type": "#microsoft.graph.message", "id": mb.itemIDOf(c.n),
				"@removed": map[string]any{"reason": "deleted"}})
			continue
		}
		m := messageJSON(mb, c.it, sel)
		m["@odata.type"] = "#microsoft.graph.message"
		page = append(page, m)
	}
	tok.State = st.encode()
	next := url.Values{}
	link := "@odata.deltaLink"
	if i < len(changes) {
		link = "@odata.nextLink"
		next.Set("$skiptoken", tok.encode())
	} else {
		next.Set("$deltatoken", tok.encode())
	}
	return &graphAnswer{status: http.StatusOK, json: map[string]any{
		"@odata.context": g.srv.GraphURL() + GraphPath + "/$metadata#Collection(message)",
		link:             g.srv.GraphURL() + GraphPath + g.path + "?" + next.Encode(),
		"value":          page,
	}}, nil
}
