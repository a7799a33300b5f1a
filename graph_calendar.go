package ews

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/wintz"
)

// graphCalendar is the Microsoft Graph wire of CalendarService (see calendar_wire.go), over internal/graph:
// events of the mailbox's calendars (POST /events or /calendars/{id}/events, GET /calendarView or
// /calendars/{id}/calendarView, PATCH, accept/decline, cancel, DELETE). Input is checked with the EWS wire's
// rules (the same errors, before any request); what Graph cannot do (a well-known folder other than Calendar,
// SoftDelete/HardDelete, changing a meeting without telling its attendees) is refused with a
// *NotSupportedError before any request.
type graphCalendar struct{ *CalendarService }

func (s graphCalendar) g() *graph.Client { return s.c.graph }

// graphEventSelect are the event properties an Event is read from.
var graphEventSelect = []string{"id", "changeKey", "iCalUId", "subject", "body", "start", "end", "isAllDay",
	"originalStartTimeZone", "location", "organizer", "attendees", "responseStatus", "showAs",
	"isReminderOn", "reminderMinutesBeforeStart", "sensitivity", "importance", "categories", "isCancelled",
	"type", "recurrence", "seriesMasterId", "isOrganizer"}

// Graph's names for the SDK's enums, and back.
var (
	showAsToGraph = map[ShowAs]string{ShowAsFree: "free", ShowAsWorkingElsewhere: "workingElsewhere",
		ShowAsTentative: "tentative", ShowAsBusy: "busy", ShowAsOOF: "oof", ShowAsNoData: "unknown"}
	eventTypeFromGraph = map[string]EventType{"singleInstance": EventSingle, "occurrence": EventOccurrence,
		"exception": EventException, "seriesMaster": EventRecurringMaster}
	responseFromGraph = map[string]ResponseType{"none": ResponseUnknown, "organizer": ResponseOrganizer,
		"tentativelyAccepted": ResponseTentative, "accepted": ResponseAccept, "declined": ResponseDecline,
		"notResponded": ResponseNoResponseReceived}
)

// graphCalendarRef checks a calendar folder reference for the graph backend before any request: the default
// calendar, a calendar's Graph id, or a path; of the well-known folders only Calendar is a calendar over Graph.
func graphCalendarRef(field string, f FolderRef) error {
	if err := f.check(field); err != nil {
		return err
	}
	if f.kind == 'd' && distinguishedNames[strings.ToLower(f.value)] != "calendar" {
		return &NotSupportedError{Backend: string(BackendGraph), What: field + " " + f.String(),
			Msg:  "Graph's calendars are not mail folders: of the well-known folders only Calendar is a calendar",
			Hint: `give the calendar's path ("Calendar/Team") or its id`}
	}
	return nil
}

// folderNotFound is what a 404 means for a request on a calendar or contact folder given by id: the folder is
// missing (ErrFolderNotFound), as EWS says; nil (an item not found) for the default one.
func folderNotFound(folderID string) *Error {
	if folderID == "" {
		return nil
	}
	return ErrFolderNotFound
}

