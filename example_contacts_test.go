package ews_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

func ExampleContactsService_List() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	c := exampleClient(srv, time.UTC)
	ctx := context.Background()

	for _, ct := range []ews.Contact{
		{GivenName: "Jane", Surname: "Doe", CompanyName: "Example", EmailAddresses: []string{"jane@example.com"},
			Phones: map[ews.PhoneKey]string{ews.PhoneMobile: "+1 555 0100"}},
		{GivenName: "Abe", Surname: "Lincoln", EmailAddresses: []string{"abe@example.com", "abe@home.example"}},
	} {
		if _, err := c.Contacts().Create(ctx, ct, ews.ContactCreateOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	for ct, err := range c.Contacts().List(ctx, ews.ContactListOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ct.DisplayName, ct.EmailAddresses)
		if m := ct.Phones[ews.PhoneMobile]; m != "" {
			fmt.Println("  mobile:", m)
		}
	}
	// Output:
	// Abe Lincoln [abe@example.com abe@home.example]
	// Jane Doe [jane@example.com]
	//   mobile: +1 555 0100
}

func ExampleContactsService_ResolveNames() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	srv.AddMailbox("bob.smith@example.com", "Bob Smith")
	srv.AddMailbox("carol.smith@example.com", "Carol Smith")
	c := exampleClient(srv, time.UTC)
	ctx := context.Background()

	res, err := c.Contacts().ResolveNames(ctx, "smith", ews.ResolveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res), "candidates for smith:")
	for _, r := range res {
		fmt.Println(" ", r.Mailbox.Name, r.Mailbox.Email)
	}
	res, err = c.Contacts().ResolveNames(ctx, "carol", ews.ResolveOptions{ContactData: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("carol is", res[0].Mailbox.Email, "given name", res[0].Contact.GivenName)
	// Output:
	// 2 candidates for smith:
	//   Bob Smith bob.smith@example.com
	//   Carol Smith carol.smith@example.com
	// carol is carol.smith@example.com given name Carol
}
