package connector_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func addresses(as []testserver.Attendee) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Email)
	}
	return out
}

func TestCreateEventEveryParameter(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		cfg.Timezone = "Europe/Berlin"
		evil := "Review </t:Subject><t:Foo>x</t:Foo> ]]> & more"
		params := fmt.Sprintf(`{
			"subject": %q,
			"start_date": "2024-07-15 09:00",
			"end_date": "2024-07-15T10:30:00+02:00",
			"required_attendees": "bob@example.com, \"Doe, Jane\" <jane@example.com>",
			"optional_attendees": ["carol@example.com"],
			"body": "<p>Agenda: triage</p>",
			"location": "Room 4.12",
			"categories": "Incident; SOC",
			"show_as": "Working elsewhere",
			"reminder": "2 week",
			"is_all_day": "false",
			"is_private": false
		}`, evil)
		var ev map[string]any
		execOK(t, cfg, "create_event", params, &ev)
		want := []string{"attendees", "body", "categories", "end", "id", "is_all_day", "is_cancelled", "is_private", "is_recurring",
			"location", "organizer", "reminder_minutes", "show_as", "start", "subject", "time_zone"}
		if diff := cmp.Diff(want, sortedKeys(ev)); diff != "" {
			t.Errorf("event keys (-want +got):\n%s", diff)
		}
		it, ok := srv.Item(ev["id"].(string))
		if !ok {
			t.Fatalf("the event %v is not on the server", ev["id"])
		}
		got := map[string]any{"Subject": it.Subject, "Start": it.Start.UTC(), "End": it.End.UTC(), "Required": addresses(it.RequiredAttendees),
			"Optional": addresses(it.OptionalAttendees), "Body": it.Body, "BodyType": it.BodyType, "Location": it.Location,
			"Categories": it.Categories, "ShowAs": it.LegacyFreeBusyStatus, "ReminderIsSet": it.ReminderIsSet,
			"ReminderMinutes": it.ReminderMinutes, "IsAllDay": it.IsAllDayEvent, "Private": it.Sensitivity == "Private",
			"TimeZone": it.StartTimeZone}
		wantItem := map[string]any{"Subject": evil, "Start": time.Date(2024, 7, 15, 7, 0, 0, 0, time.UTC), "End": time.Date(2024, 7, 15, 8, 30, 0, 0, time.UTC),
			"Required": []string{"bob@example.com", "jane@example.com"}, "Optional": []string{"carol@example.com"},
			"Body": "<p>Agenda: triage</p>", "BodyType": "HTML", "Location": "Room 4.12", "Categories": []string{"Incident", "SOC"},
			"ShowAs": "WorkingElsewhere", "ReminderIsSet": true, "ReminderMinutes": 20160, "IsAllDay": false, "Private": false,
			"TimeZone": "W. Europe Standard Time"}
		if diff := cmp.Diff(wantItem, got); diff != "" {
			t.Errorf("stored event (-want +got):\n%s", diff)
		}
		if ev["subject"] != evil || ev["start"] != "2024-07-15T09:00:00+02:00" || ev["end"] != "2024-07-15T10:30:00+02:00" ||
			ev["show_as"] != "Working elsewhere" || ev["reminder_minutes"] != 20160.0 || ev["is_private"] != false || ev["location"] != "Room 4.12" {
			t.Errorf("event JSON %v", ev)
		}
		var typed connector.Event
		b, _ := json.Marshal(ev)
		_ = json.Unmarshal(b, &typed)
		wantAtt := []connector.Attendee{{Name: "bob@example.com", Email: "bob@example.com", Type: "required", Response: "Unknown"},
			{Name: "Doe, Jane", Email: "jane@example.com", Type: "required", Response: "Unknown"},
			{Name: "carol@example.com", Email: "carol@example.com", Type: "optional", Response: "Unknown"}}
		for i := range typed.Attendees {
			if typed.Attendees[i].Name == typed.Attendees[i].Email {
				wantAtt[i].Name = typed.Attendees[i].Name
			}
		}
		if diff := cmp.Diff(wantAtt, typed.Attendees); diff != "" {
			t.Errorf("attendees (-want +got):\n%s", diff)
		}
		if typed.Organizer == nil || typed.Organizer.Email != srv.Email() {
			t.Errorf("organizer %+v, want %s", typed.Organizer, srv.Email())
		}
	})
}

