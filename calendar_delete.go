package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// Delete deletes events, occurrences of a series (the series loses that occurrence) or whole series (given
// their recurring master's id), in batches, the way opts says. Events that fail are reported in a *BatchError;
// the others are deleted.
func (s ewsCalendar) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	mode, err := opts.SendCancellations.check("DeleteOptions.SendCancellations", false)
	if err != nil {
		return err
	}
	return s.c.deleteByID(ctx, ids, &soap.DeleteItem{DeleteType: how, SendMeetingCancellations: mode})
}

// Cancel cancels a meeting you organize: the attendees get a cancellation with message as its body (may be
// empty), a copy is saved in Sent Items, and the meeting leaves your calendar.
func (s ewsCalendar) cancel(ctx context.Context, id, message string) error {
	if err := firstErr(checkID(id), checkText("message", message)); err != nil {
		return err
	}
	item := &soap.CancelCalendarItem{ReferenceItemID: soap.ReferenceItemID{ID: id}}
	if message != "" {
		item.Body = &soap.Body{BodyType: "Text", Text: message}
	}
	return s.respond(ctx, item, "SendAndSaveCopy")
}

// respond sends one response object (accept, decline, cancel, ...) with CreateItem.
func (s *CalendarService) respond(ctx context.Context, item any, disposition string) error {
	c := s.c
	req := &soap.CreateItem{MessageDisposition: disposition, Items: soap.ItemList{item}}
	_, err := doOne(ctx, c, req)
	return err
}
