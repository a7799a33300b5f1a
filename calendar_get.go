package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// eventShape is the shape of GetItem for events: every property, the body as stored, and the time zone (which
// AllProperties leaves out on some servers; Exchange 2007 has no StartTimeZone and sends TimeZone instead).
func (s *CalendarService) eventShape() soap.ItemShape {
	c := s.c
	sh := soap.ItemShape{BaseShape: "AllProperties", BodyType: "Best"}
	if !c.isExchange2007() {
		sh.AdditionalProperties = soap.PathList{{FieldURI: "calendar:StartTimeZone"}, {FieldURI: "calendar:EndTimeZone"}}
	}
	return sh
}

// Get returns an event (or an occurrence, exception or recurring master) by id.
func (s ewsCalendar) get(ctx context.Context, id string) (*Event, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	evs, err := s.getEvents(ctx, []string{id}, false)
	if err != nil {
		return nil, err
	}
	return evs[0], nil
}

// getEvents fetches events by id, getBatch at a time, in the order of ids. With skipMissing, items that no
// longer exist (deleted since they were listed) are left out instead of failing.
func (s *CalendarService) getEvents(ctx context.Context, ids []string, skipMissing bool) ([]*Event, error) {
	c := s.c
	var out []*Event
	err := c.getTyped(ctx, ids, s.eventShape(), "CalendarItem", "a calendar item", skipMissing, func(it *soap.Item) {
		out = append(out, s.eventFromWire(it))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
