package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Calendar is a calendar of the mailbox (Graph's calendar resource), as far as the SDK reads it.
type Calendar struct {
	ID                string        `json:"id"`
	Name              string        `json:"name"`
	IsDefaultCalendar bool          `json:"isDefaultCalendar"`
	CanEdit           bool          `json:"canEdit"`
	Owner             *EmailAddress `json:"owner,omitempty"`
}

// Calendars lists every calendar of the mailbox, of all its calendar groups (GET /users/{id}/calendars, every
// page).
func (c *Client) Calendars(ctx context.Context) ([]Calendar, error) {
	r := &request{method: http.MethodGet, path: c.user + "/calendars", idempotent: true,
		query: url.Values{"$select": {"id,name,isDefaultCalendar,canEdit,owner"}, "$top": {"100"}}}
	return getAll[Calendar](ctx, c, r)
}

// CreateEventIn creates an event in a calendar given by id (POST /users/{id}/calendars/{id}/events); an empty
// calendar means the default one (POST /users/{id}/events). Graph sends a meeting request to each attendee. Not
// idempotent.
func (c *Client) CreateEventIn(ctx context.Context, calendar string, ev *Event) (*Event, error) {
	if calendar == "" {
		return c.CreateEvent(ctx, ev)
	}
	if ev == nil {
		return nil, errors.New("graph: the event is nil")
	}
	if err := ev.check(); err != nil {
		return nil, err
	}
	return getOne[Event](ctx, c, &request{method: http.MethodPost, path: c.user + "/calendars/" + url.PathEscape(calendar) + "/events", body: ev})
}
