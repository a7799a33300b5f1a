package ews

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// meetingSetup starts a server with two users, alice (the organizer) and bob, and returns a client for each.
func meetingSetup(t *testing.T) (*testserver.Server, *Client, *Client) {
	t.Helper()
	srv := testserver.New(t,
		testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@example.com"}),
		testserver.WithUser(testserver.User{Username: `CORP\bob`, Password: "Bob-Passw0rd!", Email: "bob@example.com"}))
	alice := newTestClient(t, srv, nil)
	bob := newTestClient(t, srv, func(cfg *Config) {
		cfg.Username, cfg.Password, cfg.EmailAddress = `CORP\bob`, "Bob-Passw0rd!", "bob@example.com"
	})
	return srv, alice, bob
}

func itemsOfClass(items []testserver.Item, class string) []testserver.Item {
	var out []testserver.Item
	for _, it := range items {
		if it.ItemClass == class {
			out = append(out, it)
		}
	}
	return out
}

func TestMeetingRequestsAndAccept(t *testing.T) {
	srv, alice, bob := meetingSetup(t)
	ctx := testCtx(t)
	start := time.Date(2024, 6, 3, 13, 0, 0, 0, time.UTC)
	id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Phishing triage", Start: start, End: start.Add(time.Hour),
		Required: []string{"bob@example.com"}, Optional: []string{"carol@partner.example"}}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bobMB := srv.Mailbox("bob@example.com")
	reqs := itemsOfClass(bobMB.Items("inbox"), "IPM.Schedule.Meeting.Request")
	if len(reqs) != 1 || reqs[0].Subject != "Phishing triage" || reqs[0].From.Email != "alice@example.com" || !reqs[0].Start.Equal(start) {
		t.Fatalf("bob's inbox meeting requests = %+v", reqs)
	}
	cal := bobMB.Items("calendar")
	if len(cal) != 1 || cal[0].MyResponseType != "NoResponseReceived" || cal[0].LegacyFreeBusyStatus != "Tentative" {
		t.Fatalf("bob's calendar = %+v", cal)
	}
	if sent := itemsOfClass(srv.Mailbox("alice@example.com").Items("sentitems"), "IPM.Schedule.Meeting.Request"); len(sent) != 1 {
		t.Errorf("the default (SendToAllAndSaveCopy) kept %d copies in Sent Items, want 1", len(sent))
	}

	// Bob sees the meeting in his calendar and accepts the request.
	var seen []*Event
	for ev, err := range bob.Calendar().List(ctx, start.Add(-time.Hour), start.Add(2*time.Hour), EventListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, ev)
	}
	if len(seen) != 1 || seen[0].MyResponse != ResponseNoResponseReceived || seen[0].Organizer.Email != "alice@example.com" || !seen[0].IsMeeting {
		t.Fatalf("bob's ListEvents = %+v", seen)
	}
	if err := bob.Calendar().Accept(ctx, reqs[0].ID, RespondOptions{Message: "see you"}); err != nil {
		t.Fatalf("Accept: %v", err)
	}
	org := storedItem(t, srv, id)
	if len(org.RequiredAttendees) != 1 || org.RequiredAttendees[0].Response != "Accept" {
		t.Errorf("organizer's attendees after Accept = %+v, want bob Accept", org.RequiredAttendees)
	}
	if org.OptionalAttendees[0].Response != "Unknown" {
		t.Errorf("carol's response changed to %q", org.OptionalAttendees[0].Response)
	}
	if got := storedItem(t, srv, cal[0].ID); got.MyResponseType != "Accept" || got.LegacyFreeBusyStatus != "Busy" {
		t.Errorf("bob's event after Accept: MyResponseType %q, ShowAs %q", got.MyResponseType, got.LegacyFreeBusyStatus)
	}
	resp := itemsOfClass(srv.Mailbox("alice@example.com").Items("inbox"), "IPM.Schedule.Meeting.Resp.Pos")
	if len(resp) != 1 || resp[0].Subject != "Accepted: Phishing triage" || resp[0].Body != "see you" {
		t.Errorf("alice's inbox responses = %+v", resp)
	}
	if body := lastRequest(t, srv, "CreateItem"); !strings.Contains(body, `MessageDisposition="SendAndSaveCopy"`) || !strings.Contains(body, "<t:AcceptItem>") {
		t.Errorf("Accept request: %s", body)
	}
	if _, ok := srv.Item(reqs[0].ID); ok {
		t.Error("the answered meeting request is still in the inbox")
	}

	// The organizer cannot answer their own meeting.
	if err := alice.Calendar().Accept(ctx, id, RespondOptions{}); err == nil || !strings.Contains(err.Error(), "ErrorCalendarIsOrganizerForAccept") {
		t.Errorf("organizer Accept: err = %v", err)
	}
}

