package testserver

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Graph contacts and users over the same mailboxes as EWS: GET/POST /users/{id}/contacts (also under
// /contactFolders/{id}/), GET/DELETE /contacts/{id}, with the $filter forms name resolution sends
// (startswith on a name property, emailAddresses/any(a:a/address eq '...'), joined by "or"); and the directory,
// GET /users: every mailbox of the server is a user, found with $filter startswith(...) or with $search, which,
// as in Graph, needs the header ConsistencyLevel: eventual.

func init() { graphRoutes = append(graphRoutes, (*graphCall).contactsRoute) }

func (g *graphCall) contactsRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	m := g.method
	switch {
	case rest[0] == "contactFolders" && len(rest) == 3 && rest[2] == "contacts":
		f := mb.folders[rest[1]]
		if id, ok := mb.dist[strings.ToLower(rest[1])]; ok && rest[1] == "contacts" {
			f = mb.folders[id]
		}
		if f == nil || f.FolderClass != "IPF.Contact" {
			return nil, errNotFound(), true
		}
		return g.contactsIn(mb, f, rest)
	case rest[0] == "contacts":
		return g.contactsIn(mb, mb.folders[mb.dist["contacts"]], append([]string{"", ""}, rest...))
	case rest[0] == "people" && m == http.MethodGet:
		// Not served: app-only tokens cannot search another user's people; name resolution uses /users.
		return nil, gerr(http.StatusNotImplemented, "NotImplemented", "The fake server does not serve the People API."), true
	}
	return nil, nil, false
}

// contactsIn serves rest = [_, _, "contacts", ...] on folder f.
func (g *graphCall) contactsIn(mb *Mailbox, f *Folder, rest []string) (*graphAnswer, *graphError, bool) {
	rest = rest[3:]
	switch {
	case len(rest) == 0 && g.method == http.MethodGet:
		a, e := g.listContacts(mb, f)
		return a, e, true
	case len(rest) == 0 && g.method == http.MethodPost:
		a, e := g.createContact(mb, f)
		return a, e, true
	case len(rest) == 1:
		it := mb.items[rest[0]]
		if it == nil || it.Kind() != "contact" {
			return nil, errNotFound(), true
		}
		switch g.method {
		case http.MethodGet:
			sel, gE := selectProps(g.query.Get("$select"), contactProps, "contact")
			if gE != nil {
				return nil, gE, true
			}
			return &graphAnswer{status: http.StatusOK, json: contactJSON(it, sel)}, nil, true
		case http.MethodDelete:
			g.moveLocked(mb, it, mb.dist["deleteditems"])
			return &graphAnswer{status: http.StatusNoContent}, nil, true
		case http.MethodPatch:
			if gE := patchContact(it, g.body); gE != nil {
				return nil, gE, true
			}
			mb.touchLocked(it)
			return &graphAnswer{status: http.StatusOK, json: contactJSON(it, nil)}, nil, true
		}
	}
	return nil, gerr(http.StatusBadRequest, "BadRequest", "Unsupported request %s %s.", g.method, g.path), true
}

var contactProps = map[string]bool{"id": true, "changeKey": true, "createdDateTime": true, "lastModifiedDateTime": true,
	"parentFolderId": true, "categories": true, "displayName": true, "fileAs": true, "givenName": true,
	"middleName": true, "surname": true, "nickName": true, "companyName": true, "department": true, "jobTitle": true,
	"emailAddresses": true, "businessPhones": true, "homePhones": true, "mobilePhone": true, "imAddresses": true,
	"businessAddress": true, "homeAddress": true, "otherAddress": true, "personalNotes": true}

// selectProps reads a $select of the properties props of the Graph type typ ("message", "event", ...); nil for
// none. A property the fake does not serve is Graph's 400 RequestBroker--ParseUri.
func selectProps(v string, props map[string]bool, typ string) (map[string]bool, *graphError) {
	if v == "" {
		return nil, nil
	}
	sel := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if !props[p] {
			return nil, gerr(http.StatusBadRequest, "RequestBroker--ParseUri", "Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, typ)
		}
		sel[p] = true
	}
	return sel, nil
}

func physicalJSON(a PhysicalAddress, ok bool) map[string]any {
	if !ok {
		return map[string]any{}
	}
	return map[string]any{"street": a.Street, "city": a.City, "state": a.State, "countryOrRegion": a.CountryOrRegion,
		"postalCode": a.PostalCode}
}

