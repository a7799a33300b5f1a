package ews

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone data for Europe/Berlin & co. on machines without it

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// storedItem returns the server's copy of an item, failing the test if it does not exist.
func storedItem(t *testing.T, srv *testserver.Server, id string) testserver.Item {
	t.Helper()
	it, ok := srv.Item(id)
	if !ok {
		t.Fatalf("item %s is not on the server", id)
	}
	return it
}

// lastRequest returns the body of the last request of an operation.
func lastRequest(t *testing.T, srv *testserver.Server, op string) string {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Operation == op {
			return string(reqs[i].Body)
		}
	}
	t.Fatalf("no %s request was sent", op)
	return ""
}

func countRequests(srv *testserver.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op && !refusedForVersion(srv, r) {
			n++
		}
	}
	return n
}

func addresses(as []testserver.Attendee) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name+" <"+a.Email+">")
	}
	return out
}

func TestCreateEventEveryParameter(t *testing.T) {
	srv, c := setup(t)
	berlin := mustLoad(t, "Europe/Berlin")
	start := time.Date(2024, 3, 12, 14, 30, 0, 0, berlin)
	id, err := c.Calendar().Create(testCtx(t), NewEvent{
		Subject:    "Incident review </t:Subject><t:Foo>]]>",
		Start:      start,
		End:        start.Add(90 * time.Minute),
		Location:   "Room <1> & 2",
		Required:   []string{"Bob Builder <bob@example.com>", "dave@example.com"},
		Optional:   []string{"carol@partner.example"},
		Resources:  []string{"Room 1 <room1@example.com>"},
		ShowAs:     ShowAsOOF,
		Reminder:   15 * time.Minute,
		Private:    true,
		Importance: ImportanceHigh,
		Categories: []string{"IR", "SOC"},
		BodyHTML:   "<p>agenda</p>",
	}, EventCreateOptions{SendInvitations: SendToNone})
	if err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	it := storedItem(t, srv, id)
	want := map[string]any{
		"Subject":              "Incident review </t:Subject><t:Foo>]]>",
		"Start":                time.Date(2024, 3, 12, 13, 30, 0, 0, time.UTC),
		"End":                  time.Date(2024, 3, 12, 15, 0, 0, 0, time.UTC),
		"IsAllDayEvent":        false,
		"Location":             "Room <1> & 2",
		"LegacyFreeBusyStatus": "OOF",
		"ReminderIsSet":        true,
		"ReminderMinutes":      15,
		"Sensitivity":          "Private",
		"Importance":           "High",
		"Categories":           []string{"IR", "SOC"},
		"Body":                 "<p>agenda</p>",
		"BodyType":             "HTML",
		"StartTimeZone":        "W. Europe Standard Time",
		"EndTimeZone":          "W. Europe Standard Time",
		"Organizer":            srv.Email(),
		"Folder":               srv.Default().FolderID("calendar"),
		"Required":             []string{"Bob Builder <bob@example.com>", " <dave@example.com>"},
		"Optional":             []string{" <carol@partner.example>"},
		"Resources":            []string{"Room 1 <room1@example.com>"},
	}
	if !serverPersonality(srv).Accepts("Exchange2010") {
		// Exchange 2007 takes one MeetingTimeZone (stored as the start's zone) and has no EndTimeZone.
		want["EndTimeZone"] = ""
		if b := lastRequest(t, srv, "CreateItem"); !strings.Contains(b, "<t:MeetingTimeZone") || strings.Contains(b, "EndTimeZone") {
			t.Errorf("CreateItem to Exchange 2007 without MeetingTimeZone or with EndTimeZone: %s", b)
		}
	}
	got := map[string]any{
		"Subject": it.Subject, "Start": it.Start, "End": it.End, "IsAllDayEvent": it.IsAllDayEvent, "Location": it.Location,
		"LegacyFreeBusyStatus": it.LegacyFreeBusyStatus, "ReminderIsSet": it.ReminderIsSet, "ReminderMinutes": it.ReminderMinutes,
		"Sensitivity": it.Sensitivity, "Importance": it.Importance, "Categories": it.Categories, "Body": it.Body, "BodyType": it.BodyType,
		"StartTimeZone": it.StartTimeZone, "EndTimeZone": it.EndTimeZone, "Organizer": it.Organizer.Email, "Folder": it.FolderID,
		"Required": addresses(it.RequiredAttendees), "Optional": addresses(it.OptionalAttendees), "Resources": addresses(it.Resources),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stored event (-want +got):\n%s", d)
	}
	if body := lastRequest(t, srv, "CreateItem"); !strings.Contains(body, `SendMeetingInvitations="SendToNone"`) {
		t.Errorf("CreateItem request does not say SendToNone: %s", body)
	}
	if n := len(srv.Mailbox("alice@example.com").Items("sentitems")); n != 0 {
		t.Errorf("SendToNone left %d items in Sent Items", n)
	}

	ev, err := c.Calendar().Get(testCtx(t), id)
	if err != nil {
		t.Fatalf("GetEvent: %v", err)
	}
	wantEv := &Event{
		ID: id, ChangeKey: it.ChangeKey, UID: it.UID, Subject: it.Subject,
		Start: it.Start, End: it.End, TimeZone: "W. Europe Standard Time", Location: "Room <1> & 2",
		Organizer:  Attendee{Name: "alice", Email: srv.Email(), Response: ResponseOrganizer},
		Required:   []Attendee{{"Bob Builder", "bob@example.com", ResponseUnknown}, {"dave@example.com", "dave@example.com", ResponseUnknown}},
		Optional:   []Attendee{{"carol@partner.example", "carol@partner.example", ResponseUnknown}},
		Resources:  []Attendee{{"Room 1", "room1@example.com", ResponseUnknown}},
		MyResponse: ResponseOrganizer, ShowAs: ShowAsOOF, ReminderSet: true, Reminder: 15 * time.Minute,
		Sensitivity: SensitivityPrivate, Importance: ImportanceHigh, Categories: []string{"IR", "SOC"},
		BodyHTML: "<p>agenda</p>", IsMeeting: true, Type: EventSingle,
	}
	if d := cmp.Diff(wantEv, ev); d != "" {
		t.Errorf("GetEvent (-want +got):\n%s", d)
	}
	if !ev.IsPrivate() {
		t.Error("IsPrivate() = false")
	}
}

