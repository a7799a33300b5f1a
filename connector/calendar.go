package connector

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/ewsgo/ews"
)

// Event is a calendar event as the connector returns it.
type Event struct {
	ID         string     `json:"id"`
	Subject    string     `json:"subject"`
	Start      time.Time  `json:"start"`
	End        time.Time  `json:"end"`
	IsAllDay   bool       `json:"is_all_day"`
	Location   string     `json:"location"`
	Organizer  *Person    `json:"organizer"`
	Attendees  []Attendee `json:"attendees"`
	ShowAs     string     `json:"show_as"`
	IsPrivate  bool       `json:"is_private"`
	Categories []string   `json:"categories"`
	// ReminderMinutes is how long before the start the reminder fires; null when there is no reminder.
	ReminderMinutes *int   `json:"reminder_minutes"`
	Body            string `json:"body"`
	IsRecurring     bool   `json:"is_recurring"`
	IsCancelled     bool   `json:"is_cancelled"`
	// TimeZone is the Windows id of the event's time zone, e.g. "W. Europe Standard Time".
	TimeZone string `json:"time_zone"`
}

// Person is a name and an address.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Attendee is an attendee of an event.
type Attendee struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// Type is "required", "optional" or "resource".
	Type string `json:"type"`
	// Response is the attendee's answer: Unknown, Accept, Tentative, Decline, NoResponseReceived.
	Response string `json:"response"`
}

func eventOut(ev *ews.Event) *Event {
	out := &Event{ID: ev.ID, Subject: ev.Subject, Start: ev.Start, End: ev.End, IsAllDay: ev.IsAllDay,
		Location: ev.Location, ShowAs: showAsText(ev.ShowAs), IsPrivate: ev.IsPrivate(), Categories: ev.Categories,
		Body: ev.Body, IsRecurring: ev.IsRecurring, IsCancelled: ev.IsCancelled, TimeZone: ev.TimeZone,
		Attendees: []Attendee{}}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	if ev.BodyHTML != "" {
		out.Body = ev.BodyHTML
	}
	if ev.Organizer.Email != "" || ev.Organizer.Name != "" {
		out.Organizer = &Person{Name: ev.Organizer.Name, Email: ev.Organizer.Email}
	}
	if ev.ReminderSet {
		m := int(ev.Reminder / time.Minute)
		out.ReminderMinutes = &m
	}
	for _, l := range []struct {
		typ string
		as  []ews.Attendee
	}{{"required", ev.Required}, {"optional", ev.Optional}, {"resource", ev.Resources}} {
		for _, a := range l.as {
			out.Attendees = append(out.Attendees, Attendee{Name: a.Name, Email: a.Email, Type: l.typ, Response: string(a.Response)})
		}
	}
	return out
}

// CreateEventParams are the parameters of create_event.
type CreateEventParams struct {
	Subject           string    `json:"subject" required:"true" verbatim:"true" help:"subject of the event"`
	StartDate         time.Time `json:"start_date" required:"true" help:"start, RFC 3339 (2024-05-06T09:00:00+02:00) or \"2024-05-06 09:00\" in the configured timezone"`
	EndDate           time.Time `json:"end_date" help:"end, in the same forms; required unless is_all_day (an all-day event ends the day of end_date, or lasts one day)"`
	RequiredAttendees []string  `json:"required_attendees" help:"required attendees' addresses, comma-separated or a JSON list; they get meeting requests"`
	OptionalAttendees []string  `json:"optional_attendees" help:"optional attendees' addresses, comma-separated or a JSON list"`
	Body              string    `json:"body" verbatim:"true" help:"body, text or HTML (a body that starts with a tag is HTML)"`
	Location          string    `json:"location" help:"location"`
	Categories        []string  `json:"categories" help:"categories, comma-separated or a JSON list"`
	ShowAs            string    `json:"show_as" choices:"Free|Working elsewhere|Tentative|Busy|OOF" default:"Busy" help:"free/busy state"`
	Reminder          string    `json:"reminder" help:"reminder before the start: None, 0 minutes, 5 minutes, 10 minutes, 15 minutes, 30 minutes, 1 hour, 2 hours ... 11 hours, 0.5 days, 18 hours, 1 day ... 4 days, 1 week, 2 week (any number of minutes, hours, days or weeks); default: the server's (15 minutes)"`
	IsAllDay          bool      `json:"is_all_day" default:"false" help:"all-day event from the date of start_date through the date of end_date"`
	IsPrivate         *bool     `json:"is_private" default:"true" help:"mark the event private"`
}

