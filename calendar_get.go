package ews

import (
	"context"
	"errors"
	"fmt"

	"github.com/ewsgo/ews/soap"
)

// getBatch is the most items one GetItem asks for.
const getBatch = 100

// eventShape is the shape of GetItem for events: every property, the body as stored, and the time zone (which
// AllProperties leaves out on some servers; Exchange 2007 has no StartTimeZone and sends TimeZone instead).
func (c *Client) eventShape() soap.ItemShape {
	sh := soap.ItemShape{BaseShape: "AllProperties", BodyType: "Best"}
	if !c.isExchange2007() {
		sh.AdditionalProperties = soap.PathList{{FieldURI: "calendar:StartTimeZone"}, {FieldURI: "calendar:EndTimeZone"}}
	}
	return sh
}

// GetEvent returns an event (or an occurrence, exception or recurring master) by id.
func (s *CalendarService) GetEvent(ctx context.Context, id string) (*Event, error) {
	if id == "" {
		return nil, errors.New("ews: GetEvent: id is empty")
	}
	evs, err := s.c.getEvents(ctx, []string{id}, false)
	if err != nil {
		return nil, err
	}
	return evs[0], nil
}

// getEvents fetches events by id, getBatch at a time, in the order of ids. With skipMissing, items that no
// longer exist (deleted since they were listed) are left out instead of failing.
func (c *Client) getEvents(ctx context.Context, ids []string, skipMissing bool) ([]*Event, error) {
	var out []*Event
	for len(ids) > 0 {
		n := min(len(ids), getBatch)
		req := &soap.GetItem{ItemShape: c.eventShape()}
		for _, id := range ids[:n] {
			req.ItemIDs = append(req.ItemIDs, soap.ItemID{ID: id})
		}
		var resp soap.GetItemResponse
		if err := c.call(ctx, req, &resp); err != nil {
			return nil, err
		}
		if len(resp.ResponseMessages) != n {
			return nil, fmt.Errorf("%w: GetItem returned %d response messages for %d items", ErrMalformedResponse, len(resp.ResponseMessages), n)
		}
		for i := range resp.ResponseMessages {
			m := &resp.ResponseMessages[i]
			if err := c.itemErr(&m.ResponseMessage); err != nil {
				if skipMissing && errors.Is(err, ErrItemNotFound) {
					continue
				}
				return nil, err
			}
			if len(m.Items.Items) != 1 {
				return nil, fmt.Errorf("%w: GetItem returned %d items for one id", ErrMalformedResponse, len(m.Items.Items))
			}
			it := &m.Items.Items[0]
			if it.XMLName.Local != "CalendarItem" {
				return nil, fmt.Errorf("ews: item %s is a %s, not a calendar item", ids[i], it.XMLName.Local)
			}
			out = append(out, c.eventFromWire(it))
		}
		ids = ids[n:]
	}
	return out, nil
}
