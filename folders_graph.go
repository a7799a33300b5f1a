package ews

import (
	"context"
	"iter"
	"strings"

	"github.com/ewsgo/ews/internal/graph"
)

// The folder operations over Microsoft Graph (mailFolder: childFolders, create, PATCH, DELETE, permanentDelete),
// with the same results and errors as over EWS.

// graphWellKnownNames are the well-known mail folder names of Graph v1.0 (mailFolder's reference).
var graphWellKnownNames = map[string]bool{
	"archive": true, "clutter": true, "conflicts": true, "conversationhistory": true, "deleteditems": true,
	"drafts": true, "inbox": true, "junkemail": true, "localfailures": true, "msgfolderroot": true, "outbox": true,
	"recoverableitemsdeletions": true, "scheduled": true, "searchfolders": true, "sentitems": true,
	"serverfailures": true, "syncissues": true,
}

// folderFromGraph converts a Graph mail folder. Graph lists only mail folders: their class is IPF.Note.
func folderFromGraph(mf *graph.MailFolder) *Folder {
	return &Folder{ID: mf.ID, ParentID: mf.ParentFolderID, DisplayName: mf.DisplayName, Class: "IPF.Note",
		TotalCount: mf.TotalItemCount, UnreadCount: mf.UnreadItemCount, ChildCount: mf.ChildFolderCount}
}

// graphListFolders is ListFolders over Graph: the children of parent, or with deep every descendant (one
// childFolders listing per folder that has children), parents before their children.
func (c *Client) graphListFolders(ctx context.Context, parent FolderRef, deep bool) ([]*Folder, error) {
	id, err := c.graphFolder(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	var out []*Folder
	queue := []string{id}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		kids, err := c.graph.ChildFolders(ctx, p)
		if err != nil {
			return nil, c.graphErr("list mail folders", err, ErrFolderNotFound)
		}
		for i := range kids {
			f := folderFromGraph(&kids[i])
			out = append(out, f)
			if deep && f.ChildCount > 0 {
				queue = append(queue, f.ID)
			}
		}
	}
	return out, nil
}

