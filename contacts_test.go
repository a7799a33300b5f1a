package ews

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestCreateContactIndexedFields(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ct := Contact{
			GivenName: "Jane", Surname: "Doe", FileAs: "Doe, Jane", CompanyName: "Example </t:CompanyName>]]>", JobTitle: "Analyst", Department: "SOC",
			EmailAddresses: []string{"jane@example.com", "Jane Doe <jane.doe@home.example>", "jd@partner.example"},
			Phones:         map[PhoneKey]string{PhoneMobile: "+49 170 1", PhoneBusiness: "+49 30 2"},
			Addresses: map[AddressKey]PhysicalAddress{
				AddressBusiness: {Street: "Main St 1", City: "Berlin", PostalCode: "10115", CountryOrRegion: "Germany"},
				AddressHome:     {City: "Potsdam", State: "BB"},
			},
			Notes: "met at FIRST", Categories: []string{"vendor"},
		}
		id, err := c.Contacts().Create(testCtx(t), ct, ContactCreateOptions{})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		it := storedItem(t, srv, id)
		if it.FolderID != srv.Default().FolderID("contacts") || it.ItemClass != "IPM.Contact" || it.DisplayName != "Jane Doe" || it.FileAs != "Doe, Jane" ||
			it.GivenName != "Jane" || it.Surname != "Doe" || it.CompanyName != ct.CompanyName || it.JobTitle != "Analyst" || it.Department != "SOC" || it.Body != "met at FIRST" {
			t.Errorf("stored contact = %+v", it)
		}
		wantEmails := map[string]string{"EmailAddress1": "jane@example.com", "EmailAddress2": "jane.doe@home.example", "EmailAddress3": "jd@partner.example"}
		if d := cmp.Diff(wantEmails, it.EmailAddresses); d != "" {
			t.Errorf("stored email addresses (-want +got):\n%s", d)
		}
		if d := cmp.Diff(map[string]string{"MobilePhone": "+49 170 1", "BusinessPhone": "+49 30 2"}, it.PhoneNumbers); d != "" {
			t.Errorf("stored phone numbers (-want +got):\n%s", d)
		}
		wantAddr := map[string]testserver.PhysicalAddress{
			"Business": {Street: "Main St 1", City: "Berlin", PostalCode: "10115", CountryOrRegion: "Germany"},
			"Home":     {City: "Potsdam", State: "BB"},
		}
		if d := cmp.Diff(wantAddr, it.PhysicalAddresses); d != "" {
			t.Errorf("stored addresses (-want +got):\n%s", d)
		}

		got, err := c.Contacts().Get(testCtx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		want := ct
		want.ID, want.ChangeKey, want.DisplayName = id, it.ChangeKey, "Jane Doe"
		want.EmailAddresses = []string{"jane@example.com", "jane.doe@home.example", "jd@partner.example"}
		if d := cmp.Diff(&want, got); d != "" {
			t.Errorf("Get (-want +got):\n%s", d)
		}
	})
}

func TestContactValidation(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		before := wireRequests(srv)
		for _, tc := range []struct {
			ct   Contact
			want string
		}{
			{Contact{EmailAddresses: []string{"a@x.y", "b@x.y", "c@x.y", "d@x.y"}}, "at most 3"},
			{Contact{EmailAddresses: []string{"a@x.y", "nope"}}, `Contact.EmailAddresses[1] "nope"`},
			{Contact{Phones: map[PhoneKey]string{"Mobile": "1"}}, `Contact.Phones key "Mobile" is not one of`},
			{Contact{Addresses: map[AddressKey]PhysicalAddress{"Work": {City: "x"}}}, `Contact.Addresses key "Work"`},
		} {
			if _, err := c.Contacts().Create(testCtx(t), tc.ct, ContactCreateOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Create(%+v): err = %v, want %q", tc.ct, err, tc.want)
			}
		}
		if err := c.Contacts().Update(testCtx(t), "x", ContactChanges{Phones: map[PhoneKey]string{"Cell": "1"}}); err == nil || !strings.Contains(err.Error(), "ContactChanges.Phones key") {
			t.Errorf("Update with a bad phone key: %v", err)
		}
		if err := c.Contacts().Update(testCtx(t), "x", ContactChanges{}); err == nil || !strings.Contains(err.Error(), "no change") {
			t.Errorf("empty update: %v", err)
		}
		if n := wireRequests(srv) - before; n != 0 {
			t.Errorf("invalid contacts sent %d requests", n)
		}
		for _, err := range c.Contacts().List(testCtx(t), ContactListOptions{}) { // the client itself works
			t.Fatalf("List: %v", err)
		}
	})
}

