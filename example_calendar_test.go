package ews_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// exampleClient returns a client for the fake server's user alice@example.com.
func exampleClient(srv *ewstest.Server, loc *time.Location) *ews.Client {
	cfg := srv.Config()
	cfg.Location = loc
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleCalendarService_Create() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	srv.AddMailbox("bob@example.com", "Bob")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	c := exampleClient(srv, berlin)
	ctx := context.Background()

	start := time.Date(2024, 7, 15, 9, 0, 0, 0, berlin)
	id, err := c.Calendar().Create(ctx, ews.NewEvent{
		Subject:  "Incident review",
		Start:    start,
		End:      start.Add(time.Hour),
		Location: "War room",
		Required: []string{"Bob <bob@example.com>"},
		ShowAs:   ews.ShowAsBusy,
		Reminder: 15 * time.Minute,
	}, ews.EventCreateOptions{SendInvitations: ews.SendToAllAndSaveCopy})
	if err != nil {
		log.Fatal(err)
	}
	ev, err := c.Calendar().Get(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Subject, "at", ev.Start.Format("15:04 MST"), "in", ev.TimeZone)
	fmt.Println("stored as", ev.Start.UTC().Format("15:04 MST"))
	for _, a := range ev.Required {
		fmt.Println("invited:", a.Name, a.Email, a.Response)
	}
	fmt.Println("bob's inbox:", srv.Mailbox("bob@example.com").Messages("inbox")[0].Subject)
	// Output:
	// Incident review at 09:00 CEST in W. Europe Standard Time
	// stored as 07:00 UTC
	// invited: Bob bob@example.com Unknown
	// bob's inbox: Incident review
}

func ExampleCalendarService_List() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	c := exampleClient(srv, time.UTC)
	ctx := context.Background()

	monday := time.Date(2024, 4, 8, 8, 30, 0, 0, time.UTC)
	if _, err := c.Calendar().Create(ctx, ews.NewEvent{Subject: "Shift handover", Start: monday, End: monday.Add(15 * time.Minute),
		Recurrence: &ews.Recurrence{Pattern: ews.RecurrenceWeekly, Days: []time.Weekday{time.Monday, time.Wednesday, time.Friday}}}, ews.EventCreateOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Calendar().Create(ctx, ews.NewEvent{Subject: "Offsite", IsAllDay: true, Start: monday.AddDate(0, 0, 3)}, ews.EventCreateOptions{}); err != nil {
		log.Fatal(err)
	}

	// The week of April 8: the series is expanded into its occurrences.
	for ev, err := range c.Calendar().List(ctx, monday.Truncate(24*time.Hour), monday.AddDate(0, 0, 7), ews.EventListOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		when := ev.Start.Format("Mon 15:04")
		if ev.IsAllDay {
			when = ev.Start.Format("Mon") + " all day"
		}
		fmt.Println(when, ev.Subject, ev.Type)
	}
	// Output:
	// Mon 08:30 Shift handover Occurrence
	// Wed 08:30 Shift handover Occurrence
	// Thu all day Offsite Single
	// Fri 08:30 Shift handover Occurrence
}
