package testserver

import (
	"sort"
	"strings"
)

// ResolveNames and ExpandDL against a fake directory: every mailbox of the server is a directory entry (a user
// with a mailbox), and AddDistributionList adds public distribution lists. ResolveNames also searches the
// contacts of the requesting mailbox.

func init() {
	register("ResolveNames", handleResolveNames)
	register("ExpandDL", handleExpandDL)
}

// distList is a public distribution list of the directory.
type distList struct {
	address, name string
	members       []string
}

// AddDistributionList adds a public distribution list to the directory, with members given by address (mailboxes
// of this server, other lists, or external addresses). An existing list of the same address is replaced.
func (s *Server) AddDistributionList(address, displayName string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dlists == nil {
		s.dlists = map[string]*distList{}
	}
	if displayName == "" {
		displayName = address[:max(0, strings.IndexByte(address, '@'))]
	}
	s.dlists[strings.ToLower(address)] = &distList{address: address, name: displayName, members: append([]string(nil), members...)}
}

// maxResolutions is the most candidates ResolveNames returns, as in Exchange.
const maxResolutions = 100

// resolution is one ResolveNames candidate.
type resolution struct {
	name, email, mailboxType string
	dirEntry                 bool
	contact                  *Item // a contact of the mailbox, or nil
	mb                       *Mailbox
}

// nameMatches reports whether entry matches an entry of the directory or a contact the way Exchange's ambiguous
// name resolution does for plain text: a prefix of the display name, of one of its words, of the address or of
// its local part, ignoring case. "smtp:addr" matches only that exact address.
func nameMatches(entry, display string, emails []string) bool {
	e := strings.ToLower(strings.TrimSpace(entry))
	if e == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(e, "smtp:"); ok {
		for _, a := range emails {
			if strings.EqualFold(a, rest) {
				return true
			}
		}
		return false
	}
	d := strings.ToLower(display)
	if strings.HasPrefix(d, e) {
		return true
	}
	for _, w := range strings.Fields(d) {
		if strings.HasPrefix(w, e) {
			return true
		}
	}
	for _, a := range emails {
		if strings.HasPrefix(strings.ToLower(a), e) {
			return true
		}
	}
	return false
}

func handleResolveNames(r *request, body *node) error {
	entry := strings.TrimSpace(body.textOf("UnresolvedEntry"))
	if entry == "" {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'UnresolvedEntry' element is invalid - The value '' is invalid according to its datatype 'NonEmptyStringType'.")
	}
	full := body.attr("ReturnFullContactData")
	if full != "true" && full != "false" && full != "1" && full != "0" {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'ReturnFullContactData' is missing or invalid.")
	}
	scope := body.attr("SearchScope")
	switch scope {
	case "":
		scope = "ActiveDirectoryContacts"
	case "ActiveDirectory", "ActiveDirectoryContacts", "Contacts", "ContactsActiveDirectory":
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'SearchScope' attribute is invalid - The value '%s' is invalid according to its datatype.", scope)
	}
	shape := itemShape{base: "Default", props: map[string]bool{}, bodyType: "Best"}
	switch cds := body.attr("ContactDataShape"); cds {
	case "", "Default":
	case "IdOnly", "AllProperties":
		shape.base = cds
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'ContactDataShape' attribute is invalid - The value '%s' is invalid according to its datatype.", cds)
	}
	r.messages()
	mb, folder := r.mailbox, r.mailbox.folders[r.mailbox.dist["contacts"]]
	if pf := body.child("ParentFolderIds"); pf != nil {
		if len(pf.kids()) != 1 {
			r.failure("ErrorInvalidRequest", "ResolveNames accepts a single contacts folder.", "")
			return nil
		}
		var ec *errorCode
		if mb, folder, ec = r.resolveFolder(pf.kids()[0]); ec != nil {
			r.failure(ec.code, ec.text, "")
			return nil
		}
	}
	var dir, contacts []resolution
	if scope != "Contacts" {
		dir = r.srv.directoryMatchesLocked(entry)
	}
	if scope != "ActiveDirectory" {
		contacts = contactMatchesLocked(mb, folder, entry)
	}
	found := append(dir, contacts...)
	if scope == "ContactsActiveDirectory" {
		found = append(contacts, dir...)
	}
	if len(found) == 0 {
		r.failure("ErrorNameResolutionNoResults", "No results were found.", "")
		return nil
	}
	total := len(found)
	found = found[:min(len(found), maxResolutions)]
	if len(found) == 1 {
		r.success()
	} else {
		r.w.open("m:ResolveNamesResponseMessage", "ResponseClass", "Warning")
		r.w.elem("m:MessageText", "Multiple results were found.")
		r.w.elem("m:ResponseCode", "ErrorNameResolutionMultipleResults")
		r.w.elem("m:DescriptiveLinkKey", "0")
	}
	r.w.open("m:ResolutionSet", "TotalItemsInView", itoa(total), "IncludesLastItemInRange", boolStr(len(found) == total))
	for _, res := range found {
		r.w.open("t:Resolution")
		r.w.open("t:Mailbox")
		r.w.elemIf("t:Name", res.name)
		r.w.elemIf("t:EmailAddress", res.email)
		r.w.elem("t:RoutingType", "SMTP")
		r.w.elem("t:MailboxType", res.mailboxType)
		if res.contact != nil {
			r.w.empty("t:ItemId", "Id", res.contact.ID, "ChangeKey", res.contact.ChangeKey)
		}
		r.w.close()
		switch {
		case res.contact != nil && res.contact.ItemClass != "IPM.DistList":
			r.writeItem(mb, res.contact, shape)
		case res.dirEntry && (full == "true" || full == "1"):
			writeDirectoryContact(&r.w, res)
		}
		r.w.close()
	}
	r.w.close().close()
	return nil
}

