package ews

import (
	"context"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// ContactChanges lists the changes to make to a contact. Nil pointers and nil slices and maps leave a field
// as it is; a pointer to "" clears a field.
type ContactChanges struct {
	DisplayName, GivenName, Surname, FileAs *string
	CompanyName, JobTitle, Department       *string
	Notes                                   *string
	// EmailAddresses replaces all three addresses when not nil (an empty, non-nil list removes them).
	EmailAddresses []string
	// Phones sets the numbers given; an empty number removes that phone.
	Phones map[PhoneKey]string
	// Addresses sets the addresses given; a zero PhysicalAddress removes that address.
	Addresses map[AddressKey]PhysicalAddress
	// Categories replaces the categories when not nil (an empty, non-nil list removes them).
	Categories []string
}

// Update changes a contact. Only the fields set in ch are sent.
func (s ewsContacts) update(ctx context.Context, id string, ch ContactChanges) error {
	c := s.c
	if err := checkID(id); err != nil {
		return err
	}
	updates, err := contactUpdates(&ch)
	if err != nil {
		return err
	}
	if len(updates) == 0 {
		return phraseErr("ContactChanges", "has no change")
	}
	req := &soap.UpdateItem{ConflictResolution: "AutoResolve", ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: id}, Updates: updates}}}
	_, err = doOne(ctx, c, req)
	return err
}

// contactUpdates checks ch and builds its updates.
func contactUpdates(ch *ContactChanges) ([]soap.Update, error) {
	var u []soap.Update
	set := func(p soap.Path, item *soap.Contact) { u = append(u, soap.Update{Path: p, Item: item}) }
	del := func(p soap.Path) { u = append(u, soap.Update{Path: p}) }
	field := func(uri string) soap.Path { return soap.Path{FieldURI: uri} }
	if err := firstErr(checkTextPtr("ContactChanges.DisplayName", ch.DisplayName), checkTextPtr("ContactChanges.GivenName", ch.GivenName),
		checkTextPtr("ContactChanges.Surname", ch.Surname), checkTextPtr("ContactChanges.FileAs", ch.FileAs),
		checkTextPtr("ContactChanges.CompanyName", ch.CompanyName), checkTextPtr("ContactChanges.JobTitle", ch.JobTitle),
		checkTextPtr("ContactChanges.Department", ch.Department), checkTextPtr("ContactChanges.Notes", ch.Notes),
		checkTexts("ContactChanges.Categories", ch.Categories)); err != nil {
		return nil, err
	}
	if ch.Notes != nil {
		if *ch.Notes == "" {
			del(field("item:Body"))
		} else {
			set(field("item:Body"), &soap.Contact{Body: &soap.Body{BodyType: "Text", Text: *ch.Notes}})
		}
	}
	if ch.Categories != nil {
		if len(ch.Categories) == 0 {
			del(field("item:Categories"))
		} else {
			set(field("item:Categories"), &soap.Contact{Categories: &soap.Strings{Strings: ch.Categories}})
		}
	}
	for _, f := range []struct {
		uri string
		v   *string
		put func(*soap.Contact, string)
	}{
		{"contacts:FileAs", ch.FileAs, func(w *soap.Contact, s string) { w.FileAs = s }},
		{"contacts:DisplayName", ch.DisplayName, func(w *soap.Contact, s string) { w.DisplayName = s }},
		{"contacts:GivenName", ch.GivenName, func(w *soap.Contact, s string) { w.GivenName = s }},
		{"contacts:CompanyName", ch.CompanyName, func(w *soap.Contact, s string) { w.CompanyName = s }},
		{"contacts:Department", ch.Department, func(w *soap.Contact, s string) { w.Department = s }},
		{"contacts:JobTitle", ch.JobTitle, func(w *soap.Contact, s string) { w.JobTitle = s }},
		{"contacts:Surname", ch.Surname, func(w *soap.Contact, s string) { w.Surname = s }},
	} {
		switch {
		case f.v == nil:
		case *f.v == "":
			del(field(f.uri))
		default:
			w := &soap.Contact{}
			f.put(w, *f.v)
			set(field(f.uri), w)
		}
	}
	if ch.EmailAddresses != nil {
		if len(ch.EmailAddresses) > len(emailKeys) {
			return nil, phraseErr("ContactChanges.EmailAddresses", "has %d addresses; a contact holds at most 3", len(ch.EmailAddresses))
		}
		for i, key := range emailKeys {
			p := soap.Path{FieldURI: "contacts:EmailAddress", FieldIndex: key}
			if i >= len(ch.EmailAddresses) {
				del(p)
				continue
			}
			m, err := parseAddress(fmt.Sprintf("ContactChanges.EmailAddresses[%d]", i), ch.EmailAddresses[i])
			if err != nil {
				return nil, err
			}
			set(p, &soap.Contact{EmailAddresses: &soap.DictEntries{Entries: []soap.DictEntry{{Key: key, Value: m.EmailAddress}}}})
		}
	}
	phones, err := wirePhones("ContactChanges", ch.Phones, true)
	if err != nil {
		return nil, err
	}
	for _, e := range phones {
		p := soap.Path{FieldURI: "contacts:PhoneNumber", FieldIndex: e.Key}
		if e.Value == "" {
			del(p)
		} else {
			set(p, &soap.Contact{PhoneNumbers: &soap.DictEntries{Entries: []soap.DictEntry{e}}})
		}
	}
	for _, k := range contactMapKeys(ch.Addresses) {
		if err := checkEnum("ContactChanges.Addresses key", k, addressKeys); err != nil {
			return nil, err
		}
		if k == "" {
			return nil, phraseErr("ContactChanges.Addresses", "has an empty key")
		}
		a := ch.Addresses[k]
		if err := a.check(fmt.Sprintf("ContactChanges.Addresses[%s]", k)); err != nil {
			return nil, err
		}
		for _, part := range []struct{ name, v string }{
			{"Street", a.Street}, {"City", a.City}, {"State", a.State}, {"CountryOrRegion", a.CountryOrRegion}, {"PostalCode", a.PostalCode},
		} {
			p := soap.Path{FieldURI: "contacts:PhysicalAddress:" + part.name, FieldIndex: string(k)}
			if part.v == "" {
				del(p)
				continue
			}
			e := soap.PhysicalAddressEntry{Key: string(k)}
			switch part.name {
			case "Street":
				e.Street = part.v
			case "City":
				e.City = part.v
			case "State":
				e.State = part.v
			case "CountryOrRegion":
				e.CountryOrRegion = part.v
			case "PostalCode":
				e.PostalCode = part.v
			}
			set(p, &soap.Contact{PhysicalAddresses: &soap.PhysicalAddresses{Entries: []soap.PhysicalAddressEntry{e}}})
		}
	}
	return u, nil
}

// Delete deletes contacts, in batches, the way opts.How says. Contacts that fail are reported in a
// *BatchError; the others are deleted.
func (s ewsContacts) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	return s.c.deleteByID(ctx, ids, &soap.DeleteItem{DeleteType: how})
}
