package testserver

import "strings"

// CreateFolder, UpdateFolder (the display name), DeleteFolder and EmptyFolder, as Exchange answers them.

func init() {
	register("CreateFolder", handleCreateFolder)
	register("UpdateFolder", handleUpdateFolder)
	register("DeleteFolder", handleDeleteFolder)
	register("EmptyFolder", handleEmptyFolder)
}

var errFolderExists = &errorCode{"ErrorFolderExists", "A folder with the specified name already exists."}

// siblingNamedLocked returns the child of parent named name (ignoring case), other than except.
func (mb *Mailbox) siblingNamedLocked(parent, name string, except *Folder) *Folder {
	for _, f := range mb.folders {
		if f != except && f.ParentID == parent && strings.EqualFold(f.DisplayName, name) {
			return f
		}
	}
	return nil
}

func (r *request) writeFolderID(f *Folder) {
	r.w.open("m:Folders").open("t:Folder").empty("t:FolderId", "Id", f.ID, "ChangeKey", f.ChangeKey).close().close()
}

func handleCreateFolder(r *request, body *node) error {
	parent := body.child("ParentFolderId")
	folders := body.child("Folders")
	if parent == nil || len(parent.kids()) != 1 || folders == nil || len(folders.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ParentFolderId and Folders are required.")
	}
	mb, p, ec := r.resolveFolder(parent.kids()[0])
	r.messages()
	for _, n := range folders.kids() {
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Folders")
			continue
		}
		name := strings.TrimSpace(n.textOf("DisplayName"))
		if name == "" {
			r.failure("ErrorInvalidPropertySet", "The folder must have a display name.", "m:Folders")
			continue
		}
		if mb.siblingNamedLocked(p.ID, name, nil) != nil {
			r.failure(errFolderExists.code, errFolderExists.text, "m:Folders")
			continue
		}
		class := n.textOf("FolderClass")
		if class == "" {
			switch n.Name.Local {
			case "CalendarFolder":
				class = "IPF.Appointment"
			case "ContactsFolder":
				class = "IPF.Contact"
			case "TasksFolder":
				class = "IPF.Task"
			default:
				class = "IPF.Note"
			}
		}
		f := &Folder{ID: mb.newID("F"), ParentID: p.ID, DisplayName: name, FolderClass: class, ChangeKey: changeKey(0)}
		mb.folders[f.ID] = f
		r.success()
		r.writeFolderID(f)
		r.w.close()
	}
	return nil
}

func handleUpdateFolder(r *request, body *node) error {
	changes := body.child("FolderChanges")
	if changes == nil || len(changes.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: FolderChanges is required.")
	}
	r.messages()
	for _, ch := range changes.kids() {
		kids := ch.kids()
		updates := ch.child("Updates")
		if len(kids) < 2 || updates == nil {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: FolderChange needs a folder id and Updates.")
		}
		mb, f, ec := r.resolveFolder(kids[0])
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Folders")
			continue
		}
		var fail *errorCode
		newName := f.DisplayName
		for _, u := range updates.kids() {
			uri := u.child("FieldURI")
			if u.Name.Local != "SetFolderField" || uri == nil || uri.attr("FieldURI") != "folder:DisplayName" {
				fail = &errorCode{"ErrorInvalidPropertySet", "Only folder:DisplayName can be set by this server."}
				break
			}
			var fn *node
			for _, k := range u.kids() {
				if strings.HasSuffix(k.Name.Local, "Folder") {
					fn = k
				}
			}
			name := strings.TrimSpace(fn.textOf("DisplayName"))
			if fn == nil || name == "" {
				fail = &errorCode{"ErrorInvalidPropertySet", "The folder must have a display name."}
				break
			}
			newName = name
		}
		if fail == nil && !strings.EqualFold(newName, f.DisplayName) && mb.siblingNamedLocked(f.ParentID, newName, f) != nil {
			fail = errFolderExists
		}
		if fail != nil {
			r.failure(fail.code, fail.text, "m:Folders")
			continue
		}
		f.DisplayName = newName
		f.version++
		f.ChangeKey = changeKey(f.version)
		r.success()
		r.writeFolderID(f)
		r.w.close()
	}
	return nil
}