func TestCreateEventDefaultsAndReminders(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		var ev connector.Event
		execOK(t, cfg, "create_event", `{"subject": "Offsite", "start_date": "2024-07-16", "is_all_day": true, "reminder": "0 minutes"}`, &ev)
		it, _ := srv.Item(ev.ID)
		if !it.IsAllDayEvent || it.LegacyFreeBusyStatus != "Busy" || it.Sensitivity != "Private" || !it.ReminderIsSet || it.ReminderMinutes != 0 {
			t.Errorf("defaults: stored all-day %v, show as %q, sensitivity %q, reminder %v/%d; want true, Busy, Private, true/0",
				it.IsAllDayEvent, it.LegacyFreeBusyStatus, it.Sensitivity, it.ReminderIsSet, it.ReminderMinutes)
		}
		if !ev.IsAllDay || !ev.IsPrivate || ev.ShowAs != "Busy" || ev.ReminderMinutes == nil || *ev.ReminderMinutes != 0 ||
			!ev.Start.Equal(time.Date(2024, 7, 16, 0, 0, 0, 0, time.UTC)) || !ev.End.Equal(time.Date(2024, 7, 17, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("all-day event JSON %+v", ev)
		}
		for _, c := range []struct {
			reminder string
			set      bool
			minutes  int
		}{{"None", false, 0}, {"1 hour", true, 60}, {"0.5 days", true, 720}, {"15", true, 15}, {"2 Weeks", true, 20160}, {"1 day", true, 1440}} {
			execOK(t, cfg, "create_event", fmt.Sprintf(`{"subject": "r", "start_date": "2024-07-16 10:00", "end_date": "2024-07-16 11:00", "reminder": %q}`, c.reminder), &ev)
			it, _ := srv.Item(ev.ID)
			if it.ReminderIsSet != c.set || (c.set && it.ReminderMinutes != c.minutes) {
				t.Errorf("reminder %q stored as %v/%d, want %v/%d", c.reminder, it.ReminderIsSet, it.ReminderMinutes, c.set, c.minutes)
			}
		}
		for _, sa := range []struct{ in, stored string }{{"Free", "Free"}, {"tentative", "Tentative"}, {"OOF", "OOF"}, {"working_elsewhere", "WorkingElsewhere"}, {"Busy", "Busy"}} {
			execOK(t, cfg, "create_event", fmt.Sprintf(`{"subject": "s", "start_date": "2024-07-16T10:00:00Z", "end_date": "2024-07-16T10:30:00Z", "show_as": %q}`, sa.in), &ev)
			if it, _ := srv.Item(ev.ID); it.LegacyFreeBusyStatus != sa.stored {
				t.Errorf("show_as %q stored as %q, want %q", sa.in, it.LegacyFreeBusyStatus, sa.stored)
			}
		}
	})
}