// calendarID resolves a checked calendar reference to a Graph calendar id ("" for the default calendar). A path
// is looked up by its last name among the mailbox's calendars (GET /calendars; Graph lists the calendars of
// every calendar group flat): "Team", or "Calendar/Team" for a calendar made below the default one over EWS.
// A path of several names must start at the default calendar; the names between it and the last are not
// checked (Graph does not say a calendar's parent). Found ids are cached for the client's lifetime.
func (s graphCalendar) calendarID(ctx context.Context, field string, f FolderRef) (string, error) {
	switch f.kind {
	case 0, 'd':
		return "", nil
	case 'i':
		return s.c.graphID(ctx, f.value) // an EWS folder id is translated, as for mail folders
	}
	parts := splitPath(f.value)
	if len(parts) == 1 && distinguishedNames[strings.ToLower(parts[0])] == "calendar" {
		return "", nil // "Calendar" is the default calendar whatever its display name, as over EWS
	}
	key := strings.ToLower("graphcal\x00" + s.c.mailbox + "\x00" + strings.Join(parts, "/"))
	s.c.shared.mu.Lock()
	ref, ok := s.c.shared.folders[key]
	s.c.shared.mu.Unlock()
	if ok {
		return ref.ID, nil
	}
	cals, err := s.g().Calendars(ctx)
	if err != nil {
		return "", s.c.graphErr("list calendars", err, nil)
	}
	notFound := &Error{Code: ErrFolderNotFound.Code, Message: fmt.Sprintf("no calendar %q in the mailbox", f.value)}
	if len(parts) > 1 {
		first := strings.ToLower(parts[0])
		isDefault := distinguishedNames[first] == "calendar"
		for _, c := range cals {
			if c.IsDefaultCalendar && strings.EqualFold(c.Name, parts[0]) {
				isDefault = true
			}
		}
		if !isDefault {
			return "", notFound
		}
	}
	name := parts[len(parts)-1]
	var found []string
	for _, c := range cals {
		if strings.EqualFold(c.Name, name) && !(len(parts) > 1 && c.IsDefaultCalendar) {
			found = append(found, c.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", notFound
	case 1:
	default:
		return "", fmt.Errorf("%w: %s: %d calendars are named %q; give the calendar's id", ErrInvalidFolder, field, len(found), name)
	}
	s.c.shared.mu.Lock()
	s.c.shared.folders[key] = soap.FolderRef{ID: found[0]}
	s.c.shared.mu.Unlock()
	return found[0], nil
}

func (s graphCalendar) create(ctx context.Context, ev NewEvent, opts EventCreateOptions) (string, error) {
	mode, err := opts.SendInvitations.check("EventCreateOptions.SendInvitations", false)
	if err != nil {
		return "", err
	}
	if _, err := s.newCalendarItem(&ev); err != nil { // the EWS wire's checks, the same errors
		return "", err
	}
	if err := graphCalendarRef("EventCreateOptions.Folder", opts.Folder); err != nil {
		return "", err
	}
	attendees := len(ev.Required) + len(ev.Optional) + len(ev.Resources)
	if attendees > 0 && mode == string(SendToNone) {
		return "", &NotSupportedError{Backend: string(BackendGraph), What: "EventCreateOptions.SendInvitations SendToNone",
			Msg: "Graph sends meeting requests to the attendees of every event it creates", Hint: "leave it empty"}
	}
	ge, err := s.graphEvent(&ev)
	if err != nil {
		return "", err
	}
	cal, err := s.calendarID(ctx, "EventCreateOptions.Folder", opts.Folder)
	if err != nil {
		return "", err
	}
	out, err := s.g().CreateEventIn(ctx, cal, ge)
	if err != nil {
		return "", s.c.graphErr("create event", err, folderNotFound(cal))
	}
	return out.ID, nil
}

// graphEvent builds Graph's event from a checked NewEvent.
func (s graphCalendar) graphEvent(ev *NewEvent) (*graph.Event, error) {
	loc, zone, err := s.c.eventZone("NewEvent.TimeZone", ev.TimeZone, ev.Start)
	if err != nil {
		return nil, err
	}
	start, end := ev.Start, ev.End
	if ev.IsAllDay {
		start, end = allDayRange(ev.Start, ev.End, loc)
	}
	ge := &graph.Event{Subject: ev.Subject, Categories: ev.Categories, ShowAs: showAsToGraph[ev.ShowAs],
		Importance: strings.ToLower(string(ev.Importance)), IsAllDay: &ev.IsAllDay}
	if ev.Private {
		ge.Sensitivity = "private"
	} else {
		ge.Sensitivity = strings.ToLower(string(ev.Sensitivity))
	}
	st, err := graph.NewDateTimeTimeZone(start, zone)
	if err != nil {
		return nil, phraseErr("NewEvent.TimeZone", "%v", err)
	}
	en, err := graph.NewDateTimeTimeZone(end, zone)
	if err != nil {
		return nil, phraseErr("NewEvent.TimeZone", "%v", err)
	}
	ge.Start, ge.End = &st, &en
	switch {
	case ev.Body != "":
		ge.Body = &graph.ItemBody{ContentType: "text", Content: ev.Body}
	case ev.BodyHTML != "":
		ge.Body = &graph.ItemBody{ContentType: "html", Content: ev.BodyHTML}
	}
	if ev.Location != "" {
		ge.Location = &graph.Location{DisplayName: ev.Location}
	}
	switch {
	case ev.NoReminder:
		ge.IsReminderOn = new(bool)
	case ev.Reminder > 0 || ev.ReminderAtStart:
		on, minutes := true, int(ev.Reminder/time.Minute)
		ge.IsReminderOn, ge.ReminderMinutesBeforeStart = &on, &minutes
	}
	as, err := graphAttendees(ev.Required, ev.Optional, ev.Resources, "NewEvent")
	if err != nil {
		return nil, err
	}
	ge.Attendees = as
	if ev.Recurrence != nil {
		rec, err := wireRecurrence("NewEvent.Recurrence", ev.Recurrence, start.In(loc)) // checks it as EWS does
		if err != nil {
			return nil, err
		}
		gr := &graph.PatternedRecurrence{Range: graph.RecurrenceRange{StartDate: start.In(loc).Format(time.DateOnly), RecurrenceTimeZone: zone}}
		switch {
		case rec.DailyRecurrence != nil:
			gr.Pattern = graph.RecurrencePattern{Type: "daily", Interval: rec.DailyRecurrence.Interval}
		case rec.WeeklyRecurrence != nil:
			gr.Pattern = graph.RecurrencePattern{Type: "weekly", Interval: rec.WeeklyRecurrence.Interval}
			for _, d := range strings.Fields(rec.WeeklyRecurrence.DaysOfWeek) {
				gr.Pattern.DaysOfWeek = append(gr.Pattern.DaysOfWeek, strings.ToLower(d))
			}
		}
		switch {
		case rec.NumberedRecurrence != nil:
			gr.Range.Type, gr.Range.NumberOfOccurrences = "numbered", rec.NumberedRecurrence.NumberOfOccurrences
		case rec.EndDateRecurrence != nil:
			gr.Range.Type, gr.Range.EndDate = "endDate", rec.EndDateRecurrence.EndDate
		default:
			gr.Range.Type = "noEnd"
		}
		ge.Recurrence = gr
	}
	return ge, nil
}

// graphAttendees checks and converts the attendee lists of an event (owner names the fields).
func graphAttendees(required, optional, resources []string, owner string) ([]graph.Attendee, error) {
	var out []graph.Attendee
	for _, l := range []struct {
		field, kind string
		in          []string
	}{{owner + ".Required", "required", required}, {owner + ".Optional", "optional", optional}, {owner + ".Resources", "resource", resources}} {
		for i, a := range l.in {
			m, err := parseAddress(fmt.Sprintf("%s[%d]", l.field, i), a)
			if err != nil {
				return nil, err
			}
			out = append(out, graph.Attendee{Type: l.kind, EmailAddress: graph.EmailAddress{Name: m.Name, Address: m.EmailAddress}})
		}
	}
	return out, nil
}

// eventFromGraph converts Graph's event: times in the client's Location, all-day events' midnights in their own
// zone (originalStartTimeZone), as the EWS wire gives them.
func (s graphCalendar) eventFromGraph(e *graph.Event) *Event {
	ev := &Event{ID: e.ID, ChangeKey: e.ChangeKey, UID: e.ICalUID, Subject: e.Subject, Categories: e.Categories,
		Type: eventTypeFromGraph[e.Type], ReminderSet: e.IsReminderOn != nil && *e.IsReminderOn}
	if ev.Type == "" {
		ev.Type = EventSingle
	}
	ev.IsAllDay = e.IsAllDay != nil && *e.IsAllDay
	ev.IsCancelled = e.IsCancelled != nil && *e.IsCancelled
	ev.IsRecurring = ev.Type != EventSingle
	if e.ReminderMinutesBeforeStart != nil {
		ev.Reminder = time.Duration(*e.ReminderMinutesBeforeStart) * time.Minute
	}
	for k, v := range showAsToGraph {
		if v == e.ShowAs {
			ev.ShowAs = k
		}
	}
	if e.Sensitivity != "" {
		ev.Sensitivity = Sensitivity(strings.ToUpper(e.Sensitivity[:1]) + e.Sensitivity[1:])
	}
	if e.Importance != "" {
		ev.Importance = Importance(strings.ToUpper(e.Importance[:1]) + e.Importance[1:])
	}
	if e.Location != nil {
		ev.Location = e.Location.DisplayName
	}
	if e.Body != nil {
		if strings.EqualFold(e.Body.ContentType, "html") {
			ev.BodyHTML = e.Body.Content
		} else {
			ev.Body = e.Body.Content
		}
	}
	if e.Organizer != nil {
		ev.Organizer = Attendee{Name: e.Organizer.EmailAddress.Name, Email: e.Organizer.EmailAddress.Address, Response: ResponseOrganizer}
	}
	if e.ResponseStatus != nil {
		ev.MyResponse = responseFromGraph[e.ResponseStatus.Response]
	}
	if e.IsOrganizer != nil && *e.IsOrganizer {
		ev.MyResponse = ResponseOrganizer
	}
	for _, a := range e.Attendees {
		at := Attendee{Name: a.EmailAddress.Name, Email: a.EmailAddress.Address, Response: ResponseUnknown}
		if at.Name == "" {
			at.Name = at.Email // as Exchange names an attendee invited by address only
		}
		if a.Status != nil {
			if r, ok := responseFromGraph[a.Status.Response]; ok {
				at.Response = r
			}
		}
		switch a.Type {
		case "optional":
			ev.Optional = append(ev.Optional, at)
		case "resource":
			ev.Resources = append(ev.Resources, at)
		default:
			ev.Required = append(ev.Required, at)
		}
	}
	ev.IsMeeting = len(e.Attendees) > 0
	ev.TimeZone = e.OriginalStartTimeZone
	if _, ok := wintz.IANA(ev.TimeZone); !ok {
		if id, ok := wintz.WindowsIDForName(ev.TimeZone); ok {
			ev.TimeZone = id
		}
	}
	loc := s.c.cfg.Location
	if ev.IsAllDay && ev.TimeZone != "" {
		if zl, err := wintz.Location(ev.TimeZone); err == nil {
			loc = zl
		}
	}
	if e.Start != nil {
		if t, err := e.Start.Time(); err == nil {
			ev.Start = t.In(loc)
		}
	}
	if e.End != nil {
		if t, err := e.End.Time(); err == nil {
			ev.End = t.In(loc)
		}
	}
	ev.Recurrence = recurrenceFromGraph(e.Recurrence)
	return ev
}

// recurrenceFromGraph converts a series' pattern (nil for other events).
func recurrenceFromGraph(r *graph.PatternedRecurrence) *Recurrence {
	if r == nil {
		return nil
	}
	out := &Recurrence{Pattern: RecurrenceOther, Interval: r.Pattern.Interval}
	switch r.Pattern.Type {
	case "daily":
		out.Pattern = RecurrenceDaily
	case "weekly":
		out.Pattern = RecurrenceWeekly
		for _, d := range r.Pattern.DaysOfWeek {
			for name, wd := range weekdayNames {
				if strings.EqualFold(name, d) {
					out.Days = append(out.Days, wd)
				}
			}
		}
	}
	switch r.Range.Type {
	case "endDate":
		out.Until = parseWireDate(r.Range.EndDate)
	case "numbered":
		out.Count = r.Range.NumberOfOccurrences
	}
	return out
}

func (s graphCalendar) list(ctx context.Context, start, end time.Time, opts EventListOptions) iter.Seq2[*Event, error] {
	return func(yield func(*Event, error) bool) {
		c := s.c
		start, end, size, err := c.listWindow(start, end, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		if err := firstErr(graphCalendarRef("EventListOptions.Folder", opts.Folder), checkText("EventListOptions.Subject", opts.Subject)); err != nil {
			yield(nil, err)
			return
		}
		cal, err := s.calendarID(ctx, "EventListOptions.Folder", opts.Folder)
		if err != nil {
			yield(nil, err)
			return
		}
		subject := strings.ToLower(opts.Subject)
		p, err := s.g().CalendarView(ctx, start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second),
			graph.CalendarViewOptions{Calendar: cal, Select: graphEventSelect, Top: size})
		for {
			if err != nil {
				yield(nil, c.graphErr("calendar view", err, folderNotFound(cal)))
				return
			}
			for i := range p.Value {
				e := &p.Value[i]
				if subject != "" && !strings.Contains(strings.ToLower(e.Subject), subject) {
					continue
				}
				if !yield(s.eventFromGraph(e), nil) {
					return
				}
			}
			if p.NextLink == "" {
				return
			}
			p, err = s.g().NextEvents(ctx, p.NextLink, "")
		}
	}
}

func (s graphCalendar) get(ctx context.Context, id string) (*Event, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	id, err := s.c.graphID(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.g().GetEvent(ctx, id, graphEventSelect...)
	if err != nil {
		return nil, s.c.graphErr("get event", err, nil)
	}
	return s.eventFromGraph(e), nil
}

// quietRefused refuses a change that must not tell the attendees of a meeting: Graph tells them of every
// change, cancellation and deletion of a meeting the mailbox organizes. It reads the event to know (one GET).
func (s graphCalendar) quietRefused(ctx context.Context, id, field string) error {
	e, err := s.g().GetEvent(ctx, id, "attendees", "isOrganizer")
	if err != nil {
		return s.c.graphErr("get event", err, nil)
	}
	if len(e.Attendees) > 0 && (e.IsOrganizer == nil || *e.IsOrganizer) {
		return &NotSupportedError{Backend: string(BackendGraph), What: field + " SendToNone",
			Msg:  "Graph tells the attendees of a meeting the mailbox organizes of every change to it",
			Hint: "leave " + field + " empty"}
	}
	return nil
}

func (s graphCalendar) update(ctx context.Context, id string, ch EventChanges, opts EventUpdateOptions) error {
	if err := checkID(id); err != nil {
		return err
	}
	mode, err := opts.SendUpdates.check("EventUpdateOptions.SendUpdates", true)
	if err != nil {
		return err
	}
	if _, err := s.eventUpdates(&ch); err != nil { // the EWS wire's checks
		return err
	}
	p, err := s.eventPatch(&ch)
	if err != nil {
		return err
	}
	if p == (graph.EventPatch{}) {
		return phraseErr("EventChanges", "has no change")
	}
	if id, err = s.c.graphID(ctx, id); err != nil {
		return err
	}
	if mode == string(SendToNone) {
		if err := s.quietRefused(ctx, id, "EventUpdateOptions.SendUpdates"); err != nil {
			return err
		}
	}
	if _, err := s.g().UpdateEvent(ctx, id, &p); err != nil {
		return s.c.graphErr("update event", err, nil)
	}
	return nil
}

// eventPatch builds Graph's patch from checked changes.
func (s graphCalendar) eventPatch(ch *EventChanges) (graph.EventPatch, error) {
	var p graph.EventPatch
	p.Subject = ch.Subject
	if ch.Location != nil {
		p.Location = &graph.Location{DisplayName: *ch.Location}
	}
	switch {
	case ch.Body != nil:
		p.Body = &graph.ItemBody{ContentType: "text", Content: *ch.Body}
	case ch.BodyHTML != nil:
		p.Body = &graph.ItemBody{ContentType: "html", Content: *ch.BodyHTML}
	}
	if ch.ShowAs != "" {
		v := showAsToGraph[ch.ShowAs]
		p.ShowAs = &v
	}
	if ch.Sensitivity != "" {
		v := strings.ToLower(string(ch.Sensitivity))
		p.Sensitivity = &v
	}
	if ch.Importance != "" {
		v := strings.ToLower(string(ch.Importance))
		p.Importance = &v
	}
	if ch.Categories != nil {
		v := append([]string{}, ch.Categories...)
		p.Categories = &v
	}
	switch {
	case ch.NoReminder:
		p.IsReminderOn = new(bool)
	case ch.Reminder != nil:
		on, minutes := true, int(*ch.Reminder/time.Minute)
		p.IsReminderOn, p.ReminderMinutesBeforeStart = &on, &minutes
	}
	if ch.Required != nil || ch.Optional != nil || ch.Resources != nil {
		if ch.Required == nil || ch.Optional == nil || ch.Resources == nil {
			// Graph's attendees is one list: replacing one kind needs the others.
			return p, &NotSupportedError{Backend: string(BackendGraph), What: "EventChanges.Required/Optional/Resources",
				Msg:  "Graph replaces all attendees at once",
				Hint: "set all three lists (an empty, non-nil list for a kind with nobody)"}
		}
		as, err := graphAttendees(ch.Required, ch.Optional, ch.Resources, "EventChanges")
		if err != nil {
			return p, err
		}
		if as == nil {
			as = []graph.Attendee{}
		}
		p.Attendees = &as
	}
	if ch.Start != nil || ch.End != nil || ch.IsAllDay != nil {
		if ch.Start == nil || ch.End == nil {
			return p, &NotSupportedError{Backend: string(BackendGraph), What: "EventChanges.Start/End",
				Msg: "the graph backend moves an event given both its start and its end", Hint: "set both"}
		}
		loc, zone, err := s.c.eventZone("EventChanges.TimeZone", ch.TimeZone, *ch.Start)
		if err != nil {
			return p, err
		}
		start, end := *ch.Start, *ch.End
		if ch.IsAllDay != nil && *ch.IsAllDay {
			start, end = allDayRange(start, end, loc)
		}
		st, err := graph.NewDateTimeTimeZone(start, zone)
		if err != nil {
			return p, phraseErr("EventChanges.TimeZone", "%v", err)
		}
		en, err := graph.NewDateTimeTimeZone(end, zone)
		if err != nil {
			return p, phraseErr("EventChanges.TimeZone", "%v", err)
		}
		p.Start, p.End, p.IsAllDay = &st, &en, ch.IsAllDay
	}
	return p, nil
}

func (s graphCalendar) cancel(ctx context.Context, id, message string) error {
	if err := firstErr(checkID(id), checkText("message", message)); err != nil {
		return err
	}
	id, err := s.c.graphID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.g().CancelEvent(ctx, id, message); err != nil {
		return s.c.graphErr("cancel event", err, nil)
	}
	return nil
}

func (s graphCalendar) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	mode, err := opts.SendCancellations.check("DeleteOptions.SendCancellations", false)
	if err != nil {
		return err
	}
	if how != string(MoveToDeletedItems) {
		return &NotSupportedError{Backend: string(BackendGraph), What: "DeleteOptions.How " + how,
			Msg: "Graph deletes events to Deleted Items only", Hint: "use MoveToDeletedItems (the zero value)"}
	}
	return s.c.graphDeleteByID(ctx, ids, func(ctx context.Context, id string) error {
		if mode == string(SendToNone) {
			if err := s.quietRefused(ctx, id, "DeleteOptions.SendCancellations"); err != nil {
				return err
			}
		}
		if err := s.g().DeleteEvent(ctx, id); err != nil {
			return s.c.graphErr("delete event", err, nil)
		}
		return nil
	})
}

func (s graphCalendar) respond(ctx context.Context, op string, r graph.EventResponse, id string, opts RespondOptions) error {
	if _, _, err := responseParts(op, id, opts); err != nil {
		return err
	}
	id, err := s.c.graphID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.g().Respond(ctx, id, r, opts.Message, !opts.DontSend); err != nil {
		return s.c.graphErr(op, err, nil)
	}
	return nil
}

func (s graphCalendar) accept(ctx context.Context, id string, opts RespondOptions) error {
	return s.respond(ctx, "accept", graph.Accept, id, opts)
}

func (s graphCalendar) tentativelyAccept(ctx context.Context, id string, opts RespondOptions) error {
	return s.respond(ctx, "tentatively accept", graph.TentativelyAccept, id, opts)
}

func (s graphCalendar) decline(ctx context.Context, id string, opts RespondOptions) error {
	return s.respond(ctx, "decline", graph.Decline, id, opts)
}
