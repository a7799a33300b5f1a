package ews

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// Invitations says whether attendees are told about a new, changed or deleted meeting.
type Invitations string

// Invitation modes. The zero value means SendToAllAndSaveCopy, as Outlook's Send does; they matter only for
// events with attendees.
const (
	// SendToNone changes the calendar without telling the attendees.
	SendToNone Invitations = "SendToNone"
	// SendOnlyToAll sends to all attendees without keeping a copy in Sent Items.
	SendOnlyToAll Invitations = "SendOnlyToAll"
	// SendToAllAndSaveCopy sends to all attendees and keeps a copy in Sent Items.
	SendToAllAndSaveCopy Invitations = "SendToAllAndSaveCopy"
	// SendOnlyToChanged (updates only) sends to the attendees whose part changed.
	SendOnlyToChanged Invitations = "SendOnlyToChanged"
	// SendToChangedAndSaveCopy (updates only) sends to the attendees whose part changed and keeps a copy.
	SendToChangedAndSaveCopy Invitations = "SendToChangedAndSaveCopy"
)

// check returns the mode to send, or an error naming field if it is not allowed for the operation.
func (i Invitations) check(field string, update bool) (string, error) {
	switch i {
	case "":
		return string(SendToAllAndSaveCopy), nil
	case SendToNone, SendOnlyToAll, SendToAllAndSaveCopy:
		return string(i), nil
	case SendOnlyToChanged, SendToChangedAndSaveCopy:
		if update {
			return string(i), nil
		}
	}
	allowed := "SendToNone, SendOnlyToAll, SendToAllAndSaveCopy"
	if update {
		allowed += ", SendOnlyToChanged, SendToChangedAndSaveCopy"
	}
	return "", phraseErr(field, "%q is not one of %s", string(i), allowed)
}

// NewEvent describes an event to create. Start and End may be in any time zone.
type NewEvent struct {
	Subject string
	// Start and End of the event. For an all-day event only their dates count (see IsAllDay).
	Start, End time.Time
	// IsAllDay makes an all-day event from the date of Start through the date of End, in the event's time zone:
	// End is exclusive at midnight (an End at 00:00 ends the event the day before; a later End includes its day;
	// a zero End, or one on the start day, makes a one-day event).
	IsAllDay bool
	// TimeZone is the event's time zone; nil means Start's zone if Windows knows it and it is not UTC, else the
	// client's Config.Location, else UTC. It decides the local time Outlook shows (and keeps across daylight
	// saving changes in a series) and the midnights of all-day events.
	TimeZone *time.Location
	Location string
	// Required, Optional and Resources are attendees, as "bob@example.com" or "Bob <bob@example.com>".
	Required, Optional, Resources []string
	// ShowAs is the free/busy state; empty means Busy.
	ShowAs ShowAs
	// Reminder is how long before the start the reminder fires; 0 leaves the server's default (15 minutes on
	// Exchange). ReminderAtStart sets a reminder that fires at the start; NoReminder turns the reminder off.
	Reminder        time.Duration
	ReminderAtStart bool
	NoReminder      bool
	// Private marks the event private (Sensitivity Private); Sensitivity sets another level.
	Private     bool
	Sensitivity Sensitivity
	Importance  Importance
	Categories  []string
	// Body is a text body, BodyHTML an HTML body; set at most one.
	Body, BodyHTML string
	// Recurrence makes the event a recurring series that starts with this event.
	Recurrence *Recurrence
}

// EventCreateOptions says where an event is created and whom to invite.
type EventCreateOptions struct {
	// Folder is the calendar to create the event in; the zero value means the default calendar.
	Folder FolderRef
	// SendInvitations says whether the attendees get meeting requests; the zero value sends them and saves a
	// copy (SendToAllAndSaveCopy).
	SendInvitations Invitations
}