func TestCreateEventBadParameters(t *testing.T) {
	srv, cfg := setup(t)
	ok := `"subject": "s", "start_date": "2024-07-16 10:00", "end_date": "2024-07-16 11:00"`
	for _, c := range []struct{ params, param string }{
		{`{"start_date": "2024-07-16 10:00", "end_date": "2024-07-16 11:00"}`, "subject"},
		{`{"subject": "s", "end_date": "2024-07-16 11:00"}`, "start_date"},
		{`{"subject": "s", "start_date": "2024-07-16 10:00"}`, "end_date"},
		{`{"subject": "s", "start_date": "2024-07-16 10:00", "end_date": "2024-07-16 09:00"}`, "end_date"},
		{`{"subject": "s", "start_date": "16/07/2024", "end_date": "2024-07-16 11:00"}`, "start_date"},
		{`{"subject": "s", "start_date": 1721124000, "end_date": "2024-07-16 11:00"}`, "start_date"},
		{`{` + ok + `, "show_as": "Away"}`, "show_as"},
		{`{` + ok + `, "reminder": "soon"}`, "reminder"},
		{`{` + ok + `, "reminder": "3 fortnights"}`, "reminder"},
		{`{` + ok + `, "is_private": "maybe"}`, "is_private"},
		{`{` + ok + `, "is_all_day": 2}`, "is_all_day"},
		{`{` + ok + `, "required_attendees": "bob@example.com, not an address"}`, "required_attendees"},
		{`{` + ok + `, "optional_attendees": [1, 2]}`, "optional_attendees"},
		{`{` + ok + `, "categories": {"a": 1}}`, "categories"},
		{`{` + ok + `, "subjcet": "typo"}`, "subjcet"},
		{`{` + ok + `, "body": 5}`, "body"},
		{`["not", "an", "object"]`, ""},
		{`{"subject": `, ""},
	} {
		ce := execFail(t, cfg, "create_event", c.params, connector.CodeInvalidParameter, c.param)
		if ce != nil && ce.Param != c.param {
			t.Errorf("%s: Error.Param = %q, want %q", c.params, ce.Param, c.param)
		}
		if ce != nil && !ce.Usage() {
			t.Errorf("%s: Usage() = false for a bad parameter", c.params)
		}
	}
	ce := execFail(t, cfg, "create_event", `{`+ok+`, "subjcet": "typo"}`, connector.CodeInvalidParameter, `did you mean "subject"`)
	_ = ce
	noRequests(t, srv, "bad create_event parameters")
}

// seedEvent stores an event in the default calendar.
func seedEvent(srv *testserver.Server, subject string, start time.Time, d time.Duration) string {
	return srv.Default().AddItem("calendar", testserver.Item{Subject: subject, Start: start, End: start.Add(d), Location: "Room " + subject,
		LegacyFreeBusyStatus: "Busy", Organizer: testserver.Address{Name: "Alice", Email: srv.Email()}})
}

func subjects(evs []connector.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Subject)
	}
	return out
}

func TestGetEventsEveryParameter(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		d := time.Date(2024, 7, 15, 9, 0, 0, 0, time.UTC)
		seedEvent(srv, "Review A", d, time.Hour)
		seedEvent(srv, "Standup", d.Add(time.Hour), 15*time.Minute)
		seedEvent(srv, "review B", d.AddDate(0, 0, 1), time.Hour)
		seedEvent(srv, "Review C", d.AddDate(0, 1, 0), time.Hour)
		var evs []connector.Event
		execOK(t, cfg, "get_events", `{"subject": "REVIEW", "from_time": "2024-07-15 00:00", "to_time": "2024-07-17T00:00:00Z"}`, &evs)
		if diff := cmp.Diff([]string{"Review A", "review B"}, subjects(evs)); diff != "" {
			t.Errorf("get_events subject+range (-want +got):\n%s", diff)
		}
		if len(evs) > 0 && (!evs[0].Start.Equal(d) || evs[0].Location != "Room Review A" || evs[0].ShowAs != "Busy") {
			t.Errorf("first event %+v", evs[0])
		}
		execOK(t, cfg, "get_events", `{"from_time": "2024-07-15T10:00:00Z", "to_time": "2024-08-31 00:00"}`, &evs)
		if diff := cmp.Diff([]string{"Standup", "review B", "Review C"}, subjects(evs)); diff != "" {
			t.Errorf("get_events range (-want +got):\n%s", diff)
		}
		// to_time alone, in the past: the 30 days before it.
		execOK(t, cfg, "get_events", `{"to_time": "2024-07-16 00:00"}`, &evs)
		if diff := cmp.Diff([]string{"Review A", "Standup"}, subjects(evs)); diff != "" {
			t.Errorf("get_events to_time only (-want +got):\n%s", diff)
		}
		// from_time alone: 30 days from it.
		execOK(t, cfg, "get_events", `{"from_time": "2024-07-16 00:00"}`, &evs)
		if diff := cmp.Diff([]string{"review B"}, subjects(evs)); diff != "" {
			t.Errorf("get_events from_time only (-want +got):\n%s", diff)
		}
		// No parameters: from today on.
		soon := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)
		seedEvent(srv, "Upcoming", soon, time.Hour)
		execOK(t, cfg, "get_events", `{}`, &evs)
		if diff := cmp.Diff([]string{"Upcoming"}, subjects(evs)); diff != "" {
			t.Errorf("get_events without parameters (-want +got):\n%s", diff)
		}
		// An empty list is a list.
		r, b, err := execJSON(t, cfg, "get_events", `{"subject": "nothing matches this"}`)
		if err != nil || string(r.Data) != "[]" {
			t.Errorf("get_events without matches: %s, %v; want data []", b, err)
		}
	})
}

