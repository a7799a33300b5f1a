package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/wintz"
)

// Graph v1.0 calendar: the event resource, create (POST /events), get, the calendar view
// (GET /calendarView?startDateTime=&endDateTime=, recurring series expanded into occurrences and exceptions),
// the responses accept, tentativelyAccept and decline, cancel (organizer) and delete.

// DateTimeTimeZone is Graph's dateTimeTimeZone: a wall-clock date and time without offset ("2026-03-02T09:00:00"
// or with Graph's seven fractional digits) and the zone it is read in (a Windows id such as "Pacific Standard
// Time", an IANA name, or "UTC").
type DateTimeTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// graphDateTime is the layout Graph writes a dateTime in.
const graphDateTime = "2006-01-02T15:04:05.0000000"

// NewDateTimeTimeZone renders t as wall-clock time in zone (a Windows id or IANA name; "" means UTC).
func NewDateTimeTimeZone(t time.Time, zone string) (DateTimeTimeZone, error) {
	if zone == "" || strings.EqualFold(zone, "UTC") {
		return DateTimeTimeZone{DateTime: t.UTC().Format(graphDateTime), TimeZone: "UTC"}, nil
	}
	loc, err := wintz.Location(zone)
	if err != nil {
		return DateTimeTimeZone{}, fmt.Errorf("graph: time zone: %w", err)
	}
	return DateTimeTimeZone{DateTime: t.In(loc).Format(graphDateTime), TimeZone: zone}, nil
}

// Time returns the instant d names.
func (d DateTimeTimeZone) Time() (time.Time, error) {
	loc := time.UTC
	if d.TimeZone != "" && !strings.EqualFold(d.TimeZone, "UTC") {
		l, err := wintz.Location(d.TimeZone)
		if err != nil {
			return time.Time{}, fmt.Errorf("graph: time zone: %w", err)
		}
		loc = l
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", strings.TrimSuffix(d.DateTime, "Z"), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("graph: dateTime %q: %w", d.DateTime, err)
	}
	return t, nil
}

// Location is Graph's location resource (the part the services use).
type Location struct {
	DisplayName  string `json:"displayName,omitempty"`
	LocationType string `json:"locationType,omitempty"`
}

// ResponseStatus is Graph's responseStatus: Response is none, organizer, tentativelyAccepted, accepted,
// declined or notResponded.
type ResponseStatus struct {
	Response string     `json:"response,omitempty"`
	Time     *time.Time `json:"time,omitempty"`
}

// Attendee is Graph's attendee resource; Type is required, optional or resource.
type Attendee struct {
	Type         string          `json:"type,omitempty"`
	Status       *ResponseStatus `json:"status,omitempty"`
	EmailAddress EmailAddress    `json:"emailAddress"`
}

// RecurrencePattern is Graph's recurrencePattern. Type is daily, weekly, absoluteMonthly, relativeMonthly,
// absoluteYearly or relativeYearly; DaysOfWeek holds sunday...saturday.
type RecurrencePattern struct {
	Type           string   `json:"type"`
	Interval       int      `json:"interval"`
	Month          int      `json:"month,omitempty"`
	DayOfMonth     int      `json:"dayOfMonth,omitempty"`
	DaysOfWeek     []string `json:"daysOfWeek,omitempty"`
	FirstDayOfWeek string   `json:"firstDayOfWeek,omitempty"`
	Index          string   `json:"index,omitempty"`
}

// RecurrenceRange is Graph's recurrenceRange. Type is endDate, noEnd or numbered; dates are "2026-03-02".
type RecurrenceRange struct {
	Type                string `json:"type"`
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate,omitempty"`
	RecurrenceTimeZone  string `json:"recurrenceTimeZone,omitempty"`
	NumberOfOccurrences int    `json:"numberOfOccurrences,omitempty"`
}

// PatternedRecurrence is Graph's patternedRecurrence: a series' pattern and range.
type PatternedRecurrence struct {
	Pattern RecurrencePattern `json:"pattern"`
	Range   RecurrenceRange   `json:"range"`
}

