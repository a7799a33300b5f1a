package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// WellKnownFolders are Graph's well-known mail folder names that the services use (a subset of Microsoft's
// list), by the EWS distinguished folder name of the same folder.
var WellKnownFolders = map[string]string{
	"inbox": "inbox", "sentitems": "sentitems", "deleteditems": "deleteditems", "drafts": "drafts",
	"outbox": "outbox", "junkemail": "junkemail", "archive": "archive", "msgfolderroot": "msgfolderroot",
	"recoverableitemsdeletions": "recoverableitemsdeletions",
}

// Folder returns a mail folder by id or well-known name.
func (c *Client) Folder(ctx context.Context, idOrName string) (*MailFolder, error) {
	if idOrName == "" {
		return nil, errors.New("graph: the folder is empty")
	}
	return getOne[MailFolder](ctx, c, &request{method: http.MethodGet, path: c.folderPath(idOrName), idempotent: true})
}

// ChildFolder returns the child of folder parent whose display name is name (Graph compares ignoring case), or
// an *Error with NotFound when there is none.
func (c *Client) ChildFolder(ctx context.Context, parent, name string) (*MailFolder, error) {
	q := url.Values{"$filter": {"displayName eq " + Quote(name)}}
	p, err := getPage[MailFolder](ctx, c, &request{method: http.MethodGet, query: q, idempotent: true,
		path: c.user + "/mailFolders/" + url.PathEscape(parent) + "/childFolders"})
	if err != nil {
		return nil, err
	}
	if len(p.Value) == 0 {
		return nil, &Error{Method: http.MethodGet, Path: "childFolders", StatusCode: http.StatusNotFound,
			Code: "ErrorItemNotFound", Message: fmt.Sprintf("no folder %q", name)}
	}
	return &p.Value[0], nil
}

// FolderByPath returns the folder of a path of display names, "Inbox/Phishing", from the top of the
// mailbox (msgfolderroot); a path of one well-known name ("inbox") is that folder.
func (c *Client) FolderByPath(ctx context.Context, path string) (*MailFolder, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" {
		return nil, errors.New("graph: the folder path is empty")
	}
	if wk, ok := WellKnownFolders[strings.ToLower(path)]; ok {
		return c.Folder(ctx, wk)
	}
	cur := "msgfolderroot"
	var f *MailFolder
	for _, name := range parts {
		var err error
		if f, err = c.ChildFolder(ctx, cur, name); err != nil {
			return nil, err
		}
		cur = f.ID
	}
	return f, nil
}
