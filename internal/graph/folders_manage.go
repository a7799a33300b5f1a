package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Managing mail folders: list a folder's children, create, rename and delete (mailFolder's v1.0 reference).

func (c *Client) folderPath(id string) string { return c.user + "/mailFolders/" + url.PathEscape(id) }

// ChildFolders returns every child of folder parent (an id or a well-known name), following the pages'
// @odata.nextLink (GET mailFolders/{parent}/childFolders).
func (c *Client) ChildFolders(ctx context.Context, parent string) ([]MailFolder, error) {
	if parent == "" {
		return nil, errors.New("graph: the parent folder is empty")
	}
	r := &request{method: http.MethodGet, path: c.folderPath(parent) + "/childFolders",
		query: url.Values{"$top": {"100"}}, idempotent: true}
	return getAll[MailFolder](ctx, c, r)
}

type folderName struct {
	DisplayName string `json:"displayName"`
}

// CreateFolder creates a child of folder parent named name (POST mailFolders/{parent}/childFolders). A child of
// that name already there is a 409 with code ErrorFolderExists. Not idempotent.
func (c *Client) CreateFolder(ctx context.Context, parent, name string) (*MailFolder, error) {
	if parent == "" || name == "" {
		return nil, errors.New("graph: CreateFolder needs a parent folder and a name")
	}
	return getOne[MailFolder](ctx, c, &request{method: http.MethodPost, path: c.folderPath(parent) + "/childFolders",
		body: folderName{name}})
}

// RenameFolder sets a folder's display name (PATCH mailFolders/{id}). Idempotent.
func (c *Client) RenameFolder(ctx context.Context, id, name string) (*MailFolder, error) {
	if id == "" || name == "" {
		return nil, errors.New("graph: RenameFolder needs a folder and a name")
	}
	return getOne[MailFolder](ctx, c, &request{method: http.MethodPatch, path: c.folderPath(id), body: folderName{name},
		idempotent: true})
}

// DeleteFolder deletes a folder with its content: Graph moves it to Deleted Items (DELETE mailFolders/{id}).
// Not idempotent.
func (c *Client) DeleteFolder(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the folder is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: c.folderPath(id)})
	return err
}

// PermanentDeleteFolder deletes a folder and its content for good (POST mailFolders/{id}/permanentDelete).
// Not idempotent.
func (c *Client) PermanentDeleteFolder(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the folder is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.folderPath(id) + "/permanentDelete"})
	return err
}

// MessageIDs returns the ids of every message of a folder (GET mailFolders/{id}/messages?$select=id, paged).
func (c *Client) MessageIDs(ctx context.Context, folder string) ([]string, error) {
	if folder == "" {
		return nil, errors.New("graph: the folder is empty")
	}
	r := &request{method: http.MethodGet, path: c.folderPath(folder) + "/messages",
		query: url.Values{"$select": {"id"}, "$top": {"100"}}, idempotent: true}
	var out []string
	for {
		p, err := getPage[Message](ctx, c, r)
		if err != nil {
			return nil, err
		}
		for _, m := range p.Value {
			out = append(out, m.ID)
		}
		if p.NextLink == "" {
			return out, nil
		}
		r = &request{method: http.MethodGet, link: p.NextLink, idempotent: true}
	}
}
