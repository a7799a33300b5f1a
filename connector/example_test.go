package connector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// A SOAR tool stores the configuration and calls Execute with JSON parameters; the result marshals to the
// connector's JSON.
func ExampleExecute() {
	srv := testserver.NewServer() // a fake Exchange server
	defer srv.Close()
	ctx := context.Background()
	cfg, err := connector.ParseConfig([]byte(fmt.Sprintf(`{"host": %q, "username": %q, "password": %q, "email_address": %q}`,
		srv.URL, srv.Username(), srv.Password(), srv.Email())))
	if err != nil {
		panic(err)
	}
	res, err := connector.Execute(ctx, cfg, "create_event", json.RawMessage(`{"subject": "Incident review",
		"start_date": "2030-07-15 09:00", "end_date": "2030-07-15 10:00", "required_attendees": "bob@example.com",
		"show_as": "Working elsewhere", "reminder": "1 hour"}`))
	if err != nil {
		panic(err)
	}
	ev := res.(*connector.Result).Data.(*connector.Event)
	fmt.Println(ev.Subject, ev.Start.Format(time.RFC3339), ev.ShowAs, *ev.ReminderMinutes, ev.Attendees[0].Email)

	// A bad parameter is an error result that names it; nothing is sent to the server.
	res, _ = connector.Execute(ctx, cfg, "create_event", json.RawMessage(`{"subject": "x", "start_date": "tomorrow"}`))
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	// Output:
	// Incident review 2030-07-15T09:00:00Z Working elsewhere 60 bob@example.com
	// {"status":"Error","code":"InvalidParameter","message":"parameter \"start_date\": \"tomorrow\" is not a date and time (use RFC 3339, e.g. 2024-05-06T09:00:00Z, or 2024-05-06 09:00)"}
}

// Each operation is also a typed function over an SDK client.
func ExampleGetEvents() {
	srv := testserver.NewServer()
	defer srv.Close()
	start := time.Date(2030, 7, 15, 9, 0, 0, 0, time.UTC)
	srv.Default().AddItem("calendar", testserver.Item{Subject: "SOC weekly", Start: start, End: start.Add(30 * time.Minute)})
	c, err := connector.NewClient(connector.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(),
		Timezone: "Europe/Berlin"})
	if err != nil {
		panic(err)
	}
	for ev, err := range connector.GetEvents(context.Background(), c, connector.GetEventsParams{FromTime: start.Add(-time.Hour), ToTime: start.Add(time.Hour)}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(ev.Subject, ev.Start.Format("2006-01-02 15:04 MST"))
	}
	// Output:
	// SOC weekly 2030-07-15 11:00 CEST
}
