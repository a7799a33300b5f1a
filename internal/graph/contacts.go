package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Graph v1.0 contacts (the mailbox's personal contacts: list, get, create, delete) and name resolution over
// what app-only authentication can read. The People API (/users/{id}/people) takes $search only for the
// signed-in user's own relevant people ("not for searching people relevant to other users", Microsoft's
// "List people"), so an app-only token cannot resolve a name with it; ResolveName searches the mailbox's
// contacts ($filter) and the directory (/users with $filter startswith, which needs User.Read.All).

// PhysicalAddress is Graph's physicalAddress.
type PhysicalAddress struct {
	Street          string `json:"street,omitempty"`
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	CountryOrRegion string `json:"countryOrRegion,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
}

// Contact is Graph's contact resource: the properties the services read and write.
type Contact struct {
	ID                   string           `json:"id,omitempty"`
	ChangeKey            string           `json:"changeKey,omitempty"`
	CreatedDateTime      *time.Time       `json:"createdDateTime,omitempty"`
	LastModifiedDateTime *time.Time       `json:"lastModifiedDateTime,omitempty"`
	ParentFolderID       string           `json:"parentFolderId,omitempty"`
	Categories           []string         `json:"categories,omitempty"`
	DisplayName          string           `json:"displayName,omitempty"`
	FileAs               string           `json:"fileAs,omitempty"`
	GivenName            string           `json:"givenName,omitempty"`
	MiddleName           string           `json:"middleName,omitempty"`
	Surname              string           `json:"surname,omitempty"`
	NickName             string           `json:"nickName,omitempty"`
	CompanyName          string           `json:"companyName,omitempty"`
	Department           string           `json:"department,omitempty"`
	JobTitle             string           `json:"jobTitle,omitempty"`
	EmailAddresses       []EmailAddress   `json:"emailAddresses,omitempty"`
	BusinessPhones       []string         `json:"businessPhones,omitempty"`
	HomePhones           []string         `json:"homePhones,omitempty"`
	MobilePhone          string           `json:"mobilePhone,omitempty"`
	ImAddresses          []string         `json:"imAddresses,omitempty"`
	BusinessAddress      *PhysicalAddress `json:"businessAddress,omitempty"`
	HomeAddress          *PhysicalAddress `json:"homeAddress,omitempty"`
	OtherAddress         *PhysicalAddress `json:"otherAddress,omitempty"`
	PersonalNotes        string           `json:"personalNotes,omitempty"`
}

// ContactListOptions are the query options of a list of contacts.
type ContactListOptions struct {
	// Folder is a contact folder's id; empty means the mailbox's contacts (/users/{id}/contacts).
	Folder string
	// Filter is an OData $filter expression, e.g. "startswith(displayName,'al')".
	Filter string
	// Select lists the properties to return.
	Select []string
	// OrderBy is an $orderby expression, e.g. "displayName".
	OrderBy string
	// Top is the page size (1..1000); 0 leaves Graph's default (10).
	Top int
}

func (c *Client) contactPath(id string) string { return c.user + "/contacts/" + url.PathEscape(id) }

// ListContacts returns the first page of the mailbox's contacts.
func (c *Client) ListContacts(ctx context.Context, o ContactListOptions) (*Page[Contact], error) {
	if o.Top < 0 || o.Top > 1000 {
		return nil, fmt.Errorf("graph: contacts: $top %d is outside 1..1000", o.Top)
	}
	q := url.Values{}
	if o.Filter != "" {
		q.Set("$filter", o.Filter)
	}
	if len(o.Select) > 0 {
		q.Set("$select", strings.Join(o.Select, ","))
	}
	if o.OrderBy != "" {
		q.Set("$orderby", o.OrderBy)
	}
	if o.Top > 0 {
		q.Set("$top", strconv.Itoa(o.Top))
	}
	path := c.user + "/contacts"
	if o.Folder != "" {
		path = c.user + "/contactFolders/" + url.PathEscape(o.Folder) + "/contacts"
	}
	return getPage[Contact](ctx, c, &request{method: http.MethodGet, path: path, query: q, idempotent: true})
}

// NextContacts returns the page a previous page's NextLink names.
func (c *Client) NextContacts(ctx context.Context, nextLink string) (*Page[Contact], error) {
	return getPage[Contact](ctx, c, &request{method: http.MethodGet, link: nextLink, idempotent: true})
}

// GetContact returns a contact by id; sel, if given, lists the properties to return.
func (c *Client) GetContact(ctx context.Context, id string, sel ...string) (*Contact, error) {
	if id == "" {
		return nil, errors.New("graph: the contact id is empty")
	}
	q := url.Values{}
	if len(sel) > 0 {
		q.Set("$select", strings.Join(sel, ","))
	}
	return c.contact(ctx, &request{method: http.MethodGet, path: c.contactPath(id), query: q, idempotent: true})
}

func (c *Client) contact(ctx context.Context, r *request) (*Contact, error) {
	a, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	ct := new(Contact)
	if err := decode(a, ct); err != nil {
		return nil, err
	}
	return ct, nil
}

// CreateContact adds a contact to the mailbox's Contacts folder and returns it as Graph stored it. Graph keeps
// at most three email addresses and two business and home phones. Not idempotent.
func (c *Client) CreateContact(ctx context.Context, ct *Contact) (*Contact, error) {
	return c.CreateContactIn(ctx, "", ct)
}

// CreateContactIn is CreateContact in a contact folder given by id (POST /users/{id}/contactFolders/{id}/contacts);
// an empty folder means the mailbox's Contacts folder. Not idempotent.
func (c *Client) CreateContactIn(ctx context.Context, folder string, ct *Contact) (*Contact, error) {
	switch {
	case ct == nil:
		return nil, errors.New("graph: the contact is nil")
	case len(ct.EmailAddresses) > 3:
		return nil, fmt.Errorf("graph: contact emailAddresses: %d addresses, Graph keeps at most 3", len(ct.EmailAddresses))
	case len(ct.BusinessPhones) > 2 || len(ct.HomePhones) > 2:
		return nil, errors.New("graph: contact businessPhones/homePhones: Graph keeps at most 2 of each")
	case ct.DisplayName == "" && ct.GivenName == "" && ct.Surname == "" && ct.CompanyName == "" && len(ct.EmailAddresses) == 0:
		return nil, errors.New("graph: contact: no name, company or email address")
	}
	for i, e := range ct.EmailAddresses {
		if e.Address == "" {
			return nil, fmt.Errorf("graph: contact emailAddresses[%d]: the address is empty", i)
		}
	}
	path := c.user + "/contacts"
	if folder != "" {
		path = c.user + "/contactFolders/" + url.PathEscape(folder) + "/contacts"
	}
	return c.contact(ctx, &request{method: http.MethodPost, path: path, body: ct})
}

// DeleteContact deletes a contact (to Deleted Items). Not idempotent.
func (c *Client) DeleteContact(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the contact id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: c.contactPath(id)})
	return err
}

// User is Graph's user resource (the directory entry of a person; the part name resolution reads).
type User struct {
	ID                string   `json:"id"`
	DisplayName       string   `json:"displayName,omitempty"`
	GivenName         string   `json:"givenName,omitempty"`
	Surname           string   `json:"surname,omitempty"`
	Mail              string   `json:"mail,omitempty"`
	UserPrincipalName string   `json:"userPrincipalName,omitempty"`
	JobTitle          string   `json:"jobTitle,omitempty"`
	Department        string   `json:"department,omitempty"`
	OfficeLocation    string   `json:"officeLocation,omitempty"`
	MobilePhone       string   `json:"mobilePhone,omitempty"`
	BusinessPhones    []string `json:"businessPhones,omitempty"`
}

// userSelect are the user properties name resolution asks for.
var userSelect = "id,displayName,givenName,surname,mail,userPrincipalName,jobTitle,department,officeLocation,mobilePhone,businessPhones"

// FindUsers returns up to top directory users (1..999; 0 means 25) whose display name, given name, surname,
// mail or user principal name starts with prefix, ignoring case (GET /users?$filter=startswith(...), which
// app-only tokens with User.Read.All may call; the default query, no ConsistencyLevel needed).
func (c *Client) FindUsers(ctx context.Context, prefix string, top int) ([]User, error) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return nil, errors.New("graph: users: the name is empty")
	}
	if top < 0 || top > 999 {
		return nil, fmt.Errorf("graph: users: $top %d is outside 1..999", top)
	}
	if top == 0 {
		top = 25
	}
	var parts []string
	for _, p := range []string{"displayName", "givenName", "surname", "mail", "userPrincipalName"} {
		parts = append(parts, "startswith("+p+","+Quote(prefix)+")")
	}
	q := url.Values{"$filter": {strings.Join(parts, " or ")}, "$select": {userSelect}, "$top": {strconv.Itoa(top)}}
	p, err := getPage[User](ctx, c, &request{method: http.MethodGet, path: "/users", query: q, idempotent: true})
	if err != nil {
		return nil, err
	}
	return p.Value, nil
}

// SearchUsers returns up to top directory users (0 means 25) with a word of their display name or mail
// starting with text: Graph's directory $search ("displayName:text" OR "mail:text"), an advanced query that
// needs the header ConsistencyLevel: eventual.
func (c *Client) SearchUsers(ctx context.Context, text string, top int) ([]User, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("graph: users: the search text is empty")
	}
	if strings.ContainsAny(text, `"\`) {
		return nil, fmt.Errorf("graph: users: the search text %q holds a quote or backslash, which $search cannot take", text)
	}
	if top < 0 || top > 999 {
		return nil, fmt.Errorf("graph: users: $top %d is outside 1..999", top)
	}
	if top == 0 {
		top = 25
	}
	q := url.Values{"$search": {`"displayName:` + text + `" OR "mail:` + text + `"`}, "$select": {userSelect},
		"$top": {strconv.Itoa(top)}}
	p, err := getPage[User](ctx, c, &request{method: http.MethodGet, path: "/users", query: q, idempotent: true,
		header: http.Header{"Consistencylevel": {"eventual"}}})
	if err != nil {
		return nil, err
	}
	return p.Value, nil
}