func TestCreateEventShowAsAndReminder(t *testing.T) {
	srv, c := setup(t)
	start := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	for _, sa := range showAsValues {
		id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: string(sa), Start: start, End: start.Add(time.Hour), ShowAs: sa}, EventCreateOptions{})
		if err != nil {
			t.Fatalf("ShowAs %s: %v", sa, err)
		}
		if got := storedItem(t, srv, id).LegacyFreeBusyStatus; got != string(sa) {
			t.Errorf("ShowAs %s stored as LegacyFreeBusyStatus %q", sa, got)
		}
	}
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "quiet", Start: start, End: start, NoReminder: true, Body: "plain"}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it := storedItem(t, srv, id); it.ReminderIsSet || it.Body != "plain" || it.BodyType != "Text" {
		t.Errorf("NoReminder/Body: stored ReminderIsSet=%v Body=%q BodyType=%q", it.ReminderIsSet, it.Body, it.BodyType)
	}
	if body := lastRequest(t, srv, "CreateItem"); !strings.Contains(body, "<t:ReminderIsSet>false</t:ReminderIsSet>") {
		t.Errorf("NoReminder did not send ReminderIsSet false: %s", body)
	}
	id, err = c.Calendar().Create(testCtx(t), NewEvent{Subject: "at start", Start: start, End: start, ReminderAtStart: true}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it := storedItem(t, srv, id); !it.ReminderIsSet || it.ReminderMinutes != 0 {
		t.Errorf("ReminderAtStart: stored ReminderIsSet=%v ReminderMinutes=%d, want true 0", it.ReminderIsSet, it.ReminderMinutes)
	}
	if body := lastRequest(t, srv, "CreateItem"); !strings.Contains(body, "<t:ReminderMinutesBeforeStart>0</t:ReminderMinutesBeforeStart>") {
		t.Errorf("ReminderAtStart did not send ReminderMinutesBeforeStart 0: %s", body)
	}
	for _, bad := range []NewEvent{{NoReminder: true, ReminderAtStart: true}, {Reminder: time.Minute, ReminderAtStart: true}} {
		bad.Subject, bad.Start, bad.End = "bad", start, start
		if _, err := c.Calendar().Create(testCtx(t), bad, EventCreateOptions{}); err == nil || !strings.Contains(err.Error(), "ReminderAtStart") {
			t.Errorf("CreateEvent(%+v) error = %v, want one naming ReminderAtStart", bad, err)
		}
	}
	if _, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "default", Start: start, End: start}, EventCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if body := lastRequest(t, srv, "CreateItem"); strings.Contains(body, "Reminder") || strings.Contains(body, "LegacyFreeBusyStatus") {
		t.Errorf("a zero Reminder/ShowAs must leave the server's defaults, but the request sets them: %s", body)
	}
}

