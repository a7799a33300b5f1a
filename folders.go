package ews

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// FolderRef names a folder: a well-known (distinguished) folder such as Inbox, a folder id, or a path of display
// names below the mailbox's top folder such as "Inbox/Phishing/Reported". The zero value means Inbox.
type FolderRef struct {
	kind  byte // 'd' distinguished, 'i' id, 'p' path
	value string
}

// Well-known folders. The RecoverableItems folders (the dumpster) exist in EWS from Exchange 2010 SP1 on: a request
// that names one fails with an error matching ErrInvalidServerVersion, before it is sent, on Exchange 2007;
// Archive needs Exchange 2013.
var (
	Inbox                     = DistinguishedFolder("inbox")
	SentItems                 = DistinguishedFolder("sentitems")
	DeletedItems              = DistinguishedFolder("deleteditems")
	Drafts                    = DistinguishedFolder("drafts")
	Outbox                    = DistinguishedFolder("outbox")
	JunkEmail                 = DistinguishedFolder("junkemail")
	Archive                   = DistinguishedFolder("archive")
	CalendarFolder            = DistinguishedFolder("calendar")
	ContactsFolder            = DistinguishedFolder("contacts")
	TasksFolder               = DistinguishedFolder("tasks")
	NotesFolder               = DistinguishedFolder("notes")
	MsgFolderRoot             = DistinguishedFolder("msgfolderroot")
	Root                      = DistinguishedFolder("root")
	RecoverableItemsRoot      = DistinguishedFolder("recoverableitemsroot")
	RecoverableItemsDeletions = DistinguishedFolder("recoverableitemsdeletions")
	RecoverableItemsPurges    = DistinguishedFolder("recoverableitemspurges")
)

// distinguishedNames are the DistinguishedFolderIdNameType values of the schema, by lower-case name, with the
// display names people type for them.
var distinguishedNames = map[string]string{
	"calendar": "calendar", "contacts": "contacts", "deleteditems": "deleteditems", "deleted items": "deleteditems",
	"drafts": "drafts", "inbox": "inbox", "journal": "journal", "notes": "notes", "outbox": "outbox",
	"sentitems": "sentitems", "sent items": "sentitems", "tasks": "tasks", "msgfolderroot": "msgfolderroot",
	"publicfoldersroot": "publicfoldersroot", "root": "root", "junkemail": "junkemail", "junk email": "junkemail",
	"junk": "junkemail", "searchfolders": "searchfolders", "voicemail": "voicemail",
	"recoverableitemsroot": "recoverableitemsroot", "recoverableitemsdeletions": "recoverableitemsdeletions",
	"recoverable items": "recoverableitemsdeletions", "recoverable items/deletions": "recoverableitemsdeletions",
	"recoverableitemsversions": "recoverableitemsversions", "recoverableitemspurges": "recoverableitemspurges",
	"archiveroot": "archiveroot", "archivemsgfolderroot": "archivemsgfolderroot",
	"archivedeleteditems": "archivedeleteditems", "archiveinbox": "archiveinbox",
	"archiverecoverableitemsroot": "archiverecoverableitemsroot", "syncissues": "syncissues",
	"conflicts": "conflicts", "localfailures": "localfailures", "serverfailures": "serverfailures",
	"recipientcache": "recipientcache", "quickcontacts": "quickcontacts",
	"conversationhistory": "conversationhistory", "adminauditlogs": "adminauditlogs", "todosearch": "todosearch",
	"mycontacts": "mycontacts", "directory": "directory", "imcontactlist": "imcontactlist",
	"peopleconnect": "peopleconnect", "favorites": "favorites", "archive": "archive",
}

// DistinguishedFolder returns a reference to a well-known folder by its EWS name ("inbox", "sentitems", ...).
// An unknown name gives a reference that fails with a clear error when used.
func DistinguishedFolder(name string) FolderRef { return FolderRef{kind: 'd', value: name} }

// FolderByID returns a reference to a folder by its EWS FolderId.
func FolderByID(id string) FolderRef { return FolderRef{kind: 'i', value: id} }

// FolderByPath returns a reference to a folder by its path of display names below the top of the mailbox,
// separated by "/", e.g. "Inbox/Phishing". Matching is case-insensitive. The first element may be a
// well-known folder's name ("Inbox", "Sent Items").
func FolderByPath(path string) FolderRef { return FolderRef{kind: 'p', value: path} }

// ParseFolder reads a folder as users write it: a well-known name ("Inbox", "inbox", "Sent Items",
// "deleteditems"), a path ("Inbox/Phishing"), or an EWS folder id. Empty means Inbox.
func ParseFolder(s string) FolderRef {
	s = strings.TrimSpace(s)
	if s == "" {
		return Inbox
	}
	if d, ok := distinguishedNames[strings.ToLower(s)]; ok {
		return DistinguishedFolder(d)
	}
	if looksLikeID(s) {
		return FolderByID(s)
	}
	return FolderByPath(s)
}

