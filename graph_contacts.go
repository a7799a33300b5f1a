package ews

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
)

// graphContacts is the Microsoft Graph wire of ContactsService (see contacts_wire.go), over internal/graph: the
// mailbox's contacts (/contacts), and name resolution over the directory (/users) and the contacts. Input is
// checked with the EWS wire's rules, before any request. What Graph's contact cannot hold (phones other than
// business, home and mobile; a well-known folder other than Contacts) and what app-only Graph cannot do
// (expanding a distribution list) is refused with a *NotSupportedError before any request. Contacts in other
// folders than Contacts are under /contactFolders/{id}/contacts.
type graphContacts struct{ *ContactsService }

func (s graphContacts) g() *graph.Client { return s.c.graph }

// graphContactsRef checks a contacts folder reference for the graph backend before any request: the Contacts
// folder, a contact folder's Graph id, or a path; of the well-known folders only Contacts is a contact folder
// over Graph.
func graphContactsRef(field string, f FolderRef) error {
	if err := f.check(field); err != nil {
		return err
	}
	if f.kind == 'd' && distinguishedNames[strings.ToLower(f.value)] != "contacts" {
		return &NotSupportedError{Backend: string(BackendGraph), What: field + " " + f.String(),
			Msg:  "Graph's contact folders are not mail folders: of the well-known folders only Contacts is one",
			Hint: `give the folder's path ("Contacts/Vendors") or its id`}
	}
	if parts := splitPath(f.value); f.kind == 'p' && len(parts) > 1 && distinguishedNames[strings.ToLower(parts[0])] != "contacts" {
		return &NotSupportedError{Backend: string(BackendGraph), What: field + " " + f.String(),
			Msg:  "Graph reaches contact folders below the Contacts folder only",
			Hint: `give a path that starts at Contacts ("Contacts/Vendors/EU"), or the folder's id`}
	}
	return nil
}

// contactFolderID resolves a checked contacts folder reference to a Graph contact folder id ("" for the
// Contacts folder). A path names folders below Contacts, one level at a time ("Contacts/Vendors/EU"; a bare name
// "Vendors" is a folder in Contacts: Graph reaches contact folders from the Contacts folder only): GET
// /contactFolders, then /contactFolders/{id}/childFolders. Found ids are cached for the client's lifetime.
func (s graphContacts) contactFolderID(ctx context.Context, field string, f FolderRef) (string, error) {
	switch f.kind {
	case 0, 'd':
		return "", nil
	case 'i':
		return s.c.graphID(ctx, f.value) // an EWS folder id is translated, as for mail folders
	}
	parts := splitPath(f.value)
	if distinguishedNames[strings.ToLower(parts[0])] == "contacts" {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return "", nil
	}
	key := strings.ToLower("graphcontacts\x00" + s.c.mailbox + "\x00" + strings.Join(parts, "/"))
	s.c.shared.mu.Lock()
	ref, ok := s.c.shared.folders[key]
	s.c.shared.mu.Unlock()
	if ok {
		return ref.ID, nil
	}
	cur := ""
	for i, name := range parts {
		fs, err := s.g().ContactFolders(ctx, cur)
		if err != nil {
			return "", s.c.graphErr("list contact folders", err, ErrFolderNotFound)
		}
		next := ""
		for _, cf := range fs {
			if strings.EqualFold(cf.DisplayName, name) {
				next = cf.ID
				break
			}
		}
		if next == "" {
			return "", &Error{Code: ErrFolderNotFound.Code,
				Message: fmt.Sprintf("no contact folder %q in %q", name, strings.Join(append([]string{"Contacts"}, parts[:i]...), "/"))}
		}
		cur = next
	}
	s.c.shared.mu.Lock()
	s.c.shared.folders[key] = soap.FolderRef{ID: cur}
	s.c.shared.mu.Unlock()
	return cur, nil
}

// graphPhoneKeys are the phones Graph's contact holds, and where.
var graphPhoneKeys = map[PhoneKey]bool{PhoneBusiness: true, PhoneBusiness2: true, PhoneHome: true, PhoneHome2: true, PhoneMobile: true}

func phonesUnsupported(field string, phones map[PhoneKey]string) error {
	for _, k := range contactMapKeys(phones) {
		if !graphPhoneKeys[k] {
			return &NotSupportedError{Backend: string(BackendGraph), What: fmt.Sprintf("%s[%s]", field, k),
				Msg:  "Graph's contact holds business, home and mobile phones only",
				Hint: "use BusinessPhone, BusinessPhone2, HomePhone, HomePhone2 or MobilePhone"}
		}
	}
	return nil
}

