package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// ContactCreateOptions says where a contact is created.
type ContactCreateOptions struct {
	// Folder is the contacts folder; the zero value means the default Contacts folder.
	Folder FolderRef
}

// Create creates a contact and returns its id.
func (s ewsContacts) create(ctx context.Context, ct Contact, opts ContactCreateOptions) (string, error) {
	c := s.c
	w, err := wireContact("Contact", &ct)
	if err != nil {
		return "", err
	}
	ref, err := s.contactsFolder(ctx, "ContactCreateOptions.Folder", opts.Folder)
	if err != nil {
		return "", err
	}
	req := &soap.CreateItem{SavedItemFolderID: &soap.TargetFolder{Folder: ref}, Items: soap.ItemList{w}}
	return c.createWithID(ctx, req)
}
