package ews

import (
	"fmt"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/wintz"
)

// eventZone picks the time zone of an event and its Windows id. An explicit zone (NewEvent.TimeZone) must have
// a Windows id. Otherwise the zone of start is used if Windows knows it and it is not UTC (a UTC time says an
// instant, not a zone), else the client's Config.Location if Windows knows it, else UTC. The event's instants
// are right in every case (they are sent in UTC); the zone decides the local time Outlook shows and keeps across
// daylight saving changes, and the days of all-day events.
func (c *Client) eventZone(field string, explicit *time.Location, start time.Time) (*time.Location, string, error) {
	if explicit != nil {
		id, ok := wintz.WindowsID(explicit)
		if !ok {
			return nil, "", fmt.Errorf("ews: %s %q has no Windows time zone id; use an IANA zone such as Europe/Berlin", field, explicit)
		}
		return explicit, id, nil
	}
	if loc := start.Location(); loc != time.UTC {
		if id, ok := wintz.WindowsID(loc); ok && id != "UTC" {
			return loc, id, nil
		}
	}
	if id, ok := wintz.WindowsID(c.cfg.Location); ok {
		return c.cfg.Location, id, nil
	}
	return time.UTC, "UTC", nil
}

// allDayRange returns the midnights in loc that bound an all-day event from start's date through end's date.
// Dates are read as written (in each time's own location). End is exclusive at midnight: an end at 00:00 ends
// the event the day before; an end later in a day includes that day; a zero end, or one not after the start
// day, makes a one-day event.
func allDayRange(start, end time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := start.Date()
	s := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if end.IsZero() {
		return s, s.AddDate(0, 0, 1)
	}
	y, m, d = end.Date()
	e := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if h, mi, sec := end.Clock(); h != 0 || mi != 0 || sec != 0 || end.Nanosecond() != 0 {
		e = e.AddDate(0, 0, 1)
	}
	if !e.After(s) {
		e = s.AddDate(0, 0, 1)
	}
	return s, e
}

// setEventZone sets the time zone elements of a calendar item: StartTimeZone and EndTimeZone, or for Exchange
// 2007 MeetingTimeZone (built from the zone's rules in the year of at).
func (c *Client) setEventZone(ci *soap.CalendarItem, loc *time.Location, id string, at time.Time) {
	if c.isExchange2007() {
		ci.MeetingTimeZone = meetingTimeZone(loc, id, at)
		return
	}
	ci.StartTimeZone = &soap.TimeZoneDefinition{ID: id}
	ci.EndTimeZone = &soap.TimeZoneDefinition{ID: id}
}

// meetingTimeZone describes loc as Exchange 2007 wants it: a base offset and, if the zone observes daylight
// saving time in the year of at, the yearly changes to standard and to daylight time.
func meetingTimeZone(loc *time.Location, id string, at time.Time) *soap.MeetingTimeZone {
	year := at.In(loc).Year()
	var changes []time.Time // instants at which the offset changes during the year
	t := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	stop := time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
	for i := 0; i < 8; i++ {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(stop) {
			break
		}
		changes = append(changes, end)
		t = end
	}
	std, dst, toStd, toDst := stdOffset(loc, year), 0, time.Time{}, time.Time{}
	for _, ch := range changes {
		if ch.In(loc).IsDST() {
			toDst = ch
			_, dst = ch.In(loc).Zone()
		} else {
			toStd = ch
		}
	}
	tz := &soap.MeetingTimeZone{TimeZoneName: id, BaseOffset: xsDuration(-std)}
	if toStd.IsZero() || toDst.IsZero() {
		return tz
	}
	tz.Standard = &soap.TimeChange{Offset: "PT0M", RelativeYearlyRecurrence: relativeYearly(toStd), Time: localChangeTime(toStd, dst)}
	tz.Daylight = &soap.TimeChange{Offset: xsDuration(std - dst), RelativeYearlyRecurrence: relativeYearly(toDst), Time: localChangeTime(toDst, std)}
	return tz
}

// stdOffset returns the standard (not daylight saving) UTC offset of loc in the year, in seconds.
func stdOffset(loc *time.Location, year int) int {
	for _, m := range []time.Month{time.January, time.July} {
		t := time.Date(year, m, 1, 12, 0, 0, 0, loc)
		if !t.IsDST() {
			_, off := t.Zone()
			return off
		}
	}
	_, off := time.Date(year, time.January, 1, 12, 0, 0, 0, loc).Zone()
	return off
}

// localChangeTime is the wall-clock time at which a change happens, in the offset in force before it (the
// Windows convention: 02:00 for the spring change in Europe, 03:00 for the autumn one).
func localChangeTime(ch time.Time, beforeOffset int) string {
	return ch.In(time.FixedZone("", beforeOffset)).Format("15:04:05")
}

// relativeYearly describes the date of a change as "the Nth (or last) weekday of the month".
func relativeYearly(ch time.Time) *soap.RelativeYearlyRecurrence {
	d := ch.In(ch.Location())
	day := d.Day()
	index := []string{"First", "Second", "Third", "Fourth"}[min((day-1)/7, 3)]
	if day+7 > daysIn(d.Month(), d.Year()) {
		index = "Last"
	}
	return &soap.RelativeYearlyRecurrence{DaysOfWeek: d.Weekday().String(), DayOfWeekIndex: index, Month: d.Month().String()}
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// xsDuration formats an offset in seconds as an xs:duration: -3600 -> "-PT1H", 19800 -> "PT5H30M", 0 -> "PT0M".
func xsDuration(sec int) string {
	sign := ""
	if sec < 0 {
		sign, sec = "-", -sec
	}
	h, m := sec/3600, sec%3600/60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%sPT%dH%dM", sign, h, m)
	case h > 0:
		return fmt.Sprintf("%sPT%dH", sign, h)
	}
	return fmt.Sprintf("%sPT%dM", sign, m)
}