func graphAddress(a PhysicalAddress) *graph.PhysicalAddress {
	return &graph.PhysicalAddress{Street: a.Street, City: a.City, State: a.State, PostalCode: a.PostalCode, CountryOrRegion: a.CountryOrRegion}
}

func (s graphContacts) create(ctx context.Context, ct Contact, opts ContactCreateOptions) (string, error) {
	if _, err := wireContact("Contact", &ct); err != nil { // the EWS wire's checks
		return "", err
	}
	if err := firstErr(graphContactsRef("ContactCreateOptions.Folder", opts.Folder), phonesUnsupported("Contact.Phones", ct.Phones)); err != nil {
		return "", err
	}
	gc := &graph.Contact{DisplayName: ct.DisplayName, GivenName: ct.GivenName, Surname: ct.Surname, FileAs: ct.FileAs,
		CompanyName: ct.CompanyName, JobTitle: ct.JobTitle, Department: ct.Department, PersonalNotes: ct.Notes,
		Categories: ct.Categories}
	if gc.DisplayName == "" {
		gc.DisplayName = strings.TrimSpace(ct.GivenName + " " + ct.Surname)
	}
	for i, e := range ct.EmailAddresses {
		m, err := parseAddress(fmt.Sprintf("Contact.EmailAddresses[%d]", i), e)
		if err != nil {
			return "", err
		}
		gc.EmailAddresses = append(gc.EmailAddresses, graph.EmailAddress{Name: m.Name, Address: m.EmailAddress})
	}
	for _, k := range contactMapKeys(ct.Phones) {
		v := strings.TrimSpace(ct.Phones[k])
		if v == "" {
			continue
		}
		switch k {
		case PhoneBusiness, PhoneBusiness2:
			gc.BusinessPhones = append(gc.BusinessPhones, v)
		case PhoneHome, PhoneHome2:
			gc.HomePhones = append(gc.HomePhones, v)
		case PhoneMobile:
			gc.MobilePhone = v
		}
	}
	for k, a := range ct.Addresses {
		if a == (PhysicalAddress{}) {
			continue
		}
		switch k {
		case AddressBusiness:
			gc.BusinessAddress = graphAddress(a)
		case AddressHome:
			gc.HomeAddress = graphAddress(a)
		case AddressOther:
			gc.OtherAddress = graphAddress(a)
		}
	}
	folder, err := s.contactFolderID(ctx, "ContactCreateOptions.Folder", opts.Folder)
	if err != nil {
		return "", err
	}
	out, err := s.g().CreateContactIn(ctx, folder, gc)
	if err != nil {
		return "", s.c.graphErr("create contact", err, folderNotFound(folder))
	}
	return out.ID, nil
}

// contactFromGraph converts Graph's contact.
func contactFromGraph(gc *graph.Contact) *Contact {
	ct := &Contact{ID: gc.ID, ChangeKey: gc.ChangeKey, DisplayName: gc.DisplayName, GivenName: gc.GivenName,
		Surname: gc.Surname, FileAs: gc.FileAs, CompanyName: gc.CompanyName, JobTitle: gc.JobTitle,
		Department: gc.Department, Notes: gc.PersonalNotes, Categories: gc.Categories}
	for _, e := range gc.EmailAddresses {
		if a := smtpAddress(e.Address); a != "" {
			ct.EmailAddresses = append(ct.EmailAddresses, a)
		}
	}
	phone := func(k PhoneKey, v string) {
		if v = strings.TrimSpace(v); v != "" {
			if ct.Phones == nil {
				ct.Phones = map[PhoneKey]string{}
			}
			ct.Phones[k] = v
		}
	}
	for i, v := range gc.BusinessPhones {
		phone([]PhoneKey{PhoneBusiness, PhoneBusiness2, ""}[min(i, 2)], v)
	}
	for i, v := range gc.HomePhones {
		phone([]PhoneKey{PhoneHome, PhoneHome2, ""}[min(i, 2)], v)
	}
	delete(ct.Phones, "")
	phone(PhoneMobile, gc.MobilePhone)
	for k, a := range map[AddressKey]*graph.PhysicalAddress{AddressBusiness: gc.BusinessAddress, AddressHome: gc.HomeAddress, AddressOther: gc.OtherAddress} {
		if a == nil {
			continue
		}
		pa := PhysicalAddress{Street: a.Street, City: a.City, State: a.State, PostalCode: a.PostalCode, CountryOrRegion: a.CountryOrRegion}
		if pa == (PhysicalAddress{}) {
			continue
		}
		if ct.Addresses == nil {
			ct.Addresses = map[AddressKey]PhysicalAddress{}
		}
		ct.Addresses[k] = pa
	}
	return ct
}