func TestGetEventsBadParameters(t *testing.T) {
	srv, cfg := setup(t)
	execFail(t, cfg, "get_events", `{"from_time": "2024-07-16 00:00", "to_time": "2024-07-15 00:00"}`, connector.CodeInvalidParameter, "to_time")
	execFail(t, cfg, "get_events", `{"from_time": "yesterday"}`, connector.CodeInvalidParameter, "from_time")
	execFail(t, cfg, "get_events", `{"subject": ["a"]}`, connector.CodeInvalidParameter, "subject")
	execFail(t, cfg, "get_events", `{"start": "2024-07-16 00:00"}`, connector.CodeInvalidParameter, "start")
	noRequests(t, srv, "bad get_events parameters")
}

func TestGetContacts(t *testing.T) {
	overBackends(t, func(t *testing.T, setup setupFunc) {
		srv, cfg := setup(t)
		if _, err := srv.Default().Seed(testserver.SeedOptions{Seed: 7}); err != nil {
			t.Fatal(err)
		}
		var cts []connector.Contact
		execOK(t, cfg, "get_contacts", `{}`, &cts)
		stored := srv.Default().Items("contacts")
		if len(cts) != len(stored) || len(cts) != 8 {
			t.Fatalf("get_contacts returned %d contacts, the server has %d", len(cts), len(stored))
		}
		for i := 1; i < len(cts); i++ {
			if strings.ToLower(cts[i-1].DisplayName) > strings.ToLower(cts[i].DisplayName) {
				t.Errorf("contacts not sorted by display name: %q before %q", cts[i-1].DisplayName, cts[i].DisplayName)
			}
		}
		byName := map[string]connector.Contact{}
		for _, c := range cts {
			byName[c.DisplayName] = c
		}
		want := connector.Contact{DisplayName: "Carol Nguyen", GivenName: "Carol", Surname: "Nguyen", CompanyName: "Example Corp",
			JobTitle: "SOC Lead", Department: "SOC", EmailAddresses: []string{"carol.nguyen@example.com", "carol@personal-mail.example"},
			PhoneNumbers: map[string]string{"BusinessPhone": "+1 425 555 0102", "MobilePhone": "+1 425 555 0199"},
			Addresses:    map[string]connector.PostalAddress{}, Categories: []string{}}
		got := byName["Carol Nguyen"]
		want.ID = got.ID
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("contact (-want +got):\n%s", diff)
		}
		if it, ok := srv.Item(got.ID); !ok || it.GivenName != "Carol" {
			t.Errorf("contact id %s does not name the server's contact", got.ID)
		}
		if a := byName["Erin Schmidt"].Addresses["Business"]; a.City != "Berlin" || a.PostalCode != "10117" {
			t.Errorf("Erin's business address %+v", a)
		}
		if n := byName["Heidi Larsen"].Notes; n != "Escalation contact for severity 1 incidents." {
			t.Errorf("Heidi's notes %q", n)
		}
		execFail(t, cfg, "get_contacts", `{"folder": "Contacts"}`, connector.CodeInvalidParameter, "the parameters of get_contacts are mailbox")
	})
}