func TestCreateEventStoredUTCDependsOnDST(t *testing.T) {
	srv, c := setup(t)
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct {
		day     time.Time
		wantUTC int
	}{
		{time.Date(2024, 1, 15, 9, 0, 0, 0, berlin), 8},  // CET, UTC+1
		{time.Date(2024, 7, 15, 9, 0, 0, 0, berlin), 7},  // CEST, UTC+2
		{time.Date(2024, 3, 29, 9, 0, 0, 0, berlin), 8},  // the Friday before the change
		{time.Date(2024, 4, 1, 9, 0, 0, 0, berlin), 7},   // the Monday after
		{time.Date(2024, 10, 28, 9, 0, 0, 0, berlin), 8}, // back to CET
	} {
		id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "standup", Start: tc.day, End: tc.day.Add(15 * time.Minute)}, EventCreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		it := storedItem(t, srv, id)
		if it.Start.UTC().Hour() != tc.wantUTC || it.Start.UTC().Day() != tc.day.Day() || it.StartTimeZone != "W. Europe Standard Time" {
			t.Errorf("09:00 Berlin on %s stored as %s (%s), want %02d:00 UTC in W. Europe Standard Time", tc.day.Format("2006-01-02"), it.Start.UTC().Format(time.RFC3339), it.StartTimeZone, tc.wantUTC)
		}
	}

	// Returned times are in the client's Location.
	cb := newTestClient(t, srv, func(cfg *Config) { cfg.Location = berlin })
	id, err := cb.Calendar().Create(testCtx(t), NewEvent{Subject: "local", Start: time.Date(2024, 7, 15, 9, 0, 0, 0, time.UTC), End: time.Date(2024, 7, 15, 10, 0, 0, 0, time.UTC)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := cb.Calendar().Get(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Start.Location() != berlin || ev.Start.Hour() != 11 || ev.TimeZone != "W. Europe Standard Time" {
		t.Errorf("GetEvent with Location Berlin: Start %s, TimeZone %q; want 11:00 in Europe/Berlin, the client's zone (a UTC start names no zone)", ev.Start, ev.TimeZone)
	}
	// Exchange 2007 has no TimeZoneContext header (its schema declares none): the client must not send it there.
	hasContext := serverPersonality(srv).Accepts("Exchange2010")
	if tz := lastRequest(t, srv, "GetItem"); strings.Contains(tz, `TimeZoneDefinition Id="W. Europe Standard Time"`) != hasContext {
		t.Errorf("TimeZoneContext wanted: %v; request: %s", hasContext, tz)
	}
}

func TestCreateAllDayEvent(t *testing.T) {
	srv, c := setup(t)
	berlin, ny := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York")
	// The dates count as written; the zone makes the midnights.
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "offsite", IsAllDay: true, TimeZone: berlin,
		Start: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 3, 2, 17, 0, 0, 0, time.UTC)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	it := storedItem(t, srv, id)
	if !it.IsAllDayEvent || !it.Start.Equal(time.Date(2024, 2, 29, 23, 0, 0, 0, time.UTC)) || !it.End.Equal(time.Date(2024, 3, 2, 23, 0, 0, 0, time.UTC)) || it.StartTimeZone != "W. Europe Standard Time" {
		t.Errorf("all-day Mar 1-2 in Berlin stored as %s - %s all-day=%v zone %q", it.Start, it.End, it.IsAllDayEvent, it.StartTimeZone)
	}
	ev, err := c.Calendar().Get(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.IsAllDay || ev.Start.Format("2006-01-02 15:04 MST") != "2024-03-01 00:00 CET" || ev.End.Format("2006-01-02") != "2024-03-03" {
		t.Errorf("GetEvent all-day: %s - %s, want midnights of Mar 1 and Mar 3 in the event's zone", ev.Start, ev.End)
	}

	// One-day event in the start's own zone; End zero.
	id, err = c.Calendar().Create(testCtx(t), NewEvent{Subject: "holiday", IsAllDay: true, Start: time.Date(2024, 7, 4, 15, 0, 0, 0, ny)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	it = storedItem(t, srv, id)
	if !it.Start.Equal(time.Date(2024, 7, 4, 4, 0, 0, 0, time.UTC)) || !it.End.Equal(time.Date(2024, 7, 5, 4, 0, 0, 0, time.UTC)) || it.StartTimeZone != "Eastern Standard Time" {
		t.Errorf("all-day Jul 4 in New York stored as %s - %s zone %q", it.Start, it.End, it.StartTimeZone)
	}

	// A UTC date names no zone: the client's Location gives the midnights.
	cb := newTestClient(t, srv, func(cfg *Config) { cfg.Location = berlin })
	id, err = cb.Calendar().Create(testCtx(t), NewEvent{Subject: "audit", IsAllDay: true, Start: time.Date(2024, 12, 24, 0, 0, 0, 0, time.UTC),
		End: time.Date(2024, 12, 27, 0, 0, 0, 0, time.UTC)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	it = storedItem(t, srv, id)
	if !it.Start.Equal(time.Date(2024, 12, 23, 23, 0, 0, 0, time.UTC)) || !it.End.Equal(time.Date(2024, 12, 26, 23, 0, 0, 0, time.UTC)) || it.StartTimeZone != "W. Europe Standard Time" {
		t.Errorf("all-day Dec 24-26 with a Berlin client stored as %s - %s zone %q", it.Start, it.End, it.StartTimeZone)
	}
}

func TestCreateEventZoneFallback(t *testing.T) {
	srv, c := setup(t)
	fixed := time.FixedZone("UTC+3", 3*3600)
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "fixed", Start: time.Date(2024, 5, 1, 12, 0, 0, 0, fixed), End: time.Date(2024, 5, 1, 13, 0, 0, 0, fixed)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it := storedItem(t, srv, id); it.StartTimeZone != "UTC" || it.Start.UTC().Hour() != 9 {
		t.Errorf("a start in a zone without a Windows id: stored %s in %q, want 09:00 UTC in the client's zone UTC", it.Start, it.StartTimeZone)
	}
	_, err = c.Calendar().Create(testCtx(t), NewEvent{Subject: "x", Start: time.Now(), End: time.Now(), TimeZone: fixed}, EventCreateOptions{})
	if err == nil || !strings.Contains(err.Error(), "NewEvent.TimeZone") {
		t.Errorf("explicit zone without Windows id: err = %v, want an error naming NewEvent.TimeZone", err)
	}
}

func TestCreateEventValidation(t *testing.T) {
	srv, c := setup(t)
	start := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	ok := NewEvent{Subject: "x", Start: start, End: start.Add(time.Hour)}
	tests := []struct {
		name string
		edit func(*NewEvent)
		opts EventCreateOptions
		want string
	}{
		{"no start", func(e *NewEvent) { e.Start = time.Time{} }, EventCreateOptions{}, "NewEvent.Start is zero"},
		{"no end", func(e *NewEvent) { e.End = time.Time{} }, EventCreateOptions{}, "NewEvent.End is zero"},
		{"end before start", func(e *NewEvent) { e.End = start.Add(-time.Hour) }, EventCreateOptions{}, "NewEvent.End"},
		{"bad attendee", func(e *NewEvent) { e.Optional = []string{"ok@example.com", "not an address"} }, EventCreateOptions{}, `NewEvent.Optional[1] "not an address"`},
		{"bad show-as", func(e *NewEvent) { e.ShowAs = "busy" }, EventCreateOptions{}, `NewEvent.ShowAs "busy" is not one of Free, WorkingElsewhere`},
		{"bad importance", func(e *NewEvent) { e.Importance = "Urgent" }, EventCreateOptions{}, "NewEvent.Importance"},
		{"private and public", func(e *NewEvent) { e.Private, e.Sensitivity = true, SensitivityNormal }, EventCreateOptions{}, "NewEvent.Private"},
		{"two bodies", func(e *NewEvent) { e.Body, e.BodyHTML = "a", "<b>a</b>" }, EventCreateOptions{}, "NewEvent.Body and NewEvent.BodyHTML"},
		{"negative reminder", func(e *NewEvent) { e.Reminder = -time.Minute }, EventCreateOptions{}, "NewEvent.Reminder"},
		{"reminder and none", func(e *NewEvent) { e.Reminder, e.NoReminder = time.Minute, true }, EventCreateOptions{}, "NewEvent.NoReminder"},
		{"bad recurrence", func(e *NewEvent) { e.Recurrence = &Recurrence{Pattern: "Monthly"} }, EventCreateOptions{}, "NewEvent.Recurrence.Pattern"},
		{"count and until", func(e *NewEvent) { e.Recurrence = &Recurrence{Pattern: RecurrenceDaily, Count: 2, Until: start} }, EventCreateOptions{}, "NewEvent.Recurrence.Count"},
		{"changed-only on create", func(*NewEvent) {}, EventCreateOptions{SendInvitations: SendOnlyToChanged}, "EventCreateOptions.SendInvitations"},
		{"bad folder", func(*NewEvent) {}, EventCreateOptions{Folder: DistinguishedFolder("calendars")}, "well-known folder"},
	}
	before := len(srv.Requests())
	for _, tt := range tests {
		ev := ok
		tt.edit(&ev)
		_, err := c.Calendar().Create(testCtx(t), ev, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("invalid events sent %d requests, want none", n)
	}
}

func TestCreateEventExchange2007MeetingTimeZone(t *testing.T) {
	srv := testserver.New(t, testserver.WithVersion(testserver.ServerVersion{MajorVersion: 8, MinorVersion: 3, MajorBuildNumber: 83, MinorBuildNumber: 6}))
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Version = "Exchange2007_SP1" })
	berlin := mustLoad(t, "Europe/Berlin")
	start := time.Date(2024, 7, 1, 9, 0, 0, 0, berlin)
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "old server", Start: start, End: start.Add(time.Hour)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	body := lastRequest(t, srv, "CreateItem")
	for _, want := range []string{`<t:MeetingTimeZone TimeZoneName="W. Europe Standard Time"><t:BaseOffset>-PT1H</t:BaseOffset>`,
		`<t:Standard><t:Offset>PT0M</t:Offset><t:RelativeYearlyRecurrence><t:DaysOfWeek>Sunday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>October</t:Month></t:RelativeYearlyRecurrence><t:Time>03:00:00</t:Time></t:Standard>`,
		`<t:Daylight><t:Offset>-PT1H</t:Offset><t:RelativeYearlyRecurrence><t:DaysOfWeek>Sunday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>March</t:Month></t:RelativeYearlyRecurrence><t:Time>02:00:00</t:Time></t:Daylight>`} {
		if !strings.Contains(body, want) {
			t.Errorf("Exchange 2007 request lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "StartTimeZone") || strings.Contains(body, "TimeZoneContext") {
		t.Errorf("Exchange 2007 request uses Exchange 2010 elements: %s", body)
	}
	if it := storedItem(t, srv, id); it.StartTimeZone != "W. Europe Standard Time" || it.Start.UTC().Hour() != 7 {
		t.Errorf("stored %s in %q", it.Start, it.StartTimeZone)
	}
	ev, err := c.Calendar().Get(testCtx(t), id)
	if err != nil || ev.Start.UTC().Hour() != 7 {
		t.Fatalf("GetEvent on Exchange 2007: %+v, %v", ev, err)
	}
	if strings.Contains(lastRequest(t, srv, "GetItem"), "StartTimeZone") {
		t.Error("GetItem asks Exchange 2007 for StartTimeZone")
	}
}

func TestMeetingTimeZoneRules(t *testing.T) {
	for _, tc := range []struct {
		zone, id string
		want     string
	}{
		{"America/New_York", "Eastern Standard Time", "+PT5H std Sunday/First/November 02:00:00 dst -PT1H Sunday/Second/March 02:00:00"},
		{"Australia/Sydney", "AUS Eastern Standard Time", "-PT10H std Sunday/First/April 03:00:00 dst -PT1H Sunday/First/October 02:00:00"},
		{"Asia/Kolkata", "India Standard Time", "-PT5H30M"},
		{"UTC", "UTC", "PT0M"},
	} {
		loc := mustLoad(t, tc.zone)
		tz := meetingTimeZone(loc, tc.id, time.Date(2024, 6, 1, 0, 0, 0, 0, loc))
		got := tz.BaseOffset
		if !strings.HasPrefix(got, "-") && got != "PT0M" {
			got = "+" + got
		}
		if tz.Standard != nil {
			s, d := tz.Standard, tz.Daylight
			got += " std " + s.RelativeYearlyRecurrence.DaysOfWeek + "/" + s.RelativeYearlyRecurrence.DayOfWeekIndex + "/" + s.RelativeYearlyRecurrence.Month + " " + s.Time
			got += " dst " + d.Offset + " " + d.RelativeYearlyRecurrence.DaysOfWeek + "/" + d.RelativeYearlyRecurrence.DayOfWeekIndex + "/" + d.RelativeYearlyRecurrence.Month + " " + d.Time
		}
		if got != tc.want || tz.TimeZoneName != tc.id {
			t.Errorf("%s: %s (%s), want %s", tc.zone, got, tz.TimeZoneName, tc.want)
		}
	}
}

func TestGetEventErrors(t *testing.T) {
	srv, c := setup(t)
	_, err := c.Calendar().Get(testCtx(t), srv.Default().FolderID("inbox")+"x")
	if !errors.Is(err, ErrInvalidIDMalformed) {
		t.Errorf("malformed id: err = %v", err)
	}
	msg := srv.AddMessage("inbox", testserver.Item{Subject: "mail"})
	if _, err := c.Calendar().Get(testCtx(t), msg); err == nil || !strings.Contains(err.Error(), "not a calendar item") {
		t.Errorf("GetEvent of a message: err = %v", err)
	}
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "gone", Start: time.Now(), End: time.Now()}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Calendar().Delete(testCtx(t), DeleteOptions{How: HardDelete}, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Item(id); ok {
		t.Error("HardDelete left the event on the server")
	}
	if _, err := c.Calendar().Get(testCtx(t), id); !errors.Is(err, ErrItemNotFound) {
		t.Errorf("GetEvent of a deleted event: err = %v, want ErrItemNotFound", err)
	}
}
