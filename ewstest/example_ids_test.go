package ewstest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// The EWS and graph backends name the same message with different ids, as Exchange Online does; a graph client
// still takes the EWS id a program stored, and SameID compares ids across the backends.
func ExampleSameID() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	stored := srv.AddMessage("inbox", ewstest.Message{Subject: "Invoice overdue"}) // an EWS ItemId

	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ms, err := c.Mail().Get(context.Background(), stored)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ms[0].Subject)
	fmt.Println("same id string:", ms[0].ID == stored, "same message:", ewstest.SameID(ms[0].ID, stored))
	// Output:
	// Invoice overdue
	// same id string: false same message: true
}
