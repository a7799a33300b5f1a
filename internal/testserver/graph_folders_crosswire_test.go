package testserver

import (
	"context"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
)

// createFolderEWS creates a folder of class under parent over EWS and returns its id.
func createFolderEWS(t *testing.T, c *soap.Client, parent, name, class string) string {
	t.Helper()
	var cr soap.CreateFolderResponse
	if _, err := c.Do(context.Background(), h13, &soap.CreateFolder{ParentFolderID: soap.TargetFolder{Folder: soap.FolderRef{Distinguished: parent}},
		Folders: []soap.FolderCreate{{FolderClass: class, DisplayName: name}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateFolder %s: %v %+v", name, err, cr)
	}
	return cr.ResponseMessages[0].Folders.Folders[0].FolderID.ID
}

// A calendar folder and a contacts folder made over EWS are a calendar and a contact folder over Graph: listed,
// and events and contacts stored in them over Graph are in those folders over EWS.
func TestCrossWireCalendarAndContactFolders(t *testing.T) {
	srv := New(t, WithGraphApp(crossApp))
	c, g := wire(t, srv), graphFor(t, srv, DefaultEmail)
	ctx := context.Background()
	teamID := createFolderEWS(t, c, "calendar", "Team", "IPF.Appointment")
	vendorsID := createFolderEWS(t, c, "contacts", "Vendors", "IPF.Contact")
	createFolderEWS(t, c, "inbox", "Not a calendar", "IPF.Note")

	cals, err := g.Calendars(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]graph.Calendar{}
	for _, cal := range cals {
		names[cal.Name] = cal
	}
	// Compared by name: Graph names the folders with its own ids.
	gTeam := names["Team"].ID
	if len(cals) != 2 || !names["Calendar"].IsDefaultCalendar || gTeam == "" || names["Team"].IsDefaultCalendar {
		t.Fatalf("calendars = %+v", cals)
	}
	start := time.Date(2026, 6, 4, 13, 0, 0, 0, time.UTC)
	st, _ := graph.NewDateTimeTimeZone(start, "UTC")
	en, _ := graph.NewDateTimeTimeZone(start.Add(time.Hour), "UTC")
	ev, err := g.CreateEventIn(ctx, gTeam, &graph.Event{Subject: "team sync", Start: &st, End: &en})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Mailbox(DefaultEmail).Items(teamID); len(got) != 1 || got[0].Subject != "team sync" {
		t.Errorf("the Team calendar holds %+v over EWS", got)
	}
	p, err := g.CalendarView(ctx, start.Add(-time.Hour), start.Add(2*time.Hour), graph.CalendarViewOptions{Calendar: gTeam})
	if err != nil || len(p.Value) != 1 || p.Value[0].ID != ev.ID {
		t.Errorf("Team calendar view = %+v, %v", p, err)
	}
	if p, err := g.CalendarView(ctx, start.Add(-time.Hour), start.Add(2*time.Hour), graph.CalendarViewOptions{}); err != nil || len(p.Value) != 0 {
		t.Errorf("default calendar view = %+v, %v", p, err)
	}

	fs, err := g.ContactFolders(ctx, "")
	if err != nil || len(fs) != 1 || fs[0].DisplayName != "Vendors" {
		t.Fatalf("contact folders = %+v, %v", fs, err)
	}
	gVendors := fs[0].ID
	createFolderEWS(t, c, "contacts", "EU", "IPF.Contact") // a second folder in Contacts
	var cr soap.CreateFolderResponse
	if _, err := c.Do(ctx, h13, &soap.CreateFolder{ParentFolderID: soap.TargetFolder{Folder: soap.FolderRef{ID: vendorsID}},
		Folders: []soap.FolderCreate{{FolderClass: "IPF.Contact", DisplayName: "Nested"}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateFolder Nested: %v %+v", err, cr)
	}
	nestedID := cr.ResponseMessages[0].Folders.Folders[0].FolderID.ID
	if fs, err := g.ContactFolders(ctx, ""); err != nil || len(fs) != 2 || fs[0].DisplayName != "EU" || fs[1].DisplayName != "Vendors" {
		t.Errorf("contact folders = %+v, %v", fs, err)
	}
	fs, err = g.ContactFolders(ctx, gVendors)
	if err != nil || len(fs) != 1 || fs[0].DisplayName != "Nested" || fs[0].ParentFolderID != gVendors {
		t.Fatalf("child folders of Vendors = %+v, %v", fs, err)
	}
	if _, err := g.CreateContactIn(ctx, fs[0].ID, &graph.Contact{DisplayName: "ACME"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Mailbox(DefaultEmail).Items(nestedID); len(got) != 1 || got[0].DisplayName != "ACME" {
		t.Errorf("the Nested folder holds %+v over EWS", got)
	}
	if _, err := g.ContactFolders(ctx, gTeam); err == nil {
		t.Error("a calendar's child contact folders were listed")
	}
}
