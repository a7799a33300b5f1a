package ews

import (
	"context"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// MailboxType says what kind of recipient a Mailbox is.
type MailboxType string

// Mailbox types.
const (
	MailboxUser         MailboxType = "Mailbox"   // a user's mailbox in the directory
	MailboxPublicDL     MailboxType = "PublicDL"  // a distribution list in the directory
	MailboxPrivateDL    MailboxType = "PrivateDL" // a distribution list in a contacts folder
	MailboxContact      MailboxType = "Contact"   // a contact (in a contacts folder, or a mail contact)
	MailboxPublicFolder MailboxType = "PublicFolder"
	MailboxOneOff       MailboxType = "OneOff"
	MailboxGroup        MailboxType = "GroupMailbox"
	MailboxUnknown      MailboxType = "Unknown"
)

// Mailbox is a recipient as the directory or a contacts folder knows it.
type Mailbox struct {
	Name        string
	Email       string
	RoutingType string // "SMTP" usually
	Type        MailboxType
	// ContactID is the id of the contact or private distribution list, for entries of a contacts folder.
	ContactID string
}

// SearchScope says where ResolveNames looks, and in which order.
type SearchScope string

// Search scopes.
const (
	ScopeDirectory         SearchScope = "ActiveDirectory"
	ScopeDirectoryContacts SearchScope = "ActiveDirectoryContacts" // the directory, then contacts (the default)
	ScopeContacts          SearchScope = "Contacts"
	ScopeContactsDirectory SearchScope = "ContactsActiveDirectory" // contacts, then the directory
)

// ResolveOptions shapes ResolveNames.
type ResolveOptions struct {
	// Scope is where to look; the zero value means ScopeDirectoryContacts.
	Scope SearchScope
	// Folder is the contacts folder to search; the zero value means the default Contacts folder.
	Folder FolderRef
	// ContactData asks for the directory's contact data (names, phones, addresses) of directory entries;
	// entries from contacts folders always come with theirs.
	ContactData bool
}

// Resolution is one candidate of ResolveNames.
type Resolution struct {
	Mailbox Mailbox
	// Contact is the candidate's contact data, or nil (a directory entry without ResolveOptions.ContactData).
	Contact *Contact
}

// checkResolve checks ResolveNames' name (returned trimmed) and options, for both backends.
func checkResolve(name string, opts ResolveOptions) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", phraseErr("name", "is empty")
	}
	if err := checkText("name", name); err != nil {
		return "", err
	}
	scopes := []SearchScope{ScopeDirectory, ScopeDirectoryContacts, ScopeContacts, ScopeContactsDirectory}
	return name, checkEnum("ResolveOptions.Scope", opts.Scope, scopes)
}

// ResolveNames looks up a name, part of a name or an address ("smith", "Jane Sm", "jane@example.com") in the
// directory and the contacts folder, as Outlook's "Check Names" does. A unique name gives one resolution, an
// ambiguous one several (at most 100); prefix an address with "smtp:" to match only that address exactly. When
// nothing matches, the error matches ErrNameResolutionNoResults.
func (s ewsContacts) resolveNames(ctx context.Context, name string, opts ResolveOptions) ([]Resolution, error) {
	c := s.c
	name, err := checkResolve(name, opts)
	if err != nil {
		return nil, err
	}
	req := &soap.ResolveNames{ReturnFullContactData: opts.ContactData, SearchScope: string(opts.Scope), UnresolvedEntry: name}
	if !opts.Folder.IsZero() {
		ref, err := c.wireFolder(ctx, "ResolveOptions.Folder", opts.Folder)
		if err != nil {
			return nil, err
		}
		req.ParentFolderIDs = soap.FolderList{ref}
	}
	if opts.ContactData && c.supports(featContactDataShape) {
		req.ContactDataShape = "AllProperties" // Exchange 2010 SP2 and later
	}
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return nil, err
	}
	m := &resp.ResponseMessages[0]
	if m.ResolutionSet == nil {
		return nil, nil
	}
	out := make([]Resolution, 0, len(m.ResolutionSet.Resolutions))
	for i := range m.ResolutionSet.Resolutions {
		r := &m.ResolutionSet.Resolutions[i]
		res := Resolution{Mailbox: mailboxFromWire(&r.Mailbox)}
		if r.Contact != nil {
			res.Contact = contactFromWire(r.Contact)
			if res.Contact.ID == "" {
				res.Contact.ID = res.Mailbox.ContactID
			}
		}
		out = append(out, res)
	}
	return out, nil
}

func mailboxFromWire(m *soap.MailboxResp) Mailbox {
	out := Mailbox{Name: m.Name, Email: stripRoutingType(m.EmailAddress), RoutingType: m.RoutingType, Type: MailboxType(m.MailboxType)}
	if m.ItemID != nil {
		out.ContactID = m.ItemID.ID
	}
	return out
}

// DistributionList is the expansion of a distribution list.
type DistributionList struct {
	// Members are the list's direct members; nested lists appear as members of type MailboxPublicDL (expand
	// them with another ExpandDL).
	Members []Mailbox
	// Truncated is true when the server returned only part of a very large list.
	Truncated bool
}

// ExpandDL returns the members of a distribution list of the directory, given its address. An unknown list
// gives an error matching ErrNameResolutionNoResults.
func (s ewsContacts) expandDL(ctx context.Context, address string) (*DistributionList, error) {
	c := s.c
	m, err := parseAddress("ExpandDL address", address)
	if err != nil {
		return nil, err
	}
	resp, err := doOne(ctx, c, &soap.ExpandDL{Mailbox: soap.Mailbox{EmailAddress: m.EmailAddress}})
	if err != nil {
		return nil, err
	}
	rm := &resp.ResponseMessages[0]
	dl := &DistributionList{Truncated: !rm.Complete()}
	for i := range rm.DLExpansion.Mailboxes {
		dl.Members = append(dl.Members, mailboxFromWire(&rm.DLExpansion.Mailboxes[i]))
	}
	return dl, nil
}