// Resolution is one candidate of ResolveName: a directory user or a contact of the mailbox (one of them set),
// with the name and address it resolves to.
type Resolution struct {
	Name, Address string
	User          *User
	Contact       *Contact
}

// ResolveName resolves a name or address the way EWS ResolveNames does with its default scope (directory, then
// the mailbox's contacts): directory users by prefix (FindUsers), then contacts whose display name, given name
// or surname starts with name, or, for an address ("a@b" or "smtp:a@b"), whose email address is that address.
// A contact whose address a directory user already has is left out.
func (c *Client) ResolveName(ctx context.Context, name string) ([]Resolution, error) {
	return c.ResolveNameIn(ctx, name, "")
}

// ResolveNameIn is ResolveName with the contacts of a contact folder given by id (empty: the Contacts folder).
func (c *Client) ResolveNameIn(ctx context.Context, name, folder string) ([]Resolution, error) {
	name = strings.TrimSpace(name)
	if len(name) > 5 && strings.EqualFold(name[:5], "smtp:") {
		name = name[5:]
	}
	if name == "" {
		return nil, errors.New("graph: resolve: the name is empty")
	}
	users, err := c.FindUsers(ctx, name, 100)
	if err != nil {
		return nil, err
	}
	var out []Resolution
	seen := map[string]bool{}
	for i := range users {
		u := &users[i]
		addr := u.Mail
		if addr == "" {
			addr = u.UserPrincipalName
		}
		seen[strings.ToLower(addr)] = true
		out = append(out, Resolution{Name: u.DisplayName, Address: addr, User: u})
	}
	var filter string
	if strings.Contains(name, "@") {
		filter = "emailAddresses/any(a:a/address eq " + Quote(name) + ")"
	} else {
		q := Quote(name)
		filter = "startswith(displayName," + q + ") or startswith(givenName," + q + ") or startswith(surname," + q + ")"
	}
	p, err := c.ListContacts(ctx, ContactListOptions{Folder: folder, Filter: filter, Top: 100})
	if err != nil {
		return nil, err
	}
	for i := range p.Value {
		ct := &p.Value[i]
		addr := ""
		if len(ct.EmailAddresses) > 0 {
			addr = ct.EmailAddresses[0].Address
		}
		if addr != "" && seen[strings.ToLower(addr)] {
			continue
		}
		out = append(out, Resolution{Name: ct.DisplayName, Address: addr, Contact: ct})
	}
	return out, nil
}