func TestUpdateAndDeleteContact(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		id := srv.Default().AddContact(testserver.Item{GivenName: "Max", Surname: "Muster", JobTitle: "Dev", Department: "IT",
			EmailAddresses: map[string]string{"EmailAddress1": "max@example.com", "EmailAddress2": "m@home.example", "EmailAddress3": "x@y.example"},
			PhoneNumbers:   map[string]string{"MobilePhone": "1", "HomePhone": "2"},
			PhysicalAddresses: map[string]testserver.PhysicalAddress{"Business": {Street: "Old St 1", City: "Bonn", PostalCode: "53111"},
				"Other": {City: "Köln"}}})
		err := c.Contacts().Update(testCtx(t), id, ContactChanges{
			JobTitle: Ptr("Lead"), Department: Ptr(""), Surname: Ptr("Mustermann"),
			EmailAddresses: []string{"max.mustermann@example.com"},
			Phones:         map[PhoneKey]string{PhoneMobile: "", PhoneBusiness: "+49 228 0"},
			Addresses:      map[AddressKey]PhysicalAddress{AddressBusiness: {Street: "New St 2", City: "Bonn"}, AddressOther: {}},
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		it := storedItem(t, srv, id)
		if it.JobTitle != "Lead" || it.Department != "" || it.Surname != "Mustermann" || it.GivenName != "Max" {
			t.Errorf("stored names/titles: %+v", it)
		}
		if d := cmp.Diff(map[string]string{"EmailAddress1": "max.mustermann@example.com"}, it.EmailAddresses); d != "" {
			t.Errorf("emails (-want +got):\n%s", d)
		}
		if d := cmp.Diff(map[string]string{"HomePhone": "2", "BusinessPhone": "+49 228 0"}, it.PhoneNumbers); d != "" {
			t.Errorf("phones (-want +got):\n%s", d)
		}
		if d := cmp.Diff(map[string]testserver.PhysicalAddress{"Business": {Street: "New St 2", City: "Bonn"}}, it.PhysicalAddresses); d != "" {
			t.Errorf("addresses (-want +got):\n%s", d)
		}
		for _, want := range []string{`<t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:Street" FieldIndex="Business">`,
			`<t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress3">`} {
			if c.Backend() == BackendEWS && !strings.Contains(lastRequest(t, srv, "UpdateItem"), want) {
				t.Errorf("UpdateItem request lacks %s", want)
			}
		}

		if err := c.Contacts().Delete(testCtx(t), DeleteOptions{}, id); err != nil {
			t.Fatal(err)
		}
		if len(srv.Default().Items("contacts")) != 0 || len(srv.Default().Items("deleteditems")) != 1 {
			t.Error("Delete did not move the contact to Deleted Items")
		}
		if c.Backend() == BackendGraph {
			return // Graph's ids are immutable: the id names the contact in Deleted Items now
		}
		if _, ok := srv.Item(id); ok {
			t.Error("the deleted contact keeps its id")
		}
		if _, err := c.Contacts().Get(testCtx(t), id); !errors.Is(err, ErrItemNotFound) {
			t.Errorf("Get after Delete: %v", err)
		}
	})
}

