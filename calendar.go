package ews

import (
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/wintz"
)

// CalendarService creates, lists, updates, cancels and deletes calendar events and answers meeting requests.
// Get it from Client.Calendar.
//
// Times: every time the service sends is UTC; every time it returns is in the client's Config.Location, except
// the start and end of all-day events, which are midnights in the event's own time zone (Event.TimeZone) so that
// their dates are the event's days. Events are created with their time zone (StartTimeZone/EndTimeZone, or
// MeetingTimeZone for Exchange 2007) so that Outlook shows them at the right local time and recurring events
// keep their local time across daylight saving changes. The client learns that a server is Exchange 2007 from
// its first answer; set Config.Version to "Exchange2007_SP1" when an event may be the first thing created.
type CalendarService struct {
	c *Client
}

// wireTime formats a time for a request: UTC with "Z".
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// ShowAs is how an event shows in free/busy views (EWS LegacyFreeBusyStatus).
type ShowAs string

// Free/busy states.
const (
	ShowAsFree             ShowAs = "Free"
	ShowAsWorkingElsewhere ShowAs = "WorkingElsewhere"
	ShowAsTentative        ShowAs = "Tentative"
	ShowAsBusy             ShowAs = "Busy"
	ShowAsOOF              ShowAs = "OOF" // out of office
	ShowAsNoData           ShowAs = "NoData"
)

// ResponseType is an attendee's answer to a meeting request.
type ResponseType string

// Meeting responses.
const (
	ResponseUnknown            ResponseType = "Unknown"
	ResponseOrganizer          ResponseType = "Organizer"
	ResponseTentative          ResponseType = "Tentative"
	ResponseAccept             ResponseType = "Accept"
	ResponseDecline            ResponseType = "Decline"
	ResponseNoResponseReceived ResponseType = "NoResponseReceived"
)

// EventType tells a single event from the parts of a recurring series.
type EventType string

// Event types (EWS CalendarItemType).
const (
	EventSingle          EventType = "Single"
	EventOccurrence      EventType = "Occurrence"
	EventException       EventType = "Exception" // an occurrence changed on its own
	EventRecurringMaster EventType = "RecurringMaster"
)

// Importance of an item.
type Importance string

// Importance levels.
const (
	ImportanceLow    Importance = "Low"
	ImportanceNormal Importance = "Normal"
	ImportanceHigh   Importance = "High"
)

// Sensitivity of an item; Outlook hides the details of Private items from delegates.
type Sensitivity string

// Sensitivity levels.
const (
	SensitivityNormal       Sensitivity = "Normal"
	SensitivityPersonal     Sensitivity = "Personal"
	SensitivityPrivate      Sensitivity = "Private"
	SensitivityConfidential Sensitivity = "Confidential"
)

// Attendee is a person or resource invited to a meeting, or its organizer.
type Attendee struct {
	Name  string
	Email string
	// Response is the attendee's answer as the organizer's copy of the event records it.
	Response ResponseType
}

// Event is a calendar item: a single event, an occurrence or exception of a recurring series, or the series
// itself (its recurring master).
type Event struct {
	ID        string
	ChangeKey string
	// UID is the iCalendar UID that the organizer's and the attendees' copies of a meeting share.
	UID     string
	Subject string
	// Start and End are in the client's Location; for all-day events they are midnights in the event's own time
	// zone, End being the day after the last day.
	Start, End time.Time
	IsAllDay   bool
	// TimeZone is the Windows id of the event's time zone, e.g. "W. Europe Standard Time" ("" if the server did
	// not say; "Customized Time Zone" for a zone an organizer's client defined by its rules).
	TimeZone  string
	Location  string
	Organizer Attendee
	Required  []Attendee
	Optional  []Attendee
	Resources []Attendee
	// MyResponse is the mailbox owner's own response (ResponseOrganizer for events they organize).
	MyResponse ResponseType
	ShowAs     ShowAs
	// ReminderSet tells whether a reminder is on; Reminder is how long before Start it fires.
	ReminderSet bool
	Reminder    time.Duration
	Sensitivity Sensitivity
	Importance  Importance
	Categories  []string
	// Body is the text body; BodyHTML the HTML body. The server returns one of them, in the form it stores.
	Body        string
	BodyHTML    string
	IsMeeting   bool
	IsRecurring bool
	IsCancelled bool
	Type        EventType
	// Recurrence is the pattern of a recurring master (nil for other events).
	Recurrence *Recurrence
}

// IsPrivate reports whether the event is marked private.
func (e *Event) IsPrivate() bool { return e.Sensitivity == SensitivityPrivate }

// RecurrencePattern is how a series repeats.
type RecurrencePattern string

// Recurrence patterns. The SDK creates daily and weekly series; it reports other patterns of existing series
// as RecurrenceOther.
const (
	RecurrenceDaily  RecurrencePattern = "Daily"
	RecurrenceWeekly RecurrencePattern = "Weekly"
	RecurrenceOther  RecurrencePattern = "Other"
)

// Recurrence describes a recurring series: the first occurrence is the event's start; then every Interval days
// (Daily) or every Interval weeks on Days (Weekly), until the date Until (inclusive) or for Count occurrences,
// or without end when both are zero.
type Recurrence struct {
	Pattern  RecurrencePattern
	Interval int
	// Days are the weekdays of a weekly series; empty means the weekday of the start.
	Days  []time.Weekday
	Until time.Time
	Count int
}

