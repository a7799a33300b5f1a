package testserver

import (
	"strings"
)

func init() {
	register("GetFolder", handleGetFolder)
	register("FindFolder", handleFindFolder)
}

// folderShape is a request's FolderShape: the base shape and the property paths it adds.
type folderShape struct {
	base  string
	extra map[string]bool
}

func parseFolderShape(n *node) folderShape {
	sh := folderShape{base: "Default", extra: map[string]bool{}}
	if b := n.child("BaseShape"); b != nil {
		sh.base = strings.TrimSpace(b.Text)
	}
	for _, p := range n.child("AdditionalProperties").all("FieldURI") {
		sh.extra[p.attr("FieldURI")] = true
	}
	return sh
}

// has reports whether the shape returns a folder property. Microsoft documents the Default shape of a folder as
// FolderId, DisplayName, TotalCount, ChildFolderCount and UnreadCount, with no FolderClass and no ParentFolderId
// (real answers agree: ../shared/ews-schema/recorded/*GetFolderResponse.xml); AllProperties adds those two and
// EffectiveRights; IdOnly is FolderId alone.
func (sh folderShape) has(prop string) bool {
	if sh.extra["folder:"+prop] {
		return true
	}
	switch prop {
	case "FolderId":
		return true
	case "DisplayName", "TotalCount", "ChildFolderCount", "UnreadCount":
		return sh.base == "Default" || sh.base == "AllProperties"
	case "ParentFolderId", "FolderClass", "EffectiveRights":
		return sh.base == "AllProperties"
	}
	return false
}

// writeFolder writes a t:Folder (or CalendarFolder/ContactsFolder) with the properties of the request's shape,
// in the schema's order.
func (r *request) writeFolder(mb *Mailbox, f *Folder, sh folderShape) {
	name := "t:Folder"
	switch {
	case strings.HasPrefix(f.FolderClass, "IPF.Appointment"):
		name = "t:CalendarFolder"
	case strings.HasPrefix(f.FolderClass, "IPF.Contact"):
		name = "t:ContactsFolder"
	case strings.HasPrefix(f.FolderClass, "IPF.Task"):
		name = "t:TasksFolder"
	}
	r.w.open(name)
	r.w.empty("t:FolderId", "Id", f.ID, "ChangeKey", f.ChangeKey)
	if f.ParentID != "" && sh.has("ParentFolderId") {
		p := mb.folders[f.ParentID]
		r.w.empty("t:ParentFolderId", "Id", p.ID, "ChangeKey", p.ChangeKey)
	}
	if sh.has("FolderClass") {
		r.w.elemIf("t:FolderClass", f.FolderClass)
	}
	if sh.has("DisplayName") {
		r.w.elem("t:DisplayName", f.DisplayName)
	}
	total, unread := 0, 0
	for _, it := range mb.itemsInLocked(f.ID) {
		total++
		if !it.IsRead && it.Kind() == "message" {
			unread++
		}
	}
	if sh.has("TotalCount") {
		r.w.elemInt("t:TotalCount", total)
	}
	if sh.has("ChildFolderCount") {
		r.w.elemInt("t:ChildFolderCount", len(mb.childFoldersLocked(f.ID)))
	}
	if sh.has("EffectiveRights") {
		r.w.open("t:EffectiveRights")
		for _, right := range []string{"CreateAssociated", "CreateContents", "CreateHierarchy", "Delete", "Modify", "Read"} {
			r.w.elem("t:"+right, "true")
		}
		r.w.close()
	}
	if name == "t:Folder" && sh.has("UnreadCount") {
		r.w.elemInt("t:UnreadCount", unread)
	}
	r.w.close()
}

func handleGetFolder(r *request, body *node) error {
	ids := body.child("FolderIds")
	if ids == nil || len(ids.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: FolderIds is required.")
	}
	r.messages()
	for _, n := range ids.Children {
		mb, f, ec := r.resolveFolder(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Folders")
			continue
		}
		r.success()
		r.w.open("m:Folders")
		r.writeFolder(mb, f, parseFolderShape(body.child("FolderShape")))
		r.w.close().close()
	}
	return nil
}

func handleFindFolder(r *request, body *node) error {
	parents := body.child("ParentFolderIds")
	if parents == nil || len(parents.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ParentFolderIds is required.")
	}
	deep := body.attr("Traversal") == "Deep"
	sh := parseFolderShape(body.child("FolderShape"))
	var restr *node
	if rn := body.child("Restriction"); rn != nil && len(rn.Children) == 1 {
		restr = rn.Children[0]
	}
	r.messages()
	for _, n := range parents.Children {
		mb, f, ec := r.resolveFolder(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		if restr != nil {
			// Check the restriction once, whatever the folders are, so that a bad one fails like Exchange.
			if _, ec := evalExpr(restr, folderProps(&Folder{}), nil); ec != nil {
				r.failure(ec.code, ec.text, "")
				continue
			}
		}
		var found []*Folder
		var walk func(id string)
		walk = func(id string) {
			for _, c := range mb.childFoldersLocked(id) {
				if restr == nil || matchFolder(restr, c) {
					found = append(found, c)
				}
				if deep {
					walk(c.ID)
				}
			}
		}
		walk(f.ID)
		offset, total := 0, len(found)
		if v := body.child("IndexedPageFolderView"); v != nil {
			offset = atoiDefault(v.attr("Offset"), 0)
			if v.attr("BasePoint") == "End" {
				offset = max(0, total-offset-atoiDefault(v.attr("MaxEntriesReturned"), total))
			}
			offset = min(offset, total)
			found = found[offset:]
			if m := atoiDefault(v.attr("MaxEntriesReturned"), 0); m > 0 && m < len(found) {
				found = found[:m]
			}
		}
		r.success()
		r.w.open("m:RootFolder", "IndexedPagingOffset", itoa(offset+len(found)), "TotalItemsInView", itoa(total),
			"IncludesLastItemInRange", boolStr(offset+len(found) >= total))
		r.w.open("t:Folders")
		for _, c := range found {
			r.writeFolder(mb, c, sh)
		}
		r.w.close().close().close()
	}
	return nil
}

// matchFolder evaluates a restriction over a folder's display name and class; the handler has checked it.
func matchFolder(n *node, f *Folder) bool {
	ok, _ := evalExpr(n, folderProps(f), nil)
	return ok
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func atoiDefault(s string, d int) int {
	n := 0
	if s == "" {
		return d
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return d
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return d
		}
	}
	return n
}
