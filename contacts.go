package ews

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// ContactsService lists, reads, creates, updates and deletes contacts, resolves names and expands distribution
// lists. Get it from Client.Contacts.
type ContactsService struct {
	c *Client
}

func (s *ContactsService) contactsFolder(ctx context.Context, field string, f FolderRef) (soap.FolderRef, error) {
	c := s.c
	if f.IsZero() {
		f = ContactsFolder
	}
	return c.wireFolder(ctx, field, f)
}

// PhoneKey names a phone number of a contact.
type PhoneKey string

// Phone number keys (EWS PhoneNumberKeyType).
const (
	PhoneAssistant      PhoneKey = "AssistantPhone"
	PhoneBusinessFax    PhoneKey = "BusinessFax"
	PhoneBusiness       PhoneKey = "BusinessPhone"
	PhoneBusiness2      PhoneKey = "BusinessPhone2"
	PhoneCallback       PhoneKey = "Callback"
	PhoneCar            PhoneKey = "CarPhone"
	PhoneCompanyMain    PhoneKey = "CompanyMainPhone"
	PhoneHomeFax        PhoneKey = "HomeFax"
	PhoneHome           PhoneKey = "HomePhone"
	PhoneHome2          PhoneKey = "HomePhone2"
	PhoneIsdn           PhoneKey = "Isdn"
	PhoneMobile         PhoneKey = "MobilePhone"
	PhoneOtherFax       PhoneKey = "OtherFax"
	PhoneOtherTelephone PhoneKey = "OtherTelephone"
	PhonePager          PhoneKey = "Pager"
	PhonePrimary        PhoneKey = "PrimaryPhone"
	PhoneRadio          PhoneKey = "RadioPhone"
	PhoneTelex          PhoneKey = "Telex"
	PhoneTtyTdd         PhoneKey = "TtyTddPhone"
)

var phoneKeys = []PhoneKey{PhoneAssistant, PhoneBusinessFax, PhoneBusiness, PhoneBusiness2, PhoneCallback, PhoneCar,
	PhoneCompanyMain, PhoneHomeFax, PhoneHome, PhoneHome2, PhoneIsdn, PhoneMobile, PhoneOtherFax, PhoneOtherTelephone,
	PhonePager, PhonePrimary, PhoneRadio, PhoneTelex, PhoneTtyTdd}

// AddressKey names a postal address of a contact.
type AddressKey string

// Postal address keys.
const (
	AddressBusiness AddressKey = "Business"
	AddressHome     AddressKey = "Home"
	AddressOther    AddressKey = "Other"
)

var addressKeys = []AddressKey{AddressBusiness, AddressHome, AddressOther}

// PhysicalAddress is a postal address.
type PhysicalAddress struct {
	Street, City, State, PostalCode, CountryOrRegion string
}

// Contact is a contact of a contacts folder.
type Contact struct {
	ID        string
	ChangeKey string
	// DisplayName defaults to "GivenName Surname" when a contact is created without one.
	DisplayName string
	GivenName   string
	Surname     string
	// FileAs is the name the contact is sorted by ("Doe, Jane").
	FileAs      string
	CompanyName string
	JobTitle    string
	Department  string
	// EmailAddresses are the contact's SMTP addresses, at most three (Exchange's EmailAddress1 to 3), in order.
	// Entries of other routing types (a directory entry's "sip:" or "X500:" address, a legacy Exchange DN) are
	// left out.
	EmailAddresses []string
	Phones         map[PhoneKey]string
	Addresses      map[AddressKey]PhysicalAddress
	// Notes is the contact's text body.
	Notes      string
	Categories []string
}

// emailKeys are the keys of a contact's three email addresses.
var emailKeys = []string{"EmailAddress1", "EmailAddress2", "EmailAddress3"}

// contactFromWire converts a contact of a response.
func contactFromWire(it *soap.Item) *Contact {
	ct := &Contact{DisplayName: it.DisplayName, GivenName: it.GivenName, Surname: it.Surname, FileAs: it.FileAs,
		CompanyName: it.CompanyName, JobTitle: it.JobTitle, Department: it.Department, Categories: it.Categories}
	if it.ItemID != nil {
		ct.ID, ct.ChangeKey = it.ItemID.ID, it.ItemID.ChangeKey
	}
	emails := append([]soap.DictEntry(nil), it.EmailAddresses...)
	sort.SliceStable(emails, func(i, j int) bool { return emails[i].Key < emails[j].Key })
	for _, e := range emails {
		if a := smtpAddress(e.Value); a != "" {
			ct.EmailAddresses = append(ct.EmailAddresses, a)
		}
	}
	for _, p := range it.PhoneNumbers {
		if v := strings.TrimSpace(p.Value); v != "" {
			if ct.Phones == nil {
				ct.Phones = map[PhoneKey]string{}
			}
			ct.Phones[PhoneKey(p.Key)] = v
		}
	}
	for _, a := range it.PhysicalAddresses {
		pa := PhysicalAddress{Street: a.Street, City: a.City, State: a.State, PostalCode: a.PostalCode, CountryOrRegion: a.CountryOrRegion}
		if pa == (PhysicalAddress{}) {
			continue
		}
		if ct.Addresses == nil {
			ct.Addresses = map[AddressKey]PhysicalAddress{}
		}
		ct.Addresses[AddressKey(a.Key)] = pa
	}
	if it.Body != nil {
		ct.Notes = it.Body.Text
	}
	return ct
}

