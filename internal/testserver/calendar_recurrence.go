package testserver

import (
	"encoding/base64"
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/wintz"
)

// Recurring series. A CalendarView expands a series (an item with a Recurrence) into its occurrences. Each
// occurrence is stored as an item of its own with MasterID set to the series and a deterministic id derived
// from the series' id and the occurrence's 1-based instance index, so that the id a CalendarView returned works
// in GetItem, UpdateItem and DeleteItem like Exchange's occurrence ids. An occurrence that was changed is an
// exception; one that was deleted is listed in the series' Extra["calendar:DeletedOccurrences"].

func init() {
	calendarView = expandCalendarView
	resolveOccurrence = resolveOccurrenceRef
}

// deletedOccurrencesKey is the Extra key of a series' deleted instance indexes (space-separated).
const deletedOccurrencesKey = "calendar:DeletedOccurrences"

// maxOccurrences bounds the expansion of a series without an end.
const maxOccurrences = 5000

func expandCalendarView(r *request, mb *Mailbox, items []*Item, start, end time.Time) []*Item {
	var out []*Item
	for _, it := range items {
		if it.Kind() != "calendar" {
			continue
		}
		if it.Recurrence == nil {
			if overlaps(it.Start, it.End, start, end) {
				out = append(out, it)
			}
			continue
		}
		out = append(out, occurrencesLocked(mb, it, start, end)...)
	}
	return out
}

// overlaps reports whether [s, e) overlaps the view [start, end); an event without duration overlaps when it
// starts inside the view.
func overlaps(s, e, start, end time.Time) bool {
	if !e.After(s) {
		return !s.Before(start) && s.Before(end)
	}
	return s.Before(end) && e.After(start)
}

// occurrencesLocked returns the occurrences and exceptions of series master that overlap [start, end).
func occurrencesLocked(mb *Mailbox, master *Item, start, end time.Time) []*Item {
	deleted := deletedOccurrences(master)
	exceptions := map[int]*Item{}
	var out []*Item
	for _, o := range storedOccurrencesLocked(mb, master) {
		if o.version > 0 {
			idx := occurrenceIndex(o.ID)
			exceptions[idx] = o
			if overlaps(o.Start, o.End, start, end) {
				out = append(out, o)
			}
		}
	}
	dur := master.End.Sub(master.Start)
	forEachOccurrence(master, end, func(idx int, s time.Time) {
		if deleted[idx] || exceptions[idx] != nil || !overlaps(s, s.Add(dur), start, end) {
			return
		}
		out = append(out, materializeLocked(mb, master, idx, s))
	})
	return out
}

// storedOccurrencesLocked returns the stored occurrences and exceptions of a series.
func storedOccurrencesLocked(mb *Mailbox, master *Item) []*Item {
	var out []*Item
	for _, it := range mb.items {
		if it.MasterID == master.ID && it.Kind() == "calendar" {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return occurrenceIndex(out[i].ID) < occurrenceIndex(out[j].ID) })
	return out
}

// forEachOccurrence calls fn with the instance index and start of every occurrence of master's pattern that
// starts before until, in order.
func forEachOccurrence(master *Item, until time.Time, fn func(idx int, start time.Time)) {
	rec := master.Recurrence
	loc := time.UTC
	if l, err := wintz.Location(master.StartTimeZone); master.StartTimeZone != "" && err == nil {
		loc = l
	}
	local := master.Start.In(loc)
	h, m, s := local.Clock()
	first := rec.Start
	if first.IsZero() {
		first = time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	}
	interval := max(1, rec.Interval)
	idx := 0
	emit := func(d time.Time) bool {
		if !rec.End.IsZero() && d.After(rec.End) {
			return false
		}
		if rec.Count > 0 && idx >= rec.Count {
			return false
		}
		at := time.Date(d.Year(), d.Month(), d.Day(), h, m, s, 0, loc).UTC()
		if !at.Before(until) || idx >= maxOccurrences {
			return false
		}
		idx++
		fn(idx, at)
		return true
	}
	switch rec.Pattern {
	case "Weekly":
		days := append([]time.Weekday(nil), rec.DaysOfWeek...)
		if len(days) == 0 {
			days = []time.Weekday{first.Weekday()}
		}
		sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
		weekStart := first.AddDate(0, 0, -int(first.Weekday())) // weeks start on Sunday
		for w := 0; ; w += interval {
			for _, wd := range days {
				d := weekStart.AddDate(0, 0, 7*w+int(wd))
				if d.Before(first) {
					continue
				}
				if !emit(d) {
					return
				}
			}
		}
	default:
		for k := 0; ; k += interval {
			if !emit(first.AddDate(0, 0, k)) {
				return
			}
		}
	}
}