// Event is Graph's event resource: the properties the services read and write. Pointers are properties a
// create may leave out.
type Event struct {
	ID                         string               `json:"id,omitempty"`
	ChangeKey                  string               `json:"changeKey,omitempty"`
	CreatedDateTime            *time.Time           `json:"createdDateTime,omitempty"`
	LastModifiedDateTime       *time.Time           `json:"lastModifiedDateTime,omitempty"`
	Categories                 []string             `json:"categories,omitempty"`
	Subject                    string               `json:"subject,omitempty"`
	Body                       *ItemBody            `json:"body,omitempty"`
	BodyPreview                string               `json:"bodyPreview,omitempty"`
	Importance                 string               `json:"importance,omitempty"`
	Sensitivity                string               `json:"sensitivity,omitempty"` // normal, personal, private, confidential
	Start                      *DateTimeTimeZone    `json:"start,omitempty"`
	End                        *DateTimeTimeZone    `json:"end,omitempty"`
	OriginalStartTimeZone      string               `json:"originalStartTimeZone,omitempty"`
	OriginalEndTimeZone        string               `json:"originalEndTimeZone,omitempty"`
	IsAllDay                   *bool                `json:"isAllDay,omitempty"`
	IsCancelled                *bool                `json:"isCancelled,omitempty"`
	IsOrganizer                *bool                `json:"isOrganizer,omitempty"`
	IsReminderOn               *bool                `json:"isReminderOn,omitempty"`
	ReminderMinutesBeforeStart *int                 `json:"reminderMinutesBeforeStart,omitempty"`
	ResponseRequested          *bool                `json:"responseRequested,omitempty"`
	ShowAs                     string               `json:"showAs,omitempty"` // free, tentative, busy, oof, workingElsewhere, unknown
	Type                       string               `json:"type,omitempty"`   // singleInstance, occurrence, exception, seriesMaster
	SeriesMasterID             string               `json:"seriesMasterId,omitempty"`
	ICalUID                    string               `json:"iCalUId,omitempty"`
	Location                   *Location            `json:"location,omitempty"`
	Attendees                  []Attendee           `json:"attendees,omitempty"`
	Organizer                  *Recipient           `json:"organizer,omitempty"`
	ResponseStatus             *ResponseStatus      `json:"responseStatus,omitempty"`
	Recurrence                 *PatternedRecurrence `json:"recurrence,omitempty"`
	HasAttachments             *bool                `json:"hasAttachments,omitempty"`
	WebLink                    string               `json:"webLink,omitempty"`
}

var (
	attendeeTypes = map[string]bool{"required": true, "optional": true, "resource": true}
	showAsValues  = map[string]bool{"free": true, "tentative": true, "busy": true, "oof": true,
		"workingElsewhere": true, "unknown": true}
	sensitivities = map[string]bool{"normal": true, "personal": true, "private": true, "confidential": true}
	importances   = map[string]bool{"low": true, "normal": true, "high": true}
	patternTypes  = map[string]bool{"daily": true, "weekly": true, "absoluteMonthly": true, "relativeMonthly": true,
		"absoluteYearly": true, "relativeYearly": true}
)

// check refuses, before any request, an event Graph would refuse or misread.
func (ev *Event) check() error {
	switch {
	case ev.Start == nil || ev.Start.DateTime == "":
		return errors.New("graph: event start: missing")
	case ev.End == nil || ev.End.DateTime == "":
		return errors.New("graph: event end: missing")
	}
	s, err := ev.Start.Time()
	if err != nil {
		return fmt.Errorf("graph: event start: %w", err)
	}
	e, err := ev.End.Time()
	if err != nil {
		return fmt.Errorf("graph: event end: %w", err)
	}
	if e.Before(s) {
		return fmt.Errorf("graph: event end %s is before its start %s", ev.End.DateTime, ev.Start.DateTime)
	}
	if ev.IsAllDay != nil && *ev.IsAllDay {
		// Graph: an all-day event starts and ends at midnight in its time zone.
		for name, d := range map[string]*DateTimeTimeZone{"start": ev.Start, "end": ev.End} {
			t, _ := d.Time()
			loc := t.Location()
			if h, m, sec := t.In(loc).Clock(); h != 0 || m != 0 || sec != 0 || t.Nanosecond() != 0 {
				return fmt.Errorf("graph: event %s %s: an all-day event starts and ends at midnight", name, d.DateTime)
			}
		}
		if !e.After(s) {
			return errors.New("graph: event end: an all-day event lasts at least one day")
		}
	}
	if ev.ShowAs != "" && !showAsValues[ev.ShowAs] {
		return fmt.Errorf("graph: event showAs %q: not one of free, tentative, busy, oof, workingElsewhere, unknown", ev.ShowAs)
	}
	if ev.Sensitivity != "" && !sensitivities[ev.Sensitivity] {
		return fmt.Errorf("graph: event sensitivity %q: not one of normal, personal, private, confidential", ev.Sensitivity)
	}
	if ev.Importance != "" && !importances[ev.Importance] {
		return fmt.Errorf("graph: event importance %q: not one of low, normal, high", ev.Importance)
	}
	if ev.ReminderMinutesBeforeStart != nil && *ev.ReminderMinutesBeforeStart < 0 {
		return fmt.Errorf("graph: event reminderMinutesBeforeStart %d: negative", *ev.ReminderMinutesBeforeStart)
	}
	for i, a := range ev.Attendees {
		if a.EmailAddress.Address == "" {
			return fmt.Errorf("graph: event attendee %d: the address is empty", i)
		}
		if a.Type != "" && !attendeeTypes[a.Type] {
			return fmt.Errorf("graph: event attendee %d type %q: not one of required, optional, resource", i, a.Type)
		}
	}
	if r := ev.Recurrence; r != nil {
		if !patternTypes[r.Pattern.Type] {
			return fmt.Errorf("graph: event recurrence pattern type %q: not one of daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly, relativeYearly", r.Pattern.Type)
		}
		if r.Pattern.Interval < 1 {
			return fmt.Errorf("graph: event recurrence interval %d: must be 1 or more", r.Pattern.Interval)
		}
		if _, err := time.Parse(time.DateOnly, r.Range.StartDate); err != nil {
			return fmt.Errorf("graph: event recurrence startDate %q: not a date (2006-01-02)", r.Range.StartDate)
		}
		switch r.Range.Type {
		case "noEnd":
		case "endDate":
			if _, err := time.Parse(time.DateOnly, r.Range.EndDate); err != nil {
				return fmt.Errorf("graph: event recurrence endDate %q: not a date (2006-01-02)", r.Range.EndDate)
			}
		case "numbered":
			if r.Range.NumberOfOccurrences < 1 {
				return fmt.Errorf("graph: event recurrence numberOfOccurrences %d: must be 1 or more", r.Range.NumberOfOccurrences)
			}
		default:
			return fmt.Errorf("graph: event recurrence range type %q: not one of endDate, noEnd, numbered", r.Range.Type)
		}
	}
	return nil
}