// checkDisposal reads the required DeleteType attribute.
func checkDisposal(body *node) (string, error) {
	dt := body.attr("DeleteType")
	switch dt {
	case "HardDelete", "SoftDelete", "MoveToDeletedItems":
		return dt, nil
	case "":
		return "", faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'DeleteType' is missing.")
	}
	return "", faultf("ErrorSchemaValidation", "The request failed schema validation: The 'DeleteType' attribute is invalid - The value '%s' is invalid according to its datatype.", dt)
}

// disposeItemLocked deletes an item the way dt says (as DeleteItem does).
func (r *request) disposeItemLocked(mb *Mailbox, it *Item, dt string) {
	switch dt {
	case "HardDelete":
		mb.removeLocked(it)
	case "SoftDelete":
		r.moveLocked(mb, it, mb.dist["recoverableitemsdeletions"], false)
	default:
		if it.FolderID == mb.dist["deleteditems"] {
			r.moveLocked(mb, it, mb.dist["recoverableitemsdeletions"], false)
		} else {
			r.moveLocked(mb, it, mb.dist["deleteditems"], false)
		}
	}
}

// removeFolderLocked removes a folder with its items and subfolders for good.
func (mb *Mailbox) removeFolderLocked(f *Folder) {
	for _, c := range mb.childFoldersLocked(f.ID) {
		mb.removeFolderLocked(c)
	}
	for _, it := range mb.itemsInLocked(f.ID) {
		mb.removeLocked(it)
	}
	delete(mb.folders, f.ID)
}

// disposeFolderLocked deletes a folder the way dt says: for good, or moved (with its content) below Deleted
// Items or the Recoverable Items deletions.
func (mb *Mailbox) disposeFolderLocked(f *Folder, dt string) {
	target := mb.dist["deleteditems"]
	switch {
	case dt == "HardDelete":
		mb.removeFolderLocked(f)
		return
	case dt == "SoftDelete", f.ParentID == target:
		target = mb.dist["recoverableitemsdeletions"]
	}
	f.ParentID = target
	f.version++
	f.ChangeKey = changeKey(f.version)
	if other := mb.siblingNamedLocked(target, f.DisplayName, f); other != nil {
		mb.removeFolderLocked(other) // the older deleted folder of that name makes room
	}
}

func handleDeleteFolder(r *request, body *node) error {
	ids := body.child("FolderIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: FolderIds is required.")
	}
	dt, err := checkDisposal(body)
	if err != nil {
		return err
	}
	r.messages()
	for _, n := range ids.kids() {
		mb, f, ec := r.resolveFolder(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		if f.Distinguished != "" {
			r.failure("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.", "")
			continue
		}
		mb.disposeFolderLocked(f, dt)
		r.success()
		r.w.close()
	}
	return nil
}

func handleEmptyFolder(r *request, body *node) error {
	ids := body.child("FolderIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: FolderIds is required.")
	}
	dt, err := checkDisposal(body)
	if err != nil {
		return err
	}
	var sub bool
	switch body.attr("DeleteSubFolders") {
	case "true", "1":
		sub = true
	case "false", "0":
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'DeleteSubFolders' is missing or invalid.")
	}
	r.messages()
	for _, n := range ids.kids() {
		mb, f, ec := r.resolveFolder(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		switch f.Distinguished {
		case "root", "msgfolderroot", "recoverableitemsroot", "searchfolders":
			r.failure("ErrorCannotEmptyFolder", "This folder cannot be emptied.", "")
			continue
		}
		for _, it := range mb.itemsInLocked(f.ID) {
			r.disposeItemLocked(mb, it, dt)
		}
		if sub {
			for _, c := range mb.childFoldersLocked(f.ID) {
				if c.Distinguished == "" {
					mb.disposeFolderLocked(c, dt)
				}
			}
		}
		r.success()
		r.w.close()
	}
	return nil
}
