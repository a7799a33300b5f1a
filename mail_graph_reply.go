package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/graph"
)

// reply is Reply over Graph: POST .../reply or .../replyAll, which sends the answer and keeps it in Sent Items.
func (s graphMail) reply(ctx context.Context, id string, opts ReplyOptions) error {
	action := "reply"
	if opts.All {
		action = "replyAll"
	}
	return s.respond(ctx, id, action, "ReplyOptions", nil, opts.Cc, opts.Bcc, opts.Body, opts.HTML)
}

// forward is Forward over Graph: POST .../forward; with AsAttachment, the original's MIME sent as an .eml
// attachment of a new message (as over EWS).
func (s graphMail) forward(ctx context.Context, id string, opts ForwardOptions) error {
	if len(opts.To)+len(opts.Cc)+len(opts.Bcc) == 0 {
		return inputErr("ForwardOptions.To", "no recipient: give at least one of To, Cc and Bcc")
	}
	if !opts.AsAttachment {
		return s.respond(ctx, id, "forward", "ForwardOptions", opts.To, opts.Cc, opts.Bcc, opts.Body, opts.HTML)
	}
	if err := opts.checkAttached(); err != nil {
		return err
	}
	mid, err := s.firstID(ctx, id)
	if err != nil {
		return err
	}
	orig, err := s.g().GetMessage(ctx, mid, "subject")
	if err != nil {
		return s.c.graphErr("get message", err, nil)
	}
	eml, err := s.g().MIME(ctx, mid)
	if err != nil {
		return s.c.graphErr("get message MIME", err, nil)
	}
	_, err = s.send(ctx, opts.emlDraft(orig.Subject, eml))
	return err
}

// respond checks the options and sends one reply, replyAll or forward.
func (s graphMail) respond(ctx context.Context, id, action, opt string, to, cc, bcc []string, body string, html bool) error {
	var r graph.MessageResponse
	var msg graph.Message
	for _, l := range []struct {
		f   string
		v   []string
		dst *[]graph.Recipient
	}{{opt + ".To", to, &r.ToRecipients}, {opt + ".Cc", cc, &msg.CcRecipients}, {opt + ".Bcc", bcc, &msg.BccRecipients}} {
		rs, err := recipients(l.f, l.v)
		if err != nil {
			return err
		}
		*l.dst = graphRecipients(rs)
	}
	if err := checkText(opt+".Body", body); err != nil {
		return err
	}
	if html && body != "" {
		msg.Body = &graph.ItemBody{ContentType: "html", Content: body}
	} else {
		r.Comment = body
	}
	if msg.Body != nil || len(msg.CcRecipients)+len(msg.BccRecipients) > 0 {
		r.Message = &msg
	}
	mid, err := s.firstID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.g().RespondToMessage(ctx, mid, action, r); err != nil {
		return s.c.graphErr(action, err, nil)
	}
	return nil
}