func TestTentativeWithoutSendingAndDecline(t *testing.T) {
	srv, alice, bob := meetingSetup(t)
	ctx := testCtx(t)
	start := time.Date(2024, 6, 4, 8, 0, 0, 0, time.UTC)
	id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Retro", Start: start, End: start.Add(time.Hour), Required: []string{"bob@example.com"}},
		EventCreateOptions{SendInvitations: SendOnlyToAll})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Mailbox("alice@example.com").Items("sentitems")); n != 0 {
		t.Errorf("SendOnlyToAll kept %d items in Sent Items", n)
	}
	bobCal := srv.Mailbox("bob@example.com").Items("calendar")[0]
	if err := bob.Calendar().TentativelyAccept(ctx, bobCal.ID, RespondOptions{DontSend: true}); err != nil {
		t.Fatal(err)
	}
	if got := storedItem(t, srv, bobCal.ID); got.MyResponseType != "Tentative" || got.LegacyFreeBusyStatus != "Tentative" {
		t.Errorf("bob's event after TentativelyAccept: %q %q", got.MyResponseType, got.LegacyFreeBusyStatus)
	}
	if org := storedItem(t, srv, id); org.RequiredAttendees[0].Response != "Unknown" {
		t.Errorf("DontSend told the organizer: response %q", org.RequiredAttendees[0].Response)
	}
	if drafts := srv.Mailbox("bob@example.com").Items("drafts"); len(drafts) != 1 || drafts[0].ItemClass != "IPM.Schedule.Meeting.Resp.Tent" {
		t.Errorf("bob's drafts = %+v", drafts)
	}
	if err := bob.Calendar().Decline(ctx, bobCal.ID, RespondOptions{}); err != nil {
		t.Fatal(err)
	}
	if org := storedItem(t, srv, id); org.RequiredAttendees[0].Response != "Decline" {
		t.Errorf("organizer after Decline: %q", org.RequiredAttendees[0].Response)
	}
	if cal := srv.Mailbox("bob@example.com").Items("calendar"); len(cal) != 0 {
		t.Errorf("the declined meeting is still in bob's calendar: %+v", cal)
	}
}

