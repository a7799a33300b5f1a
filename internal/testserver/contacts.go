package testserver

import (
	"sort"
	"strings"
)

// Contacts are items of class IPM.Contact (IPM.DistList for private distribution lists) with the contact fields
// of Item; the generic item operations create, read, update (including indexed fields such as
// contacts:EmailAddress:EmailAddress2 and contacts:PhysicalAddress:City:Business) and delete them.

// AddContact stores a contact in the mailbox's Contacts folder and returns its id.
func (mb *Mailbox) AddContact(c Item) string {
	if c.ItemClass == "" {
		c.ItemClass = "IPM.Contact"
	}
	if c.DisplayName == "" {
		c.DisplayName = strings.TrimSpace(c.GivenName + " " + c.Surname)
	}
	if c.Subject == "" {
		c.Subject = c.DisplayName
	}
	return mb.AddItem("contacts", c)
}

// contactEmails returns a contact's email addresses in key order (EmailAddress1, 2, 3), without "SMTP:"
// prefixes.
func contactEmails(it *Item) []string {
	keys := make([]string, 0, len(it.EmailAddresses))
	for k := range it.EmailAddresses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		if v := stripSMTP(it.EmailAddresses[k]); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// stripSMTP removes a routing-type prefix "SMTP:" (any case) from an address.
func stripSMTP(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 5 && strings.EqualFold(s[:5], "smtp:") {
		return s[5:]
	}
	return s
}
