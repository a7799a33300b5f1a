package ews

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// DefaultEventWindow is the span List covers when it is given no end: from the start (midnight today in
// the client's Location when no start is given either) this far ahead.
const DefaultEventWindow = 30 * 24 * time.Hour

// minEventWindow is the narrowest window List splits a crowded range into.
const minEventWindow = time.Minute

// EventListOptions filters and shapes CalendarService.List.
type EventListOptions struct {
	// Folder is the calendar to read; the zero value means the default calendar.
	Folder FolderRef
	// Subject keeps only events whose subject contains it, ignoring case. EWS does not allow a restriction with
	// a calendar view, so the filter is applied by the client (before the events' details are fetched).
	Subject string
	// PageSize is how many events one request asks for (MaxEntriesReturned), at most 1000; 0 means
	// DefaultPageSize.
	PageSize int
}

// listWindow fills in the defaults of List's range (a zero start: midnight today in the client's Location; a
// zero end: start + DefaultEventWindow), checks it, and returns it with the page size; for both backends.
func (c *Client) listWindow(start, end time.Time, opts EventListOptions) (time.Time, time.Time, int, error) {
	if start.IsZero() {
		now := time.Now().In(c.cfg.Location)
		start = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.cfg.Location)
	}
	if end.IsZero() {
		end = start.Add(DefaultEventWindow)
	}
	if !end.After(start) {
		return start, end, 0, phraseErr("end", "%s is not after start %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	size, err := pageSize("EventListOptions.PageSize", opts.PageSize)
	return start, end, size, err
}

// List returns the events that overlap [start, end) in start order, with recurring series expanded into
// their occurrences (a calendar view). A zero start means midnight today in the client's Location; a zero end
// means start + DefaultEventWindow.
//
// When the server has more events in the range than a page holds, or refuses the range as too big, List
// splits the range in halves and reads each, so any range can be listed. Each page's details (attendees, body,
// ...) are fetched with GetItem. Breaking out of the loop stops the requests.
func (s ewsCalendar) list(ctx context.Context, start, end time.Time, opts EventListOptions) iter.Seq2[*Event, error] {
	return func(yield func(*Event, error) bool) {
		c := s.c
		start, end, size, err := c.listWindow(start, end, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		folder := opts.Folder
		if folder.IsZero() {
			folder = CalendarFolder
		}
		ref, err := c.wireFolder(ctx, "EventListOptions.Folder", folder)
		if err != nil {
			yield(nil, err)
			return
		}
		v := &eventView{c: c, folder: ref, from: start.UTC().Truncate(time.Second), size: size, subject: strings.ToLower(opts.Subject)}
		v.walk(ctx, end.UTC().Truncate(time.Second), yield)
	}
}

// eventView walks a calendar view window by window.
type eventView struct {
	c       *Client
	folder  soap.FolderRef
	from    time.Time // start of the whole range
	size    int
	subject string // lower-case subject filter
}

type window struct{ start, end time.Time }

// walk lists [v.from, end), splitting windows the server finds too full, and yields the events in order.
func (v *eventView) walk(ctx context.Context, end time.Time, yield func(*Event, error) bool) {
	stack := []window{{v.from, end}}
	for len(stack) > 0 {
		w := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		items, complete, err := v.page(ctx, w)
		if err == nil && complete {
			ids := v.owned(items, w)
			if len(ids) == 0 {
				continue
			}
			evs, err := v.c.calendar.getEvents(ctx, ids, true)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, ev := range evs {
				if !yield(ev, nil) {
					return
				}
			}
			continue
		}
		if err != nil && !errors.Is(err, ErrCalendarViewRangeTooBig) {
			yield(nil, err)
			return
		}
		if w.end.Sub(w.start) <= minEventWindow {
			yield(nil, fmt.Errorf("ews: CalendarService.List: more than %d events between %s and %s; raise EventListOptions.PageSize",
				v.size, w.start.Format(time.RFC3339), w.end.Format(time.RFC3339)))
			return
		}
		mid := w.start.Add(w.end.Sub(w.start) / 2).Truncate(time.Second)
		stack = append(stack, window{mid, w.end}, window{w.start, mid})
	}
}

// page reads one window; complete is false when the server returned only part of it.
func (v *eventView) page(ctx context.Context, w window) ([]soap.Item, bool, error) {
	req := &soap.FindItem{
		Traversal: "Shallow",
		ItemShape: soap.ItemShape{BaseShape: "IdOnly", AdditionalProperties: soap.PathList{
			{FieldURI: "item:Subject"}, {FieldURI: "calendar:Start"}, {FieldURI: "calendar:End"}}},
		CalendarView:    &soap.CalendarView{MaxEntriesReturned: v.size, StartDate: wireTime(w.start), EndDate: wireTime(w.end)},
		ParentFolderIDs: []soap.FolderRef{v.folder},
	}
	resp, err := doOne(ctx, v.c, req)
	if err != nil {
		return nil, false, err
	}
	m := &resp.ResponseMessages[0]
	items := m.RootFolder.Items.Items
	return items, m.RootFolder.IncludesLastItemInRange && len(items) <= v.size, nil
}

// owned returns the ids of the items that belong to window w and pass the subject filter. An event belongs to
// the window holding its start (or the range's start, for events that began earlier), so an event that spans
// two windows is listed once.
func (v *eventView) owned(items []soap.Item, w window) []string {
	var ids []string
	for i := range items {
		it := &items[i]
		if it.ItemID == nil {
			continue
		}
		at := it.Start.Time
		if at.Before(v.from) {
			at = v.from
		}
		if at.Before(w.start) || !at.Before(w.end) {
			continue
		}
		if v.subject != "" && !strings.Contains(strings.ToLower(it.Subject), v.subject) {
			continue
		}
		ids = append(ids, it.ItemID.ID)
	}
	return ids
}