func (s graphContacts) list(ctx context.Context, opts ContactListOptions) iter.Seq2[*Contact, error] {
	return func(yield func(*Contact, error) bool) {
		size, err := pageSize("ContactListOptions.PageSize", opts.PageSize)
		if err == nil {
			err = graphContactsRef("ContactListOptions.Folder", opts.Folder)
		}
		var folder string
		if err == nil {
			folder, err = s.contactFolderID(ctx, "ContactListOptions.Folder", opts.Folder)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		p, err := s.g().ListContacts(ctx, graph.ContactListOptions{Folder: folder, OrderBy: "displayName", Top: size})
		for {
			if err != nil {
				yield(nil, s.c.graphErr("list contacts", err, folderNotFound(folder)))
				return
			}
			for i := range p.Value {
				if !yield(contactFromGraph(&p.Value[i]), nil) {
					return
				}
			}
			if p.NextLink == "" {
				return
			}
			p, err = s.g().NextContacts(ctx, p.NextLink)
		}
	}
}

func (s graphContacts) get(ctx context.Context, id string) (*Contact, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	id, err := s.c.graphID(ctx, id)
	if err != nil {
		return nil, err
	}
	gc, err := s.g().GetContact(ctx, id)
	if err != nil {
		return nil, s.c.graphErr("get contact", err, nil)
	}
	return contactFromGraph(gc), nil
}

func (s graphContacts) update(ctx context.Context, id string, ch ContactChanges) error {
	if err := checkID(id); err != nil {
		return err
	}
	if _, err := contactUpdates(&ch); err != nil { // the EWS wire's checks
		return err
	}
	if err := phonesUnsupported("ContactChanges.Phones", ch.Phones); err != nil {
		return err
	}
	p := graph.ContactPatch{DisplayName: ch.DisplayName, GivenName: ch.GivenName, Surname: ch.Surname, FileAs: ch.FileAs,
		CompanyName: ch.CompanyName, JobTitle: ch.JobTitle, Department: ch.Department, PersonalNotes: ch.Notes}
	if ch.Categories != nil {
		v := append([]string{}, ch.Categories...)
		p.Categories = &v
	}
	if ch.EmailAddresses != nil {
		v := []graph.EmailAddress{}
		for i, e := range ch.EmailAddresses {
			m, err := parseAddress(fmt.Sprintf("ContactChanges.EmailAddresses[%d]", i), e)
			if err != nil {
				return err
			}
			v = append(v, graph.EmailAddress{Name: m.Name, Address: m.EmailAddress})
		}
		p.EmailAddresses = &v
	}
	id, err := s.c.graphID(ctx, id)
	if err != nil {
		return err
	}
	if len(ch.Phones) > 0 {
		// businessPhones and homePhones are lists: setting one of a pair needs the contact's other number.
		cur, err := s.g().GetContact(ctx, id, "businessPhones", "homePhones")
		if err != nil {
			return s.c.graphErr("get contact", err, nil)
		}
		pair := func(have []string, k1, k2 PhoneKey) *[]string {
			_, set1 := ch.Phones[k1]
			_, set2 := ch.Phones[k2]
			if !set1 && !set2 {
				return nil
			}
			v := [2]string{}
			copy(v[:], have)
			if set1 {
				v[0] = strings.TrimSpace(ch.Phones[k1])
			}
			if set2 {
				v[1] = strings.TrimSpace(ch.Phones[k2])
			}
			out := []string{}
			for _, x := range v {
				if x != "" {
					out = append(out, x)
				}
			}
			return &out
		}
		p.BusinessPhones = pair(cur.BusinessPhones, PhoneBusiness, PhoneBusiness2)
		p.HomePhones = pair(cur.HomePhones, PhoneHome, PhoneHome2)
		if v, ok := ch.Phones[PhoneMobile]; ok {
			v = strings.TrimSpace(v)
			p.MobilePhone = &v
		}
	}
	for k, a := range ch.Addresses {
		ga := graphAddress(a)
		switch k {
		case AddressBusiness:
			p.BusinessAddress = ga
		case AddressHome:
			p.HomeAddress = ga
		case AddressOther:
			p.OtherAddress = ga
		}
	}
	if p == (graph.ContactPatch{}) {
		return phraseErr("ContactChanges", "has no change")
	}
	if _, err := s.g().UpdateContact(ctx, id, &p); err != nil {
		return s.c.graphErr("update contact", err, nil)
	}
	return nil
}

func (s graphContacts) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	if how != string(MoveToDeletedItems) {
		return &NotSupportedError{Backend: string(BackendGraph), What: "DeleteOptions.How " + how,
			Msg: "Graph deletes contacts to Deleted Items only", Hint: "use MoveToDeletedItems (the zero value)"}
	}
	return s.c.graphDeleteByID(ctx, ids, func(ctx context.Context, id string) error {
		if err := s.g().DeleteContact(ctx, id); err != nil {
			return s.c.graphErr("delete contact", err, nil)
		}
		return nil
	})
}