func TestUpdateEvent(t *testing.T) {
	srv, alice, _ := meetingSetup(t)
	ctx := testCtx(t)
	start := time.Date(2024, 6, 5, 8, 0, 0, 0, time.UTC)
	id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Sync", Start: start, End: start.Add(time.Hour), Location: "Room 1",
		Required: []string{"bob@example.com"}, Optional: []string{"carol@partner.example"}, Body: "old"}, EventCreateOptions{SendInvitations: SendToNone})
	if err != nil {
		t.Fatal(err)
	}
	ny := mustLoad(t, "America/New_York")
	newStart := time.Date(2024, 6, 6, 10, 0, 0, 0, ny)
	err = alice.Calendar().Update(ctx, id, EventChanges{
		Subject: Ptr("Sync (moved)"), Start: Ptr(newStart), End: Ptr(newStart.Add(30 * time.Minute)), Location: Ptr(""),
		BodyHTML: Ptr("<b>new</b>"), Required: []string{"Bob <bob@example.com>", "dave@example.com"}, Optional: []string{},
		ShowAs: ShowAsTentative, Reminder: Ptr(5 * time.Minute), Categories: []string{"moved"},
	}, EventUpdateOptions{SendUpdates: SendToAllAndSaveCopy})
	if err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	it := storedItem(t, srv, id)
	if it.Subject != "Sync (moved)" || !it.Start.Equal(time.Date(2024, 6, 6, 14, 0, 0, 0, time.UTC)) || !it.End.Equal(time.Date(2024, 6, 6, 14, 30, 0, 0, time.UTC)) ||
		it.StartTimeZone != "Eastern Standard Time" || it.EndTimeZone != "Eastern Standard Time" || it.Location != "" || it.Body != "<b>new</b>" ||
		it.BodyType != "HTML" || len(it.RequiredAttendees) != 2 || it.RequiredAttendees[1].Email != "dave@example.com" || len(it.OptionalAttendees) != 0 ||
		it.LegacyFreeBusyStatus != "Tentative" || !it.ReminderIsSet || it.ReminderMinutes != 5 || len(it.Categories) != 1 {
		t.Errorf("stored after update: %+v", it)
	}
	// The update reached bob (invitations were not sent at creation, so this is his first request).
	reqs := itemsOfClass(srv.Mailbox("bob@example.com").Items("inbox"), "IPM.Schedule.Meeting.Request")
	if len(reqs) != 1 || reqs[0].Subject != "Sync (moved)" || !reqs[0].Start.Equal(it.Start) {
		t.Errorf("bob's meeting requests after update = %+v", reqs)
	}
	if body := lastRequest(t, srv, "UpdateItem"); !strings.Contains(body, `SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy"`) ||
		!strings.Contains(body, `<t:DeleteItemField><t:FieldURI FieldURI="calendar:OptionalAttendees"></t:FieldURI></t:DeleteItemField>`) {
		t.Errorf("UpdateItem request: %s", body)
	}

	// An all-day move, and validation before sending.
	err = alice.Calendar().Update(ctx, id, EventChanges{IsAllDay: Ptr(true), Start: Ptr(time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)),
		End: Ptr(time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)), TimeZone: mustLoad(t, "Europe/Berlin")}, EventUpdateOptions{SendUpdates: SendToNone})
	if err != nil {
		t.Fatal(err)
	}
	if it := storedItem(t, srv, id); !it.IsAllDayEvent || !it.Start.Equal(time.Date(2024, 6, 9, 22, 0, 0, 0, time.UTC)) || !it.End.Equal(time.Date(2024, 6, 10, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("all-day update stored %s - %s all-day=%v", it.Start, it.End, it.IsAllDayEvent)
	}
	before := len(srv.Requests())
	for _, tc := range []struct {
		ch   EventChanges
		opts EventUpdateOptions
		want string
	}{
		{EventChanges{}, EventUpdateOptions{}, "no change"},
		{EventChanges{IsAllDay: Ptr(true)}, EventUpdateOptions{}, "EventChanges.IsAllDay needs"},
		{EventChanges{Start: Ptr(start), End: Ptr(start.Add(-time.Hour))}, EventUpdateOptions{}, "EventChanges.End"},
		{EventChanges{Body: Ptr("a"), BodyHTML: Ptr("b")}, EventUpdateOptions{}, "both set"},
		{EventChanges{Required: []string{"nope"}}, EventUpdateOptions{}, `EventChanges.Required[0] "nope"`},
		{EventChanges{ShowAs: "Away"}, EventUpdateOptions{}, "EventChanges.ShowAs"},
		{EventChanges{Subject: Ptr("x")}, EventUpdateOptions{SendUpdates: "Everyone"}, "EventUpdateOptions.SendUpdates"},
	} {
		if err := alice.Calendar().Update(ctx, id, tc.ch, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("UpdateEvent(%+v): err = %v, want %q", tc.ch, err, tc.want)
		}
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("invalid updates sent %d requests", n)
	}
}