func (c *Client) eventPath(id string) string { return c.user + "/events/" + url.PathEscape(id) }

// CreateEvent creates an event in the mailbox's default calendar (POST /users/{id}/events) and returns it as
// Graph stored it. Graph sends a meeting request to each attendee. Not idempotent.
func (c *Client) CreateEvent(ctx context.Context, ev *Event) (*Event, error) {
	if ev == nil {
		return nil, errors.New("graph: the event is nil")
	}
	if err := ev.check(); err != nil {
		return nil, err
	}
	return getOne[Event](ctx, c, &request{method: http.MethodPost, path: c.user + "/events", body: ev})
}

// GetEvent returns an event (a single instance, a series master, an occurrence or an exception) by id; sel, if
// given, lists the properties to return. Times are in UTC.
func (c *Client) GetEvent(ctx context.Context, id string, sel ...string) (*Event, error) {
	return getByID[Event](ctx, c, "event", id, c.eventPath(id), sel)
}

// CalendarViewOptions are the options of a calendar view.
type CalendarViewOptions struct {
	// Calendar is a calendar's id; empty means the default calendar.
	Calendar string
	// Select lists the properties to return.
	Select []string
	// Top is the page size (1..1000); 0 leaves Graph's default (10).
	Top int
	// TimeZone, if set, asks for start and end in that zone (Prefer: outlook.timezone); otherwise they are UTC.
	TimeZone string
}

func (o CalendarViewOptions) prefer() []string {
	if o.TimeZone == "" {
		return nil
	}
	return []string{`outlook.timezone="` + strings.ReplaceAll(o.TimeZone, `"`, ``) + `"`}
}

// CalendarView returns the first page of the events between start and end: single instances, and the
// occurrences and exceptions of recurring series (Graph expands them), each overlapping [start, end).
func (c *Client) CalendarView(ctx context.Context, start, end time.Time, o CalendarViewOptions) (*Page[Event], error) {
	if start.IsZero() || end.IsZero() || !end.After(start) {
		return nil, fmt.Errorf("graph: calendar view: the end %s is not after the start %s", end, start)
	}
	q, err := ListOptions{Select: o.Select, Top: o.Top}.query("calendar view")
	if err != nil {
		return nil, err
	}
	q.Set("startDateTime", start.UTC().Format(time.RFC3339))
	q.Set("endDateTime", end.UTC().Format(time.RFC3339))
	path := c.user + "/calendarView"
	if o.Calendar != "" {
		path = c.user + "/calendars/" + url.PathEscape(o.Calendar) + "/calendarView"
	}
	return getPage[Event](ctx, c, &request{method: http.MethodGet, path: path, query: q, idempotent: true,
		prefer: o.prefer()})
}

// NextEvents returns the page a previous page's NextLink names; timeZone is the view's TimeZone option (Graph
// takes the Prefer header on every page).
func (c *Client) NextEvents(ctx context.Context, nextLink, timeZone string) (*Page[Event], error) {
	return getPage[Event](ctx, c, &request{method: http.MethodGet, link: nextLink, idempotent: true,
		prefer: CalendarViewOptions{TimeZone: timeZone}.prefer()})
}

// EventResponse is an attendee's answer to a meeting: the name of Graph's action.
type EventResponse string

// The answers an attendee gives.
const (
	Accept            EventResponse = "accept"
	TentativelyAccept EventResponse = "tentativelyAccept"
	Decline           EventResponse = "decline"
)

