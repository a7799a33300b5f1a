package ews

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// ReplyOptions say how MailService.Reply answers a message.
type ReplyOptions struct {
	// Body is the text written above the quoted original; HTML says it is HTML.
	Body string
	HTML bool
	// All answers every recipient of the original, not only its sender.
	All bool
	// Cc and Bcc add recipients.
	Cc, Bcc []string
}

// reply is Reply over EWS.
func (s ewsMail) reply(ctx context.Context, id string, opts ReplyOptions) error {
	name := soap.ReplyToItemName
	if opts.All {
		name = soap.ReplyAllToItemName
	}
	return s.smartResponse(ctx, id, name, "ReplyOptions", nil, opts.Cc, opts.Bcc, opts.Body, opts.HTML)
}

// ForwardOptions say how MailService.Forward forwards a message.
type ForwardOptions struct {
	// To, Cc and Bcc are the recipients; at least one is needed.
	To, Cc, Bcc []string
	// Body is the text written above the original; HTML says it is HTML.
	Body string
	HTML bool
	// AsAttachment attaches the original as an .eml file (what abuse desks ask for: headers intact) instead of
	// quoting it.
	AsAttachment bool
}

// forward is Forward over EWS.
func (s ewsMail) forward(ctx context.Context, id string, opts ForwardOptions) error {
	if len(opts.To)+len(opts.Cc)+len(opts.Bcc) == 0 {
		return inputErr("ForwardOptions.To", "no recipient: give at least one of To, Cc and Bcc")
	}
	if !opts.AsAttachment {
		return s.smartResponse(ctx, id, soap.ForwardItemName, "ForwardOptions", opts.To, opts.Cc, opts.Bcc, opts.Body, opts.HTML)
	}
	if err := opts.checkAttached(); err != nil {
		return err
	}
	orig, err := s.getOne(ctx, id, soap.ItemShape{BaseShape: "IdOnly", IncludeMimeContent: Ptr(true),
		AdditionalProperties: soap.PathList{{FieldURI: "item:Subject"}}})
	if err != nil {
		return err
	}
	if orig.MimeContent == nil {
		return fmt.Errorf("%w: GetItem returned no MIME content", ErrMalformedResponse)
	}
	eml, err := decodeBase64(orig.MimeContent.Base64)
	if err != nil {
		return fmt.Errorf("%w: MIME content: %v", ErrMalformedResponse, err)
	}
	_, err = s.Send(ctx, opts.emlDraft(orig.Subject, eml))
	return err
}

// checkAttached checks the options of a forward as an attachment, before any request.
func (opts ForwardOptions) checkAttached() error {
	for _, l := range []struct {
		f string
		v []string
	}{{"ForwardOptions.To", opts.To}, {"ForwardOptions.Cc", opts.Cc}, {"ForwardOptions.Bcc", opts.Bcc}} {
		if _, err := recipients(l.f, l.v); err != nil {
			return err
		}
	}
	return checkText("ForwardOptions.Body", opts.Body)
}

// emlDraft is the message that forwards the original (its subject and MIME content eml) as an attachment: the
// original as "<subject>.eml" (characters a file name cannot hold replaced), the subject "FW: " + subject.
func (opts ForwardOptions) emlDraft(subject string, eml []byte) Draft {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, subject)
	if strings.TrimSpace(name) == "" {
		name = "message"
	}
	return Draft{To: opts.To, Cc: opts.Cc, Bcc: opts.Bcc, Subject: "FW: " + subject, Body: opts.Body, HTML: opts.HTML,
		Attachments: []Attachment{{Name: name + ".eml", ContentType: "message/rfc822", Content: eml}}}
}

// smartResponse sends a ReplyToItem, ReplyAllToItem or ForwardItem with CreateItem (SendAndSaveCopy).
func (s *MailService) smartResponse(ctx context.Context, id string, name xml.Name, opt string, to, cc, bcc []string, body string, html bool) error {
	r := &soap.SmartResponse{XMLName: name}
	var err error
	if r.ToRecipients, err = recipients(opt+".To", to); err != nil {
		return err
	}
	if r.CcRecipients, err = recipients(opt+".Cc", cc); err != nil {
		return err
	}
	if r.BccRecipients, err = recipients(opt+".Bcc", bcc); err != nil {
		return err
	}
	if err := checkText(opt+".Body", body); err != nil {
		return err
	}
	if body != "" {
		bt := "Text"
		if html {
			bt = "HTML"
		}
		r.NewBodyContent = &soap.Body{BodyType: bt, Text: body}
	}
	res := &batchResult{total: 1}
	targets, err := s.resolve(ctx, []string{id}, res)
	if err != nil {
		if ie, ok := err.(*InputError); ok && ie.Field == "ids[0]" {
			ie.Field = "id"
		}
		return err
	}
	if len(targets) == 0 {
		return res.failed[0].err.Err
	}
	r.ReferenceItemID = soap.ReferenceItemID{ID: targets[0].id}
	req := &soap.CreateItem{MessageDisposition: "SendAndSaveCopy", SavedItemFolderID: &soap.TargetFolder{Folder: s.c.distinguished("sentitems")},
		Items: soap.ItemList{r}}
	_, err = doOne(ctx, s.c, req)
	return err
}
