package ews

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The calendar suite over both backends: each test runs over EWS and over Graph against the same fake mailbox
// state and checks what the methods return and what the server holds afterwards.

// meetingBackends runs fn over each backend with two users, alice (the organizer) and bob, and a client for each.
func meetingBackends(t *testing.T, fn func(t *testing.T, srv *testserver.Server, alice, bob *Client)) {
	t.Helper()
	users := []testserver.Option{
		testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@example.com"}),
		testserver.WithUser(testserver.User{Username: `CORP\bob`, Password: "Bob-Passw0rd!", Email: "bob@example.com"}),
	}
	backends(t, func(t *testing.T, srv *testserver.Server, alice *Client) {
		var bob *Client
		if alice.Backend() == BackendGraph {
			bob = newGraphClient(t, srv, func(cfg *Config) { cfg.EmailAddress = "bob@example.com" })
		} else {
			bob = newTestClient(t, srv, func(cfg *Config) {
				cfg.Username, cfg.Password, cfg.EmailAddress = `CORP\bob`, "Bob-Passw0rd!", "bob@example.com"
			})
		}
		fn(t, srv, alice, bob)
	}, users...)
}

func listEvents(t *testing.T, c *Client, start, end time.Time, opts EventListOptions) []*Event {
	t.Helper()
	var out []*Event
	for ev, err := range c.Calendar().List(testCtx(t), start, end, opts) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func TestBackendsCalendarCreateAndGet(t *testing.T) {
	var got []*Event
	meetingBackends(t, func(t *testing.T, srv *testserver.Server, alice, _ *Client) {
		ctx := testCtx(t)
		berlin := mustLoad(t, "Europe/Berlin")
		start := time.Date(2026, 3, 12, 14, 30, 0, 0, berlin)
		id, err := alice.Calendar().Create(ctx, NewEvent{
			Subject: "Incident review", Start: start, End: start.Add(90 * time.Minute), Location: "Room <1> & 2",
			Required: []string{"Bob <bob@example.com>"}, Optional: []string{"carol@partner.example"},
			ShowAs: ShowAsWorkingElsewhere, Reminder: 10 * time.Minute, Private: true, Importance: ImportanceHigh,
			Categories: []string{"IR", "SOC"}, Body: "Agenda: the phishing wave",
		}, EventCreateOptions{})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		it := storedItem(t, srv, id)
		if it.Subject != "Incident review" || !it.Start.Equal(start) || !it.End.Equal(start.Add(90*time.Minute)) ||
			it.Location != "Room <1> & 2" || it.LegacyFreeBusyStatus != "WorkingElsewhere" || !it.ReminderIsSet ||
			it.ReminderMinutes != 10 || it.Sensitivity != "Private" || it.Importance != "High" ||
			!slices.Equal(it.Categories, []string{"IR", "SOC"}) || it.StartTimeZone != "W. Europe Standard Time" ||
			len(it.RequiredAttendees) != 1 || it.RequiredAttendees[0].Email != "bob@example.com" ||
			len(it.OptionalAttendees) != 1 || it.Body != "Agenda: the phishing wave" {
			t.Fatalf("stored event = %+v", it)
		}
		// Bob got the meeting request.
		if reqs := itemsOfClass(srv.Mailbox("bob@example.com").Items("inbox"), "IPM.Schedule.Meeting.Request"); len(reqs) != 1 {
			t.Errorf("bob's meeting requests: %d", len(reqs))
		}
		ev, err := alice.Calendar().Get(ctx, id)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if ev.ID != id || !ev.IsPrivate() || ev.ShowAs != ShowAsWorkingElsewhere || ev.Reminder != 10*time.Minute ||
			!ev.ReminderSet || ev.TimeZone != "W. Europe Standard Time" || !ev.Start.Equal(start) || !ev.IsMeeting ||
			ev.Organizer.Email != "alice@example.com" || ev.MyResponse != ResponseOrganizer || ev.Type != EventSingle {
			t.Errorf("Get = %+v", ev)
		}
		got = append(got, ev)
	})
	if len(got) == 2 {
		// Both wires read the same event the same way (ids aside).
		ignore := cmpopts.IgnoreFields(Event{}, "ID", "ChangeKey", "UID", "Body", "BodyHTML")
		if d := cmp.Diff(got[0], got[1], ignore); d != "" {
			t.Errorf("EWS and Graph read the event differently (-ews +graph):\n%s", d)
		}
	}
}

func TestBackendsCalendarAllDayAndSeries(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		ny := mustLoad(t, "America/New_York")
		day := time.Date(2026, 5, 4, 0, 0, 0, 0, ny)
		allDay, err := c.Calendar().Create(ctx, NewEvent{Subject: "Offsite", Start: day, End: day.AddDate(0, 0, 2), IsAllDay: true,
			TimeZone: ny, ShowAs: ShowAsOOF, NoReminder: true}, EventCreateOptions{})
		if err != nil {
			t.Fatalf("Create all-day: %v", err)
		}
		ev, err := c.Calendar().Get(ctx, allDay)
		if err != nil || !ev.IsAllDay || !ev.Start.Equal(day) || ev.Start.Location().String() != "America/New_York" ||
			!ev.End.Equal(day.AddDate(0, 0, 2)) || ev.ShowAs != ShowAsOOF || ev.ReminderSet {
			t.Fatalf("all-day Get = %+v, %v", ev, err)
		}
		// A weekly series of four, listed with its occurrences, with the subject filter.
		first := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
		if _, err := c.Calendar().Create(ctx, NewEvent{Subject: "Weekly SOC sync", Start: first, End: first.Add(30 * time.Minute),
			Recurrence: &Recurrence{Pattern: RecurrenceWeekly, Count: 4}}, EventCreateOptions{}); err != nil {
			t.Fatalf("Create series: %v", err)
		}
		if _, err := c.Calendar().Create(ctx, NewEvent{Subject: "Lunch", Start: first.Add(3 * time.Hour), End: first.Add(4 * time.Hour)},
			EventCreateOptions{}); err != nil {
			t.Fatal(err)
		}
		evs := listEvents(t, c, first.Add(-time.Hour), first.AddDate(0, 0, 30), EventListOptions{Subject: "soc SYNC", PageSize: 2})
		if len(evs) != 4 {
			t.Fatalf("List = %d events", len(evs))
		}
		for i, ev := range evs {
			if ev.Subject != "Weekly SOC sync" || !ev.Start.Equal(first.AddDate(0, 0, 7*i)) || ev.Type != EventOccurrence || !ev.IsRecurring {
				t.Errorf("occurrence %d = %s %v %s", i, ev.Subject, ev.Start, ev.Type)
			}
		}
		all := listEvents(t, c, first.Add(-time.Hour), first.AddDate(0, 0, 30), EventListOptions{})
		if len(all) != 6 { // the series, lunch, and the all-day event (May 4 to 6, New York)
			t.Errorf("List without filter = %d events", len(all))
		}
	})
}