// stripRoutingType removes a "SMTP:" prefix, which directory entries carry.
func stripRoutingType(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 5 && strings.EqualFold(s[:5], "smtp:") {
		return s[5:]
	}
	return s
}

// smtpAddress returns the SMTP address of a contact's email entry, or "" for an entry of another routing type:
// directory entries carry "sip:" (Skype/Teams) and "X500:" addresses, and legacy Exchange DNs ("/o=...") in
// the same EmailAddress slots. "SMTP:" prefixes are removed.
func smtpAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ':'); i > 0 && isRoutingType(s[:i]) {
		if !strings.EqualFold(s[:i], "smtp") {
			return ""
		}
		s = strings.TrimSpace(s[i+1:])
	}
	if strings.HasPrefix(s, "/") || !strings.Contains(s, "@") {
		return ""
	}
	return s
}

// isRoutingType reports whether s looks like an address's routing type ("SMTP", "sip", "X500", "EX"): a short
// run of ASCII letters and digits starting with a letter.
func isRoutingType(s string) bool {
	if len(s) > 8 || s == "" || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('a' <= c && c <= 'z' || '0' <= s[i] && s[i] <= '9') {
			return false
		}
	}
	return true
}

// wireContact checks ct and builds its request item.
func wireContact(field string, ct *Contact) (*soap.Contact, error) {
	if len(ct.EmailAddresses) > len(emailKeys) {
		return nil, phraseErr(field+".EmailAddresses", "has %d addresses; a contact holds at most 3", len(ct.EmailAddresses))
	}
	if err := firstErr(checkText(field+".DisplayName", ct.DisplayName), checkText(field+".GivenName", ct.GivenName),
		checkText(field+".Surname", ct.Surname), checkText(field+".FileAs", ct.FileAs), checkText(field+".CompanyName", ct.CompanyName),
		checkText(field+".JobTitle", ct.JobTitle), checkText(field+".Department", ct.Department), checkText(field+".Notes", ct.Notes),
		checkTexts(field+".Categories", ct.Categories)); err != nil {
		return nil, err
	}
	w := &soap.Contact{FileAs: ct.FileAs, DisplayName: ct.DisplayName, GivenName: ct.GivenName, CompanyName: ct.CompanyName,
		Department: ct.Department, JobTitle: ct.JobTitle, Surname: ct.Surname}
	if w.DisplayName == "" {
		w.DisplayName = strings.TrimSpace(ct.GivenName + " " + ct.Surname)
	}
	w.Subject = w.DisplayName
	if ct.Notes != "" {
		w.Body = &soap.Body{BodyType: "Text", Text: ct.Notes}
	}
	if len(ct.Categories) > 0 {
		w.Categories = &soap.Strings{Strings: ct.Categories}
	}
	for i, e := range ct.EmailAddresses {
		m, err := parseAddress(fmt.Sprintf("%s.EmailAddresses[%d]", field, i), e)
		if err != nil {
			return nil, err
		}
		if w.EmailAddresses == nil {
			w.EmailAddresses = &soap.DictEntries{}
		}
		w.EmailAddresses.Entries = append(w.EmailAddresses.Entries, soap.DictEntry{Key: emailKeys[i], Value: m.EmailAddress})
	}
	phones, err := wirePhones(field, ct.Phones, false)
	if err != nil {
		return nil, err
	}
	if len(phones) > 0 {
		w.PhoneNumbers = &soap.DictEntries{Entries: phones}
	}
	for _, k := range contactMapKeys(ct.Addresses) {
		if err := checkEnum(field+".Addresses key", k, addressKeys); err != nil {
			return nil, err
		}
		a := ct.Addresses[k]
		if err := a.check(fmt.Sprintf("%s.Addresses[%s]", field, k)); err != nil {
			return nil, err
		}
		if a == (PhysicalAddress{}) {
			continue
		}
		if w.PhysicalAddresses == nil {
			w.PhysicalAddresses = &soap.PhysicalAddresses{}
		}
		w.PhysicalAddresses.Entries = append(w.PhysicalAddresses.Entries, soap.PhysicalAddressEntry{Key: string(k),
			Street: a.Street, City: a.City, State: a.State, CountryOrRegion: a.CountryOrRegion, PostalCode: a.PostalCode})
	}
	return w, nil
}

// wirePhones checks phone keys and returns the entries in key order; with keepEmpty, entries with an empty
// number are kept (for updates, which delete them).
func wirePhones(field string, phones map[PhoneKey]string, keepEmpty bool) ([]soap.DictEntry, error) {
	var out []soap.DictEntry
	for _, k := range contactMapKeys(phones) {
		if err := checkEnum(field+".Phones key", k, phoneKeys); err != nil {
			return nil, err
		}
		if k == "" {
			return nil, phraseErr(field+".Phones", "has an empty key")
		}
		if err := checkText(fmt.Sprintf("%s.Phones[%s]", field, k), phones[k]); err != nil {
			return nil, err
		}
		v := strings.TrimSpace(phones[k])
		if v == "" && !keepEmpty {
			continue
		}
		out = append(out, soap.DictEntry{Key: string(k), Value: v})
	}
	return out, nil
}

// check checks the parts of an address, naming them field.Street, field.City, ...
func (a PhysicalAddress) check(field string) error {
	return firstErr(checkText(field+".Street", a.Street), checkText(field+".City", a.City), checkText(field+".State", a.State),
		checkText(field+".PostalCode", a.PostalCode), checkText(field+".CountryOrRegion", a.CountryOrRegion))
}

func contactMapKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
