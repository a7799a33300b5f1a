package ews

import (
	"context"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// CreateFolder creates a mail folder named name below parent (a well-known folder, path or id; the zero value
// is the Inbox) and returns it. A folder of that name already there is an *Error with code ErrorFolderExists.
func (c *Client) CreateFolder(ctx context.Context, parent FolderRef, name string) (*Folder, error) {
	if err := checkFolderName("name", name); err != nil {
		return nil, err
	}
	if c.graph != nil {
		return c.graphCreateFolder(ctx, parent, name)
	}
	p, err := c.wireFolder(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	req := &soap.CreateFolder{ParentFolderID: soap.TargetFolder{Folder: p},
		Folders: []soap.FolderCreate{{FolderClass: "IPF.Note", DisplayName: strings.TrimSpace(name)}}}
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return nil, err
	}
	id, err := oneFolderID("CreateFolder", resp.ResponseMessages)
	if err != nil {
		return nil, err
	}
	return c.GetFolder(ctx, FolderByID(id))
}

// RenameFolder gives a folder a new display name and returns it.
func (c *Client) RenameFolder(ctx context.Context, f FolderRef, name string) (*Folder, error) {
	if err := checkFolderName("name", name); err != nil {
		return nil, err
	}
	if c.graph != nil {
		return c.graphRenameFolder(ctx, f, name)
	}
	ref, err := c.wireFolder(ctx, "folder", f)
	if err != nil {
		return nil, err
	}
	req := &soap.UpdateFolder{FolderChanges: []soap.FolderChange{{FolderID: ref, Updates: []soap.SetFolderField{{
		Path: soap.Path{FieldURI: "folder:DisplayName"}, Folder: soap.FolderCreate{DisplayName: strings.TrimSpace(name)}}}}}}
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return nil, err
	}
	id, err := oneFolderID("UpdateFolder", resp.ResponseMessages)
	if err != nil {
		return nil, err
	}
	c.forgetFolderPaths()
	return c.GetFolder(ctx, FolderByID(id))
}

// DeleteFolder deletes a folder with its messages and subfolders, the way opts.How says (HardDelete for good,
// SoftDelete to the Recoverable Items, MoveToDeletedItems, the zero value, below Deleted Items). Well-known
// folders cannot be deleted (ErrorDeleteDistinguishedFolder).
func (c *Client) DeleteFolder(ctx context.Context, f FolderRef, opts DeleteOptions) error {
	how := opts.How
	if how == "" {
		how = MoveToDeletedItems
	}
	if err := checkDeleteType("DeleteOptions.How", how); err != nil {
		return err
	}
	if c.graph != nil {
		return c.graphDeleteFolder(ctx, f, how)
	}
	ref, err := c.wireFolder(ctx, "folder", f)
	if err != nil {
		return err
	}
	_, err = doOne(ctx, c, &soap.DeleteFolder{DeleteType: string(how), FolderIDs: []soap.FolderRef{ref}})
	c.forgetFolderPaths()
	return err
}

// FolderEmptyOptions say how Client.EmptyFolder empties a folder.
type FolderEmptyOptions struct {
	// How is how the messages are deleted; the zero value is MoveToDeletedItems.
	How DeleteType
	// SubFolders deletes the folder's subfolders (other than well-known ones) as well.
	SubFolders bool
}

// EmptyFolder deletes every message of a folder (and with SubFolders its subfolders), as opts say. It needs
// Exchange 2010 SP1 or later (Exchange 2007 has no EmptyFolder operation): on older servers it fails with an error
// matching ErrInvalidServerVersion before anything is deleted.
func (c *Client) EmptyFolder(ctx context.Context, f FolderRef, opts FolderEmptyOptions) error {
	if opts.How == "" {
		opts.How = MoveToDeletedItems
	}
	if err := checkDeleteType("FolderEmptyOptions.How", opts.How); err != nil {
		return err
	}
	if c.graph != nil {
		return c.graphEmptyFolder(ctx, f, opts)
	}
	ref, err := c.wireFolder(ctx, "folder", f)
	if err != nil {
		return err
	}
	req := &soap.EmptyFolder{DeleteType: string(opts.How), DeleteSubFolders: opts.SubFolders, FolderIDs: []soap.FolderRef{ref}}
	_, err = doOne(ctx, c, req)
	if opts.SubFolders {
		c.forgetFolderPaths()
	}
	return err
}