func TestBackendsMeetingAcceptUpdateCancel(t *testing.T) {
	meetingBackends(t, func(t *testing.T, srv *testserver.Server, alice, bob *Client) {
		ctx := testCtx(t)
		start := time.Date(2026, 6, 3, 13, 0, 0, 0, time.UTC)
		id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Phishing triage", Start: start, End: start.Add(time.Hour),
			Required: []string{"bob@example.com"}}, EventCreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		seen := listEvents(t, bob, start.Add(-time.Hour), start.Add(2*time.Hour), EventListOptions{})
		if len(seen) != 1 || seen[0].MyResponse != ResponseNoResponseReceived || seen[0].Organizer.Email != "alice@example.com" {
			t.Fatalf("bob's List = %+v", seen)
		}
		if err := bob.Calendar().Accept(ctx, seen[0].ID, RespondOptions{Message: "see you"}); err != nil {
			t.Fatalf("Accept: %v", err)
		}
		if org := storedItem(t, srv, id); len(org.RequiredAttendees) != 1 || org.RequiredAttendees[0].Response != "Accept" {
			t.Errorf("organizer's attendees after Accept = %+v", org.RequiredAttendees)
		}
		resp := itemsOfClass(srv.Mailbox("alice@example.com").Items("inbox"), "IPM.Schedule.Meeting.Resp.Pos")
		if len(resp) != 1 || resp[0].Body != "see you" {
			t.Errorf("alice's responses = %+v", resp)
		}
		// The organizer moves it and changes its details: bob's copy follows.
		later := start.Add(2 * time.Hour)
		if err := alice.Calendar().Update(ctx, id, EventChanges{Subject: Ptr("Phishing triage (moved)"), Start: &later,
			End: Ptr(later.Add(time.Hour)), Location: Ptr("Room 2"), ShowAs: ShowAsTentative, Reminder: Ptr(5 * time.Minute)},
			EventUpdateOptions{}); err != nil {
			t.Fatalf("Update: %v", err)
		}
		it := storedItem(t, srv, id)
		if it.Subject != "Phishing triage (moved)" || !it.Start.Equal(later) || it.Location != "Room 2" ||
			it.LegacyFreeBusyStatus != "Tentative" || it.ReminderMinutes != 5 {
			t.Errorf("after Update: %+v", it)
		}
		bobCal := srv.Mailbox("bob@example.com").Items("calendar")
		if len(bobCal) != 1 || !bobCal[0].Start.Equal(later) {
			t.Errorf("bob's calendar after the update = %+v", bobCal)
		}
		// Cancel: bob gets the cancellation; the meeting leaves alice's calendar.
		if err := alice.Calendar().Cancel(ctx, id, "no longer needed"); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		if cx := itemsOfClass(srv.Mailbox("bob@example.com").Items("inbox"), "IPM.Schedule.Meeting.Canceled"); len(cx) != 1 {
			t.Errorf("bob's cancellations = %d", len(cx))
		}
		if left := srv.Mailbox("alice@example.com").Items("calendar"); len(left) != 0 {
			t.Errorf("alice's calendar after Cancel = %+v", left)
		}
	})
}

