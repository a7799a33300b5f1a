package connector

import (
	"context"
	"errors"
	"iter"
	"strings"

	"github.com/ewsgo/ews"
)

// FolderOut is a folder as the folder operations return it.
type FolderOut struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	ParentID string `json:"parent_id"`
	Class    string `json:"class"`
	// TotalCount and UnreadCount count the folder's items; ChildCount its subfolders.
	TotalCount  int `json:"total_count"`
	UnreadCount int `json:"unread_count"`
	ChildCount  int `json:"child_count"`
}

func folderOut(f *ews.Folder, path string) *FolderOut {
	if f.Path != "" {
		path = f.Path
	}
	return &FolderOut{ID: f.ID, Name: f.DisplayName, Path: path, ParentID: f.ParentID, Class: f.Class,
		TotalCount: f.TotalCount, UnreadCount: f.UnreadCount, ChildCount: f.ChildCount}
}

// CreateFolderParams are the parameters of create_folder.
type CreateFolderParams struct {
	FolderName   string `json:"folder_name" required:"true" help:"display name of the new folder"`
	ParentFolder string `json:"parent_folder" default:"Inbox" help:"folder to create it in: a well-known name (Inbox, ...), a path (Inbox/Phishing) or a folder id"`
	ExistOK      bool   `json:"exist_ok" help:"return the folder when one of that name is already there, instead of ErrorFolderExists"`
	Mailbox      string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// CreateFolder creates a mail folder.
func CreateFolder(ctx context.Context, c *ews.Client, p CreateFolderParams) (*FolderOut, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.FolderName) == "" {
		return nil, paramErr("folder_name", "parameter %q is required", "folder_name")
	}
	parent, err := folderParam(ctx, c, "parent_folder", p.ParentFolder, ews.Inbox)
	if err != nil {
		return nil, err
	}
	path := strings.TrimSpace(orDefault(p.ParentFolder, "Inbox")) + "/" + strings.TrimSpace(p.FolderName)
	if ews.ParseFolder(p.ParentFolder) == ews.MsgFolderRoot {
		path = strings.TrimSpace(p.FolderName) // the top of the mailbox
	}
	f, err := c.CreateFolder(ctx, parent, p.FolderName)
	if errors.Is(err, ews.ErrFolderExists) && p.ExistOK {
		found, ferr := c.FindFolders(ctx, p.FolderName, ews.FolderFindOptions{Parent: parent, Exact: true})
		for _, x := range found {
			if ferr == nil && x.ParentID == parent.String() {
				return folderOut(x, path), nil
			}
		}
	}
	if err != nil {
		return nil, inputParamOf(err, "folder_name", map[string]string{"name": "folder_name", "parent": "parent_folder"})
	}
	return folderOut(f, path), nil
}