// occurrenceID is the id of the idx-th occurrence of a series: the series' id with ".idx" added to its number.
func occurrenceID(masterID string, idx int) string {
	raw, _ := base64.StdEncoding.DecodeString(masterID)
	return base64.StdEncoding.EncodeToString([]byte(string(raw) + "." + strconv.Itoa(idx)))
}

// occurrenceIndex returns the instance index of an occurrence id, or 0.
func occurrenceIndex(id string) int {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return 0
	}
	s := string(raw)
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(s[i+1:])
	return n
}

// materializeLocked returns the stored occurrence idx of master starting at start, creating it or, if it was
// not changed, refreshing it from the series.
func materializeLocked(mb *Mailbox, master *Item, idx int, start time.Time) *Item {
	id := occurrenceID(master.ID, idx)
	if o := mb.items[id]; o != nil && o.version > 0 {
		return o
	}
	o := master.clone()
	o.ID = id
	o.ChangeKey = changeKey(0)
	o.version = 0
	o.MasterID = master.ID
	o.Recurrence = nil
	o.Start = start
	o.End = start.Add(master.End.Sub(master.Start))
	delete(o.Extra, deletedOccurrencesKey)
	if _, ok := mb.items[id]; !ok {
		mb.order = append(mb.order, id)
	}
	mb.items[id] = &o
	return &o
}

func deletedOccurrences(master *Item) map[int]bool {
	out := map[int]bool{}
	for _, f := range strings.Fields(master.Extra[deletedOccurrencesKey]) {
		if n, err := strconv.Atoi(f); err == nil {
			out[n] = true
		}
	}
	return out
}

func markOccurrenceDeleted(master *Item, idx int) {
	if idx <= 0 {
		return
	}
	if master.Extra == nil {
		master.Extra = map[string]string{}
	}
	master.Extra[deletedOccurrencesKey] = strings.TrimSpace(master.Extra[deletedOccurrencesKey] + " " + strconv.Itoa(idx))
}

// resolveOccurrenceRef resolves t:OccurrenceItemId (the idx-th occurrence of a series) and
// t:RecurringMasterItemId (the series of an occurrence).
func resolveOccurrenceRef(r *request, n *node) (*Mailbox, *Item, *errorCode) {
	idNode := func(id string) *node {
		return &node{Attrs: []xml.Attr{{Name: xml.Name{Local: "Id"}, Value: id}}}
	}
	switch n.Name.Local {
	case "OccurrenceItemId":
		mb, master, ec := r.resolveItem(idNode(n.attr("RecurringMasterId")))
		if ec != nil {
			return nil, nil, ec
		}
		if master.Recurrence == nil {
			return nil, nil, &errorCode{"ErrorCalendarCannotUseIdForRecurringMasterId", "The Id is not the id of a recurring master."}
		}
		idx, err := strconv.Atoi(n.attr("InstanceIndex"))
		if err != nil || idx < 1 {
			return nil, nil, &errorCode{"ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", "The occurrence index is out of the recurrence range."}
		}
		if deletedOccurrences(master)[idx] {
			return nil, nil, &errorCode{"ErrorCalendarOccurrenceIsDeletedFromRecurrence", "The occurrence was deleted from the recurrence."}
		}
		if o := mb.items[occurrenceID(master.ID, idx)]; o != nil && o.version > 0 {
			return mb, o, nil
		}
		var found *Item
		forEachOccurrence(master, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), func(i int, s time.Time) {
			if i == idx {
				found = materializeLocked(mb, master, idx, s)
			}
		})
		if found == nil {
			return nil, nil, &errorCode{"ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", "The occurrence index is out of the recurrence range."}
		}
		return mb, found, nil
	case "RecurringMasterItemId":
		mb, occ, ec := r.resolveItem(idNode(n.attr("OccurrenceId")))
		if ec != nil {
			return nil, nil, ec
		}
		master := mb.items[occ.MasterID]
		if occ.MasterID == "" || master == nil || occ.Kind() != "calendar" {
			return nil, nil, &errorCode{"ErrorCalendarCannotUseIdForOccurrenceId", "The Id is not the id of an occurrence."}
		}
		return mb, master, nil
	}
	return nil, nil, &errorCode{"ErrorInvalidRequest", "The request is invalid."}
}