var (
	showAsValues      = []ShowAs{ShowAsFree, ShowAsWorkingElsewhere, ShowAsTentative, ShowAsBusy, ShowAsOOF, ShowAsNoData}
	importanceValues  = []Importance{ImportanceLow, ImportanceNormal, ImportanceHigh}
	sensitivityValues = []Sensitivity{SensitivityNormal, SensitivityPersonal, SensitivityPrivate, SensitivityConfidential}
)

// checkEnum returns an error naming field if v is not empty and not one of values.
func checkEnum[T ~string](field string, v T, values []T) error {
	if v == "" {
		return nil
	}
	names := make([]string, len(values))
	for i, x := range values {
		if x == v {
			return nil
		}
		names[i] = string(x)
	}
	return phraseErr(field, "%q is not one of %s", string(v), strings.Join(names, ", "))
}

// eventFromWire converts a calendar item of a response.
func (s *CalendarService) eventFromWire(it *soap.Item) *Event {
	c := s.c
	ev := &Event{
		Subject:     it.Subject,
		UID:         it.UID,
		IsAllDay:    it.IsAllDayEvent,
		Location:    it.Location,
		MyResponse:  ResponseType(it.MyResponseType),
		ShowAs:      ShowAs(it.LegacyFreeBusyStatus),
		ReminderSet: it.ReminderIsSet,
		Reminder:    time.Duration(it.ReminderMinutesBeforeStart) * time.Minute,
		Sensitivity: Sensitivity(it.Sensitivity),
		Importance:  Importance(it.Importance),
		Categories:  it.Categories,
		IsMeeting:   it.IsMeeting,
		IsCancelled: it.IsCancelled,
		Type:        EventType(it.CalendarItemType),
		Required:    attendeesFromWire(it.RequiredAttendees),
		Optional:    attendeesFromWire(it.OptionalAttendees),
		Resources:   attendeesFromWire(it.Resources),
	}
	if it.ItemID != nil {
		ev.ID, ev.ChangeKey = it.ItemID.ID, it.ItemID.ChangeKey
	}
	// Exchange marks occurrences and exceptions IsRecurring, but not always their master.
	ev.IsRecurring = it.IsRecurring || (ev.Type != "" && ev.Type != EventSingle)
	if it.Organizer != nil {
		ev.Organizer = Attendee{Name: it.Organizer.Mailbox.Name, Email: it.Organizer.Mailbox.EmailAddress, Response: ResponseOrganizer}
	}
	if it.Body != nil {
		if strings.EqualFold(it.Body.BodyType, "HTML") {
			ev.BodyHTML = it.Body.Text
		} else {
			ev.Body = it.Body.Text
		}
	}
	ev.TimeZone = eventZoneID(it)
	loc := c.cfg.Location
	if ev.IsAllDay && ev.TimeZone != "" {
		if zl, err := wintz.Location(ev.TimeZone); err == nil {
			loc = zl
		}
	}
	if !it.Start.IsZero() {
		ev.Start = it.Start.In(loc)
	}
	if !it.End.IsZero() {
		ev.End = it.End.In(loc)
	}
	ev.Recurrence = recurrenceFromWire(it.Recurrence)
	return ev
}

// eventZoneID returns the Windows id of a calendar item's time zone: its StartTimeZone, else its TimeZone
// (Exchange 2007 and some servers send a display name such as "(UTC+01:00) Amsterdam, Berlin, ...").
func eventZoneID(it *soap.Item) string {
	if it.StartTimeZone != nil && it.StartTimeZone.ID != "" {
		return it.StartTimeZone.ID
	}
	name := strings.TrimSpace(it.TimeZone)
	if name == "" {
		return ""
	}
	if _, ok := wintz.IANA(name); ok {
		return name
	}
	if id, ok := wintz.FromDisplayName(name); ok {
		return id
	}
	return ""
}

func attendeesFromWire(as []soap.AttendeeResp) []Attendee {
	if len(as) == 0 {
		return nil
	}
	out := make([]Attendee, len(as))
	for i, a := range as {
		out[i] = Attendee{Name: a.Mailbox.Name, Email: a.Mailbox.EmailAddress, Response: ResponseType(a.ResponseType)}
	}
	return out
}

var weekdayNames = map[string]time.Weekday{"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday,
	"Wednesday": time.Wednesday, "Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday}

func recurrenceFromWire(r *soap.RecurrenceResp) *Recurrence {
	if r == nil {
		return nil
	}
	out := &Recurrence{Pattern: RecurrenceOther}
	switch {
	case r.Daily != nil:
		out.Pattern, out.Interval = RecurrenceDaily, r.Daily.Interval
	case r.Weekly != nil:
		out.Pattern, out.Interval = RecurrenceWeekly, r.Weekly.Interval
		for _, d := range strings.Fields(r.Weekly.DaysOfWeek) {
			if wd, ok := weekdayNames[d]; ok {
				out.Days = append(out.Days, wd)
			}
		}
	case r.AbsoluteMonthly != nil:
		out.Interval = r.AbsoluteMonthly.Interval
	}
	switch {
	case r.EndDate != nil:
		out.Until = parseWireDate(r.EndDate.EndDate)
	case r.Numbered != nil:
		out.Count = r.Numbered.NumberOfOccurrences
	}
	return out
}

// parseWireDate reads an xs:date ("2024-03-01", "2024-03-01Z", "2024-03-01+01:00") as a UTC midnight.
func parseWireDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s[:10])
	if err != nil {
		return time.Time{}
	}
	return t
}