// FolderFindOptions narrow Client.FindFolders.
type FolderFindOptions struct {
	// Parent is the folder searched below (all its descendants); the zero value is the top of the mailbox
	// (MsgFolderRoot).
	Parent FolderRef
	// Exact matches the whole display name (ignoring case) instead of a part of it.
	Exact bool
}

// FindFolders returns the folders below opts.Parent whose display name contains name (ignoring case; all of
// them when name is empty), each with its Path, in tree order.
func (c *Client) FindFolders(ctx context.Context, name string, opts FolderFindOptions) ([]*Folder, error) {
	if p := textProblem(name); p != "" {
		return nil, inputErr("name", "%s", p)
	}
	parent := opts.Parent
	if parent.IsZero() {
		parent = MsgFolderRoot
	}
	tree, err := c.FolderTree(ctx, parent)
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(strings.TrimSpace(name))
	var out []*Folder
	for _, f := range tree {
		dn := strings.ToLower(f.DisplayName)
		if want == "" || opts.Exact && dn == want || !opts.Exact && strings.Contains(dn, want) {
			out = append(out, f)
		}
	}
	return out, nil
}

// FolderTree returns every folder below parent (the zero value is the top of the mailbox), each with its Path
// below the top of the mailbox, parents before their children.
func (c *Client) FolderTree(ctx context.Context, parent FolderRef) ([]*Folder, error) {
	if parent.IsZero() {
		parent = MsgFolderRoot
	}
	top, err := c.GetFolder(ctx, parent)
	if err != nil {
		return nil, err
	}
	all, err := c.ListFolders(ctx, FolderByID(top.ID), true)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if parent != MsgFolderRoot {
		prefix = strings.ReplaceAll(top.DisplayName, "/", `\/`)
		if parent.kind == 'p' {
			prefix = strings.Join(splitPath(parent.value), "/")
		}
	}
	byID := map[string]*Folder{}
	for _, f := range all {
		byID[f.ID] = f
	}
	var path func(f *Folder, depth int) string
	path = func(f *Folder, depth int) string {
		if f.Path != "" {
			return f.Path
		}
		name := strings.ReplaceAll(f.DisplayName, "/", `\/`)
		p, ok := byID[f.ParentID]
		switch {
		case f.ParentID == top.ID || !ok || depth > 64:
			f.Path = joinPath(prefix, name)
		default:
			f.Path = joinPath(path(p, depth+1), name)
		}
		return f.Path
	}
	for _, f := range all {
		path(f, 0)
	}
	return all, nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

// checkFolderName checks a new folder name before any request.
func checkFolderName(field, name string) error {
	if strings.TrimSpace(name) == "" {
		return inputErr(field, "is empty")
	}
	if p := textProblem(name); p != "" {
		return inputErr(field, "%s", p)
	}
	return nil
}

// checkDeleteType checks a DeleteType before any request.
func checkDeleteType(field string, how DeleteType) error {
	switch how {
	case HardDelete, SoftDelete, MoveToDeletedItems:
		return nil
	}
	return inputErr(field, "%q is not HardDelete, SoftDelete or MoveToDeletedItems", string(how))
}

// oneFolderID returns the folder id the one (successful) response message of a folder operation holds.
func oneFolderID(op string, msgs []soap.FolderInfoResponseMessage) (string, error) {
	if len(msgs[0].Folders.Folders) != 1 {
		return "", fmt.Errorf("%w: %s returned %d folders", ErrMalformedResponse, op, len(msgs[0].Folders.Folders))
	}
	return msgs[0].Folders.Folders[0].FolderID.ID, nil
}

// forgetFolderPaths empties the cache of folder paths after a folder was renamed, moved or deleted.
func (c *Client) forgetFolderPaths() {
	c.shared.mu.Lock()
	clear(c.shared.folders)
	c.shared.mu.Unlock()
}
