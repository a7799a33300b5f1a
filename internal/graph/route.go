package graph

import (
	"net/url"
	"strings"
)

// idCollections are the path segments after which Graph puts an id (or a well-known name): Route replaces that
// segment by "{id}".
var idCollections = map[string]bool{"users": true, "messages": true, "mailFolders": true, "childFolders": true,
	"attachments": true, "events": true, "instances": true, "calendars": true, "calendarGroups": true,
	"contacts": true, "contactFolders": true, "messageRules": true}

// notIDs are segments that follow a collection without being an id: functions and OData path segments.
var notIDs = map[string]bool{"delta": true, "createUploadSession": true, "$count": true, "$value": true, "$ref": true}

// Route returns the route template of a request path under /v1.0 (escaped, without query): every id, address
// and well-known name replaced by "{id}", e.g. "/users/{id}/mailFolders/{id}/messages". It names an operation
// for tracing without showing whose mailbox or which item it acts on.
func Route(path string) string {
	segs := strings.Split(path, "/")
	for i := 1; i < len(segs); i++ {
		if idCollections[segs[i-1]] && !notIDs[segs[i]] && segs[i] != "" {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// route is the template of r's path; for a next page's link, that of the link's path below the client's
// service root.
func (c *Client) route(r *request) string {
	if r.link == "" {
		return Route(r.path)
	}
	u, err := url.Parse(r.link)
	if err != nil {
		return "(next page)"
	}
	p, ok := strings.CutPrefix(u.EscapedPath(), c.base.EscapedPath())
	if !ok {
		return "(next page)"
	}
	return Route(p)
}

// UploadRoute is the operation name of the requests to an upload session's URL, whose path and query hold the
// session's token: the URL itself is never shown.
const UploadRoute = "(upload session)"
