package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// RespondOptions shapes an answer to a meeting request.
type RespondOptions struct {
	// Message is the text of the response to the organizer (may be empty).
	Message string
	// DontSend records the answer in your calendar without telling the organizer; the response is kept in
	// Drafts instead of being sent.
	DontSend bool
}

// Accept accepts a meeting: id is the meeting request's id or the id of the meeting in your calendar. The
// organizer gets the response (unless opts.DontSend), and the meeting shows as busy in your calendar.
func (s ewsCalendar) accept(ctx context.Context, id string, opts RespondOptions) error {
	body, ref, err := responseParts("Accept", id, opts)
	if err != nil {
		return err
	}
	return s.respond(ctx, &soap.AcceptItem{Body: body, ReferenceItemID: ref}, opts.disposition())
}

// TentativelyAccept accepts a meeting tentatively (see Accept).
func (s ewsCalendar) tentativelyAccept(ctx context.Context, id string, opts RespondOptions) error {
	body, ref, err := responseParts("TentativelyAccept", id, opts)
	if err != nil {
		return err
	}
	return s.respond(ctx, &soap.TentativelyAcceptItem{Body: body, ReferenceItemID: ref}, opts.disposition())
}

// Decline declines a meeting (see Accept); the meeting leaves your calendar.
func (s ewsCalendar) decline(ctx context.Context, id string, opts RespondOptions) error {
	body, ref, err := responseParts("Decline", id, opts)
	if err != nil {
		return err
	}
	return s.respond(ctx, &soap.DeclineItem{Body: body, ReferenceItemID: ref}, opts.disposition())
}

func (o RespondOptions) disposition() string {
	if o.DontSend {
		return "SaveOnly"
	}
	return "SendAndSaveCopy"
}

func responseParts(op, id string, opts RespondOptions) (*soap.Body, soap.ReferenceItemID, error) {
	if err := firstErr(checkID(id), checkText("RespondOptions.Message", opts.Message)); err != nil {
		return nil, soap.ReferenceItemID{}, err
	}
	var body *soap.Body
	if opts.Message != "" {
		body = &soap.Body{BodyType: "Text", Text: opts.Message}
	}
	return body, soap.ReferenceItemID{ID: id}, nil
}