// Create creates an event and returns its id. With attendees and invitations it is a meeting: the
// attendees get meeting requests.
func (s ewsCalendar) create(ctx context.Context, ev NewEvent, opts EventCreateOptions) (string, error) {
	c := s.c
	mode, err := opts.SendInvitations.check("EventCreateOptions.SendInvitations", false)
	if err != nil {
		return "", err
	}
	v0 := c.versionInUse()
	ci, err := s.newCalendarItem(&ev)
	if err != nil {
		return "", err
	}
	folder := opts.Folder
	if folder.IsZero() {
		folder = CalendarFolder
	}
	ref, err := c.wireFolder(ctx, "EventCreateOptions.Folder", folder)
	if err != nil {
		return "", err
	}
	// The time zone elements depend on the version (MeetingTimeZone for Exchange 2007): ci was built (to check ev
	// before any request) with the version known then; resolving the folder may have negotiated another one, and
	// an unknown version is learnt now. Build it again for the version the request will carry.
	builtFor := v0
	if _, known := c.currentVersion(); !known {
		if err := c.ensureVersion(ctx); err != nil {
			return "", err
		}
	}
	if c.versionInUse() != builtFor {
		if ci, err = s.newCalendarItem(&ev); err != nil {
			return "", err
		}
	}
	req := &soap.CreateItem{SendMeetingInvitations: mode, SavedItemFolderID: &soap.TargetFolder{Folder: ref}, Items: soap.ItemList{ci}}
	return c.createWithID(ctx, req)
}

// newCalendarItem checks ev and builds its request item.
func (s *CalendarService) newCalendarItem(ev *NewEvent) (*soap.CalendarItem, error) {
	c := s.c
	if ev.Start.IsZero() {
		return nil, phraseErr("NewEvent.Start", "is zero")
	}
	if !ev.IsAllDay {
		if ev.End.IsZero() {
			return nil, phraseErr("NewEvent.End", "is zero")
		}
		if ev.End.Before(ev.Start) {
			return nil, phraseErr("NewEvent.End", "(%s) is before NewEvent.Start (%s)", ev.End.Format(time.RFC3339), ev.Start.Format(time.RFC3339))
		}
	}
	if err := checkEnum("NewEvent.ShowAs", ev.ShowAs, showAsValues); err != nil {
		return nil, err
	}
	if err := checkEnum("NewEvent.Importance", ev.Importance, importanceValues); err != nil {
		return nil, err
	}
	if err := checkEnum("NewEvent.Sensitivity", ev.Sensitivity, sensitivityValues); err != nil {
		return nil, err
	}
	sensitivity := ev.Sensitivity
	if ev.Private {
		if sensitivity != "" && sensitivity != SensitivityPrivate {
			return nil, phraseErr("NewEvent.Private", "is set but NewEvent.Sensitivity is %q", string(sensitivity))
		}
		sensitivity = SensitivityPrivate
	}
	if ev.Reminder < 0 {
		return nil, phraseErr("NewEvent.Reminder", "%v is negative", ev.Reminder)
	}
	if ev.NoReminder && (ev.Reminder != 0 || ev.ReminderAtStart) {
		return nil, phraseErr("NewEvent.NoReminder", "and NewEvent.Reminder (or ReminderAtStart) are both set")
	}
	if ev.ReminderAtStart && ev.Reminder != 0 {
		return nil, phraseErr("NewEvent.ReminderAtStart", "and NewEvent.Reminder are both set")
	}
	if err := firstErr(checkText("NewEvent.Subject", ev.Subject), checkText("NewEvent.Location", ev.Location),
		checkText("NewEvent.Body", ev.Body), checkText("NewEvent.BodyHTML", ev.BodyHTML), checkTexts("NewEvent.Categories", ev.Categories)); err != nil {
		return nil, err
	}
	body, err := wireBody("NewEvent", ev.Body, ev.BodyHTML)
	if err != nil {
		return nil, err
	}
	ci := &soap.CalendarItem{
		Subject:              ev.Subject,
		Sensitivity:          string(sensitivity),
		Body:                 body,
		Importance:           string(ev.Importance),
		IsAllDayEvent:        &ev.IsAllDay,
		LegacyFreeBusyStatus: string(ev.ShowAs),
		Location:             ev.Location,
	}
	if len(ev.Categories) > 0 {
		ci.Categories = &soap.Strings{Strings: ev.Categories}
	}
	switch {
	case ev.NoReminder:
		ci.ReminderIsSet = new(bool)
	case ev.Reminder > 0 || ev.ReminderAtStart:
		on, minutes := true, int(ev.Reminder/time.Minute)
		ci.ReminderIsSet, ci.ReminderMinutesBeforeStart = &on, &minutes
	}
	for _, l := range []struct {
		field string
		in    []string
		out   **soap.Attendees
	}{{"NewEvent.Required", ev.Required, &ci.RequiredAttendees}, {"NewEvent.Optional", ev.Optional, &ci.OptionalAttendees}, {"NewEvent.Resources", ev.Resources, &ci.Resources}} {
		as, err := wireAttendees(l.field, l.in)
		if err != nil {
			return nil, err
		}
		*l.out = as
	}
	loc, id, err := c.eventZone("NewEvent.TimeZone", ev.TimeZone, ev.Start)
	if err != nil {
		return nil, err
	}
	start, end := ev.Start, ev.End
	if ev.IsAllDay {
		start, end = allDayRange(ev.Start, ev.End, loc)
	}
	ci.Start, ci.End = wireTime(start), wireTime(end)
	c.setEventZone(ci, loc, id, start)
	if ev.Recurrence != nil {
		rec, err := wireRecurrence("NewEvent.Recurrence", ev.Recurrence, start.In(loc))
		if err != nil {
			return nil, err
		}
		ci.Recurrence = rec
	}
	return ci, nil
}