func TestBackendsDeclineAndDelete(t *testing.T) {
	meetingBackends(t, func(t *testing.T, srv *testserver.Server, alice, bob *Client) {
		ctx := testCtx(t)
		start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
		id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Vendor call", Start: start, End: start.Add(time.Hour),
			Required: []string{"bob@example.com"}}, EventCreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		seen := listEvents(t, bob, start.Add(-time.Hour), start.Add(2*time.Hour), EventListOptions{})
		if len(seen) != 1 {
			t.Fatalf("bob's List = %+v", seen)
		}
		if err := bob.Calendar().Decline(ctx, seen[0].ID, RespondOptions{}); err != nil {
			t.Fatalf("Decline: %v", err)
		}
		if org := storedItem(t, srv, id); org.RequiredAttendees[0].Response != "Decline" {
			t.Errorf("organizer's attendees after Decline = %+v", org.RequiredAttendees)
		}
		solo, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Focus", Start: start.Add(3 * time.Hour), End: start.Add(4 * time.Hour)},
			EventCreateOptions{SendInvitations: SendToNone})
		if err != nil {
			t.Fatal(err)
		}
		// solo given twice is deleted once, as over EWS: only the unknown id fails.
		err = alice.Calendar().Delete(ctx, DeleteOptions{}, solo, "AAMkADoesNotExist0000", solo)
		var be *BatchError
		if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed[0].Ref != "AAMkADoesNotExist0000" {
			t.Fatalf("Delete = %v, want the unknown id failed", err)
		}
		if cal := srv.Mailbox("alice@example.com").Items("calendar"); len(cal) != 1 || !sameID(cal[0].ID, id) {
			t.Errorf("alice's calendar after Delete = %+v", cal)
		}
		// Deleted once: in Deleted Items, not deleted a second time from there.
		if del := srv.Mailbox("alice@example.com").Items("deleteditems"); len(del) != 1 || del[0].Subject != "Focus" {
			t.Errorf("alice's Deleted Items after Delete = %+v", del)
		}
	})
}

