package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// DeleteEventOptions says how an event is deleted.
type DeleteEventOptions struct {
	// SendCancellations says whether the attendees of a meeting you organize are told; the zero value sends the
	// cancellation to all and saves a copy. It is ignored for events without attendees.
	SendCancellations Invitations
	// Permanent deletes the event for good (HardDelete) instead of moving it to Deleted Items.
	Permanent bool
}

// DeleteEvent deletes an event, an occurrence of a series (the series loses that occurrence) or a whole series
// (given its recurring master's id).
func (s *CalendarService) DeleteEvent(ctx context.Context, id string, opts DeleteEventOptions) error {
	c := s.c
	if err := checkID(id); err != nil {
		return err
	}
	mode, err := opts.SendCancellations.check("DeleteEventOptions.SendCancellations", false)
	if err != nil {
		return err
	}
	dt := "MoveToDeletedItems"
	if opts.Permanent {
		dt = "HardDelete"
	}
	req := &soap.DeleteItem{DeleteType: dt, SendMeetingCancellations: mode, ItemIDs: []soap.ItemID{{ID: id}}}
	_, err = doOne(ctx, c, req)
	return err
}

// CancelEvent cancels a meeting you organize: the attendees get a cancellation with message as its body (may be
// empty), a copy is saved in Sent Items, and the meeting leaves your calendar.
func (s *CalendarService) CancelEvent(ctx context.Context, id, message string) error {
	if err := firstErr(checkID(id), checkText("message", message)); err != nil {
		return err
	}
	item := &soap.CancelCalendarItem{ReferenceItemID: soap.ReferenceItemID{ID: id}}
	if message != "" {
		item.Body = &soap.Body{BodyType: "Text", Text: message}
	}
	return s.c.respond(ctx, item, "SendAndSaveCopy")
}

// respond sends one response object (accept, decline, cancel, ...) with CreateItem.
func (c *Client) respond(ctx context.Context, item any, disposition string) error {
	req := &soap.CreateItem{MessageDisposition: disposition, Items: soap.ItemList{item}}
	_, err := doOne(ctx, c, req)
	return err
}
