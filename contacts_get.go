package ews

import (
	"context"
	"iter"

	"github.com/ewsgo/ews/internal/soap"
)

// ContactListOptions selects the contacts List returns.
type ContactListOptions struct {
	// Folder is the contacts folder; the zero value means the default Contacts folder.
	Folder FolderRef
	// PageSize is how many contacts one request asks for, at most 1000; 0 means DefaultPageSize.
	PageSize int
}

// List returns every contact of a contacts folder, sorted by display name, a page at a time; each page's
// details are fetched with GetItem. Distribution lists in the folder are skipped. Breaking out of the loop stops
// the requests.
func (s ewsContacts) list(ctx context.Context, opts ContactListOptions) iter.Seq2[*Contact, error] {
	return func(yield func(*Contact, error) bool) {
		c := s.c
		size, err := pageSize("ContactListOptions.PageSize", opts.PageSize)
		if err != nil {
			yield(nil, err)
			return
		}
		ref, err := s.contactsFolder(ctx, "ContactListOptions.Folder", opts.Folder)
		if err != nil {
			yield(nil, err)
			return
		}
		err = eachPage(ctx, size, 0, func(ctx context.Context, view *soap.IndexedPageView) (page, bool, error) {
			resp, err := doOne(ctx, c, &soap.FindItem{
				Traversal:       "Shallow",
				ItemShape:       soap.ItemShape{BaseShape: "IdOnly"},
				IndexedPageView: view,
				SortOrder:       soap.SortOrder{{Order: "Ascending", Path: soap.Path{FieldURI: "contacts:DisplayName"}}},
				ParentFolderIDs: []soap.FolderRef{ref},
			})
			if err != nil {
				return page{}, false, err
			}
			root := &resp.ResponseMessages[0].RootFolder
			var ids []string
			for _, it := range root.Items.Items {
				if it.XMLName.Local == "Contact" && it.ItemID != nil {
					ids = append(ids, it.ItemID.ID)
				}
			}
			cts, err := s.getContacts(ctx, ids, true)
			if err != nil {
				return page{}, false, err
			}
			for _, ct := range cts {
				if !yield(ct, nil) {
					return page{}, true, nil
				}
			}
			return itemPage(root), false, nil
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// Get returns a contact by id.
func (s ewsContacts) get(ctx context.Context, id string) (*Contact, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	cts, err := s.getContacts(ctx, []string{id}, false)
	if err != nil {
		return nil, err
	}
	return cts[0], nil
}

// getContacts fetches contacts by id, getBatch at a time; with skipMissing, contacts deleted since they were
// listed are left out.
func (s *ContactsService) getContacts(ctx context.Context, ids []string, skipMissing bool) ([]*Contact, error) {
	c := s.c
	var out []*Contact
	shape := soap.ItemShape{BaseShape: "AllProperties", BodyType: "Text"}
	err := c.getTyped(ctx, ids, shape, "Contact", "a contact", skipMissing, func(it *soap.Item) {
		out = append(out, contactFromWire(it))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