// Events in another calendar than the default one: a calendar folder made over EWS (below Calendar, and one at
// the top of the mailbox) is found by path over both wires, the event is stored in it, and each calendar lists
// its own events only.
func TestBackendsOtherCalendars(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		mb := srv.Default()
		team, err := mb.AddFolder("calendar", "Team", "IPF.Appointment")
		if err != nil {
			t.Fatal(err)
		}
		oncall, err := mb.AddFolder("msgfolderroot", "On-call", "IPF.Appointment")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mb.AddFolder("inbox", "Not a calendar", ""); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
		create := func(subject string, f FolderRef) string {
			t.Helper()
			id, err := c.Calendar().Create(ctx, NewEvent{Subject: subject, Start: start, End: start.Add(time.Hour)}, EventCreateOptions{Folder: f})
			if err != nil {
				t.Fatalf("Create %q in %v: %v", subject, f, err)
			}
			return id
		}
		create("default", FolderRef{})
		teamID := create("team", FolderByPath("Calendar/Team"))
		create("on-call", FolderByPath("On-call"))
		create("team again", FolderByPath("team"))
		create("by id", FolderByID(oncall)) // the folder's EWS id: translated over Graph
		// The server's folders hold them (compared by subject: the ids a graph client returns are Graph's).
		held := func(folder string) []string {
			var out []string
			for _, it := range mb.Items(folder) {
				out = append(out, it.Subject)
			}
			slices.Sort(out)
			return out
		}
		if got := held(team); !slices.Equal(got, []string{"team", "team again"}) {
			t.Errorf("the Team calendar holds %v", got)
		}
		if got := held(oncall); !slices.Equal(got, []string{"by id", "on-call"}) {
			t.Errorf("the On-call calendar holds %v", got)
		}
		if got := held("calendar"); !slices.Equal(got, []string{"default"}) {
			t.Errorf("the default calendar holds %v", got)
		}
		subjects := func(opts EventListOptions) []string {
			var out []string
			for _, ev := range listEvents(t, c, start.Add(-time.Hour), start.Add(2*time.Hour), opts) {
				out = append(out, ev.Subject)
			}
			slices.Sort(out)
			return out
		}
		if got := subjects(EventListOptions{Folder: FolderByPath("Calendar/Team")}); !slices.Equal(got, []string{"team", "team again"}) {
			t.Errorf("List of Calendar/Team = %v", got)
		}
		if got := subjects(EventListOptions{Folder: FolderByPath("On-call")}); !slices.Equal(got, []string{"by id", "on-call"}) {
			t.Errorf("List of On-call = %v", got)
		}
		if got := subjects(EventListOptions{Folder: FolderByID(team)}); !slices.Equal(got, []string{"team", "team again"}) {
			t.Errorf("List of the Team calendar by its EWS id = %v", got)
		}
		if got := subjects(EventListOptions{}); !slices.Equal(got, []string{"default"}) {
			t.Errorf("List of the default calendar = %v", got)
		}
		if ev, err := c.Calendar().Get(ctx, teamID); err != nil || ev.Subject != "team" {
			t.Errorf("Get of the Team event = %+v, %v", ev, err)
		}
		_, err = c.Calendar().Create(ctx, NewEvent{Subject: "x", Start: start, End: start.Add(time.Hour)}, EventCreateOptions{Folder: FolderByPath("Calendar/Nope")})
		if !errors.Is(err, ErrFolderNotFound) {
			t.Errorf("Create in a missing calendar: %v, want ErrFolderNotFound", err)
		}
	})
}

// TestGraphCalendarRefusals: what Graph cannot do is refused before any request, with
// ErrNotSupportedByBackend; bad input is refused with the EWS wire's errors.
func TestGraphCalendarRefusals(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
	ev := NewEvent{Subject: "x", Start: start, End: start.Add(time.Hour), Required: []string{"bob@example.com"}}
	for name, err := range map[string]error{
		"folder": func() error {
			_, err := c.Calendar().Create(ctx, ev, EventCreateOptions{Folder: Inbox})
			return err
		}(),
		"send none": func() error {
			_, err := c.Calendar().Create(ctx, ev, EventCreateOptions{SendInvitations: SendToNone})
			return err
		}(),
		"hard":     c.Calendar().Delete(ctx, DeleteOptions{How: HardDelete}, "AAMkAD1"),
		"one kind": c.Calendar().Update(ctx, "AAMkAD1", EventChanges{Required: []string{"a@example.com"}}, EventUpdateOptions{}),
		"list other": func() (err error) {
			for _, err = range c.Calendar().List(ctx, start, start.Add(time.Hour), EventListOptions{Folder: DistinguishedFolder("tasks")}) {
			}
			return err
		}(),
	} {
		if !errors.Is(err, ErrNotSupportedByBackend) {
			t.Errorf("%s: err = %v, want ErrNotSupportedByBackend", name, err)
		}
	}
	_, err := c.Calendar().Create(ctx, NewEvent{Subject: "x", Start: start, End: start.Add(-time.Hour)}, EventCreateOptions{})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "NewEvent.End" {
		t.Errorf("end before start: %v", err)
	}
	if n := wireRequests(srv); n != 0 {
		t.Errorf("%d requests sent for refused calls", n)
	}
}

// Over Graph, a calendar or contacts folder id the mailbox does not have is ErrFolderNotFound, as over EWS.
func TestGraphUnknownFolderID(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	missing := FolderByID("AAMkAGZvbGRlcg")
	start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
	_, err := c.Calendar().Create(ctx, NewEvent{Subject: "x", Start: start, End: start.Add(time.Hour)}, EventCreateOptions{Folder: missing})
	if !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("Create in a missing calendar: %v", err)
	}
	for _, err = range c.Calendar().List(ctx, start, start.Add(time.Hour), EventListOptions{Folder: missing}) {
	}
	if !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("List of a missing calendar: %v", err)
	}
	if _, err = c.Contacts().Create(ctx, Contact{DisplayName: "x"}, ContactCreateOptions{Folder: missing}); !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("Create in a missing contacts folder: %v", err)
	}
	for _, err = range c.Contacts().List(ctx, ContactListOptions{Folder: missing}) {
	}
	if !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("List of a missing contacts folder: %v", err)
	}
}