// contactJSON is the contact resource of a contact item.
func contactJSON(it *Item, sel map[string]bool) map[string]any {
	emails := []any{}
	keys := make([]string, 0, len(it.EmailAddresses))
	for k := range it.EmailAddresses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if a := stripSMTP(it.EmailAddresses[k]); a != "" {
			emails = append(emails, map[string]any{"name": orDefault(it.DisplayName, a), "address": a})
		}
	}
	phones := func(keys ...string) []any {
		out := []any{}
		for _, k := range keys {
			if v := it.PhoneNumbers[k]; v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	addr := func(k string) map[string]any {
		a, ok := it.PhysicalAddresses[k]
		return physicalJSON(a, ok)
	}
	c := map[string]any{
		"@odata.etag":          `W/"` + it.ChangeKey + `"`,
		"id":                   it.ID,
		"createdDateTime":      graphTime(it.DateTimeCreated),
		"lastModifiedDateTime": graphTime(it.LastModifiedTime),
		"changeKey":            it.ChangeKey,
		"categories":           append([]string{}, it.Categories...),
		"parentFolderId":       it.FolderID,
		"displayName":          it.DisplayName,
		"fileAs":               it.FileAs,
		"givenName":            nilIfEmpty(it.GivenName),
		"middleName":           nil,
		"surname":              nilIfEmpty(it.Surname),
		"nickName":             nil,
		"companyName":          nilIfEmpty(it.CompanyName),
		"department":           nilIfEmpty(it.Department),
		"jobTitle":             nilIfEmpty(it.JobTitle),
		"emailAddresses":       emails,
		"businessPhones":       phones("BusinessPhone", "BusinessPhone2"),
		"homePhones":           phones("HomePhone", "HomePhone2"),
		"mobilePhone":          nilIfEmpty(it.PhoneNumbers["MobilePhone"]),
		"imAddresses":          []any{},
		"businessAddress":      addr("Business"),
		"homeAddress":          addr("Home"),
		"otherAddress":         addr("Other"),
		"personalNotes":        it.Body,
	}
	if sel == nil {
		return c
	}
	out := map[string]any{"@odata.etag": c["@odata.etag"], "id": it.ID}
	for p := range sel {
		out[p] = c[p]
	}
	return out
}

// The $filter clauses the fake takes on contacts and users, joined by " or ".
var (
	startsWithRE = regexp.MustCompile(`^startswith\((\w+),'((?:[^']|'')*)'\)$`)
	eqRE         = regexp.MustCompile(`^(\w+) eq '((?:[^']|'')*)'$`)
	anyAddressRE = regexp.MustCompile(`^emailAddresses/any\((\w+):(\w+)/address eq '((?:[^']|'')*)'\)$`)
)

// orFilter parses clauses joined by " or " into a predicate over the string properties get returns (a
// property get does not know reports ok false, a 400 naming it). anyAddress is the list of addresses for
// emailAddresses/any(...), nil when the type has none.
func orFilter(filter, typ string, get func(prop string) (string, bool), addresses func() []string) (func() bool, *graphError) {
	var preds []func() bool
	for _, clause := range splitOr(filter) {
		clause = strings.TrimSpace(clause)
		if strings.HasPrefix(clause, "(") && strings.HasSuffix(clause, ")") {
			clause = strings.TrimSpace(clause[1 : len(clause)-1])
		}
		if m := startsWithRE.FindStringSubmatch(clause); m != nil {
			prop, lit := m[1], strings.ReplaceAll(m[2], "''", "'")
			if _, ok := get(prop); !ok {
				return nil, gerr(http.StatusBadRequest, "ErrorInvalidProperty", "Could not find a property named '%s' on type 'microsoft.graph.%s'.", prop, typ)
			}
			preds = append(preds, func() bool {
				v, _ := get(prop)
				return strings.HasPrefix(strings.ToLower(v), strings.ToLower(lit))
			})
			continue
		}
		if m := eqRE.FindStringSubmatch(clause); m != nil {
			prop, lit := m[1], strings.ReplaceAll(m[2], "''", "'")
			if _, ok := get(prop); !ok {
				return nil, gerr(http.StatusBadRequest, "ErrorInvalidProperty", "Could not find a property named '%s' on type 'microsoft.graph.%s'.", prop, typ)
			}
			preds = append(preds, func() bool {
				v, _ := get(prop)
				return strings.EqualFold(v, lit)
			})
			continue
		}
		if m := anyAddressRE.FindStringSubmatch(clause); m != nil && addresses != nil && m[1] == m[2] {
			lit := strings.ReplaceAll(m[3], "''", "'")
			preds = append(preds, func() bool {
				for _, a := range addresses() {
					if strings.EqualFold(a, lit) {
						return true
					}
				}
				return false
			})
			continue
		}
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
	}
	return func() bool {
		for _, p := range preds {
			if p() {
				return true
			}
		}
		return false
	}, nil
}

// splitOr splits a filter at " or " outside quotes.
func splitOr(s string) []string {
	var out []string
	inQuote, last := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			inQuote = !inQuote
		case !inQuote && strings.HasPrefix(s[i:], " or "):
			out = append(out, s[last:i])
			last = i + 4
			i += 3
		}
	}
	return append(out, s[last:])
}