// FindFoldersParams are the parameters of find_folders.
type FindFoldersParams struct {
	FolderName   string `json:"folder_name" help:"text the display name contains, ignoring case; empty lists every folder"`
	Exact        bool   `json:"exact" help:"match the whole display name instead of a part"`
	ParentFolder string `json:"parent_folder" help:"search below this folder only (default: the whole mailbox): a well-known name, a path or a folder id; \"Recoverable Items\" for the dumpster"`
	Mailbox      string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// FindFolders finds folders by name anywhere in the folder tree.
func FindFolders(ctx context.Context, c *ews.Client, p FindFoldersParams) iter.Seq2[*FolderOut, error] {
	return func(yield func(*FolderOut, error) bool) {
		c, err := onMailbox(c, p.Mailbox)
		if err != nil {
			yield(nil, err)
			return
		}
		parent := ews.FolderRef{}
		if strings.TrimSpace(p.ParentFolder) != "" {
			parent = ews.ParseFolder(p.ParentFolder)
			if strings.EqualFold(strings.TrimSpace(p.ParentFolder), "Recoverable Items") {
				parent = ews.RecoverableItemsRoot
			}
		}
		found, err := c.FindFolders(ctx, p.FolderName, ews.FolderFindOptions{Parent: parent, Exact: p.Exact})
		if err != nil {
			var ee *ews.Error
			if errors.As(err, &ee) && ee.Code == ews.ErrFolderNotFound.Code {
				err = &Error{Code: ee.Code, Param: "parent_folder", Message: "parameter \"parent_folder\": no folder " + quoteList([]string{p.ParentFolder}) + " in the mailbox", Err: err}
			}
			yield(nil, inputParamOf(err, "folder_name", map[string]string{"name": "folder_name", "folder": "parent_folder"}))
			return
		}
		for _, f := range found {
			if !yield(folderOut(f, ""), nil) {
				return
			}
		}
	}
}

// RenameFolderParams are the parameters of rename_folder.
type RenameFolderParams struct {
	FolderName string `json:"folder_name" required:"true" help:"the folder: a path (Inbox/Phishing), a well-known name or a folder id"`
	NewName    string `json:"new_name" required:"true" help:"its new display name"`
	Mailbox    string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// RenameFolder gives a folder a new display name.
func RenameFolder(ctx context.Context, c *ews.Client, p RenameFolderParams) (*FolderOut, error) {
	if strings.TrimSpace(p.NewName) == "" {
		return nil, paramErr("new_name", "parameter %q is required", "new_name")
	}
	c, f, err := folderTarget(ctx, c, p.Mailbox, p.FolderName)
	if err != nil {
		return nil, err
	}
	out, err := c.RenameFolder(ctx, f, p.NewName)
	if err != nil {
		return nil, inputParamOf(err, "new_name", map[string]string{"name": "new_name", "folder": "folder_name"})
	}
	path := p.NewName
	if parts := strings.Split(strings.TrimSpace(p.FolderName), "/"); len(parts) > 1 {
		path = strings.Join(append(parts[:len(parts)-1], p.NewName), "/")
	}
	return folderOut(out, path), nil
}

// DeleteFolderParams are the parameters of delete_folder.
type DeleteFolderParams struct {
	FolderName string `json:"folder_name" required:"true" help:"the folder: a path (Inbox/Phishing) or a folder id; well-known folders cannot be deleted"`
	DeleteType string `json:"delete_type" choices:"Soft Delete|Hard Delete|Move To Trash" default:"Move To Trash" help:"Soft Delete: to Recoverable Items; Hard Delete: for good; Move To Trash: below Deleted Items"`
	Mailbox    string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// FolderDeleted is the result of delete_folder and empty_folder.
type FolderDeleted struct {
	FolderName string `json:"folder_name"`
	ID         string `json:"id"`
	DeleteType string `json:"delete_type"`
	// DeleteSubfolders is set for empty_folder.
	DeleteSubfolders bool `json:"delete_subfolders"`
}

// DeleteFolder deletes a folder with its content.
func DeleteFolder(ctx context.Context, c *ews.Client, p DeleteFolderParams) (*FolderDeleted, error) {
	return deleteInFolder(ctx, c, p.Mailbox, p.FolderName, p.DeleteType, func(c *ews.Client, f ews.FolderRef, how ews.DeleteType) error {
		return c.DeleteFolder(ctx, f, ews.DeleteOptions{How: how})
	})
}

// EmptyFolderParams are the parameters of empty_folder.
type EmptyFolderParams struct {
	FolderName       string `json:"folder_name" required:"true" help:"the folder: a well-known name (Junk Email, Deleted Items, ...), a path (Inbox/Quarantine) or a folder id"`
	DeleteType       string `json:"delete_type" choices:"Soft Delete|Hard Delete|Move To Trash" default:"Move To Trash" help:"Soft Delete: to Recoverable Items; Hard Delete: for good; Move To Trash: to Deleted Items"`
	DeleteSubfolders bool   `json:"delete_subfolders" help:"delete the folder's subfolders too"`
	Mailbox          string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// EmptyFolder deletes every message of a folder.
func EmptyFolder(ctx context.Context, c *ews.Client, p EmptyFolderParams) (*FolderDeleted, error) {
	out, err := deleteInFolder(ctx, c, p.Mailbox, p.FolderName, p.DeleteType, func(c *ews.Client, f ews.FolderRef, how ews.DeleteType) error {
		return c.EmptyFolder(ctx, f, ews.FolderEmptyOptions{How: how, SubFolders: p.DeleteSubfolders})
	})
	if out != nil {
		out.DeleteSubfolders = p.DeleteSubfolders
	}
	return out, err
}

// deleteInFolder is delete_folder and empty_folder: it checks delete_type and folder_name before any request,
// resolves the folder in the mailbox and deletes (in it or it) as del says.
func deleteInFolder(ctx context.Context, c *ews.Client, mailbox, folderName, deleteType string,
	del func(*ews.Client, ews.FolderRef, ews.DeleteType) error) (*FolderDeleted, error) {
	dt, err := deleteTypeParam(deleteType)
	if err != nil {
		return nil, err
	}
	c, f, err := folderTarget(ctx, c, mailbox, folderName)
	if err != nil {
		return nil, err
	}
	if err := del(c, f, deleteTypes[dt]); err != nil {
		return nil, inputParam(err, "folder_name")
	}
	return &FolderDeleted{FolderName: folderName, ID: f.String(), DeleteType: dt}, nil
}

// folderTarget is the start of every operation on one existing folder: the mailbox to act on, and the required
// folder_name resolved to a folder there.
func folderTarget(ctx context.Context, c *ews.Client, mailbox, folderName string) (*ews.Client, ews.FolderRef, error) {
	c, err := onMailbox(c, mailbox)
	if err != nil {
		return nil, ews.FolderRef{}, err
	}
	if strings.TrimSpace(folderName) == "" {
		return nil, ews.FolderRef{}, paramErr("folder_name", "parameter %q is required", "folder_name")
	}
	f, err := folderParam(ctx, c, "folder_name", folderName, ews.Inbox)
	if err != nil {
		return nil, ews.FolderRef{}, err
	}
	return c, f, nil
}

// deleteTypeParam reads a delete_type parameter (default Move To Trash).
func deleteTypeParam(s string) (string, error) {
	dt := orDefault(s, "Move To Trash")
	name, ok := choose(dt, []string{"Soft Delete", "Hard Delete", "Move To Trash"})
	if !ok {
		return "", paramErr("delete_type", "parameter %q: %q is not one of \"Soft Delete\", \"Hard Delete\", \"Move To Trash\"", "delete_type", dt)
	}
	return name, nil
}
