package ews

import "time"

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