// looksLikeID reports whether s has the form of an EWS id: long, base64 and with no spaces.
func looksLikeID(s string) bool {
	if len(s) < 40 || strings.ContainsAny(s, " \t") || len(s)%4 != 0 {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(s)
	return err == nil
}

// String returns the reference as ParseFolder reads it.
func (f FolderRef) String() string {
	if f.kind == 0 {
		return "inbox"
	}
	return f.value
}

// IsZero reports whether f is the zero value.
func (f FolderRef) IsZero() bool { return f.kind == 0 }

// Folder is a mailbox folder.
type Folder struct {
	ID          string
	ChangeKey   string
	ParentID    string
	DisplayName string
	// Class is the folder class, e.g. "IPF.Note" for mail, "IPF.Appointment" for calendars.
	Class       string
	TotalCount  int
	UnreadCount int
	ChildCount  int
	// Path is the folder's path of display names below the top of the mailbox ("Inbox/Phishing"); FindFolders
	// and FolderTree set it.
	Path string
}

// ErrInvalidFolder is matched (errors.Is) by errors about a FolderRef that cannot name a folder: an *InputError
// (an unknown well-known name, an empty id or path, text XML cannot carry), found before any request, or a name
// that several folders have.
var ErrInvalidFolder = errors.New("ews: invalid folder")

// check reports, as an *InputError naming field, a reference that cannot name a folder whatever the mailbox holds.
func (f FolderRef) check(field string) error {
	switch f.kind {
	case 0:
		return nil
	case 'd':
		if _, ok := distinguishedNames[strings.ToLower(f.value)]; !ok {
			return folderErr(field, "%q is not a well-known folder name", f.value)
		}
		return nil
	case 'i', 'p':
		what := map[byte]string{'i': "folder id", 'p': "folder path"}[f.kind]
		if strings.TrimSpace(f.value) == "" || f.kind == 'p' && len(splitPath(f.value)) == 0 {
			return folderErr(field, "empty %s", what)
		}
		if p := textProblem(f.value); p != "" {
			return folderErr(field, "the %s %s", what, p)
		}
		return nil
	}
	return folderErr(field, "%#v is not a folder reference", f)
}

// wireFolder checks f (naming field in errors) and resolves it to a wire folder reference, looking paths up with
// FindFolder.
func (c *Client) wireFolder(ctx context.Context, field string, f FolderRef) (soap.FolderRef, error) {
	if err := f.check(field); err != nil {
		return soap.FolderRef{}, err
	}
	switch f.kind {
	case 'd':
		return c.distinguished(distinguishedNames[strings.ToLower(f.value)]), nil
	case 'i':
		return soap.FolderRef{ID: f.value}, nil
	case 'p':
		return c.folderByPath(ctx, f.value)
	}
	return c.distinguished("inbox"), nil
}

// distinguished returns a DistinguishedFolderId, naming the mailbox for delegate access to another mailbox.
func (c *Client) distinguished(name string) soap.FolderRef {
	r := soap.FolderRef{Distinguished: name}
	if c.cfg.AccessType == Delegate && c.mailbox != "" && !strings.EqualFold(c.mailbox, c.cfg.EmailAddress) {
		r.Mailbox = c.mailbox
	}
	return r
}

// folderByPath finds a folder by a "/"-separated path of display names, one FindFolder per level, and caches
// the result for the client's lifetime.
func (c *Client) folderByPath(ctx context.Context, path string) (soap.FolderRef, error) {
	parts := splitPath(path)
	key := strings.ToLower(c.mailbox + "\x00" + strings.Join(parts, "/"))
	c.shared.mu.Lock()
	ref, ok := c.shared.folders[key]
	c.shared.mu.Unlock()
	if ok {
		return ref, nil
	}
	cur := c.distinguished("msgfolderroot")
	start := 0
	if d, ok := distinguishedNames[strings.ToLower(parts[0])]; ok {
		cur = c.distinguished(d)
		start = 1
	}
	for i := start; i < len(parts); i++ {
		next, err := c.childFolder(ctx, cur, parts[i], false)
		if err != nil && len(parts) == 1 && errors.Is(err, ErrFolderNotFound) {
			// A bare display name is looked up anywhere in the mailbox when it is not a top-level folder.
			next, err = c.childFolder(ctx, cur, parts[i], true)
		}
		if err != nil {
			if errors.Is(err, ErrFolderNotFound) {
				return soap.FolderRef{}, &Error{Code: ErrFolderNotFound.Code, Message: fmt.Sprintf("no folder %q in %q", parts[i], strings.Join(parts[:i], "/"))}
			}
			return soap.FolderRef{}, err
		}
		cur = next
	}
	c.shared.mu.Lock()
	c.shared.folders[key] = cur
	c.shared.mu.Unlock()
	return cur, nil
}

// splitPath splits a folder path on "/", dropping empty parts; "\/" is a literal slash in a name.
func splitPath(path string) []string {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path) && path[i+1] == '/':
			b.WriteByte('/')
			i++
		case path[i] == '/':
			if s := strings.TrimSpace(b.String()); s != "" {
				parts = append(parts, s)
			}
			b.Reset()
		default:
			b.WriteByte(path[i])
		}
	}
	if s := strings.TrimSpace(b.String()); s != "" {
		parts = append(parts, s)
	}
	return parts
}