// directoryMatchesLocked returns the mailboxes and public distribution lists that match entry, by address.
func (s *Server) directoryMatchesLocked(entry string) []resolution {
	var out []resolution
	for _, mb := range s.mailboxes {
		if nameMatches(entry, mb.DisplayName, []string{mb.Address}) {
			out = append(out, resolution{name: mb.DisplayName, email: mb.Address, mailboxType: "Mailbox", dirEntry: true, mb: mb})
		}
	}
	for _, dl := range s.dlists {
		if nameMatches(entry, dl.name, []string{dl.address}) {
			out = append(out, resolution{name: dl.name, email: dl.address, mailboxType: "PublicDL", dirEntry: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].email) < strings.ToLower(out[j].email) })
	return out
}

// contactMatchesLocked returns the contacts and private distribution lists of a folder that match entry.
func contactMatchesLocked(mb *Mailbox, f *Folder, entry string) []resolution {
	var out []resolution
	for _, it := range mb.itemsInLocked(f.ID) {
		if it.Kind() != "contact" {
			continue
		}
		emails := contactEmails(it)
		display := orDefault(it.DisplayName, strings.TrimSpace(it.GivenName+" "+it.Surname))
		if !nameMatches(entry, display+" "+it.FileAs, emails) {
			continue
		}
		res := resolution{name: display, mailboxType: "Contact", contact: it}
		if len(emails) > 0 {
			res.email = emails[0]
		}
		if it.ItemClass == "IPM.DistList" {
			res.mailboxType = "PrivateDL"
		}
		out = append(out, res)
	}
	return out
}

// writeDirectoryContact writes the directory's contact data of an entry (no ItemId: it is not a store item).
func writeDirectoryContact(w *xw, res resolution) {
	given, surname := res.name, ""
	if i := strings.LastIndexByte(res.name, ' '); i > 0 {
		given, surname = res.name[:i], res.name[i+1:]
	}
	w.open("t:Contact")
	w.elemIf("t:DisplayName", res.name)
	if res.mailboxType == "Mailbox" {
		w.elemIf("t:GivenName", given)
	}
	w.open("t:EmailAddresses")
	w.open("t:Entry", "Key", "EmailAddress1").raw(escape("SMTP:" + res.email)).close()
	w.close()
	w.elem("t:ContactSource", "ActiveDirectory")
	if res.mailboxType == "Mailbox" {
		w.elemIf("t:Surname", surname)
	}
	w.close()
}

func handleExpandDL(r *request, body *node) error {
	mbn := body.child("Mailbox")
	if mbn == nil {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: Mailbox is required.")
	}
	r.messages()
	addr := stripSMTP(mbn.textOf("EmailAddress"))
	dl := r.srv.dlists[strings.ToLower(addr)]
	if addr == "" || dl == nil {
		r.failure("ErrorNameResolutionNoResults", "No results were found.", "")
		return nil
	}
	r.success()
	r.w.open("m:DLExpansion", "TotalItemsInView", itoa(len(dl.members)), "IncludesLastItemInRange", "true")
	for _, m := range dl.members {
		name, typ := m, "Contact"
		if mb := r.srv.mailboxes[strings.ToLower(m)]; mb != nil {
			name, typ = mb.DisplayName, "Mailbox"
		} else if sub := r.srv.dlists[strings.ToLower(m)]; sub != nil {
			name, typ = sub.name, "PublicDL"
		}
		r.w.open("t:Mailbox")
		r.w.elem("t:Name", name)
		r.w.elem("t:EmailAddress", m)
		r.w.elem("t:RoutingType", "SMTP")
		r.w.elem("t:MailboxType", typ)
		r.w.close()
	}
	r.w.close().close()
	return nil
}