type respondBody struct {
	Comment      string `json:"comment,omitempty"`
	SendResponse bool   `json:"sendResponse"`
}

// Respond answers a meeting in the mailbox's calendar (POST /events/{id}/accept, tentativelyAccept or
// decline); with send, the organizer gets the answer (and comment). Graph answers 202 Accepted. Not idempotent.
func (c *Client) Respond(ctx context.Context, id string, response EventResponse, comment string, send bool) error {
	if id == "" {
		return errors.New("graph: the event id is empty")
	}
	switch response {
	case Accept, TentativelyAccept, Decline:
	default:
		return fmt.Errorf("graph: event response %q: not one of accept, tentativelyAccept, decline", response)
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.eventPath(id) + "/" + string(response),
		body: respondBody{Comment: comment, SendResponse: send}})
	return err
}

// CancelEvent cancels a meeting the mailbox organizes (POST /events/{id}/cancel): the attendees get a
// cancellation with comment, and the event goes to Deleted Items. An occurrence's id cancels that occurrence.
// Graph refuses it (400) to an attendee. Not idempotent.
func (c *Client) CancelEvent(ctx context.Context, id, comment string) error {
	if id == "" {
		return errors.New("graph: the event id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.eventPath(id) + "/cancel",
		body: struct {
			Comment string `json:"comment,omitempty"`
		}{comment}})
	return err
}

// DeleteEvent deletes an event (to Deleted Items); when the mailbox organizes the meeting, Graph sends its
// attendees a cancellation. An occurrence's id deletes that occurrence only. Not idempotent.
func (c *Client) DeleteEvent(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the event id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: c.eventPath(id)})
	return err
}

// EventPatch lists the changes of UpdateEvent: nil leaves a property as it is; a pointer to an empty list
// clears a list (attendees, categories).
type EventPatch struct {
	Subject                    *string           `json:"subject,omitempty"`
	Body                       *ItemBody         `json:"body,omitempty"`
	Start                      *DateTimeTimeZone `json:"start,omitempty"`
	End                        *DateTimeTimeZone `json:"end,omitempty"`
	IsAllDay                   *bool             `json:"isAllDay,omitempty"`
	Location                   *Location         `json:"location,omitempty"`
	Attendees                  *[]Attendee       `json:"attendees,omitempty"`
	ShowAs                     *string           `json:"showAs,omitempty"`
	IsReminderOn               *bool             `json:"isReminderOn,omitempty"`
	ReminderMinutesBeforeStart *int              `json:"reminderMinutesBeforeStart,omitempty"`
	Sensitivity                *string           `json:"sensitivity,omitempty"`
	Importance                 *string           `json:"importance,omitempty"`
	Categories                 *[]string         `json:"categories,omitempty"`
}

// check refuses, before any request, a patch Graph would refuse.
func (p *EventPatch) check() error {
	if p.IsAllDay != nil && (p.Start == nil || p.End == nil) {
		return errors.New("graph: event patch: isAllDay needs both start and end")
	}
	ev := Event{Start: p.Start, End: p.End, IsAllDay: p.IsAllDay}
	if p.Start != nil && p.End != nil {
		if err := ev.check(); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		v    *string
		ok   map[string]bool
	}{{"showAs", p.ShowAs, showAsValues}, {"sensitivity", p.Sensitivity, sensitivities}, {"importance", p.Importance, importances}} {
		if c.v != nil && !c.ok[*c.v] {
			return fmt.Errorf("graph: event %s %q: not a valid value", c.name, *c.v)
		}
	}
	if p.Attendees != nil {
		for i, a := range *p.Attendees {
			if a.EmailAddress.Address == "" || a.Type != "" && !attendeeTypes[a.Type] {
				return fmt.Errorf("graph: event attendee %d: an address and a type of required, optional or resource", i)
			}
		}
	}
	if p.ReminderMinutesBeforeStart != nil && *p.ReminderMinutesBeforeStart < 0 {
		return fmt.Errorf("graph: event reminderMinutesBeforeStart %d: negative", *p.ReminderMinutesBeforeStart)
	}
	return nil
}

// UpdateEvent changes an event (PATCH /events/{id}) and returns it as Graph stored it; when the mailbox
// organizes the meeting, Graph sends the attendees an update. Idempotent: the same patch twice leaves the same
// event (the attendees may get the update twice).
func (c *Client) UpdateEvent(ctx context.Context, id string, p *EventPatch) (*Event, error) {
	if id == "" {
		return nil, errors.New("graph: the event id is empty")
	}
	if p == nil {
		return nil, errors.New("graph: the event patch is nil")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return getOne[Event](ctx, c, &request{method: http.MethodPatch, path: c.eventPath(id), body: p, idempotent: true})
}