func (g *graphCall) listContacts(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	sel, gE := selectProps(g.query.Get("$select"), contactProps, "contact")
	if gE != nil {
		return nil, gE
	}
	cur := &Item{} // the contact a filter looks at
	get := func(prop string) (string, bool) {
		switch prop {
		case "displayName":
			return cur.DisplayName, true
		case "givenName":
			return cur.GivenName, true
		case "surname":
			return cur.Surname, true
		case "companyName":
			return cur.CompanyName, true
		case "fileAs":
			return cur.FileAs, true
		}
		return "", false
	}
	match := func() bool { return true }
	if flt := g.query.Get("$filter"); flt != "" {
		if match, gE = orFilter(flt, "contact", get, func() []string { return contactEmails(cur) }); gE != nil {
			return nil, gE
		}
	}
	items := mb.itemsInLocked(f.ID)
	if ob := g.query.Get("$orderby"); ob != "" {
		prop, dir, _ := strings.Cut(ob, " ")
		if prop != "displayName" {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidProperty", "The fake server orders contacts by displayName only.")
		}
		desc := strings.EqualFold(strings.TrimSpace(dir), "desc")
		sort.SliceStable(items, func(i, j int) bool {
			a, b := strings.ToLower(items[i].DisplayName), strings.ToLower(items[j].DisplayName)
			if desc {
				return a > b
			}
			return a < b
		})
	}
	values := []any{}
	for _, it := range items {
		cur = it
		// Graph v1.0's contacts are contacts only: a personal distribution list (IPM.DistList, a contact group)
		// is not one of them.
		if it.Kind() == "contact" && !strings.HasPrefix(it.ItemClass, "IPM.DistList") && match() {
			values = append(values, contactJSON(it, sel))
		}
	}
	return g.pageOf(values, 10, "users('"+url.PathEscape(mb.Address)+"')/contacts")
}