func TestListContactsPaging(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		for i := 24; i >= 0; i-- {
			srv.Default().AddContact(testserver.Item{GivenName: fmt.Sprintf("User%02d", i), Surname: "Test",
				EmailAddresses: map[string]string{"EmailAddress1": fmt.Sprintf("u%02d@example.com", i)}})
		}
		srv.Default().AddItem("contacts", testserver.Item{ItemClass: "IPM.DistList", DisplayName: "User list"})
		var got []string
		for ct, err := range c.Contacts().List(testCtx(t), ContactListOptions{PageSize: 10}) {
			if err != nil {
				t.Fatal(err)
			}
			if len(ct.EmailAddresses) != 1 {
				t.Errorf("%s has emails %v", ct.DisplayName, ct.EmailAddresses)
			}
			got = append(got, ct.DisplayName)
		}
		if len(got) != 25 || got[0] != "User00 Test" || got[24] != "User24 Test" {
			t.Errorf("listed %d contacts: %v", len(got), got)
		}
		if c.Backend() == BackendEWS {
			if n := countRequests(srv, "FindItem"); n != 3 {
				t.Errorf("%d FindItem requests for 26 items in pages of 10, want 3", n)
			}
		}

		// Other contacts folders (made over EWS), by path: below Contacts, nested, and by bare name.
		vendorsID, err := srv.Default().AddFolder("contacts", "Vendors", "IPF.Contact")
		if err != nil {
			t.Fatal(err)
		}
		euID, err := srv.Default().AddFolder("Contacts/Vendors", "EU", "IPF.Contact")
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Contacts().Create(testCtx(t), Contact{DisplayName: "ACME support", EmailAddresses: []string{"support@acme.example"}},
			ContactCreateOptions{Folder: FolderByPath("Contacts/Vendors")})
		if err != nil {
			t.Fatal(err)
		}
		euContact, err := c.Contacts().Create(testCtx(t), Contact{DisplayName: "ACME Europe"}, ContactCreateOptions{Folder: FolderByPath("Contacts/Vendors/EU")})
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := srv.Item(id); !ok || it.FolderID != vendorsID {
			t.Errorf("the Vendors contact is in %q, want %q", it.FolderID, vendorsID)
		}
		if it, ok := srv.Item(euContact); !ok || it.FolderID != euID {
			t.Errorf("the EU contact is in %q, want %q", it.FolderID, euID)
		}
		list := func(f FolderRef) []*Contact {
			var out []*Contact
			for ct, err := range c.Contacts().List(testCtx(t), ContactListOptions{Folder: f}) {
				if err != nil {
					t.Fatalf("List of %v: %v", f, err)
				}
				out = append(out, ct)
			}
			return out
		}
		if vendors := list(FolderByPath("Contacts/Vendors")); len(vendors) != 1 || vendors[0].ID != id || vendors[0].DisplayName != "ACME support" {
			t.Errorf("Vendors folder: %+v", vendors)
		}
		if eu := list(FolderByPath("Contacts/Vendors/EU")); len(eu) != 1 || eu[0].ID != euContact {
			t.Errorf("Contacts/Vendors/EU folder: %+v", eu)
		}
		if vendors := list(FolderByPath("vendors")); len(vendors) != 1 || vendors[0].ID != id {
			t.Errorf("the folder by its bare name: %+v", vendors)
		}
		if vendors := list(FolderByID(vendorsID)); len(vendors) != 1 || vendors[0].ID != id {
			t.Errorf("the folder by its EWS id: %+v", vendors)
		}
		// Name resolution in that folder finds its contact, not the one in Contacts/Vendors/EU.
		if res, err := c.Contacts().ResolveNames(testCtx(t), "ACME", ResolveOptions{Folder: FolderByPath("Contacts/Vendors"), Scope: ScopeContacts}); err != nil ||
			len(res) != 1 || res[0].Mailbox.Email != "support@acme.example" {
			t.Errorf("ResolveNames in Contacts/Vendors = %+v, %v", res, err)
		}
		if got, err := c.Contacts().Get(testCtx(t), id); err != nil || got.DisplayName != "ACME support" {
			t.Errorf("Get of the Vendors contact = %+v, %v", got, err)
		}
		for _, err := range c.Contacts().List(testCtx(t), ContactListOptions{Folder: FolderByPath("Contacts/Nope")}) {
			if !errors.Is(err, ErrFolderNotFound) {
				t.Errorf("List of a missing folder: %v, want ErrFolderNotFound", err)
			}
		}
	})
}

