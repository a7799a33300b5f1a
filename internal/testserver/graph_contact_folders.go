package testserver

import (
	"net/http"
	"strings"
)

// The mailbox's contact folders over Graph ("List contactFolders", "Get contactFolder", "List childFolders"):
// GET /users/{id}/contactFolders lists the contact folders in the Contacts folder, GET
// /contactFolders/{id}/childFolders those in another, GET /contactFolders/{id} gives one. They are the EWS
// side's folders of class IPF.Contact, with the same ids, so a contacts folder made over EWS is a contact folder
// over Graph.

func init() { graphRoutes = append(graphRoutes, (*graphCall).contactFoldersRoute) }

func (g *graphCall) contactFoldersRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if g.method != http.MethodGet || rest[0] != "contactFolders" {
		return nil, nil, false
	}
	switch {
	case len(rest) == 1:
		a, e := g.contactFolderList(mb, mb.folders[mb.dist["contacts"]])
		return a, e, true
	case len(rest) == 2 || len(rest) == 3 && rest[2] == "childFolders":
		f := mb.folders[rest[1]]
		if f == nil || !isContactFolder(f) {
			return nil, errNotFound(), true
		}
		if len(rest) == 2 {
			return &graphAnswer{status: http.StatusOK, json: contactFolderJSON(f)}, nil, true
		}
		a, e := g.contactFolderList(mb, f)
		return a, e, true
	}
	return nil, nil, false
}

// contactFolderList answers a page of the contact folders directly below parent, by display name.
func (g *graphCall) contactFolderList(mb *Mailbox, parent *Folder) (*graphAnswer, *graphError) {
	var fs []*Folder
	for _, f := range mb.childFoldersLocked(parent.ID) {
		if isContactFolder(f) {
			fs = append(fs, f)
		}
	}
	values := make([]any, len(fs))
	for i, f := range fs {
		values[i] = contactFolderJSON(f)
	}
	return g.pageOf(values, 10, "users('"+mb.Address+"')/contactFolders")
}

// isContactFolder reports whether f is a contacts folder: of class IPF.Contact (or a subclass).
func isContactFolder(f *Folder) bool { return strings.HasPrefix(f.FolderClass, "IPF.Contact") }

// contactFolderJSON is Graph's contactFolder resource of a folder.
func contactFolderJSON(f *Folder) map[string]any {
	return map[string]any{"id": f.ID, "displayName": f.DisplayName, "parentFolderId": f.ParentID}
}