// createContact serves POST /contacts: 201 Created with the contact.
func (g *graphCall) createContact(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	var b struct {
		DisplayName    string   `json:"displayName"`
		FileAs         string   `json:"fileAs"`
		GivenName      string   `json:"givenName"`
		Surname        string   `json:"surname"`
		CompanyName    string   `json:"companyName"`
		Department     string   `json:"department"`
		JobTitle       string   `json:"jobTitle"`
		Categories     []string `json:"categories"`
		PersonalNotes  string   `json:"personalNotes"`
		MobilePhone    string   `json:"mobilePhone"`
		BusinessPhones []string `json:"businessPhones"`
		HomePhones     []string `json:"homePhones"`
		EmailAddresses []struct {
			Name    string `json:"name"`
			Address string `json:"address"`
		} `json:"emailAddresses"`
		BusinessAddress, HomeAddress, OtherAddress *PhysicalAddress
	}
	if err := json.Unmarshal(g.body, &b); err != nil {
		return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
	}
	if len(b.EmailAddresses) > 3 || len(b.BusinessPhones) > 2 || len(b.HomePhones) > 2 {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "A contact holds at most 3 email addresses and 2 business and 2 home phones.")
	}
	it := Item{ItemClass: "IPM.Contact", DisplayName: b.DisplayName, FileAs: b.FileAs, GivenName: b.GivenName,
		Surname: b.Surname, CompanyName: b.CompanyName, Department: b.Department, JobTitle: b.JobTitle,
		Categories: b.Categories, Body: b.PersonalNotes}
	if it.DisplayName == "" {
		it.DisplayName = strings.TrimSpace(it.GivenName + " " + it.Surname)
	}
	it.Subject = it.DisplayName
	for i, e := range b.EmailAddresses {
		if it.EmailAddresses == nil {
			it.EmailAddresses = map[string]string{}
		}
		it.EmailAddresses[fmt.Sprintf("EmailAddress%d", i+1)] = e.Address
	}
	phone := func(k, v string) {
		if v == "" {
			return
		}
		if it.PhoneNumbers == nil {
			it.PhoneNumbers = map[string]string{}
		}
		it.PhoneNumbers[k] = v
	}
	phone("MobilePhone", b.MobilePhone)
	for i, p := range b.BusinessPhones {
		phone([]string{"BusinessPhone", "BusinessPhone2"}[i], p)
	}
	for i, p := range b.HomePhones {
		phone([]string{"HomePhone", "HomePhone2"}[i], p)
	}
	for k, a := range map[string]*PhysicalAddress{"Business": b.BusinessAddress, "Home": b.HomeAddress, "Other": b.OtherAddress} {
		if a != nil && *a != (PhysicalAddress{}) {
			if it.PhysicalAddresses == nil {
				it.PhysicalAddresses = map[string]PhysicalAddress{}
			}
			it.PhysicalAddresses[k] = *a
		}
	}
	stored := mb.items[mb.storeLocked(f.ID, it)]
	return &graphAnswer{status: http.StatusCreated, json: contactJSON(stored, nil)}, nil
}

// userID is a mailbox's directory object id: a GUID made from its address.
func userID(address string) string {
	s := sha1.Sum([]byte(strings.ToLower(address)))
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

func userJSON(mb *Mailbox) map[string]any {
	given, sur, _ := strings.Cut(mb.DisplayName, " ")
	return map[string]any{"id": userID(mb.Address), "displayName": mb.DisplayName, "givenName": nilIfEmpty(given),
		"surname": nilIfEmpty(sur), "mail": mb.Address, "userPrincipalName": mb.Address, "jobTitle": nil,
		"department": nil, "officeLocation": nil, "mobilePhone": nil, "businessPhones": []any{},
		"preferredLanguage": nil}
}

var userProps = map[string]bool{"id": true, "displayName": true, "givenName": true, "surname": true, "mail": true,
	"userPrincipalName": true, "jobTitle": true, "department": true, "officeLocation": true, "mobilePhone": true,
	"businessPhones": true, "preferredLanguage": true}

// listUsers serves GET /users with $filter (startswith and eq on the name and address properties), $search
// ("prop:word" terms joined by OR, with ConsistencyLevel: eventual), $select and $top. Callers hold s.mu.
func (g *graphCall) listUsers() (*graphAnswer, *graphError) {
	sel, gE := selectProps(g.query.Get("$select"), userProps, "user")
	if gE != nil {
		return nil, gE
	}
	var cur map[string]any
	get := func(prop string) (string, bool) {
		switch prop {
		case "displayName", "givenName", "surname", "mail", "userPrincipalName":
			v, _ := cur[prop].(string)
			return v, true
		}
		return "", false
	}
	match := func() bool { return true }
	if flt := g.query.Get("$filter"); flt != "" {
		if match, gE = orFilter(flt, "user", get, nil); gE != nil {
			return nil, gE
		}
	}
	if s := g.query.Get("$search"); s != "" {
		if !strings.EqualFold(g.header.Get("ConsistencyLevel"), "eventual") {
			return nil, gerr(http.StatusBadRequest, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		if match, gE = directorySearch(s, get); gE != nil {
			return nil, gE
		}
	}
	addrs := make([]string, 0, len(g.srv.mailboxes))
	for a := range g.srv.mailboxes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	values := []any{}
	for _, a := range addrs {
		cur = userJSON(g.srv.mailboxes[a])
		if !match() {
			continue
		}
		if sel != nil {
			out := map[string]any{"id": cur["id"]}
			for p := range sel {
				out[p] = cur[p]
			}
			values = append(values, out)
			continue
		}
		values = append(values, cur)
	}
	return g.pageOf(values, 100, "users")
}

// directorySearch parses a directory $search: quoted "property:text" terms joined by OR. A term matches when a
// word of the property (split at spaces and punctuation, as the directory's tokenizer does) starts with text.
func directorySearch(s string, get func(string) (string, bool)) (func() bool, *graphError) {
	type term struct{ prop, text string }
	var terms []term
	for _, part := range strings.Split(s, " OR ") {
		part = strings.TrimSpace(part)
		if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' {
			return nil, gerr(http.StatusBadRequest, "Request_BadRequest", "Syntax error: the $search term %s is not a quoted \"property:text\".", part)
		}
		prop, text, ok := strings.Cut(part[1:len(part)-1], ":")
		if _, known := get(prop); !ok || !known || text == "" {
			return nil, gerr(http.StatusBadRequest, "Request_BadRequest", "Invalid $search term %s.", part)
		}
		terms = append(terms, term{prop, strings.ToLower(text)})
	}
	return func() bool {
		for _, t := range terms {
			v, _ := get(t.prop)
			for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}) {
				if strings.HasPrefix(w, t.text) {
					return true
				}
			}
			if strings.HasPrefix(strings.ToLower(v), t.text) {
				return true
			}
		}
		return false
	}, nil
}