// Over Graph, a contacts folder Graph cannot reach is refused before any request.
func TestGraphContactFolderRefusals(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	for _, f := range []FolderRef{Inbox, FolderByPath("Personal/Family")} {
		_, err := c.Contacts().Create(ctx, Contact{DisplayName: "x"}, ContactCreateOptions{Folder: f})
		if !errors.Is(err, ErrNotSupportedByBackend) {
			t.Errorf("Create in %v: %v", f, err)
		}
		for _, err = range c.Contacts().List(ctx, ContactListOptions{Folder: f}) {
		}
		if !errors.Is(err, ErrNotSupportedByBackend) {
			t.Errorf("List of %v: %v", f, err)
		}
		if _, err = c.Contacts().ResolveNames(ctx, "x", ResolveOptions{Folder: f}); !errors.Is(err, ErrNotSupportedByBackend) {
			t.Errorf("ResolveNames in %v: %v", f, err)
		}
	}
	if n := wireRequests(srv); n != 0 {
		t.Errorf("%d requests sent for refused calls", n)
	}
}

func TestResolveNames(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		srv.AddMailbox("bob.smith@example.com", "Bob Smith")
		srv.AddMailbox("carol.smith@example.com", "Carol Smith")
		daveID := srv.Default().AddContact(testserver.Item{GivenName: "Dave", Surname: "Smith", CompanyName: "Partner",
			EmailAddresses: map[string]string{"EmailAddress1": "dave@partner.example"}})
		ctx := testCtx(t)

		res, err := c.Contacts().ResolveNames(ctx, "smith", ResolveOptions{})
		if err != nil {
			t.Fatalf("ambiguous: %v", err)
		}
		var got []string
		for _, r := range res {
			got = append(got, string(r.Mailbox.Type)+":"+r.Mailbox.Email)
		}
		if d := cmp.Diff([]string{"Mailbox:bob.smith@example.com", "Mailbox:carol.smith@example.com", "Contact:dave@partner.example"}, got); d != "" {
			t.Errorf("ambiguous name (-want +got):\n%s", d)
		}
		if res[0].Contact != nil {
			t.Error("directory entry came with contact data that was not asked for")
		}
		if !sameID(res[2].Mailbox.ContactID, daveID) || res[2].Contact == nil || res[2].Contact.CompanyName != "Partner" || !sameID(res[2].Contact.ID, daveID) {
			t.Errorf("contact resolution = %+v / %+v", res[2].Mailbox, res[2].Contact)
		}

		res, err = c.Contacts().ResolveNames(ctx, "Bob", ResolveOptions{ContactData: true})
		if err != nil || len(res) != 1 {
			t.Fatalf("unique: %v, %+v", err, res)
		}
		if r := res[0]; r.Mailbox.Name != "Bob Smith" || r.Mailbox.Email != "bob.smith@example.com" || r.Mailbox.RoutingType != "SMTP" || r.Mailbox.Type != MailboxUser ||
			r.Contact == nil || r.Contact.GivenName != "Bob" || r.Contact.Surname != "Smith" || len(r.Contact.EmailAddresses) != 1 || r.Contact.EmailAddresses[0] != "bob.smith@example.com" {
			t.Errorf("unique resolution = %+v / %+v", r.Mailbox, r.Contact)
		}
		// ContactDataShape exists from Exchange 2010 SP2 on; older releases must not get it.
		if c.Backend() == BackendEWS {
			wantShape := serverPersonality(srv).Accepts("Exchange2010_SP2")
			if body := lastRequest(t, srv, "ResolveNames"); !strings.Contains(body, `ReturnFullContactData="true"`) || strings.Contains(body, `ContactDataShape="AllProperties"`) != wantShape {
				t.Errorf("ResolveNames request (ContactDataShape wanted: %v): %s", wantShape, body)
			}
		}

		if _, err := c.Contacts().ResolveNames(ctx, "zzz", ResolveOptions{}); !errors.Is(err, ErrNameResolutionNoResults) {
			t.Errorf("no match: err = %v, want ErrNameResolutionNoResults", err)
		}
		res, err = c.Contacts().ResolveNames(ctx, "smtp:carol.smith@example.com", ResolveOptions{})
		if err != nil || len(res) != 1 || res[0].Mailbox.Name != "Carol Smith" {
			t.Errorf("exact address: %v %+v", err, res)
		}
		res, err = c.Contacts().ResolveNames(ctx, "smith", ResolveOptions{Scope: ScopeContacts})
		if err != nil || len(res) != 1 || res[0].Mailbox.Type != MailboxContact {
			t.Errorf("contacts only: %v %+v", err, res)
		}
		res, err = c.Contacts().ResolveNames(ctx, "smith", ResolveOptions{Scope: ScopeContactsDirectory})
		if err != nil || len(res) != 3 || res[0].Mailbox.Type != MailboxContact {
			t.Errorf("contacts first: %v %+v", err, res)
		}
		if _, err := c.Contacts().ResolveNames(ctx, "smith", ResolveOptions{Scope: "Everywhere"}); err == nil || !strings.Contains(err.Error(), "ResolveOptions.Scope") {
			t.Errorf("bad scope: %v", err)
		}
		if _, err := c.Contacts().ResolveNames(ctx, " ", ResolveOptions{}); err == nil {
			t.Error("empty name accepted")
		}
	})
}

