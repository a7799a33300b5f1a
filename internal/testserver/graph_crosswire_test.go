package testserver

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
	"golang.org/x/oauth2"
)

// Cross-wire tests: what one wire creates or changes, the other reads, from the same mailbox state.

var crossApp = GraphApp{TenantID: "t1", ClientID: "c1", ClientSecret: "s1"}

// graphFor returns a Graph client of mailbox on srv (started WithGraphApp(crossApp)), app-only.
func graphFor(t *testing.T, srv *Server, mailbox string) *graph.Client {
	t.Helper()
	creds := graph.AppCredentials{TenantID: crossApp.TenantID, ClientID: crossApp.ClientID, ClientSecret: crossApp.ClientSecret,
		AuthorityHost: srv.GraphURL(), GraphEndpoint: srv.GraphURL()}
	ts, err := creds.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := graph.New(graph.Config{Endpoint: srv.GraphURL(), Mailbox: mailbox, TokenSource: ts, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ewsCalendarView returns "subject start id" of each item of an EWS CalendarView of the default calendar.
func ewsCalendarView(t *testing.T, c *soap.Client, start, end time.Time) []string {
	t.Helper()
	var fr soap.FindItemResponse
	if _, err := c.Do(context.Background(), h13, &soap.FindItem{Traversal: "Shallow",
		ItemShape:       soap.ItemShape{BaseShape: "IdOnly", AdditionalProperties: soap.PathList{{FieldURI: "item:Subject"}, {FieldURI: "calendar:Start"}}},
		CalendarView:    &soap.CalendarView{StartDate: start.Format(time.RFC3339), EndDate: end.Format(time.RFC3339)},
		ParentFolderIDs: []soap.FolderRef{{Distinguished: "calendar"}}}, &fr); err != nil || fr.ResponseMessages[0].Err() != nil {
		t.Fatalf("FindItem CalendarView: %v %+v", err, fr)
	}
	var out []string
	for _, it := range fr.ResponseMessages[0].RootFolder.Items.Items {
		out = append(out, fmt.Sprintf("%s %s %s", it.Subject, it.Start.UTC().Format(time.RFC3339), it.ItemID.ID))
	}
	return out
}

func graphCalendarView(t *testing.T, g *graph.Client, start, end time.Time) []string {
	t.Helper()
	p, err := g.CalendarView(context.Background(), start, end, graph.CalendarViewOptions{Top: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range p.Value {
		s, err := e.Start.Time()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s", e.Subject, s.UTC().Format(time.RFC3339), EWSID(e.ID)))
	}
	return out
}

func TestCrossWireCalendarViews(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	c, g := wire(t, srv), graphFor(t, srv, DefaultEmail)
	ctx := context.Background()
	start := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC) // a Monday
	// A daily series of four over EWS; a weekly series (Mon, Thu) of three and a single event over Graph.
	var cr soap.CreateItemResponse
	if _, err := c.Do(ctx, h13, &soap.CreateItem{SendMeetingInvitations: "SendToNone", Items: soap.ItemList{&soap.CalendarItem{
		Subject: "ews daily", Start: start.Format(time.RFC3339), End: start.Add(30 * time.Minute).Format(time.RFC3339),
		Recurrence: &soap.Recurrence{DailyRecurrence: &soap.DailyRecurrence{Interval: 1},
			NumberedRecurrence: &soap.RecurrenceRange{StartDate: "2026-05-04", NumberOfOccurrences: 4}}}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem: %v %+v", err, cr)
	}
	ws := start.Add(2 * time.Hour)
	wd, _ := graph.NewDateTimeTimeZone(ws, "W. Europe Standard Time")
	we, _ := graph.NewDateTimeTimeZone(ws.Add(time.Hour), "W. Europe Standard Time")
	if _, err := g.CreateEvent(ctx, &graph.Event{Subject: "graph weekly", Start: &wd, End: &we,
		Recurrence: &graph.PatternedRecurrence{Pattern: graph.RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "thursday"}},
			Range: graph.RecurrenceRange{Type: "numbered", StartDate: "2026-05-04", NumberOfOccurrences: 3}}}); err != nil {
		t.Fatal(err)
	}
	sd, _ := graph.NewDateTimeTimeZone(start.Add(26*time.Hour), "")
	ed, _ := graph.NewDateTimeTimeZone(start.Add(27*time.Hour), "")
	single, err := g.CreateEvent(ctx, &graph.Event{Subject: "graph single", Start: &sd, End: &ed})
	if err != nil {
		t.Fatal(err)
	}
	from, to := start.Add(-time.Hour), start.AddDate(0, 0, 14)
	ews, gv := ewsCalendarView(t, c, from, to), graphCalendarView(t, g, from, to)
	if len(ews) != 4+3+1 || strings.Join(ews, "\n") != strings.Join(gv, "\n") {
		t.Fatalf("the two calendar views differ (same occurrences, starts and ids expected):\nEWS:\n%s\nGraph:\n%s",
			strings.Join(ews, "\n"), strings.Join(gv, "\n"))
	}
	// An occurrence deleted over EWS leaves the Graph view; the Graph single event deleted over Graph leaves EWS's.
	occ := ews[1][strings.LastIndexByte(ews[1], ' ')+1:]
	var dr soap.DeleteItemResponse
	if _, err := c.Do(ctx, h13, &soap.DeleteItem{DeleteType: "MoveToDeletedItems", SendMeetingCancellations: "SendToNone",
		ItemIDs: []soap.ItemID{{ID: occ}}}, &dr); err != nil || dr.ResponseMessages[0].Err() != nil {
		t.Fatalf("DeleteItem: %v %+v", err, dr)
	}
	if err := g.DeleteEvent(ctx, single.ID); err != nil {
		t.Fatal(err)
	}
	ews, gv = ewsCalendarView(t, c, from, to), graphCalendarView(t, g, from, to)
	if len(ews) != 6 || strings.Join(ews, "\n") != strings.Join(gv, "\n") {
		t.Errorf("after deletes:\nEWS:\n%s\nGraph:\n%s", strings.Join(ews, "\n"), strings.Join(gv, "\n"))
	}
}

func TestCrossWireMeetingResponses(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c := wire(t, srv)
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)
	// The organizer invites over EWS; Bob accepts over Graph; the organizer reads the answer over EWS.
	var cr soap.CreateItemResponse
	if _, err := c.Do(ctx, h13, &soap.CreateItem{SendMeetingInvitations: "SendToAllAndSaveCopy", Items: soap.ItemList{&soap.CalendarItem{
		Subject: "ir sync", Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339),
		RequiredAttendees: &soap.Attendees{Attendees: []soap.Attendee{{Mailbox: soap.Mailbox{EmailAddress: "bob@example.com"}}}}}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem: %v %+v", err, cr)
	}
	orgID := cr.ResponseMessages[0].Items.Items[0].ItemID.ID
	bg := graphFor(t, srv, "bob@example.com")
	view, err := bg.CalendarView(ctx, start, start.Add(time.Hour), graph.CalendarViewOptions{})
	if err != nil || len(view.Value) != 1 {
		t.Fatalf("bob's Graph view: %v %+v", err, view)
	}
	if err := bg.Respond(ctx, view.Value[0].ID, graph.TentativelyAccept, "maybe", true); err != nil {
		t.Fatal(err)
	}
	var gr soap.GetItemResponse
	if _, err := c.Do(ctx, h13, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "AllProperties"}, ItemIDs: []soap.ItemID{{ID: orgID}}}, &gr); err != nil {
		t.Fatal(err)
	}
	if as := gr.ResponseMessages[0].Items.Items[0].RequiredAttendees; len(as) != 1 || as[0].ResponseType != "Tentative" {
		t.Errorf("organizer's attendees over EWS = %+v", as)
	}
	// Bob's meeting request was moved to Deleted Items, as EWS's responses do.
	for _, it := range bob.Items("inbox") {
		if it.ItemClass == classMeetingRequest {
			t.Errorf("the meeting request is still in bob's inbox")
		}
	}
	// The organizer cancels over Graph; Bob's copy, read over EWS, is cancelled.
	if err := graphFor(t, srv, DefaultEmail).CancelEvent(ctx, GraphID(orgID), "moved to Friday"); err != nil {
		t.Fatal(err)
	}
	if it, _ := bob.Item(EWSID(view.Value[0].ID)); !it.IsCancelled || it.LegacyFreeBusyStatus != "Free" {
		t.Errorf("bob's copy after the Graph cancel: cancelled %v, %s", it.IsCancelled, it.LegacyFreeBusyStatus)
	}
}

func TestCrossWireContacts(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	c, g := wire(t, srv), graphFor(t, srv, DefaultEmail)
	ctx := context.Background()
	// Created over Graph, read over EWS.
	gc, err := g.CreateContact(ctx, &graph.Contact{GivenName: "Grace", Surname: "Hopper", JobTitle: "Admiral",
		EmailAddresses: []graph.EmailAddress{{Address: "grace@navy.example"}}, MobilePhone: "+1 555 0142"})
	if err != nil {
		t.Fatal(err)
	}
	var gr soap.GetItemResponse
	if _, err := c.Do(ctx, h13, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "AllProperties"}, ItemIDs: []soap.ItemID{{ID: EWSID(gc.ID)}}}, &gr); err != nil || gr.ResponseMessages[0].Err() != nil {
		t.Fatalf("GetItem: %v %+v", err, gr)
	}
	it := gr.ResponseMessages[0].Items.Items[0]
	if it.XMLName.Local != "Contact" || it.DisplayName != "Grace Hopper" || len(it.EmailAddresses) != 1 ||
		it.EmailAddresses[0].Key != "EmailAddress1" || it.EmailAddresses[0].Value != "grace@navy.example" || it.JobTitle != "Admiral" {
		t.Errorf("contact over EWS = %+v", it)
	}
	// Created over EWS, read and resolved over Graph.
	var cr soap.CreateItemResponse
	if _, err := c.Do(ctx, h13, &soap.CreateItem{Items: soap.ItemList{&soap.Contact{GivenName: "Linus", Surname: "Torvalds",
		DisplayName: "Linus Torvalds", EmailAddresses: &soap.DictEntries{Entries: []soap.DictEntry{{Key: "EmailAddress1", Value: "linus@kernel.example"}}}}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem contact: %v %+v", err, cr)
	}
	id := cr.ResponseMessages[0].Items.Items[0].ItemID.ID
	got, err := g.GetContact(ctx, GraphID(id))
	if err != nil || got.DisplayName != "Linus Torvalds" || got.EmailAddresses[0].Address != "linus@kernel.example" {
		t.Errorf("contact over Graph = %+v, %v", got, err)
	}
	res, err := g.ResolveName(ctx, "linus@kernel.example")
	if err != nil || len(res) != 1 || res[0].Contact == nil || res[0].Contact.ID != GraphID(id) {
		t.Errorf("ResolveName over Graph = %+v, %v", res, err)
	}
}

func TestCrossWireDeltaAndSync(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	c, g := wire(t, srv), graphFor(t, srv, DefaultEmail)
	ctx := context.Background()
	inbox := soap.FolderRef{Distinguished: "inbox"}
	a := srv.AddMessage("inbox", Item{Subject: "a"})
	srv.AddMessage("inbox", Item{Subject: "b"})
	// Both wires start tracking the inbox.
	p, err := g.MessageDelta(ctx, "inbox", graph.DeltaOptions{Select: []string{"subject"}})
	if err != nil || len(p.Value) != 2 || p.DeltaLink == "" {
		t.Fatalf("first delta round: %v %+v", err, p)
	}
	state := syncPage(t, c, inbox, "", 10).SyncState
	// A change over EWS (moved out) is a removal over Graph; a change over Graph (read) is a ReadFlagChange over EWS.
	var mr soap.MoveItemResponse
	if _, err := c.Do(ctx, h13, &soap.MoveItem{ToFolderID: soap.FolderRef{Distinguished: "archive"}, ItemIDs: []soap.ItemID{{ID: a}}}, &mr); err != nil || mr.ResponseMessages[0].Err() != nil {
		t.Fatalf("MoveItem: %v %+v", err, mr)
	}
	b := srv.Mailbox(DefaultEmail).Items("inbox")[0].ID
	if err := g.MarkRead(ctx, GraphID(b), true); err != nil {
		t.Fatal(err)
	}
	p, err = g.NextDelta(ctx, p.DeltaLink, 0)
	if err != nil || len(p.Value) != 2 {
		t.Fatalf("second delta round: %v %+v", err, p)
	}
	var got []string
	for _, m := range p.Value {
		if m.Removed != nil {
			got = append(got, "removed "+m.ID)
		} else {
			got = append(got, "changed "+m.Subject)
		}
	}
	if want := []string{"removed " + GraphID(a), "changed b"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Graph delta after the EWS move = %v, want %v", got, want)
	}
	page := syncPage(t, c, inbox, state, 10)
	if d := describe(srv, page); strings.Join(d, ",") != "Delete:"+a+",ReadFlagChange:b=true" {
		t.Errorf("EWS sync after the Graph read = %v", d)
	}
	// Expiring the server's sync states resets both wires.
	srv.ExpireSyncStates()
	if _, err := g.NextDelta(ctx, p.DeltaLink, 0); err == nil || !strings.Contains(err.Error(), "410") {
		t.Errorf("Graph after expiry: %v, want 410", err)
	}
	if m := syncPage(t, c, inbox, page.SyncState, 10); m.Err() == nil {
		t.Error("EWS after expiry: no error")
	}
}

func TestCrossWireEventFields(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	c, g := wire(t, srv), graphFor(t, srv, DefaultEmail)
	ctx := context.Background()
	start := time.Date(2026, 7, 6, 7, 0, 0, 0, time.UTC)
	sd, _ := graph.NewDateTimeTimeZone(start, "Tokyo Standard Time")
	ed, _ := graph.NewDateTimeTimeZone(start.Add(45*time.Minute), "Tokyo Standard Time")
	rem := 5
	// Created over Graph, read over EWS.
	ev, err := g.CreateEvent(ctx, &graph.Event{Subject: "private 1:1", Start: &sd, End: &ed, Sensitivity: "private",
		ShowAs: "oof", Importance: "low", Categories: []string{"HR", "Confidential"}, Location: &graph.Location{DisplayName: "Teams"},
		ReminderMinutesBeforeStart: &rem, Body: &graph.ItemBody{ContentType: "text", Content: "notes"}})
	if err != nil {
		t.Fatal(err)
	}
	var gr soap.GetItemResponse
	if _, err := c.Do(ctx, h13, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "AllProperties"}, ItemIDs: []soap.ItemID{{ID: EWSID(ev.ID)}}}, &gr); err != nil || gr.ResponseMessages[0].Err() != nil {
		t.Fatalf("GetItem: %v %+v", err, gr)
	}
	it := gr.ResponseMessages[0].Items.Items[0]
	if it.XMLName.Local != "CalendarItem" || it.Sensitivity != "Private" || it.LegacyFreeBusyStatus != "OOF" || it.Importance != "Low" ||
		strings.Join(it.Categories, ",") != "HR,Confidential" || it.Location != "Teams" || !it.ReminderIsSet ||
		it.ReminderMinutesBeforeStart != 5 || !it.Start.Equal(start) || it.MyResponseType != "Organizer" || it.Body == nil {
		t.Errorf("Graph-created event over EWS = %+v", it)
	}
	// Created over EWS, read over Graph.
	var cr soap.CreateItemResponse
	yes, mins := true, 20
	if _, err := c.Do(ctx, h13, &soap.CreateItem{SendMeetingInvitations: "SendToNone", Items: soap.ItemList{&soap.CalendarItem{
		Subject: "all hands", Sensitivity: "Confidential", LegacyFreeBusyStatus: "WorkingElsewhere", Location: "Hall",
		ReminderIsSet: &yes, ReminderMinutesBeforeStart: &mins, IsAllDayEvent: &yes, Categories: &soap.Strings{Strings: []string{"Company"}},
		Start: "2026-07-08T00:00:00Z", End: "2026-07-09T00:00:00Z"}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem: %v %+v", err, cr)
	}
	got, err := g.GetEvent(ctx, GraphID(cr.ResponseMessages[0].Items.Items[0].ItemID.ID))
	if err != nil {
		t.Fatal(err)
	}
	if got.Sensitivity != "confidential" || got.ShowAs != "workingElsewhere" || got.Location.DisplayName != "Hall" ||
		!*got.IsAllDay || !*got.IsReminderOn || *got.ReminderMinutesBeforeStart != 20 || got.Categories[0] != "Company" ||
		got.Start.DateTime != "2026-07-08T00:00:00.0000000" || got.Type != "singleInstance" {
		t.Errorf("EWS-created event over Graph = %+v", got)
	}
}