// resolveNames is ResolveNames over Graph: directory users whose names or address start with name
// (/users?$filter=startswith(...), which needs User.Read.All), then the mailbox's contacts whose names start with
// name or whose address is name, in the order of opts.Scope. "smtp:" keeps only exact address matches, as EWS
// does.
func (s graphContacts) resolveNames(ctx context.Context, name string, opts ResolveOptions) ([]Resolution, error) {
	name, err := checkResolve(name, opts)
	if err != nil {
		return nil, err
	}
	if err := graphContactsRef("ResolveOptions.Folder", opts.Folder); err != nil {
		return nil, err
	}
	folder, err := s.contactFolderID(ctx, "ResolveOptions.Folder", opts.Folder)
	if err != nil {
		return nil, err
	}
	exact := ""
	if len(name) > 5 && strings.EqualFold(name[:5], "smtp:") {
		exact = strings.TrimSpace(name[5:])
	}
	rs, err := s.g().ResolveNameIn(ctx, name, folder)
	if err != nil {
		return nil, s.c.graphErr("resolve names", err, folderNotFound(folder))
	}
	var users, contacts []Resolution
	for _, r := range rs {
		if exact != "" && !strings.EqualFold(r.Address, exact) {
			continue
		}
		switch {
		case r.User != nil:
			res := Resolution{Mailbox: Mailbox{Name: r.Name, Email: r.Address, RoutingType: "SMTP", Type: MailboxUser}}
			if opts.ContactData {
				u := r.User
				ct := &Contact{DisplayName: u.DisplayName, GivenName: u.GivenName, Surname: u.Surname,
					JobTitle: u.JobTitle, Department: u.Department}
				if r.Address != "" {
					ct.EmailAddresses = []string{r.Address}
				}
				for i, p := range u.BusinessPhones {
					if i < 2 && strings.TrimSpace(p) != "" {
						if ct.Phones == nil {
							ct.Phones = map[PhoneKey]string{}
						}
						ct.Phones[[]PhoneKey{PhoneBusiness, PhoneBusiness2}[i]] = strings.TrimSpace(p)
					}
				}
				if m := strings.TrimSpace(u.MobilePhone); m != "" {
					if ct.Phones == nil {
						ct.Phones = map[PhoneKey]string{}
					}
					ct.Phones[PhoneMobile] = m
				}
				res.Contact = ct
			}
			users = append(users, res)
		case r.Contact != nil:
			contacts = append(contacts, Resolution{Mailbox: Mailbox{Name: r.Name, Email: r.Address, RoutingType: "SMTP",
				Type: MailboxContact, ContactID: r.Contact.ID}, Contact: contactFromGraph(r.Contact)})
		}
	}
	var out []Resolution
	switch opts.Scope {
	case ScopeDirectory:
		out = users
	case ScopeContacts:
		out = contacts
	case ScopeContactsDirectory:
		out = append(contacts, users...)
	default:
		out = append(users, contacts...)
	}
	if len(out) > 100 {
		out = out[:100]
	}
	if len(out) == 0 {
		return nil, &OpError{Op: "resolve names", Err: &Error{Code: ErrNameResolutionNoResults.Code,
			Message: "No results were found."}}
	}
	return out, nil
}

func (s graphContacts) expandDL(context.Context, string) (*DistributionList, error) {
	return nil, &NotSupportedError{Backend: string(BackendGraph), What: "ExpandDL",
		Msg:  "distribution lists are Microsoft 365 groups over Graph, read with Group.Read.All, which the graph backend does not use",
		Hint: "see docs/GRAPH.md"}
}