func TestCancelAndDeleteMeeting(t *testing.T) {
	srv, alice, _ := meetingSetup(t)
	ctx := testCtx(t)
	start := time.Date(2024, 6, 7, 8, 0, 0, 0, time.UTC)
	aliceMB, bobMB := srv.Mailbox("alice@example.com"), srv.Mailbox("bob@example.com")
	id, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Drill", Start: start, End: start.Add(time.Hour), Required: []string{"bob@example.com"}}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Calendar().Cancel(ctx, id, "called off"); err != nil {
		t.Fatalf("CancelEvent: %v", err)
	}
	if _, ok := srv.Item(id); ok || len(aliceMB.Items("calendar")) != 0 || len(aliceMB.Items("deleteditems")) != 1 {
		t.Errorf("after CancelEvent the organizer's calendar holds %d items, deleted items %d", len(aliceMB.Items("calendar")), len(aliceMB.Items("deleteditems")))
	}
	bobCal := bobMB.Items("calendar")
	if len(bobCal) != 1 || !bobCal[0].IsCancelled || bobCal[0].Subject != "Canceled: Drill" {
		t.Errorf("bob's calendar after cancel = %+v", bobCal)
	}
	if c := itemsOfClass(bobMB.Items("inbox"), "IPM.Schedule.Meeting.Canceled"); len(c) != 1 || c[0].Body != "called off" {
		t.Errorf("bob's cancellations = %+v", c)
	}

	// Deleting a meeting sends cancellations too, unless told not to.
	id2, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Drill 2", Start: start, End: start.Add(time.Hour), Required: []string{"bob@example.com"}}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Calendar().Delete(ctx, DeleteOptions{}, id2); err != nil {
		t.Fatal(err)
	}
	if c := itemsOfClass(bobMB.Items("inbox"), "IPM.Schedule.Meeting.Canceled"); len(c) != 2 {
		t.Errorf("DeleteEvent sent %d cancellations in all, want 2", len(c))
	}
	if body := lastRequest(t, srv, "DeleteItem"); !strings.Contains(body, `DeleteType="MoveToDeletedItems"`) || !strings.Contains(body, `SendMeetingCancellations="SendToAllAndSaveCopy"`) {
		t.Errorf("DeleteItem request: %s", body)
	}
	id3, err := alice.Calendar().Create(ctx, NewEvent{Subject: "Drill 3", Start: start, End: start.Add(time.Hour), Required: []string{"bob@example.com"}}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Calendar().Delete(ctx, DeleteOptions{SendCancellations: SendToNone}, id3); err != nil {
		t.Fatal(err)
	}
	if c := itemsOfClass(bobMB.Items("inbox"), "IPM.Schedule.Meeting.Canceled"); len(c) != 2 {
		t.Errorf("SendToNone sent a cancellation (%d in all)", len(c))
	}
	// Bob, an attendee, cannot cancel alice's meeting.
	bob := newTestClient(t, srv, func(cfg *Config) {
		cfg.Username, cfg.Password, cfg.EmailAddress = `CORP\bob`, "Bob-Passw0rd!", "bob@example.com"
	})
	var bobsCopy string
	for _, it := range bobMB.Items("calendar") {
		if it.Subject == "Drill 3" {
			bobsCopy = it.ID
		}
	}
	if err := bob.Calendar().Cancel(ctx, bobsCopy, ""); err == nil || !strings.Contains(err.Error(), "ErrorCalendarIsNotOrganizer") {
		t.Errorf("attendee CancelEvent: err = %v", err)
	}
	if err := bob.Calendar().Accept(ctx, "", RespondOptions{}); err == nil || errors.Is(err, ErrItemNotFound) {
		t.Errorf("Accept with an empty id: err = %v, want a local error", err)
	}
}