// patchContact applies the body of PATCH /contacts/{id} to it; on an error it leaves it unchanged.
func patchContact(it *Item, body []byte) *graphError {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(body, &p); err != nil {
		return gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
	}
	n := it.clone()
	bad := func(k string) *graphError {
		return gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot read the value of property '%s'.", k)
	}
	setPhone := func(k, v string) {
		if n.PhoneNumbers == nil {
			n.PhoneNumbers = map[string]string{}
		}
		if v == "" {
			delete(n.PhoneNumbers, k)
		} else {
			n.PhoneNumbers[k] = v
		}
	}
	strs := map[string]*string{"displayName": &n.DisplayName, "givenName": &n.GivenName, "surname": &n.Surname,
		"fileAs": &n.FileAs, "companyName": &n.CompanyName, "jobTitle": &n.JobTitle, "department": &n.Department,
		"personalNotes": &n.Body}
	for k, v := range p {
		switch {
		case strs[k] != nil:
			if json.Unmarshal(v, strs[k]) != nil {
				return bad(k)
			}
		case k == "mobilePhone":
			var s string
			if json.Unmarshal(v, &s) != nil {
				return bad(k)
			}
			setPhone("MobilePhone", s)
		case k == "businessPhones" || k == "homePhones":
			var list []string
			if json.Unmarshal(v, &list) != nil || len(list) > 2 {
				return bad(k)
			}
			keys := map[string][]string{"businessPhones": {"BusinessPhone", "BusinessPhone2"}, "homePhones": {"HomePhone", "HomePhone2"}}[k]
			for i, key := range keys {
				setPhone(key, "")
				if i < len(list) {
					setPhone(key, list[i])
				}
			}
		case k == "emailAddresses":
			var list []struct{ Name, Address string }
			if json.Unmarshal(v, &list) != nil || len(list) > 3 {
				return bad(k)
			}
			n.EmailAddresses = nil
			for i, e := range list {
				if n.EmailAddresses == nil {
					n.EmailAddresses = map[string]string{}
				}
				n.EmailAddresses[fmt.Sprintf("EmailAddress%d", i+1)] = e.Address
			}
		case k == "businessAddress" || k == "homeAddress" || k == "otherAddress":
			var a PhysicalAddress
			if json.Unmarshal(v, &a) != nil {
				return bad(k)
			}
			key := map[string]string{"businessAddress": "Business", "homeAddress": "Home", "otherAddress": "Other"}[k]
			if n.PhysicalAddresses == nil {
				n.PhysicalAddresses = map[string]PhysicalAddress{}
			}
			if a == (PhysicalAddress{}) {
				delete(n.PhysicalAddresses, key)
			} else {
				n.PhysicalAddresses[key] = a
			}
		case k == "categories":
			n.Categories = nil
			if json.Unmarshal(v, &n.Categories) != nil {
				return bad(k)
			}
		default:
			return gerr(http.StatusBadRequest, "ErrorInvalidProperty", "The fake server cannot update the contact property '%s'.", k)
		}
	}
	*it = n
	return nil
}
