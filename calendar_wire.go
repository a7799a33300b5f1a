package ews

import (
	"context"
	"iter"
	"time"
)

// The boundary between CalendarService and its wire, as mail_wire.go draws it for MailService: each method hands
// its call to the calendarWire of the client's backend, chosen at New (Config.Backend): ewsCalendar, the EWS
// implementation (calendar_*.go), or graphCalendar, the Microsoft Graph implementation (graph_calendar*.go over
// internal/graph). A wire checks its input before any request and reports what it cannot do with a
// *NotSupportedError.

// calendarWire is what a wire does for CalendarService: the service's methods, one to one.
type calendarWire interface {
	create(ctx context.Context, ev NewEvent, opts EventCreateOptions) (string, error)
	list(ctx context.Context, start, end time.Time, opts EventListOptions) iter.Seq2[*Event, error]
	get(ctx context.Context, id string) (*Event, error)
	update(ctx context.Context, id string, ch EventChanges, opts EventUpdateOptions) error
	cancel(ctx context.Context, id, message string) error
	delete(ctx context.Context, opts DeleteOptions, ids ...string) error
	accept(ctx context.Context, id string, opts RespondOptions) error
	tentativelyAccept(ctx context.Context, id string, opts RespondOptions) error
	decline(ctx context.Context, id string, opts RespondOptions) error
}

// ewsCalendar is the EWS wire of CalendarService: the methods of calendar_*.go.
type ewsCalendar struct{ *CalendarService }

// wire returns the calendar wire of the client's backend.
func (s *CalendarService) wire() calendarWire {
	if s.c.graph != nil {
		return graphCalendar{s}
	}
	return ewsCalendar{s}
}

// Create creates an event and returns its id. With attendees and invitations it is a meeting: the
// attendees get meeting requests.
func (s *CalendarService) Create(ctx context.Context, ev NewEvent, opts EventCreateOptions) (string, error) {
	return s.wire().create(ctx, ev, opts)
}

// List returns the events that overlap [start, end) in start order, with recurring series expanded into
// their occurrences (a calendar view). A zero start means midnight today in the client's Location; a zero end
// means start + DefaultEventWindow.
//
// When the server has more events in the range than a page holds, or refuses the range as too big, List
// splits the range in halves and reads each, so any range can be listed (over Graph, calendarView pages with
// @odata.nextLink instead). Each page's details (attendees, body, ...) are fetched with GetItem over EWS; Graph
// returns them with the view. Breaking out of the loop stops the requests.
func (s *CalendarService) List(ctx context.Context, start, end time.Time, opts EventListOptions) iter.Seq2[*Event, error] {
	return s.wire().list(ctx, start, end, opts)
}

// Get returns an event (or an occurrence, exception or recurring master) by id.
func (s *CalendarService) Get(ctx context.Context, id string) (*Event, error) {
	return s.wire().get(ctx, id)
}

// Update changes an event (for a meeting you organize, the attendees get an update as SendUpdates says).
// Only the fields set in ch are sent.
func (s *CalendarService) Update(ctx context.Context, id string, ch EventChanges, opts EventUpdateOptions) error {
	return s.wire().update(ctx, id, ch, opts)
}

// Cancel cancels a meeting you organize: the attendees get a cancellation with message as its body (may be
// empty), a copy is saved in Sent Items, and the meeting leaves your calendar.
func (s *CalendarService) Cancel(ctx context.Context, id, message string) error {
	return s.wire().cancel(ctx, id, message)
}

// Delete deletes events, occurrences of a series (the series loses that occurrence) or whole series (given
// their recurring master's id), in batches, the way opts says. Events that fail are reported in a *BatchError;
// the others are deleted.
func (s *CalendarService) Delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	return s.wire().delete(ctx, opts, ids...)
}

// Accept accepts a meeting: id is the meeting request's id or the id of the meeting in your calendar. The
// organizer gets the response (unless opts.DontSend), and the meeting shows as busy in your calendar.
func (s *CalendarService) Accept(ctx context.Context, id string, opts RespondOptions) error {
	return s.wire().accept(ctx, id, opts)
}

// TentativelyAccept accepts a meeting tentatively (see Accept).
func (s *CalendarService) TentativelyAccept(ctx context.Context, id string, opts RespondOptions) error {
	return s.wire().tentativelyAccept(ctx, id, opts)
}

// Decline declines a meeting (see Accept); the meeting leaves your calendar.
func (s *CalendarService) Decline(ctx context.Context, id string, opts RespondOptions) error {
	return s.wire().decline(ctx, id, opts)
}