// childFolder finds the direct child of parent whose display name is name (case-insensitive), or with deep
// set the one descendant of that name; several descendants of that name are an error.
func (c *Client) childFolder(ctx context.Context, parent soap.FolderRef, name string, deep bool) (soap.FolderRef, error) {
	traversal := "Shallow"
	if deep {
		traversal = "Deep"
	}
	req := &soap.FindFolder{
		Traversal:   traversal,
		FolderShape: soap.FolderShape{BaseShape: "IdOnly", AdditionalProperties: []soap.Path{{FieldURI: "folder:DisplayName"}}},
		Restriction: &soap.Restriction{Expr: soap.Expr{
			Op: soap.OpContains, Path: soap.Path{FieldURI: "folder:DisplayName"}, Value: name,
			ContainmentMode: "FullString", ContainmentComparison: "IgnoreCase",
		}},
		ParentFolderIDs: []soap.FolderRef{parent},
	}
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return soap.FolderRef{}, err
	}
	m := &resp.ResponseMessages[0]
	var found []soap.FolderRef
	for _, f := range m.RootFolder.Folders.Folders {
		if strings.EqualFold(f.DisplayName, name) {
			found = append(found, soap.FolderRef{ID: f.FolderID.ID})
		}
	}
	switch len(found) {
	case 0:
		return soap.FolderRef{}, &Error{Code: ErrFolderNotFound.Code}
	case 1:
		return found[0], nil
	}
	return soap.FolderRef{}, fmt.Errorf("%w: %d folders are named %q; give a path such as \"Inbox/%s\"", ErrInvalidFolder, len(found), name, name)
}

// folderShape is the FolderShape of a Folder: Default (display name, counts) and what real servers leave out of it.
var folderShape = soap.FolderShape{BaseShape: "Default", AdditionalProperties: []soap.Path{{FieldURI: "folder:ParentFolderId"}, {FieldURI: "folder:FolderClass"}}}

// GetFolder returns a folder's properties (display name, class, counts).
func (c *Client) GetFolder(ctx context.Context, f FolderRef) (*Folder, error) {
	if c.graph != nil {
		return c.graphGetFolder(ctx, f)
	}
	ref, err := c.wireFolder(ctx, "folder", f)
	if err != nil {
		return nil, err
	}
	// Real servers leave FolderClass and ParentFolderId out of the Default shape: they are asked for by name.
	req := &soap.GetFolder{FolderShape: folderShape, FolderIDs: []soap.FolderRef{ref}}
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return nil, err
	}
	m := &resp.ResponseMessages[0]
	if len(m.Folders.Folders) != 1 {
		return nil, fmt.Errorf("%w: GetFolder returned %d folders", ErrMalformedResponse, len(m.Folders.Folders))
	}
	return folderFromWire(&m.Folders.Folders[0]), nil
}

// ListFolders returns the folders below parent: its children, or with deep set all its descendants.
func (c *Client) ListFolders(ctx context.Context, parent FolderRef, deep bool) ([]*Folder, error) {
	if c.graph != nil {
		return c.graphListFolders(ctx, parent, deep)
	}
	ref, err := c.wireFolder(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	traversal := "Shallow"
	if deep {
		traversal = "Deep"
	}
	var out []*Folder
	err = eachPage(ctx, maxPageSize, 0, func(ctx context.Context, view *soap.IndexedPageView) (page, bool, error) {
		resp, err := doOne(ctx, c, &soap.FindFolder{
			Traversal:       traversal,
			FolderShape:     folderShape,
			IndexedPageView: view,
			ParentFolderIDs: []soap.FolderRef{ref},
		})
		if err != nil {
			return page{}, false, err
		}
		root := &resp.ResponseMessages[0].RootFolder
		for i := range root.Folders.Folders {
			out = append(out, folderFromWire(&root.Folders.Folders[i]))
		}
		return folderPage(root), false, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func folderFromWire(f *soap.Folder) *Folder {
	out := &Folder{ID: f.FolderID.ID, ChangeKey: f.FolderID.ChangeKey, DisplayName: f.DisplayName, Class: f.FolderClass,
		TotalCount: f.TotalCount, UnreadCount: f.UnreadCount, ChildCount: f.ChildFolderCount}
	if f.ParentFolderID != nil {
		out.ParentID = f.ParentFolderID.ID
	}
	return out
}