// wireBody builds a request body from a text or an HTML body (at most one may be set).
func wireBody(owner, text, html string) (*soap.Body, error) {
	switch {
	case text != "" && html != "":
		return nil, phraseErr(owner+".Body", "and %s.BodyHTML are both set", owner)
	case html != "":
		return &soap.Body{BodyType: "HTML", Text: html}, nil
	case text != "":
		return &soap.Body{BodyType: "Text", Text: text}, nil
	}
	return nil, nil
}

// wireAttendees builds an attendee list; nil for none.
func wireAttendees(field string, addrs []string) (*soap.Attendees, error) {
	if len(addrs) == 0 {
		return nil, nil
	}
	out := &soap.Attendees{}
	for i, s := range addrs {
		m, err := parseAddress(fmt.Sprintf("%s[%d]", field, i), s)
		if err != nil {
			return nil, err
		}
		out.Attendees = append(out.Attendees, soap.Attendee{Mailbox: m})
	}
	return out, nil
}

// wireRecurrence builds a recurrence whose first day is the date of start (a time in the event's zone).
func wireRecurrence(field string, r *Recurrence, start time.Time) (*soap.Recurrence, error) {
	interval := r.Interval
	if interval < 0 {
		return nil, phraseErr(field+".Interval", "%d is negative", interval)
	}
	if interval == 0 {
		interval = 1
	}
	if r.Count < 0 {
		return nil, phraseErr(field+".Count", "%d is negative", r.Count)
	}
	if r.Count > 0 && !r.Until.IsZero() {
		return nil, phraseErr(field+".Count", "and %s.Until are both set", field)
	}
	out := &soap.Recurrence{}
	switch r.Pattern {
	case RecurrenceDaily:
		out.DailyRecurrence = &soap.DailyRecurrence{Interval: interval}
	case RecurrenceWeekly:
		days := r.Days
		if len(days) == 0 {
			days = []time.Weekday{start.Weekday()}
		}
		names := make([]string, len(days))
		for i, d := range days {
			if d < time.Sunday || d > time.Saturday {
				return nil, phraseErr(fmt.Sprintf("%s.Days[%d]", field, i), "%d is not a weekday", int(d))
			}
			names[i] = d.String()
		}
		out.WeeklyRecurrence = &soap.WeeklyRecurrence{Interval: interval, DaysOfWeek: strings.Join(names, " ")}
	default:
		return nil, phraseErr(field+".Pattern", "%q is not Daily or Weekly", string(r.Pattern))
	}
	rng := &soap.RecurrenceRange{StartDate: start.Format("2006-01-02")}
	switch {
	case r.Count > 0:
		rng.NumberOfOccurrences = r.Count
		out.NumberedRecurrence = rng
	case !r.Until.IsZero():
		if r.Until.Before(time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, r.Until.Location())) {
			return nil, phraseErr(field+".Until", "%s is before the start", r.Until.Format("2006-01-02"))
		}
		rng.EndDate = r.Until.Format("2006-01-02")
		out.EndDateRecurrence = rng
	default:
		out.NoEndRecurrence = rng
	}
	return out, nil
}