// ContactPatch lists the changes of UpdateContact: nil leaves a property as it is; a pointer to "" or to an
// empty list clears it.
type ContactPatch struct {
	DisplayName     *string          `json:"displayName,omitempty"`
	GivenName       *string          `json:"givenName,omitempty"`
	Surname         *string          `json:"surname,omitempty"`
	FileAs          *string          `json:"fileAs,omitempty"`
	CompanyName     *string          `json:"companyName,omitempty"`
	JobTitle        *string          `json:"jobTitle,omitempty"`
	Department      *string          `json:"department,omitempty"`
	PersonalNotes   *string          `json:"personalNotes,omitempty"`
	EmailAddresses  *[]EmailAddress  `json:"emailAddresses,omitempty"`
	BusinessPhones  *[]string        `json:"businessPhones,omitempty"`
	HomePhones      *[]string        `json:"homePhones,omitempty"`
	MobilePhone     *string          `json:"mobilePhone,omitempty"`
	BusinessAddress *PhysicalAddress `json:"businessAddress,omitempty"`
	HomeAddress     *PhysicalAddress `json:"homeAddress,omitempty"`
	OtherAddress    *PhysicalAddress `json:"otherAddress,omitempty"`
	Categories      *[]string        `json:"categories,omitempty"`
}

// UpdateContact changes a contact (PATCH /contacts/{id}) and returns it as Graph stored it. Idempotent.
func (c *Client) UpdateContact(ctx context.Context, id string, p *ContactPatch) (*Contact, error) {
	switch {
	case id == "":
		return nil, errors.New("graph: the contact id is empty")
	case p == nil:
		return nil, errors.New("graph: the contact patch is nil")
	case p.EmailAddresses != nil && len(*p.EmailAddresses) > 3:
		return nil, fmt.Errorf("graph: contact emailAddresses: %d addresses, Graph keeps at most 3", len(*p.EmailAddresses))
	case p.BusinessPhones != nil && len(*p.BusinessPhones) > 2 || p.HomePhones != nil && len(*p.HomePhones) > 2:
		return nil, errors.New("graph: contact businessPhones/homePhones: Graph keeps at most 2 of each")
	}
	if p.EmailAddresses != nil {
		for i, e := range *p.EmailAddresses {
			if e.Address == "" {
				return nil, fmt.Errorf("graph: contact emailAddresses[%d]: the address is empty", i)
			}
		}
	}
	return c.contact(ctx, &request{method: http.MethodPatch, path: c.contactPath(id), body: p, idempotent: true})
}
