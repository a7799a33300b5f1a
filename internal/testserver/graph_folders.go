package testserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Mail folders over Graph, on the same mailbox state as EWS's CreateFolder, UpdateFolder and DeleteFolder:
// POST mailFolders/{id}/childFolders, PATCH and DELETE mailFolders/{id}, POST mailFolders/{id}/permanentDelete,
// and the paged GET mailFolders/{id}/childFolders (mail folders only, as Graph lists them).

func init() { graphRoutes = append(graphRoutes, (*graphCall).foldersRoute) }

func (g *graphCall) foldersRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if rest[0] != "mailFolders" || len(rest) < 2 {
		return nil, nil, false
	}
	m := g.method
	manage := len(rest) == 2 && (m == http.MethodPatch || m == http.MethodDelete) ||
		len(rest) == 3 && (rest[2] == "childFolders" || rest[2] == "permanentDelete" && m == http.MethodPost)
	if !manage {
		return nil, nil, false
	}
	f := graphFolder(mb, rest[1])
	if f == nil {
		return nil, errNotFound(), true
	}
	switch {
	case len(rest) == 3 && rest[2] == "childFolders" && m == http.MethodGet:
		a, e := g.listChildFolders(mb, f)
		return a, e, true
	case len(rest) == 3 && rest[2] == "childFolders" && m == http.MethodPost:
		a, e := g.createFolder(mb, f)
		return a, e, true
	case len(rest) == 2 && m == http.MethodPatch:
		a, e := g.renameFolder(mb, f)
		return a, e, true
	case len(rest) == 2 && m == http.MethodDelete:
		return g.deleteFolder(mb, f, "MoveToDeletedItems")
	case len(rest) == 3 && rest[2] == "permanentDelete":
		return g.deleteFolder(mb, f, "HardDelete")
	}
	return nil, gerr(http.StatusMethodNotAllowed, "BadRequest", "Unsupported request %s %s.", m, g.path), true
}

// isMailFolder reports whether Graph lists f among mailFolders (not calendars, contacts, tasks or notes).
func isMailFolder(f *Folder) bool {
	for _, p := range []string{"IPF.Appointment", "IPF.Contact", "IPF.Task", "IPF.StickyNote", "IPF.Journal"} {
		if strings.HasPrefix(f.FolderClass, p) {
			return false
		}
	}
	return true
}

// listChildFolders lists a folder's mail child folders with $filter (displayName eq), $top (10 by default) and
// $skip; the next page's link carries $skip.
func (g *graphCall) listChildFolders(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	q := g.query
	var want string
	if flt := q.Get("$filter"); flt != "" {
		lit, ok := strings.CutPrefix(flt, "displayName eq ")
		if !ok || len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
		}
		want = strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
	}
	top, skip, gE := g.topSkip(10)
	if gE != nil {
		return nil, gE
	}
	var all []*Folder
	for _, c := range mb.childFoldersLocked(f.ID) {
		if isMailFolder(c) && (want == "" || strings.EqualFold(c.DisplayName, want)) {
			all = append(all, c)
		}
	}
	page := []any{}
	end := min(skip+top, len(all))
	for i := skip; i < end; i++ {
		page = append(page, folderJSON(mb, all[i]))
	}
	out := map[string]any{"@odata.context": g.srv.GraphURL() + GraphPath + "/$metadata#users('" +
		url.PathEscape(mb.Address) + "')/mailFolders('" + url.PathEscape(f.ID) + "')/childFolders", "value": page}
	if end < len(all) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skip", strconv.Itoa(end))
		next.Set("$top", strconv.Itoa(top))
		out["@odata.nextLink"] = g.srv.GraphURL() + GraphPath + g.path + "?" +
			strings.ReplaceAll(next.Encode(), "+", "%20")
	}
	return &graphAnswer{status: http.StatusOK, json: out}, nil
}

// folderNameOf reads the displayName of a mailFolder body.
func (g *graphCall) folderNameOf() (string, *graphError) {
	var body struct {
		DisplayName *string `json:"displayName"`
	}
	if err := json.Unmarshal(g.body, &body); err != nil {
		return "", gerr(http.StatusBadRequest, "RequestBodyRead", "The request body is not valid JSON: %v", err)
	}
	if body.DisplayName == nil || strings.TrimSpace(*body.DisplayName) == "" {
		return "", gerr(http.StatusBadRequest, "ErrorInvalidPropertySet", "The folder must have a display name.")
	}
	return strings.TrimSpace(*body.DisplayName), nil
}

var errGraphFolderExists = func() *graphError {
	return gerr(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
}

func (g *graphCall) createFolder(mb *Mailbox, parent *Folder) (*graphAnswer, *graphError) {
	name, gE := g.folderNameOf()
	if gE != nil {
		return nil, gE
	}
	if mb.siblingNamedLocked(parent.ID, name, nil) != nil {
		return nil, errGraphFolderExists()
	}
	f := &Folder{ID: mb.newID("F"), ParentID: parent.ID, DisplayName: name, FolderClass: "IPF.Note", ChangeKey: changeKey(0)}
	mb.folders[f.ID] = f
	return &graphAnswer{status: http.StatusCreated, json: folderJSON(mb, f)}, nil
}

func (g *graphCall) renameFolder(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	name, gE := g.folderNameOf()
	if gE != nil {
		return nil, gE
	}
	if !strings.EqualFold(name, f.DisplayName) && mb.siblingNamedLocked(f.ParentID, name, f) != nil {
		return nil, errGraphFolderExists()
	}
	f.DisplayName = name
	f.version++
	f.ChangeKey = changeKey(f.version)
	return &graphAnswer{status: http.StatusOK, json: folderJSON(mb, f)}, nil
}

func (g *graphCall) deleteFolder(mb *Mailbox, f *Folder, dt string) (*graphAnswer, *graphError, bool) {
	if f.Distinguished != "" {
		return nil, gerr(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted."), true
	}
	mb.disposeFolderLocked(f, dt)
	return &graphAnswer{status: http.StatusNoContent}, nil, true
}