// graphCreateFolder is CreateFolder over Graph. A duplicate name is Graph's 409 ErrorFolderExists.
func (c *Client) graphCreateFolder(ctx context.Context, parent FolderRef, name string) (*Folder, error) {
	p, err := c.graphFolder(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	mf, err := c.graph.CreateFolder(ctx, p, strings.TrimSpace(name))
	if err != nil {
		return nil, c.graphErr("create mail folder", err, ErrFolderNotFound)
	}
	return folderFromGraph(mf), nil
}

// graphRenameFolder is RenameFolder over Graph.
func (c *Client) graphRenameFolder(ctx context.Context, f FolderRef, name string) (*Folder, error) {
	id, err := c.graphFolder(ctx, "folder", f)
	if err != nil {
		return nil, err
	}
	mf, err := c.graph.RenameFolder(ctx, id, strings.TrimSpace(name))
	c.forgetFolderPaths()
	if err != nil {
		return nil, c.graphErr("rename mail folder", err, ErrFolderNotFound)
	}
	return folderFromGraph(mf), nil
}

// graphNoSoftDelete refuses SoftDelete of a folder: Graph deletes a folder to Deleted Items or for good only.
func graphNoSoftDelete(field string) error {
	return &NotSupportedError{Backend: string(BackendGraph), What: field + " SoftDelete of a folder",
		Msg:  "Graph v1.0 deletes a folder to Deleted Items (DELETE) or for good (permanentDelete); it has no soft delete of a folder and documents no move of a folder into the Recoverable Items",
		Hint: "use MoveToDeletedItems or HardDelete"}
}

// graphDeleteFolder is DeleteFolder over Graph: DELETE (to Deleted Items) or permanentDelete (HardDelete).
func (c *Client) graphDeleteFolder(ctx context.Context, f FolderRef, how DeleteType) error {
	if how == SoftDelete {
		return graphNoSoftDelete("DeleteOptions.How")
	}
	id, err := c.graphFolder(ctx, "folder", f)
	if err != nil {
		return err
	}
	if how == HardDelete {
		err = c.graph.PermanentDeleteFolder(ctx, id)
	} else {
		err = c.graph.DeleteFolder(ctx, id)
	}
	c.forgetFolderPaths()
	return c.graphErr("delete mail folder", err, ErrFolderNotFound)
}

// graphEmptyFolder is EmptyFolder over Graph: the folder's messages deleted as Mail().Delete does ($batch of
// 20), then with SubFolders its subfolders other than well-known ones.
func (c *Client) graphEmptyFolder(ctx context.Context, f FolderRef, opts FolderEmptyOptions) error {
	if opts.SubFolders && opts.How == SoftDelete {
		return graphNoSoftDelete("FolderEmptyOptions.How")
	}
	if f.kind == 'd' {
		switch strings.ToLower(f.value) {
		case "root", "msgfolderroot", "recoverableitemsroot", "searchfolders":
			return &OpError{Op: "empty mail folder", Err: &Error{Code: "ErrorCannotEmptyFolder",
				Message: "This folder cannot be emptied."}}
		}
	}
	id, err := c.graphFolder(ctx, "folder", f)
	if err != nil {
		return err
	}
	ids, err := c.graph.MessageIDs(ctx, id)
	if err != nil {
		return c.graphErr("list messages", err, ErrFolderNotFound)
	}
	if len(ids) > 0 {
		if err := c.mail.Delete(ctx, DeleteOptions{How: opts.How}, ids...); err != nil {
			return err
		}
	}
	if !opts.SubFolders {
		return nil
	}
	kids, err := c.graph.ChildFolders(ctx, id)
	if err != nil {
		return c.graphErr("list mail folders", err, ErrFolderNotFound)
	}
	defer c.forgetFolderPaths()
	wellKnown := graphWellKnownIDs(ctx, c)
	for _, k := range kids {
		if wellKnown[k.ID] {
			continue
		}
		if err := c.graphDeleteFolder(ctx, FolderByID(k.ID), opts.How); err != nil {
			return err
		}
	}
	return nil
}

// graphWellKnownIDs returns the ids of the well-known mail folders below the top of the mailbox, which
// EmptyFolder never deletes.
func graphWellKnownIDs(ctx context.Context, c *Client) map[string]bool {
	out := map[string]bool{}
	for _, name := range []string{"inbox", "sentitems", "deleteditems", "drafts", "outbox", "junkemail", "archive"} {
		if mf, err := c.graph.Folder(ctx, name); err == nil {
			out[mf.ID] = true
		}
	}
	return out
}

// graphSearchAllRefusal is the refusal of what SearchAll cannot do over Graph: the Recoverable Items, whose
// folders Graph cannot list.
func graphSearchAllRefusal(field string, opts SearchAllOptions) error {
	if !opts.RecoverableItems {
		return nil
	}
	return &NotSupportedError{Backend: string(BackendGraph), What: field + ".RecoverableItems",
		Msg:  "of the Recoverable Items folders Graph v1.0 names only recoverableitemsdeletions: the root, purges and versions (purged mail) are out of its reach, so the search would miss what EWS finds",
		Hint: "search the folder RecoverableItemsDeletions with Search"}
}

// searchAll is SearchAll over Graph: every mail folder found with childFolders, searched one after the other
// as over EWS.
func (s graphMail) searchAll(ctx context.Context, opts SearchAllOptions) iter.Seq2[*Found, error] {
	if err := graphSearchAllRefusal("SearchAllOptions", opts); err != nil {
		return func(yield func(*Found, error) bool) { yield(nil, err) }
	}
	return ewsMail(s).searchAll(ctx, opts)
}
