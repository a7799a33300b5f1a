package connector

import (
	"context"
	"iter"

	"github.com/ewsgo/ews"
)

// Contact is a contact as the connector returns it.
type Contact struct {
	ID             string   `json:"id"`
	DisplayName    string   `json:"display_name"`
	GivenName      string   `json:"given_name"`
	Surname        string   `json:"surname"`
	CompanyName    string   `json:"company_name"`
	JobTitle       string   `json:"job_title"`
	Department     string   `json:"department"`
	EmailAddresses []string `json:"email_addresses"`
	// PhoneNumbers maps EWS phone keys (BusinessPhone, MobilePhone, HomePhone, ...) to numbers.
	PhoneNumbers map[string]string `json:"phone_numbers"`
	// Addresses maps Business, Home and Other to postal addresses.
	Addresses  map[string]PostalAddress `json:"addresses"`
	Notes      string                   `json:"notes"`
	Categories []string                 `json:"categories"`
}

// PostalAddress is a contact's postal address.
type PostalAddress struct {
	Street          string `json:"street"`
	City            string `json:"city"`
	State           string `json:"state"`
	PostalCode      string `json:"postal_code"`
	CountryOrRegion string `json:"country_or_region"`
}

func contactOut(ct *ews.Contact) *Contact {
	out := &Contact{ID: ct.ID, DisplayName: ct.DisplayName, GivenName: ct.GivenName, Surname: ct.Surname,
		CompanyName: ct.CompanyName, JobTitle: ct.JobTitle, Department: ct.Department,
		EmailAddresses: ct.EmailAddresses, PhoneNumbers: map[string]string{}, Addresses: map[string]PostalAddress{},
		Notes: ct.Notes, Categories: ct.Categories}
	if out.EmailAddresses == nil {
		out.EmailAddresses = []string{}
	}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	for k, v := range ct.Phones {
		out.PhoneNumbers[string(k)] = v
	}
	for k, a := range ct.Addresses {
		out.Addresses[string(k)] = PostalAddress{Street: a.Street, City: a.City, State: a.State, PostalCode: a.PostalCode, CountryOrRegion: a.CountryOrRegion}
	}
	return out
}

// GetContactsParams are the parameters of get_contacts (none).
type GetContactsParams struct{}

// GetContacts returns the contacts of the default Contacts folder, sorted by display name.
func GetContacts(ctx context.Context, c *ews.Client, _ GetContactsParams) iter.Seq2[*Contact, error] {
	return func(yield func(*Contact, error) bool) {
		for ct, err := range c.Contacts().List(ctx, ews.ContactListOptions{}) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(contactOut(ct), nil) {
				return
			}
		}
	}
}
