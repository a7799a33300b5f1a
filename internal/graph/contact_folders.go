package graph

import (
	"context"
	"net/http"
	"net/url"
)

// ContactFolder is a contact folder of the mailbox (Graph's contactFolder resource).
type ContactFolder struct {
	ID             string `json:"id"`
	DisplayName    string `json:"displayName"`
	ParentFolderID string `json:"parentFolderId,omitempty"`
}

// ContactFolders lists the contact folders below a contact folder given by id, every page: with an empty parent
// those in the mailbox's Contacts folder (GET /users/{id}/contactFolders), else the parent's child folders (GET
// /users/{id}/contactFolders/{id}/childFolders).
func (c *Client) ContactFolders(ctx context.Context, parent string) ([]ContactFolder, error) {
	path := c.user + "/contactFolders"
	if parent != "" {
		path += "/" + url.PathEscape(parent) + "/childFolders"
	}
	r := &request{method: http.MethodGet, path: path, idempotent: true,
		query: url.Values{"$select": {"id,displayName,parentFolderId"}, "$top": {"100"}}}
	return getAll[ContactFolder](ctx, c, r)
}
