package testserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Graph ids. The mailbox store keys items, folders and attachments by EWS ids (EwsId: standard base64 of the
// fake's entry id bytes). Microsoft Graph names the same objects in other formats, and so does the fake's Graph
// endpoint, at its boundary (graphIDs, below), as Exchange Online does:
//
//   - restId: the EwsId in the URL-safe base64 alphabet ("-" for "+", "_" for "/"), as Office.js's
//     convertToRestId makes it: Graph's default id.
//   - restImmutableEntryId: URL-safe base64 of an immutable-id header and the entry id bytes ("AAkALgAA...",
//     the shape of Exchange Online's immutable ids): what Graph returns with Prefer: IdType="ImmutableId".
//   - ewsId, entryId (both the EwsId in this fake, as its ConvertId has them), immutableEntryId (the immutable
//     bytes in the standard alphabet): formats translateExchangeIds converts to and from.
//
// Every id in a Graph answer (JSON values and the paths of links) is written as a Graph id, restImmutableEntryId
// when the request asked for immutable ids, restId otherwise; every id in a Graph request (path segments and JSON
// values) is read back. An EWS id in a Graph request is what it is on Exchange Online: the same string as the
// restId when it holds neither "+" nor "/", which Graph then takes; with either it is malformed (400
// ErrorInvalidIdMalformed "Id is malformed.").

// ewsIDPrefix is how every EwsId of the fake starts ("AQMk/+/+..."), restIDPrefix every restId ("AQMk_-_-...");
// idMark is what both start with.
var (
	ewsIDPrefix  = base64.StdEncoding.EncodeToString([]byte(idPrefix + "\x00"))
	restIDPrefix = base64.URLEncoding.EncodeToString([]byte(idPrefix + "\x00"))
	idMark       = ewsIDPrefix[:4]
)

// immutableHeader starts the bytes of an immutable id; "AAkALgAA" in base64, as Exchange Online's do.
var immutableHeader = []byte{0x00, 0x09, 0x00, 0x2e, 0x00, 0x00}

var immutablePrefix = base64.URLEncoding.EncodeToString(immutableHeader)

// Exchange id formats (Graph's exchangeIdFormat).
const (
	fmtEntryID          = "entryId"
	fmtEwsID            = "ewsId"
	fmtImmutableEntryID = "immutableEntryId"
	fmtRestID           = "restId"
	fmtRestImmutable    = "restImmutableEntryId"
)

var exchangeIDFormats = map[string]bool{fmtEntryID: true, fmtEwsID: true, fmtImmutableEntryID: true,
	fmtRestID: true, fmtRestImmutable: true}

// entryBytes returns the entry id bytes of a fake EwsId (nil when id is not one).
func entryBytes(ewsID string) []byte {
	if !strings.HasPrefix(ewsID, ewsIDPrefix) {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(ewsID)
	// decodeID's test, without decoding again: the prefix and four parts.
	if err != nil || !bytes.HasPrefix(raw, []byte(idPrefix+"\x00")) || bytes.Count(raw, []byte{0}) != 3 {
		return nil
	}
	return raw
}

// exchangeID writes entry id bytes in a format.
func exchangeID(format string, raw []byte) string {
	switch format {
	case fmtRestID:
		return base64.URLEncoding.EncodeToString(raw)
	case fmtRestImmutable:
		return base64.URLEncoding.EncodeToString(append(append([]byte{}, immutableHeader...), raw...))
	case fmtImmutableEntryID:
		return base64.StdEncoding.EncodeToString(append(append([]byte{}, immutableHeader...), raw...))
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// parseExchangeID returns the EwsId of an id written in format, or "" when it is not one of this fake's.
func parseExchangeID(format, id string) string {
	var raw []byte
	var err error
	switch format {
	case fmtRestID:
		raw, err = base64.URLEncoding.DecodeString(id)
	case fmtRestImmutable, fmtImmutableEntryID:
		enc := base64.URLEncoding
		if format == fmtImmutableEntryID {
			enc = base64.StdEncoding
		}
		raw, err = enc.DecodeString(id)
		if err == nil && !bytes.HasPrefix(raw, immutableHeader) {
			return ""
		}
		raw = bytes.TrimPrefix(raw, immutableHeader)
	default:
		raw, err = base64.StdEncoding.DecodeString(id)
	}
	if err != nil {
		return ""
	}
	ews := base64.StdEncoding.EncodeToString(raw)
	if entryBytes(ews) == nil {
		return ""
	}
	return ews
}

// GraphID returns the id Graph gives the object whose EWS id is ewsID (restImmutableEntryId: the fake's Graph
// answers always ask for immutable ids... as the SDK does), or ewsID itself when it is not one of the fake's ids.
func GraphID(ewsID string) string {
	if raw := entryBytes(ewsID); raw != nil {
		return exchangeID(fmtRestImmutable, raw)
	}
	return ewsID
}

// EWSID returns the EWS id of an object from its Graph id (restId or restImmutableEntryId), or id itself when it
// is not a Graph id of the fake's.
func EWSID(id string) string {
	if e := graphToEWS(id); e != "" {
		return e
	}
	return id
}

// graphToEWS returns the EwsId of a Graph id (restImmutableEntryId or restId), or "".
func graphToEWS(id string) string {
	switch {
	case strings.HasPrefix(id, immutablePrefix):
		return parseExchangeID(fmtRestImmutable, id)
	case strings.HasPrefix(id, restIDPrefix) && !strings.ContainsAny(id, "+/"):
		return parseExchangeID(fmtRestID, id)
	}
	return ""
}

// isForeignEWSID says whether id is an EwsId of the fake that Graph cannot read (it holds "+" or "/").
func isForeignEWSID(id string) bool {
	return strings.ContainsAny(id, "+/") && entryBytes(id) != nil
}

func errMalformed() *graphError {
	return gerr(http.StatusBadRequest, "ErrorInvalidIdMalformed", "Id is malformed.")
}

// routeIDs serves one Graph request (or $batch sub-request) with its ids read back to EWS ids, and the ids of
// its answer written as Graph ids.
func (g *graphCall) routeIDs() (*graphAnswer, *graphError) {
	if a, e, ok := g.translateRoute(); ok {
		return a, e
	}
	segs := strings.Split(g.path, "/")
	for i, p := range segs {
		s, err := url.PathUnescape(p)
		if err != nil {
			continue
		}
		if e := graphToEWS(s); e != "" {
			segs[i] = url.PathEscape(e)
		} else if isForeignEWSID(s) {
			return nil, errMalformed()
		}
	}
	g.path = strings.Join(segs, "/")
	if len(g.body) > 0 && (bytes.Contains(g.body, []byte(idMark)) || bytes.Contains(g.body, []byte(immutablePrefix))) {
		var v any
		if json.Unmarshal(g.body, &v) == nil {
			bad := false
			v = mapStrings(v, func(s string) string {
				if e := graphToEWS(s); e != "" {
					return e
				}
				if isForeignEWSID(s) {
					bad = true
				}
				return s
			})
			if bad {
				return nil, errMalformed()
			}
			g.body, _ = json.Marshal(v)
		}
	}
	a, e := g.route()
	format := fmtRestID
	if g.immutable {
		format = fmtRestImmutable
	}
	if a != nil && a.json != nil {
		a.json = mapStrings(a.json, func(s string) string { return graphString(format, s) })
	}
	if e != nil && e.header != nil {
		h := make(map[string]string, len(e.header))
		for k, v := range e.header {
			h[k] = graphString(format, v) // the Location of a 410 Gone
		}
		e.header = h
	}
	return a, e
}

// graphString writes the EWS ids in an answer's string as Graph ids: the string itself when it is one, each
// path segment of a link.
func graphString(format, s string) string {
	if raw := entryBytes(s); raw != nil {
		return exchangeID(format, raw)
	}
	if !strings.HasPrefix(s, "http") || !strings.Contains(s, idMark) {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for i, p := range segs {
		if d, err := url.PathUnescape(p); err == nil {
			if raw := entryBytes(d); raw != nil {
				segs[i] = url.PathEscape(exchangeID(format, raw))
			}
		}
	}
	p := strings.Join(segs, "/")
	u.Path, _ = url.PathUnescape(p)
	u.RawPath = p
	return u.String()
}

// mapStrings applies f to every string of a JSON value (map keys excepted). Containers are changed in place,
// and only where a string changes (an answer may hold slices of the store's, which are copied instead).
func mapStrings(v any, f func(string) string) any {
	n, _ := mapValue(v, f)
	return n
}

// mapValue is mapStrings, and whether the value returned differs from v (a new value, not v changed in place).
func mapValue(v any, f func(string) string) (any, bool) {
	switch t := v.(type) {
	case string:
		n := f(t)
		return n, n != t
	case map[string]any:
		for k, x := range t {
			if str, ok := x.(string); ok { // not through mapValue: boxing every string allocates
				if n := f(str); n != str {
					t[k] = n
				}
			} else if n, changed := mapValue(x, f); changed {
				t[k] = n
			}
		}
	case []any:
		for i, x := range t {
			if str, ok := x.(string); ok {
				if n := f(str); n != str {
					t[i] = n
				}
			} else if n, changed := mapValue(x, f); changed {
				t[i] = n
			}
		}
	case []map[string]any:
		for _, x := range t {
			mapValue(x, f)
		}
	case []string:
		var out []string
		for i, x := range t {
			if n := f(x); n != x {
				if out == nil {
					out = append([]string(nil), t...)
				}
				out[i] = n
			}
		}
		if out != nil {
			return out, true
		}
	case map[string]string:
		var out map[string]string
		for k, x := range t {
			if n := f(x); n != x {
				if out == nil {
					out = make(map[string]string, len(t))
					for k2, v2 := range t {
						out[k2] = v2
					}
				}
				out[k] = n
			}
		}
		if out != nil {
			return out, true
		}
	case nil, bool, int, int64, float64, json.Number, json.RawMessage:
	default:
		// A typed value: through its JSON form.
		b, err := json.Marshal(t)
		if err != nil || !bytes.Contains(b, []byte(idMark)) {
			return v, false
		}
		var generic any
		if json.Unmarshal(b, &generic) != nil {
			return v, false
		}
		n, _ := mapValue(generic, f)
		return n, true
	}
	return v, false
}

// translateRoute serves POST /users/{id}/translateExchangeIds and /me/translateExchangeIds as Microsoft documents
// them: inputIds (at most 1000, all of sourceIdType, all of the mailbox), sourceIdType and targetIdType
// (exchangeIdFormat); the answer's value holds a convertIdResult per input id, {sourceId, targetId}, or
// {sourceId, errorDetails} for an id that is not one of the mailbox's. The permission is delegated only
// (User.ReadBasic.All; "Application: Not supported"): an app-only token is refused with 403.
func (g *graphCall) translateRoute() (*graphAnswer, *graphError, bool) {
	seg := strings.Split(strings.Trim(g.path, "/"), "/")
	var user string
	switch {
	case len(seg) == 2 && seg[0] == "me" && seg[1] == "translateExchangeIds":
		if g.app {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow."), true
		}
		user = g.email
	case len(seg) == 3 && seg[0] == "users" && seg[2] == "translateExchangeIds":
		user, _ = url.PathUnescape(seg[1])
	default:
		return nil, nil, false
	}
	if g.method != http.MethodPost {
		return nil, gerr(http.StatusMethodNotAllowed, "Request_BadRequest", "The HTTP method '%s' is not allowed for translateExchangeIds.", g.method), true
	}
	if g.app {
		return nil, gerr(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again."), true
	}
	s := g.srv
	s.mu.Lock()
	mb := s.mailboxes[strings.ToLower(user)]
	s.mu.Unlock()
	if mb == nil {
		return nil, gerr(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", user), true
	}
	var req struct {
		InputIDs     []string `json:"inputIds"`
		SourceIDType string   `json:"sourceIdType"`
		TargetIDType string   `json:"targetIdType"`
	}
	if err := json.Unmarshal(g.body, &req); err != nil {
		return nil, gerr(http.StatusBadRequest, "BadRequest", "Invalid request body."), true
	}
	for _, f := range []string{req.SourceIDType, req.TargetIDType} {
		if !exchangeIDFormats[f] {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Requested value '%s' was not found.", f), true
		}
	}
	switch {
	case len(req.InputIDs) == 0:
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'InputIds' is empty."), true
	case len(req.InputIDs) > 1000:
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidParameter", "The number of ids to translate exceeds the maximum of 1000."), true
	}
	out := make([]any, 0, len(req.InputIDs))
	for _, id := range req.InputIDs {
		ews := parseExchangeID(req.SourceIDType, id)
		if ews == "" {
			out = append(out, map[string]any{"sourceId": id, "errorDetails": map[string]any{
				"code": "ErrorInvalidIdMalformed", "message": "Id is malformed."}})
			continue
		}
		if addr, _, _ := decodeID(ews); !strings.EqualFold(addr, mb.Address) {
			out = append(out, map[string]any{"sourceId": id, "errorDetails": map[string]any{
				"code": "ErrorItemNotFound", "message": "The specified object was not found in the store."}})
			continue
		}
		out = append(out, map[string]any{"sourceId": id, "targetId": exchangeID(req.TargetIDType, entryBytes(ews))})
	}
	return &graphAnswer{status: http.StatusOK, json: map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.convertIdResult)",
		"value":          out}}, nil, true
}
