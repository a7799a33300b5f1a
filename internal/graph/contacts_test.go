package graph_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
)

func TestContactsCreateListGet(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	c, err := f.c.CreateContact(ctx, &graph.Contact{GivenName: "Alice", Surname: "O'Hara", CompanyName: "Contoso",
		EmailAddresses: []graph.EmailAddress{{Address: "alice@contoso.com"}, {Address: "a.ohara@example.org"}},
		BusinessPhones: []string{"+1 555 0100"}, MobilePhone: "+1 555 0199",
		BusinessAddress: &graph.PhysicalAddress{City: "Redmond", CountryOrRegion: "US"}})
	if err != nil {
		t.Fatal(err)
	}
	it, ok := mb.Item(c.ID)
	if !ok || it.ItemClass != "IPM.Contact" || it.DisplayName != "Alice O'Hara" || it.EmailAddresses["EmailAddress2"] != "a.ohara@example.org" ||
		it.PhoneNumbers["MobilePhone"] != "+1 555 0199" || it.PhysicalAddresses["Business"].City != "Redmond" ||
		it.FolderID != mb.FolderID("contacts") {
		t.Fatalf("server contact = %+v", it)
	}
	for i := range 12 {
		mb.AddContact(testserver.Item{DisplayName: fmt.Sprintf("Zed %02d", i), EmailAddresses: map[string]string{"EmailAddress1": fmt.Sprintf("z%d@example.com", i)}})
	}
	p, err := f.c.ListContacts(ctx, graph.ContactListOptions{Top: 5, OrderBy: "displayName"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		for _, c := range p.Value {
			names = append(names, c.DisplayName)
		}
		if p.NextLink == "" {
			break
		}
		if p, err = f.c.NextContacts(ctx, p.NextLink); err != nil {
			t.Fatal(err)
		}
	}
	if len(names) != 13 || names[0] != "Alice O'Hara" || !sort.StringsAreSorted(names) {
		t.Errorf("contacts = %v", names)
	}
	got, err := f.c.GetContact(ctx, c.ID)
	if err != nil || got.EmailAddresses[0].Address != "alice@contoso.com" || got.BusinessPhones[0] != "+1 555 0100" ||
		got.BusinessAddress.CountryOrRegion != "US" || got.CompanyName != "Contoso" {
		t.Errorf("GetContact = %+v, %v", got, err)
	}
	p, err = f.c.ListContacts(ctx, graph.ContactListOptions{Filter: "startswith(surname,'o''h')"})
	if err != nil || len(p.Value) != 1 || p.Value[0].ID != c.ID {
		t.Errorf("filter by surname: %v %+v", err, p)
	}
	if _, err := f.c.CreateContact(ctx, &graph.Contact{DisplayName: "x", EmailAddresses: make([]graph.EmailAddress, 4)}); err == nil {
		t.Error("a contact with four addresses was sent")
	}
	if err := f.c.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if it, _ := mb.Item(c.ID); it.FolderID != mb.FolderID("deleteditems") {
		t.Errorf("deleted contact is in %q", it.FolderID)
	}
	var ge *graph.Error
	if _, err := f.c.GetContact(ctx, testserver.GraphID(mb.FolderID("inbox"))); !errors.As(err, &ge) || !ge.NotFound() {
		t.Errorf("a folder id as a contact: %v", err)
	}
}

func TestResolveNameAppOnly(t *testing.T) {
	f := setup(t)
	f.srv.AddMailbox("alice.smith@example.com", "Alice Smith")
	f.srv.AddMailbox("bob@example.com", "Bob Alison")
	mb := f.srv.Default()
	mb.AddContact(testserver.Item{DisplayName: "Alicia Keys", EmailAddresses: map[string]string{"EmailAddress1": "alicia@music.example"}})
	// A contact with the address of a directory user is the same person: listed once, as the user.
	mb.AddContact(testserver.Item{DisplayName: "Alice (personal card)", EmailAddresses: map[string]string{"EmailAddress1": "alice.smith@example.com"}})
	ctx := context.Background()

	res, err := f.c.ResolveName(ctx, "ali")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		kind := "user"
		if r.Contact != nil {
			kind = "contact"
		}
		got = append(got, kind+":"+r.Address)
	}
	// "ali" starts Alice Smith, the mailbox's own user (alice@) and Alison (Bob Alison's surname) in the
	// directory, and two contacts, one of them Alice Smith again.
	want := []string{"user:alice.smith@example.com", "user:" + f.srv.Email(), "user:bob@example.com", "contact:alicia@music.example"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ResolveName(ali) = %v, want %v", got, want)
	}
	res, err = f.c.ResolveName(ctx, "SMTP:alicia@music.example")
	if err != nil || len(res) != 1 || res[0].Contact == nil || res[0].Name != "Alicia Keys" {
		t.Errorf("ResolveName(address) = %+v, %v", res, err)
	}
	users, err := f.c.SearchUsers(ctx, "smith", 10)
	if err != nil || len(users) != 1 || users[0].Mail != "alice.smith@example.com" || users[0].ID == "" {
		t.Errorf("SearchUsers(smith) = %+v, %v", users, err)
	}
	if _, err := f.c.FindUsers(ctx, " ", 0); err == nil {
		t.Error("an empty name was sent")
	}
	var sawSearch bool
	for _, r := range f.srv.GraphRequests() {
		sawSearch = sawSearch || r.Path == "/users" && r.Status == 200 && len(r.RawQuery) > 0 && r.RawQuery[:7] == "%24sear"
	}
	if !sawSearch {
		t.Errorf("no $search request answered 200: %+v", f.srv.GraphRequests())
	}
}

func TestUpdateContact(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	id := mb.AddContact(testserver.Item{DisplayName: "Old Name", Categories: []string{"x"},
		EmailAddresses:    map[string]string{"EmailAddress1": "old@example.com", "EmailAddress2": "old2@example.com"},
		PhoneNumbers:      map[string]string{"BusinessPhone": "1", "BusinessPhone2": "2"},
		PhysicalAddresses: map[string]testserver.PhysicalAddress{"Home": {City: "Oslo"}}})
	c, err := f.c.UpdateContact(ctx, testserver.GraphID(id), &graph.ContactPatch{DisplayName: ptr("New Name"), JobTitle: ptr("CISO"),
		EmailAddresses: &[]graph.EmailAddress{{Address: "new@example.com"}}, BusinessPhones: &[]string{"3"},
		HomeAddress: &graph.PhysicalAddress{}, Categories: &[]string{}})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := mb.Item(id)
	if c.DisplayName != "New Name" || it.DisplayName != "New Name" || it.JobTitle != "CISO" || len(it.EmailAddresses) != 1 ||
		it.EmailAddresses["EmailAddress1"] != "new@example.com" || it.PhoneNumbers["BusinessPhone"] != "3" ||
		it.PhoneNumbers["BusinessPhone2"] != "" || len(it.PhysicalAddresses) != 0 || len(it.Categories) != 0 {
		t.Errorf("updated contact on the server = %+v", it)
	}
	if _, err := f.c.UpdateContact(ctx, id, &graph.ContactPatch{EmailAddresses: &[]graph.EmailAddress{{}}}); err == nil {
		t.Error("an empty address was sent")
	}
}
