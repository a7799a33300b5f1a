package ews

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

func listAll(t *testing.T, c *Client, start, end time.Time, opts EventListOptions) []*Event {
	t.Helper()
	var out []*Event
	for ev, err := range c.Calendar().List(testCtx(t), start, end, opts) {
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func TestWeeklyMeetingOncePerWeek(t *testing.T) {
	srv, c := setup(t)
	berlin := mustLoad(t, "Europe/Berlin")
	first := time.Date(2024, 3, 18, 10, 0, 0, 0, berlin) // a Monday; Europe changes to summer time on Sunday March 31
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "Weekly SOC sync", Start: first, End: first.Add(time.Hour),
		Recurrence: &Recurrence{Pattern: RecurrenceWeekly, Days: []time.Weekday{time.Monday}}}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rec := storedItem(t, srv, id).Recurrence; rec == nil || rec.Pattern != "Weekly" || len(rec.DaysOfWeek) != 1 || rec.DaysOfWeek[0] != time.Monday || rec.Start.Format("2006-01-02") != "2024-03-18" {
		t.Fatalf("stored recurrence = %+v", rec)
	}
	cb := newTestClient(t, srv, func(cfg *Config) { cfg.Location = berlin })
	evs := listAll(t, cb, time.Date(2024, 3, 18, 0, 0, 0, 0, berlin), time.Date(2024, 4, 15, 0, 0, 0, 0, berlin), EventListOptions{})
	if len(evs) != 4 {
		t.Fatalf("four weeks hold %d events, want 4: %v", len(evs), evs)
	}
	ids := map[string]bool{}
	for i, ev := range evs {
		want := first.AddDate(0, 0, 7*i)
		if !ev.Start.Equal(want) || ev.Start.Hour() != 10 || ev.Start.Weekday() != time.Monday || ev.End.Sub(ev.Start) != time.Hour {
			t.Errorf("occurrence %d at %s, want %s (10:00 Berlin every Monday, across the DST change)", i, ev.Start, want)
		}
		if ev.Type != EventOccurrence || !ev.IsRecurring || ev.Subject != "Weekly SOC sync" || ev.TimeZone != "W. Europe Standard Time" || ids[ev.ID] || ev.ID == id {
			t.Errorf("occurrence %d = %+v", i, ev)
		}
		ids[ev.ID] = true
	}
	if evs[1].Start.UTC().Hour() != 9 || evs[2].Start.UTC().Hour() != 8 {
		t.Errorf("UTC hours %d, %d; want 9 (CET) then 8 (CEST)", evs[1].Start.UTC().Hour(), evs[2].Start.UTC().Hour())
	}

	// The series itself, an occurrence changed on its own, and one deleted.
	master, err := c.Calendar().Get(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if master.Type != EventRecurringMaster || master.Recurrence == nil || master.Recurrence.Pattern != RecurrenceWeekly || master.Recurrence.Days[0] != time.Monday {
		t.Errorf("master = %+v (recurrence %+v)", master, master.Recurrence)
	}
	if err := c.Calendar().Update(testCtx(t), evs[1].ID, EventChanges{Subject: Ptr("moved sync"), Start: Ptr(evs[1].Start.Add(2 * time.Hour)), End: Ptr(evs[1].End.Add(2 * time.Hour))}, EventUpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Calendar().Delete(testCtx(t), DeleteOptions{}, evs[2].ID); err != nil {
		t.Fatal(err)
	}
	evs2 := listAll(t, cb, time.Date(2024, 3, 18, 0, 0, 0, 0, berlin), time.Date(2024, 4, 15, 0, 0, 0, 0, berlin), EventListOptions{})
	if len(evs2) != 3 || evs2[1].Type != EventException || evs2[1].Subject != "moved sync" || evs2[1].Start.Hour() != 12 || !evs2[2].Start.Equal(evs[3].Start) {
		t.Errorf("after changing one occurrence and deleting another: %v", evs2)
	}
	// Deleting the series removes every occurrence.
	if err := c.Calendar().Delete(testCtx(t), DeleteOptions{}, id); err != nil {
		t.Fatal(err)
	}
	if evs3 := listAll(t, cb, time.Date(2024, 3, 18, 0, 0, 0, 0, berlin), time.Date(2024, 4, 15, 0, 0, 0, 0, berlin), EventListOptions{}); len(evs3) != 0 {
		t.Errorf("after deleting the series: %v", evs3)
	}
}

func TestDailySeriesSeededOnServer(t *testing.T) {
	srv, c := setup(t)
	start := time.Date(2024, 2, 5, 7, 30, 0, 0, time.UTC)
	srv.Default().AddItem("calendar", testserver.Item{Subject: "Shift handover", Start: start, End: start.Add(15 * time.Minute),
		Recurrence: &testserver.Recurrence{Pattern: "Daily", Interval: 2, Start: time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC), Count: 5}})
	evs := listAll(t, c, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), EventListOptions{})
	var days []int
	for _, ev := range evs {
		days = append(days, ev.Start.Day())
	}
	if fmt.Sprint(days) != "[5 7 9 11 13]" {
		t.Errorf("every other day, five times: days %v", days)
	}
}

// seedEvents stores n one-hour events starting at from, one every step.
func seedEvents(srv *testserver.Server, n int, from time.Time, step time.Duration, subject string) {
	for i := 0; i < n; i++ {
		s := from.Add(time.Duration(i) * step)
		srv.Default().AddItem("calendar", testserver.Item{Subject: fmt.Sprintf("%s %02d", subject, i), Start: s, End: s.Add(time.Hour)})
	}
}

func TestListEventsNarrowsCrowdedWindows(t *testing.T) {
	srv, c := setup(t)
	from := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	seedEvents(srv, 40, from.Add(30*time.Minute), 4*time.Hour, "alert")
	// An event that spans the first split point is listed once.
	srv.Default().AddItem("calendar", testserver.Item{Subject: "long", Start: from.Add(70 * time.Hour), End: from.Add(90 * time.Hour)})
	// One that started before the range is listed (it overlaps).
	srv.Default().AddItem("calendar", testserver.Item{Subject: "early", Start: from.Add(-2 * time.Hour), End: from.Add(time.Hour)})
	evs := listAll(t, c, from, from.Add(7*24*time.Hour), EventListOptions{PageSize: 10})
	if len(evs) != 42 {
		t.Fatalf("listed %d events, want 42", len(evs))
	}
	seen := map[string]bool{}
	for i, ev := range evs {
		if seen[ev.ID] {
			t.Errorf("%q listed twice", ev.Subject)
		}
		seen[ev.ID] = true
		if i > 0 && ev.Start.Before(evs[i-1].Start) {
			t.Errorf("%q (%s) listed after %q (%s)", ev.Subject, ev.Start, evs[i-1].Subject, evs[i-1].Start)
		}
	}
	if evs[0].Subject != "early" {
		t.Errorf("first event %q, want the one that began before the range", evs[0].Subject)
	}
	if n := countRequests(srv, "FindItem"); n < 5 {
		t.Errorf("%d FindItem requests for 42 events in pages of 10; the window was not split", n)
	}
	if body := lastRequest(t, srv, "FindItem"); !strings.Contains(body, `MaxEntriesReturned="10"`) || !strings.Contains(body, "<m:CalendarView") {
		t.Errorf("FindItem request: %s", body)
	}

	// A range longer than the server's limit (two years) is split too.
	srv.Default().AddItem("calendar", testserver.Item{Subject: "far", Start: from.AddDate(2, 6, 0), End: from.AddDate(2, 6, 0).Add(time.Hour)})
	evs = listAll(t, c, from, from.AddDate(3, 0, 0), EventListOptions{Subject: "FAR"})
	if len(evs) != 1 || evs[0].Subject != "far" {
		t.Errorf("three-year range with subject filter: %v", evs)
	}
}

func TestListEventsSubjectFilterAndStop(t *testing.T) {
	srv, c := setup(t)
	from := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	seedEvents(srv, 6, from, 2*time.Hour, "Patch Tuesday")
	seedEvents(srv, 6, from.Add(time.Hour), 2*time.Hour, "lunch")
	evs := listAll(t, c, from, from.Add(24*time.Hour), EventListOptions{Subject: "patch tue"})
	if len(evs) != 6 {
		t.Fatalf("subject filter kept %d events, want 6", len(evs))
	}
	for _, ev := range evs {
		if !strings.HasPrefix(ev.Subject, "Patch Tuesday") {
			t.Errorf("filter let %q through", ev.Subject)
		}
	}
	if body := lastRequest(t, srv, "GetItem"); strings.Count(body, "<t:ItemId") != 6 {
		t.Errorf("GetItem fetched %d events, want only the 6 that match", strings.Count(body, "<t:ItemId"))
	}
	if body := lastRequest(t, srv, "FindItem"); strings.Contains(body, "Restriction") {
		t.Errorf("a CalendarView request must not carry a restriction: %s", body)
	}

	before := countRequests(srv, "GetItem")
	n := 0
	for _, err := range c.Calendar().List(testCtx(t), from, from.Add(24*time.Hour), EventListOptions{PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if got := countRequests(srv, "GetItem") - before; got != 1 {
		t.Errorf("breaking after 2 events made %d GetItem requests, want 1", got)
	}
}

func TestListEventsDefaultWindowAndErrors(t *testing.T) {
	srv, c := setup(t)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	srv.Default().AddItem("calendar", testserver.Item{Subject: "soon", Start: today.Add(36 * time.Hour), End: today.Add(37 * time.Hour)})
	srv.Default().AddItem("calendar", testserver.Item{Subject: "later", Start: today.Add(40 * 24 * time.Hour), End: today.Add(40*24*time.Hour + time.Hour)})
	srv.Default().AddItem("calendar", testserver.Item{Subject: "past", Start: today.Add(-48 * time.Hour), End: today.Add(-47 * time.Hour)})
	evs := listAll(t, c, time.Time{}, time.Time{}, EventListOptions{})
	if len(evs) != 1 || evs[0].Subject != "soon" {
		t.Errorf("default window (today + %v) listed %v", DefaultEventWindow, evs)
	}
	body := lastRequest(t, srv, "FindItem")
	want := `StartDate="` + today.Format("2006-01-02T15:04:05Z") + `" EndDate="` + today.Add(DefaultEventWindow).Format("2006-01-02T15:04:05Z") + `"`
	if !strings.Contains(body, want) && time.Now().UTC().Truncate(24*time.Hour).Equal(today) { // (unless the day changed meanwhile)
		t.Errorf("default window request lacks %s: %s", want, body)
	}

	ctx := testCtx(t)
	for _, tc := range []struct {
		start, end time.Time
		opts       EventListOptions
		want       string
	}{
		{today, today.Add(-time.Hour), EventListOptions{}, "is not after start"},
		{today, today.Add(time.Hour), EventListOptions{PageSize: 5000}, "EventListOptions.PageSize"},
		{today, today.Add(time.Hour), EventListOptions{Folder: FolderByPath("Calendar/Nope")}, "ErrorFolderNotFound"},
	} {
		var err error
		for _, e := range c.Calendar().List(ctx, tc.start, tc.end, tc.opts) {
			err = e
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ListEvents(%v, %v, %+v): err = %v, want %q", tc.start, tc.end, tc.opts, err, tc.want)
		}
	}
}

// TestListEventsTruncatedPage covers servers that return part of a crowded window (IncludesLastItemInRange
// false) instead of an error: the window is split and read again.
func TestListEventsTruncatedPage(t *testing.T) {
	srv := testserver.New(t, testserver.WithAuth("Basic"))
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Auth = AuthBasic })
	from := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	seedEvents(srv, 12, from, 6*time.Hour, "ev")
	truncated := 0
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Body == nil {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		// The first calendar view of the whole range gets a partial answer holding one bogus item.
		if !bytes.Contains(body, []byte(`StartDate="2024-04-01T00:00:00Z" EndDate="2024-04-04T00:00:00Z"`)) {
			return false
		}
		truncated++
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>`+serverVersionHeader(srv)+`</s:Header><s:Body><m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="12" IncludesLastItemInRange="false"><t:Items><t:CalendarItem><t:ItemId Id="BOGUS" ChangeKey="x"/><t:Subject>bogus</t:Subject><t:Start>2024-04-01T00:00:00Z</t:Start><t:End>2024-04-01T01:00:00Z</t:End></t:CalendarItem></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>`)
		return true
	})
	evs := listAll(t, c, from, from.Add(72*time.Hour), EventListOptions{})
	if truncated != 1 || len(evs) != 12 {
		t.Fatalf("after a partial page: %d events (want 12), %d partial answers", len(evs), truncated)
	}
	for _, ev := range evs {
		if ev.Subject == "bogus" {
			t.Error("the item of the partial page was used")
		}
	}
}

func TestListEventsContextCancel(t *testing.T) {
	srv, c := setup(t)
	seedEvents(srv, 3, time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.Hour, "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var err error
	for _, e := range c.Calendar().List(ctx, time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC), EventListOptions{}) {
		err = e
	}
	if err != context.Canceled {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestEventsInAnotherCalendar(t *testing.T) {
	srv, c := setup(t)
	fid, err := srv.Default().AddFolder("calendar", "On-call", "IPF.Appointment")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 9, 2, 22, 0, 0, 0, time.UTC)
	id, err := c.Calendar().Create(testCtx(t), NewEvent{Subject: "On-call", Start: start, End: start.Add(10 * time.Hour),
		Recurrence: &Recurrence{Pattern: RecurrenceDaily, Interval: 1, Until: time.Date(2024, 9, 4, 0, 0, 0, 0, time.UTC)}},
		EventCreateOptions{Folder: FolderByPath("Calendar/On-call")})
	if err != nil {
		t.Fatal(err)
	}
	it := storedItem(t, srv, id)
	if it.FolderID != fid || it.Recurrence == nil || it.Recurrence.Pattern != "Daily" || it.Recurrence.End.Format("2006-01-02") != "2024-09-04" {
		t.Fatalf("stored in folder %s with recurrence %+v", it.FolderID, it.Recurrence)
	}
	if evs := listAll(t, c, start.AddDate(0, 0, -1), start.AddDate(0, 0, 7), EventListOptions{}); len(evs) != 0 {
		t.Errorf("the default calendar lists %d events of another calendar", len(evs))
	}
	evs := listAll(t, c, start.AddDate(0, 0, -1), start.AddDate(0, 0, 7), EventListOptions{Folder: FolderByID(fid)})
	if len(evs) != 3 || evs[2].Start.Day() != 4 {
		t.Errorf("On-call calendar: %v", evs)
	}
}
