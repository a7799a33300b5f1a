package ews_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// The calendar over Microsoft Graph: the same calls as over EWS. List reads Graph's calendarView, which expands
// recurring series into their occurrences.
func ExampleCalendarService_List_graph() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := c.Calendar().Create(ctx, ews.NewEvent{Subject: "SOC stand-up", Start: start, End: start.Add(15 * time.Minute),
		ShowAs: ews.ShowAsBusy, Recurrence: &ews.Recurrence{Pattern: ews.RecurrenceDaily, Count: 3}}, ews.EventCreateOptions{}); err != nil {
		log.Fatal(err)
	}
	for ev, err := range c.Calendar().List(ctx, start, start.AddDate(0, 0, 7), ews.EventListOptions{Subject: "stand-up"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Start.Format("Mon 15:04"), ev.Subject, ev.Type)
	}
	// Output:
	// Mon 09:00 SOC stand-up Occurrence
	// Tue 09:00 SOC stand-up Occurrence
	// Wed 09:00 SOC stand-up Occurrence
}

// Polling over Microsoft Graph keeps a delta link in the state file; the first call records the baseline.
func ExampleClient_PollOnce_graph() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "graphpoll")
	defer os.RemoveAll(dir)
	state := filepath.Join(dir, "inbox.state")
	poll := func() {
		b, err := c.PollOnce(ctx, ews.PollOnceOptions{StateFile: state})
		if err != nil {
			log.Fatal(err)
		}
		for _, ev := range b.Events {
			fmt.Println(ev.Kind, ev.Subject)
		}
		if err := b.Commit(); err != nil {
			log.Fatal(err)
		}
	}
	srv.AddMessage("inbox", ewstest.Message{Subject: "already there"})
	poll() // the baseline
	srv.AddMessage("inbox", ewstest.Message{Subject: "Invoice overdue", From: "billing@evil.example"})
	poll()
	poll() // nothing new
	// Output: created Invoice overdue
}

// Another calendar than the default one, over Microsoft Graph as over EWS: the calendar is named by its path
// (found among Graph's calendars) or its id.
func ExampleEventCreateOptions_graph() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	if _, err := srv.Mailbox().AddCalendar("Calendar/On-call"); err != nil {
		log.Fatal(err)
	}
	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	oncall := ews.FolderByPath("Calendar/On-call")
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if _, err := c.Calendar().Create(ctx, ews.NewEvent{Subject: "Alice on call", Start: start, End: start.AddDate(0, 0, 7),
		IsAllDay: true, TimeZone: time.UTC}, ews.EventCreateOptions{Folder: oncall}); err != nil {
		log.Fatal(err)
	}
	for ev, err := range c.Calendar().List(ctx, start, start.AddDate(0, 0, 1), ews.EventListOptions{Folder: oncall}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Subject, ev.IsAllDay)
	}
	// Output:
	// Alice on call true
}

// A contacts folder below Contacts, over Microsoft Graph as over EWS.
func ExampleContactListOptions_graph() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	if _, err := srv.Mailbox().AddContactsFolder("Contacts/Vendors"); err != nil {
		log.Fatal(err)
	}
	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	vendors := ews.FolderByPath("Contacts/Vendors")
	if _, err := c.Contacts().Create(ctx, ews.Contact{DisplayName: "ACME support", EmailAddresses: []string{"support@acme.example"}},
		ews.ContactCreateOptions{Folder: vendors}); err != nil {
		log.Fatal(err)
	}
	for ct, err := range c.Contacts().List(ctx, ews.ContactListOptions{Folder: vendors}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ct.DisplayName, ct.EmailAddresses)
	}
	// Output:
	// ACME support [support@acme.example]
}
