package ews

import (
	"context"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// Ptr returns a pointer to v, for the optional fields of EventChanges and ContactChanges.
func Ptr[T any](v T) *T { return &v }

// EventChanges lists the changes to make to an event. Nil pointers, nil slices and empty enums leave a field as
// it is.
type EventChanges struct {
	Subject *string
	// Start and End move the event; give both for an all-day event (see NewEvent.IsAllDay for how their dates
	// count).
	Start, End *time.Time
	// IsAllDay turns the event into an all-day event or back; setting it needs Start and End.
	IsAllDay *bool
	// TimeZone is the zone Start and End are shown in (see NewEvent.TimeZone); used only with Start or End.
	TimeZone *time.Location
	Location *string
	// Body and BodyHTML replace the body with text or HTML; set at most one.
	Body, BodyHTML *string
	// Required, Optional and Resources replace the attendee lists when not nil; an empty, non-nil list removes
	// all attendees of its kind.
	Required, Optional, Resources []string
	ShowAs                        ShowAs
	// Reminder sets the reminder to this long before the start; NoReminder turns it off.
	Reminder    *time.Duration
	NoReminder  bool
	Sensitivity Sensitivity
	Importance  Importance
	// Categories replaces the categories when not nil (an empty, non-nil list removes them).
	Categories []string
}

// EventUpdateOptions says whom to tell about a change.
type EventUpdateOptions struct {
	// SendUpdates says whether the attendees of a meeting get the update; the zero value sends it to all and
	// saves a copy. It is ignored for events without attendees.
	SendUpdates Invitations
}

// Update changes an event (for a meeting you organize, the attendees get an update as SendUpdates says).
// Only the fields set in ch are sent.
func (s ewsCalendar) update(ctx context.Context, id string, ch EventChanges, opts EventUpdateOptions) error {
	c := s.c
	if err := checkID(id); err != nil {
		return err
	}
	mode, err := opts.SendUpdates.check("EventUpdateOptions.SendUpdates", true)
	if err != nil {
		return err
	}
	updates, err := s.eventUpdates(&ch)
	if err != nil {
		return err
	}
	if len(updates) == 0 {
		return phraseErr("EventChanges", "has no change")
	}
	if _, known := c.currentVersion(); !known { // the time zone elements depend on the version
		if err := c.ensureVersion(ctx); err != nil {
			return err
		}
		if updates, err = s.eventUpdates(&ch); err != nil {
			return err
		}
	}
	req := &soap.UpdateItem{
		ConflictResolution:                    "AutoResolve",
		SendMeetingInvitationsOrCancellations: mode,
		ItemChanges:                           []soap.ItemChange{{ItemID: soap.ItemID{ID: id}, Updates: updates}},
	}
	_, err = doOne(ctx, c, req)
	return err
}

// eventUpdates checks ch and builds its updates, in the order of the schema's fields.
func (s *CalendarService) eventUpdates(ch *EventChanges) ([]soap.Update, error) {
	var u []soap.Update
	set := func(uri string, item *soap.CalendarItem) {
		u = append(u, soap.Update{Path: soap.Path{FieldURI: uri}, Item: item})
	}
	del := func(uri string) { u = append(u, soap.Update{Path: soap.Path{FieldURI: uri}}) }
	for _, e := range []error{
		checkTextPtr("EventChanges.Subject", ch.Subject),
		checkTextPtr("EventChanges.Location", ch.Location),
		checkTextPtr("EventChanges.Body", ch.Body),
		checkTextPtr("EventChanges.BodyHTML", ch.BodyHTML),
		checkTexts("EventChanges.Categories", ch.Categories),
		checkEnum("EventChanges.ShowAs", ch.ShowAs, showAsValues),
		checkEnum("EventChanges.Importance", ch.Importance, importanceValues),
		checkEnum("EventChanges.Sensitivity", ch.Sensitivity, sensitivityValues),
	} {
		if e != nil {
			return nil, e
		}
	}
	if ch.Subject != nil {
		set("item:Subject", &soap.CalendarItem{Subject: *ch.Subject})
	}
	if ch.Sensitivity != "" {
		set("item:Sensitivity", &soap.CalendarItem{Sensitivity: string(ch.Sensitivity)})
	}
	switch {
	case ch.Body != nil && ch.BodyHTML != nil:
		return nil, phraseErr("EventChanges.Body", "and EventChanges.BodyHTML are both set")
	case ch.Body != nil:
		set("item:Body", &soap.CalendarItem{Body: &soap.Body{BodyType: "Text", Text: *ch.Body}})
	case ch.BodyHTML != nil:
		set("item:Body", &soap.CalendarItem{Body: &soap.Body{BodyType: "HTML", Text: *ch.BodyHTML}})
	}
	if ch.Categories != nil {
		if len(ch.Categories) == 0 {
			del("item:Categories")
		} else {
			set("item:Categories", &soap.CalendarItem{Categories: &soap.Strings{Strings: ch.Categories}})
		}
	}
	if ch.Importance != "" {
		set("item:Importance", &soap.CalendarItem{Importance: string(ch.Importance)})
	}
	switch {
	case ch.NoReminder && ch.Reminder != nil:
		return nil, phraseErr("EventChanges.NoReminder", "and EventChanges.Reminder are both set")
	case ch.NoReminder:
		set("item:ReminderIsSet", &soap.CalendarItem{ReminderIsSet: new(bool)})
	case ch.Reminder != nil:
		if *ch.Reminder < 0 {
			return nil, phraseErr("EventChanges.Reminder", "%v is negative", *ch.Reminder)
		}
		on, minutes := true, int(*ch.Reminder/time.Minute)
		set("item:ReminderIsSet", &soap.CalendarItem{ReminderIsSet: &on})
		set("item:ReminderMinutesBeforeStart", &soap.CalendarItem{ReminderMinutesBeforeStart: &minutes})
	}
	times, err := s.timeUpdates(ch)
	if err != nil {
		return nil, err
	}
	u = append(u, times...)
	if ch.ShowAs != "" {
		set("calendar:LegacyFreeBusyStatus", &soap.CalendarItem{LegacyFreeBusyStatus: string(ch.ShowAs)})
	}
	if ch.Location != nil {
		if *ch.Location == "" {
			del("calendar:Location")
		} else {
			set("calendar:Location", &soap.CalendarItem{Location: *ch.Location})
		}
	}
	for _, l := range []struct {
		field, uri string
		in         []string
		put        func(*soap.CalendarItem, *soap.Attendees)
	}{
		{"EventChanges.Required", "calendar:RequiredAttendees", ch.Required, func(ci *soap.CalendarItem, a *soap.Attendees) { ci.RequiredAttendees = a }},
		{"EventChanges.Optional", "calendar:OptionalAttendees", ch.Optional, func(ci *soap.CalendarItem, a *soap.Attendees) { ci.OptionalAttendees = a }},
		{"EventChanges.Resources", "calendar:Resources", ch.Resources, func(ci *soap.CalendarItem, a *soap.Attendees) { ci.Resources = a }},
	} {
		if l.in == nil {
			continue
		}
		as, err := wireAttendees(l.field, l.in)
		if err != nil {
			return nil, err
		}
		if as == nil {
			del(l.uri)
			continue
		}
		ci := &soap.CalendarItem{}
		l.put(ci, as)
		set(l.uri, ci)
	}
	return u, nil
}

// timeUpdates builds the updates of Start, End, IsAllDayEvent and the event's time zone.
func (s *CalendarService) timeUpdates(ch *EventChanges) ([]soap.Update, error) {
	c := s.c
	if ch.Start == nil && ch.End == nil {
		if ch.IsAllDay != nil {
			return nil, phraseErr("EventChanges.IsAllDay", "needs EventChanges.Start and EventChanges.End")
		}
		if ch.TimeZone != nil {
			return nil, phraseErr("EventChanges.TimeZone", "needs EventChanges.Start or EventChanges.End")
		}
		return nil, nil
	}
	allDay := ch.IsAllDay != nil && *ch.IsAllDay
	if allDay && (ch.Start == nil || ch.End == nil) {
		return nil, phraseErr("EventChanges.IsAllDay", "needs EventChanges.Start and EventChanges.End")
	}
	ref := ch.End
	if ch.Start != nil {
		ref = ch.Start
		if ref.IsZero() {
			return nil, phraseErr("EventChanges.Start", "is zero")
		}
	}
	if ch.End != nil && ch.End.IsZero() && !allDay {
		return nil, phraseErr("EventChanges.End", "is zero")
	}
	if ch.Start != nil && ch.End != nil && !allDay && ch.End.Before(*ch.Start) {
		return nil, phraseErr("EventChanges.End", "(%s) is before EventChanges.Start (%s)", ch.End.Format(time.RFC3339), ch.Start.Format(time.RFC3339))
	}
	loc, id, err := c.eventZone("EventChanges.TimeZone", ch.TimeZone, *ref)
	if err != nil {
		return nil, err
	}
	var start, end time.Time
	if ch.Start != nil {
		start = *ch.Start
	}
	if ch.End != nil {
		end = *ch.End
	}
	if allDay {
		start, end = allDayRange(start, end, loc)
	}
	var u []soap.Update
	set := func(uri string, item *soap.CalendarItem) {
		u = append(u, soap.Update{Path: soap.Path{FieldURI: uri}, Item: item})
	}
	if ch.Start != nil {
		set("calendar:Start", &soap.CalendarItem{Start: wireTime(start)})
	}
	if ch.End != nil {
		set("calendar:End", &soap.CalendarItem{End: wireTime(end)})
	}
	if ch.IsAllDay != nil {
		set("calendar:IsAllDayEvent", &soap.CalendarItem{IsAllDayEvent: ch.IsAllDay})
	}
	zone := &soap.CalendarItem{}
	at := start
	if ch.Start == nil {
		at = end
	}
	c.setEventZone(zone, loc, id, at)
	if zone.MeetingTimeZone != nil {
		set("calendar:MeetingTimeZone", zone)
		return u, nil
	}
	if ch.Start != nil {
		set("calendar:StartTimeZone", &soap.CalendarItem{StartTimeZone: zone.StartTimeZone})
	}
	if ch.End != nil {
		set("calendar:EndTimeZone", &soap.CalendarItem{EndTimeZone: zone.EndTimeZone})
	}
	return u, nil
}