func TestExpandDL(t *testing.T) {
	srv, c := setup(t)
	srv.AddMailbox("bob@example.com", "Bob")
	srv.AddDistributionList("night@example.com", "Night shift", "bob@example.com")
	srv.AddDistributionList("soc@example.com", "SOC Team", "alice@example.com", "bob@example.com", "night@example.com", "mssp@vendor.example")
	dl, err := c.Contacts().ExpandDL(testCtx(t), "soc@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range dl.Members {
		got = append(got, fmt.Sprintf("%s %s %s", m.Type, m.Name, m.Email))
	}
	want := []string{"Mailbox alice alice@example.com", "Mailbox Bob bob@example.com", "PublicDL Night shift night@example.com", "Contact mssp@vendor.example mssp@vendor.example"}
	if d := cmp.Diff(want, got); d != "" || dl.Truncated {
		t.Errorf("members (-want +got):\n%s truncated=%v", d, dl.Truncated)
	}
	if _, err := c.Contacts().ExpandDL(testCtx(t), "nobody@example.com"); !errors.Is(err, ErrNameResolutionNoResults) {
		t.Errorf("unknown list: %v", err)
	}
	if _, err := c.Contacts().ExpandDL(testCtx(t), "not an address"); err == nil || !strings.Contains(err.Error(), "ExpandDL address") {
		t.Errorf("bad address: %v", err)
	}
	res, err := c.Contacts().ResolveNames(testCtx(t), "SOC", ResolveOptions{})
	if err != nil || len(res) != 1 || res[0].Mailbox.Type != MailboxPublicDL || res[0].Mailbox.Email != "soc@example.com" {
		t.Errorf("ResolveNames of a list: %v %+v", err, res)
	}
}