// createEventFields maps the SDK's NewEvent fields to the parameters of create_event.
var createEventFields = map[string]string{"NewEvent.Subject": "subject", "NewEvent.Start": "start_date", "NewEvent.End": "end_date",
	"NewEvent.Required": "required_attendees", "NewEvent.Optional": "optional_attendees", "NewEvent.Body": "body",
	"NewEvent.BodyHTML": "body", "NewEvent.Location": "location", "NewEvent.Categories": "categories",
	"NewEvent.ShowAs": "show_as", "NewEvent.Reminder": "reminder", "NewEvent.NoReminder": "reminder",
	"NewEvent.ReminderAtStart": "reminder", "NewEvent.Private": "is_private", "NewEvent.Sensitivity": "is_private"}

// CreateEvent creates an event in the default calendar (meeting requests go to its attendees) and returns it
// as stored.
func CreateEvent(ctx context.Context, c *ews.Client, p CreateEventParams) (*Event, error) {
	ev := ews.NewEvent{Subject: p.Subject, Start: p.StartDate, End: p.EndDate, IsAllDay: p.IsAllDay,
		Location: p.Location, Required: p.RequiredAttendees, Optional: p.OptionalAttendees, Categories: p.Categories,
		Private: p.IsPrivate == nil || *p.IsPrivate}
	if p.Subject == "" {
		return nil, paramErr("subject", "parameter %q is required", "subject")
	}
	if p.StartDate.IsZero() {
		return nil, paramErr("start_date", "parameter %q is required", "start_date")
	}
	if !p.IsAllDay {
		if p.EndDate.IsZero() {
			return nil, paramErr("end_date", "parameter %q is required (unless is_all_day)", "end_date")
		}
		if p.EndDate.Before(p.StartDate) {
			return nil, paramErr("end_date", "end_date %s is before start_date %s", p.EndDate.Format(time.RFC3339), p.StartDate.Format(time.RFC3339))
		}
	}
	if err := checkAddresses("required_attendees", p.RequiredAttendees); err != nil {
		return nil, err
	}
	if err := checkAddresses("optional_attendees", p.OptionalAttendees); err != nil {
		return nil, err
	}
	if isHTML(p.Body) {
		ev.BodyHTML = p.Body
	} else {
		ev.Body = p.Body
	}
	if p.ShowAs != "" {
		c, ok := choose(p.ShowAs, []string{"Free", "Working elsewhere", "Tentative", "Busy", "OOF"})
		if !ok {
			return nil, paramErr("show_as", "parameter %q: %q is not one of \"Free\", \"Working elsewhere\", \"Tentative\", \"Busy\", \"OOF\"", "show_as", p.ShowAs)
		}
		ev.ShowAs = showAsChoices[c]
	}
	if p.Reminder != "" {
		d, off, err := parseReminder(p.Reminder)
		if err != nil {
			return nil, paramErr("reminder", "parameter %q: %v", "reminder", err)
		}
		switch {
		case off:
			ev.NoReminder = true
		case d == 0:
			ev.ReminderAtStart = true
		default:
			ev.Reminder = d
		}
	}
	id, err := c.Calendar().Create(ctx, ev, ews.EventCreateOptions{})
	if err != nil {
		return nil, inputParamOf(err, "", createEventFields)
	}
	got, err := c.Calendar().Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("event %s created, but reading it back failed: %w", id, err)
	}
	return eventOut(got), nil
}

// GetEventsParams are the parameters of get_events.
type GetEventsParams struct {
	Subject  string    `json:"subject" help:"keep only events whose subject contains this text (ignoring case)"`
	FromTime time.Time `json:"from_time" help:"start of the range, RFC 3339 or \"2024-05-06 09:00\"; default: today 00:00 (or 30 days before to_time when that is earlier)"`
	ToTime   time.Time `json:"to_time" help:"end of the range; default: 30 days after from_time"`
}

// GetEvents returns the events of the default calendar that overlap the range, in start order, with recurring
// series expanded into their occurrences.
func GetEvents(ctx context.Context, c *ews.Client, p GetEventsParams) iter.Seq2[*Event, error] {
	return func(yield func(*Event, error) bool) {
		from, to := p.FromTime, p.ToTime
		if from.IsZero() && !to.IsZero() {
			now := time.Now().In(c.Location())
			from = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.Location())
			if !to.After(from) {
				from = to.Add(-ews.DefaultEventWindow)
			}
		}
		if !from.IsZero() && !to.IsZero() && !to.After(from) {
			yield(nil, paramErr("to_time", "to_time %s is not after from_time %s", to.Format(time.RFC3339), from.Format(time.RFC3339)))
			return
		}
		for ev, err := range c.Calendar().List(ctx, from, to, ews.EventListOptions{Subject: p.Subject}) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(eventOut(ev), nil) {
				return
			}
		}
	}
}
