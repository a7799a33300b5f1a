package graph_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

func oauthCtx(srv *testserver.Server) context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
}

func ptr[T any](v T) *T { return &v }

func dtz(t *testing.T, tm time.Time, zone string) *graph.DateTimeTimeZone {
	t.Helper()
	d, err := graph.NewDateTimeTimeZone(tm, zone)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// mailboxClient is a client of another mailbox of the same server, with the fixture's app-only token.
func (f *fixture) mailboxClient(t *testing.T, mailbox string) *graph.Client {
	t.Helper()
	creds := graph.AppCredentials{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AuthorityHost: f.srv.GraphURL(), GraphEndpoint: f.srv.GraphURL()}
	ts, err := creds.TokenSource(oauthCtx(f.srv))
	if err != nil {
		t.Fatal(err)
	}
	c, err := graph.New(graph.Config{Endpoint: f.srv.GraphURL(), Mailbox: mailbox, TokenSource: ts, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateEventFields(t *testing.T) {
	f := setup(t)
	bob := f.srv.AddMailbox("bob@example.com", "Bob")
	ctx := context.Background()
	pst, _ := time.LoadLocation("America/Los_Angeles")
	start := time.Date(2026, 3, 2, 9, 30, 0, 0, pst)
	ev, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "Incident review", Body: &graph.ItemBody{ContentType: "html", Content: "<p>agenda</p>"},
		Start: dtz(t, start, "Pacific Standard Time"), End: dtz(t, start.Add(90*time.Minute), "Pacific Standard Time"),
		Location: &graph.Location{DisplayName: "Room 4"}, Categories: []string{"SOC"}, ShowAs: "tentative",
		Sensitivity: "private", Importance: "high", IsReminderOn: ptr(true), ReminderMinutesBeforeStart: ptr(30),
		Attendees: []graph.Attendee{{Type: "required", EmailAddress: graph.EmailAddress{Address: "bob@example.com", Name: "Bob"}},
			{Type: "optional", EmailAddress: graph.EmailAddress{Address: "carol@example.net"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ev.Start.Time()
	if err != nil || !got.Equal(start) || ev.Start.TimeZone != "UTC" || ev.Type != "singleInstance" || !*ev.IsOrganizer ||
		ev.ShowAs != "tentative" || ev.Sensitivity != "private" || ev.OriginalStartTimeZone != "Pacific Standard Time" ||
		len(ev.Attendees) != 2 || ev.Attendees[1].Type != "optional" || ev.ResponseStatus.Response != "organizer" {
		t.Fatalf("created event = %+v (start %v, %v)", ev, got, err)
	}
	it, ok := f.srv.Default().Item(ev.ID)
	if !ok || it.Sensitivity != "Private" || it.LegacyFreeBusyStatus != "Tentative" || !it.ReminderIsSet ||
		it.ReminderMinutes != 30 || it.Location != "Room 4" || it.Categories[0] != "SOC" || it.BodyType != "HTML" ||
		it.Importance != "High" || !it.Start.Equal(start) || it.StartTimeZone != "Pacific Standard Time" ||
		len(it.RequiredAttendees) != 1 || len(it.OptionalAttendees) != 1 || it.FolderID != f.srv.Default().FolderID("calendar") {
		t.Fatalf("server item = %+v", it)
	}
	// Graph sends the meeting request: Bob gets it and a tentative copy in his calendar; a copy is in Sent Items.
	if in := bob.Items("inbox"); len(in) != 1 || in[0].ItemClass != "IPM.Schedule.Meeting.Request" || in[0].Subject != "Incident review" {
		t.Errorf("bob's inbox = %+v", in)
	}
	if cal := bob.Items("calendar"); len(cal) != 1 || cal[0].UID != it.UID || cal[0].MyResponseType != "NoResponseReceived" {
		t.Errorf("bob's calendar = %+v", cal)
	}
	if sent := f.srv.Default().Items("sentitems"); len(sent) != 1 {
		t.Errorf("%d items in Sent Items, want the meeting request", len(sent))
	}
	back, err := f.c.GetEvent(ctx, ev.ID, "subject", "location", "sensitivity")
	if err != nil || back.Subject != "Incident review" || back.Location.DisplayName != "Room 4" || back.Body != nil {
		t.Errorf("GetEvent with $select = %+v, %v", back, err)
	}
}

func TestCreateEventRefusedBeforeAnyRequest(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for name, ev := range map[string]*graph.Event{
		"no end":           {Subject: "x", Start: dtz(t, day, "")},
		"end before start": {Start: dtz(t, day, ""), End: dtz(t, day.Add(-time.Hour), "")},
		"all day at 9":     {Start: dtz(t, day.Add(9*time.Hour), ""), End: dtz(t, day.Add(33*time.Hour), ""), IsAllDay: ptr(true)},
		"bad showAs":       {Start: dtz(t, day, ""), End: dtz(t, day.Add(time.Hour), ""), ShowAs: "away"},
		"attendee type":    {Start: dtz(t, day, ""), End: dtz(t, day.Add(time.Hour), ""), Attendees: []graph.Attendee{{Type: "cc", EmailAddress: graph.EmailAddress{Address: "a@b"}}}},
		"pattern type":     {Start: dtz(t, day, ""), End: dtz(t, day.Add(time.Hour), ""), Recurrence: &graph.PatternedRecurrence{Pattern: graph.RecurrencePattern{Type: "hourly", Interval: 1}, Range: graph.RecurrenceRange{Type: "noEnd", StartDate: "2026-03-10"}}},
		"recurrence range": {Start: dtz(t, day, ""), End: dtz(t, day.Add(time.Hour), ""), Recurrence: &graph.PatternedRecurrence{Pattern: graph.RecurrencePattern{Type: "daily", Interval: 1}, Range: graph.RecurrenceRange{Type: "forever", StartDate: "2026-03-10"}}},
	} {
		if _, err := f.c.CreateEvent(ctx, ev); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := len(f.srv.GraphRequests()); n != 0 {
		t.Errorf("%d requests sent for refused events", n)
	}
	// An all-day event at midnight in its zone is taken.
	ev, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "offsite", IsAllDay: ptr(true),
		Start: &graph.DateTimeTimeZone{DateTime: "2026-03-10T00:00:00", TimeZone: "W. Europe Standard Time"},
		End:   &graph.DateTimeTimeZone{DateTime: "2026-03-11T00:00:00", TimeZone: "W. Europe Standard Time"}})
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := f.srv.Default().Item(ev.ID); !it.IsAllDayEvent || !it.Start.Equal(time.Date(2026, 3, 9, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("all-day event on the server: %+v", it)
	}
}

func TestCalendarViewExpandsSeries(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC) // a Monday
	master, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "standup", Start: dtz(t, start, ""), End: dtz(t, start.Add(15*time.Minute), ""),
		Recurrence: &graph.PatternedRecurrence{Pattern: graph.RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "wednesday"}},
			Range: graph.RecurrenceRange{Type: "numbered", StartDate: "2026-03-02", NumberOfOccurrences: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "one-off", Start: dtz(t, start.Add(48*time.Hour+time.Hour), ""),
		End: dtz(t, start.Add(48*time.Hour+2*time.Hour), "")}); err != nil {
		t.Fatal(err)
	}
	// Three pages of two: five occurrences (Mon, Wed, Mon, Wed, Mon) and the one-off, by start.
	p, err := f.c.CalendarView(ctx, start.Add(-time.Hour), start.AddDate(0, 1, 0), graph.CalendarViewOptions{Top: 2, TimeZone: "Pacific Standard Time"})
	if err != nil {
		t.Fatal(err)
	}
	var got []graph.Event
	for pages := 1; ; pages++ {
		got = append(got, p.Value...)
		if p.NextLink == "" {
			if pages != 3 {
				t.Errorf("%d pages, want 3", pages)
			}
			break
		}
		if p, err = f.c.NextEvents(ctx, p.NextLink, "Pacific Standard Time"); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"standup 2026-03-02", "standup 2026-03-04", "one-off 2026-03-04", "standup 2026-03-09", "standup 2026-03-11", "standup 2026-03-16"}
	var desc []string
	for _, e := range got {
		s, _ := e.Start.Time()
		desc = append(desc, e.Subject+" "+s.UTC().Format(time.DateOnly))
		if e.Start.TimeZone != "Pacific Standard Time" || !strings.HasPrefix(e.Start.DateTime, s.In(mustLoc(t, "America/Los_Angeles")).Format("2006-01-02T15:04")) {
			t.Errorf("start %+v is not in the preferred zone", e.Start)
		}
		if e.Subject == "standup" && (e.Type != "occurrence" || e.SeriesMasterID != master.ID) {
			t.Errorf("occurrence = type %q master %q, want occurrence of %s", e.Type, e.SeriesMasterID, master.ID)
		}
	}
	if strings.Join(desc, ",") != strings.Join(want, ",") {
		t.Errorf("view = %v\nwant %v", desc, want)
	}
	// An occurrence's id works in GetEvent and DeleteEvent; the deleted occurrence leaves the view.
	occ, err := f.c.GetEvent(ctx, got[1].ID)
	if err != nil || occ.Type != "occurrence" {
		t.Fatalf("GetEvent(occurrence) = %+v, %v", occ, err)
	}
	if err := f.c.DeleteEvent(ctx, got[1].ID); err != nil {
		t.Fatal(err)
	}
	p, err = f.c.CalendarView(ctx, start.Add(-time.Hour), start.AddDate(0, 1, 0), graph.CalendarViewOptions{Top: 100})
	if err != nil || len(p.Value) != 5 || p.Value[1].Subject != "one-off" {
		t.Errorf("view after deleting an occurrence: %v, %d events", err, len(p.Value))
	}
	if m, err := f.c.GetEvent(ctx, master.ID); err != nil || m.Type != "seriesMaster" || m.Recurrence == nil ||
		m.Recurrence.Range.NumberOfOccurrences != 5 || m.Recurrence.Pattern.DaysOfWeek[1] != "wednesday" {
		t.Errorf("series master = %+v, %v", m, err)
	}
	if _, err := f.c.CalendarView(ctx, start, start, graph.CalendarViewOptions{}); err == nil {
		t.Error("an empty window was sent")
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRespondCancelAndDelete(t *testing.T) {
	f := setup(t)
	bob := f.srv.AddMailbox("bob@example.com", "Bob")
	f.srv.AddMailbox("dave@example.com", "Dave")
	ctx := context.Background()
	start := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	org, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "triage", Start: dtz(t, start, ""), End: dtz(t, start.Add(time.Hour), ""),
		Attendees: []graph.Attendee{{Type: "required", EmailAddress: graph.EmailAddress{Address: "bob@example.com"}},
			{Type: "required", EmailAddress: graph.EmailAddress{Address: "dave@example.com"}}}})
	if err != nil {
		t.Fatal(err)
	}
	bc := f.mailboxClient(t, "bob@example.com")
	view, err := bc.CalendarView(ctx, start, start.Add(time.Hour), graph.CalendarViewOptions{})
	if err != nil || len(view.Value) != 1 || *view.Value[0].IsOrganizer || view.Value[0].ResponseStatus.Response != "notResponded" {
		t.Fatalf("bob's view = %+v, %v", view, err)
	}
	bobEvent := view.Value[0].ID
	if err := bc.Respond(ctx, bobEvent, graph.Accept, "see you", true); err != nil {
		t.Fatal(err)
	}
	it, _ := bob.Item(bobEvent)
	if it.MyResponseType != "Accept" || it.LegacyFreeBusyStatus != "Busy" {
		t.Errorf("bob's event after accept: %+v", it)
	}
	oe, _ := f.c.GetEvent(ctx, org.ID)
	if oe.Attendees[0].Status.Response != "accepted" || oe.Attendees[1].Status.Response != "none" {
		t.Errorf("organizer's attendees = %+v", oe.Attendees)
	}
	var accepted bool
	for _, m := range f.srv.Default().Items("inbox") {
		accepted = accepted || m.Subject == "Accepted: triage" && m.Body == "see you"
	}
	if !accepted {
		t.Error("the organizer got no acceptance with the comment")
	}
	// Dave declines without telling the organizer: no message, the event goes to his Deleted Items.
	dc := f.mailboxClient(t, "dave@example.com")
	dview, _ := dc.CalendarView(ctx, start, start.Add(time.Hour), graph.CalendarViewOptions{})
	n := len(f.srv.Default().Items("inbox"))
	if err := dc.Respond(ctx, dview.Value[0].ID, graph.Decline, "", false); err != nil {
		t.Fatal(err)
	}
	if len(f.srv.Default().Items("inbox")) != n {
		t.Error("a decline with sendResponse false reached the organizer")
	}
	if del := f.srv.Mailbox("dave@example.com").Items("deleteditems"); len(del) != 2 {
		// The meeting request and the declined event.
		t.Errorf("dave's Deleted Items = %d items, want 2", len(del))
	}
	// The organizer cannot respond; an attendee cannot cancel.
	var ge *graph.Error
	if err := f.c.Respond(ctx, org.ID, graph.TentativelyAccept, "", true); !errors.As(err, &ge) || ge.StatusCode != 400 {
		t.Errorf("organizer's response: %v, want 400", err)
	}
	if err := bc.CancelEvent(ctx, bobEvent, ""); !errors.As(err, &ge) || ge.StatusCode != 400 {
		t.Errorf("attendee's cancel: %v, want 400", err)
	}
	if err := bc.Respond(ctx, bobEvent, "maybe", "", true); err == nil {
		t.Error("an unknown response was sent")
	}
	// The organizer cancels: Bob's copy is cancelled, with the comment in the cancellation.
	if err := f.c.CancelEvent(ctx, org.ID, "postponed"); err != nil {
		t.Fatal(err)
	}
	if it, _ := bob.Item(bobEvent); !it.IsCancelled || it.Subject != "Canceled: triage" {
		t.Errorf("bob's event after cancel: %+v", it)
	}
	var cancelled bool
	for _, m := range bob.Items("inbox") {
		cancelled = cancelled || m.ItemClass == "IPM.Schedule.Meeting.Canceled" && m.Body == "postponed"
	}
	if !cancelled {
		t.Error("bob got no cancellation with the comment")
	}
	if it, _ := f.srv.Default().Item(org.ID); it.FolderID != f.srv.Default().FolderID("deleteditems") {
		t.Errorf("cancelled event is in %q, want Deleted Items", it.FolderID)
	}
	if err := bc.Respond(ctx, bobEvent, graph.Accept, "", true); !errors.As(err, &ge) || ge.StatusCode != 400 {
		t.Errorf("accepting a cancelled meeting: %v, want 400", err)
	}
	// Bob deletes his cancelled copy.
	if err := bc.DeleteEvent(ctx, bobEvent); err != nil {
		t.Fatal(err)
	}
	if it, _ := bob.Item(bobEvent); it.FolderID != bob.FolderID("deleteditems") {
		t.Errorf("deleted event is in %q", it.FolderID)
	}
	if _, err := f.c.GetEvent(ctx, "nope"); !errors.As(err, &ge) || !ge.NotFound() {
		t.Errorf("unknown event: %v", err)
	}
}

func TestOrganizerDeleteSendsCancellation(t *testing.T) {
	f := setup(t)
	bob := f.srv.AddMailbox("bob@example.com", "Bob")
	ctx := context.Background()
	start := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	ev, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "sync", Start: dtz(t, start, ""), End: dtz(t, start.Add(time.Hour), ""),
		Attendees: []graph.Attendee{{Type: "required", EmailAddress: graph.EmailAddress{Address: "bob@example.com"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// Graph's "Delete event": deleting a meeting on the organizer's calendar sends a cancellation.
	if err := f.c.DeleteEvent(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	var cancelled bool
	for _, m := range bob.Items("inbox") {
		cancelled = cancelled || m.ItemClass == "IPM.Schedule.Meeting.Canceled"
	}
	if cal := bob.Items("calendar"); !cancelled || len(cal) != 1 || !cal[0].IsCancelled {
		t.Errorf("bob: cancellation %v, calendar %+v", cancelled, cal)
	}
	if it, _ := f.srv.Default().Item(ev.ID); it.FolderID != f.srv.Default().FolderID("deleteditems") {
		t.Errorf("deleted meeting is in %q, want Deleted Items", it.FolderID)
	}
}

func TestUpdateEvent(t *testing.T) {
	f := setup(t)
	bob := f.srv.AddMailbox("bob@example.com", "Bob")
	f.srv.AddMailbox("carol@example.com", "Carol")
	ctx := context.Background()
	start := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	ev, err := f.c.CreateEvent(ctx, &graph.Event{Subject: "plan", Start: dtz(t, start, ""), End: dtz(t, start.Add(time.Hour), ""),
		Categories: []string{"a"}, Attendees: []graph.Attendee{{Type: "required", EmailAddress: graph.EmailAddress{Address: "bob@example.com"}}}})
	if err != nil {
		t.Fatal(err)
	}
	bc := f.mailboxClient(t, "bob@example.com")
	view, _ := bc.CalendarView(ctx, start, start.Add(time.Hour), graph.CalendarViewOptions{})
	if err := bc.Respond(ctx, view.Value[0].ID, graph.Accept, "", true); err != nil {
		t.Fatal(err)
	}
	newStart := start.Add(2 * time.Hour)
	up, err := f.c.UpdateEvent(ctx, ev.ID, &graph.EventPatch{Subject: ptr("plan v2"), Start: dtz(t, newStart, "Pacific Standard Time"),
		End: dtz(t, newStart.Add(30*time.Minute), "Pacific Standard Time"), Location: &graph.Location{DisplayName: "B2"},
		ShowAs: ptr("oof"), Categories: &[]string{}, IsReminderOn: ptr(false),
		Attendees: &[]graph.Attendee{{Type: "required", EmailAddress: graph.EmailAddress{Address: "bob@example.com"}},
			{Type: "optional", EmailAddress: graph.EmailAddress{Address: "carol@example.com"}}}})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := f.srv.Default().Item(ev.ID)
	if up.Subject != "plan v2" || it.Subject != "plan v2" || !it.Start.Equal(newStart) || it.StartTimeZone != "Pacific Standard Time" ||
		it.Location != "B2" || it.LegacyFreeBusyStatus != "OOF" || len(it.Categories) != 0 || it.ReminderIsSet ||
		len(it.OptionalAttendees) != 1 || it.RequiredAttendees[0].Response != "Accept" {
		t.Errorf("updated event on the server = %+v", it)
	}
	// The attendees get the update; Carol, added, gets her first request.
	if cal := bob.Items("calendar"); len(cal) != 1 || cal[0].Subject != "plan v2" || !cal[0].Start.Equal(newStart) {
		t.Errorf("bob's copy = %+v", cal)
	}
	if in := f.srv.Mailbox("carol@example.com").Items("inbox"); len(in) != 1 || in[0].Subject != "plan v2" {
		t.Errorf("carol's inbox = %+v", in)
	}
	n := len(f.srv.GraphRequests())
	for name, p := range map[string]*graph.EventPatch{
		"showAs":             {ShowAs: ptr("away")},
		"allDay without end": {IsAllDay: ptr(true), Start: dtz(t, start, "")},
		"end before start":   {Start: dtz(t, start, ""), End: dtz(t, start.Add(-time.Hour), "")},
	} {
		if _, err := f.c.UpdateEvent(ctx, ev.ID, p); err == nil {
			t.Errorf("%s: sent", name)
		}
	}
	if len(f.srv.GraphRequests()) != n {
		t.Error("a refused patch was sent")
	}
}
