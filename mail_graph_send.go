package ews

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
)

// graphMaxAttachment is the largest attachment sendMail takes inline (Graph's limit; larger ones need an
// upload session).
const graphMaxAttachment = 3 << 20

// send is Send over Graph: one POST sendMail with the attachments inline, the copy kept in Sent Items; the copy's
// id is then looked up by the Message-ID the message was given.
func (s graphMail) send(ctx context.Context, d Draft) (*SentMessage, error) {
	msg, atts, err := s.buildMessage(d)
	if err != nil {
		return nil, err
	}
	if !d.CopyFolder.IsZero() && !(d.CopyFolder.kind == 'd' && distinguishedNames[strings.ToLower(d.CopyFolder.value)] == "sentitems") {
		if err := d.CopyFolder.check("Draft.CopyFolder"); err != nil {
			return nil, err
		}
		return nil, &NotSupportedError{Backend: string(BackendGraph), What: "Draft.CopyFolder",
			Msg: "Graph's sendMail keeps the copy in Sent Items only", Hint: "leave CopyFolder unset and move the copy (SentMessage.ID) afterwards"}
	}
	gm := &graph.Message{Subject: msg.Subject, InternetMessageID: msg.InternetMessageID,
		Importance: strings.ToLower(msg.Importance), IsReadReceiptRequested: msg.IsReadReceiptRequested,
		ToRecipients: graphRecipients(msg.ToRecipients), CcRecipients: graphRecipients(msg.CcRecipients),
		BccRecipients: graphRecipients(msg.BccRecipients), ReplyTo: graphRecipients(msg.ReplyTo)}
	if msg.Categories != nil {
		gm.Categories = msg.Categories.Strings
	}
	if msg.Body != nil {
		gm.Body = &graph.ItemBody{ContentType: "text", Content: msg.Body.Text}
		if msg.Body.BodyType == "HTML" {
			gm.Body.ContentType = "html"
		}
	}
	for i, a := range atts {
		fa := a.(*soap.FileAttachment)
		content, err := base64.StdEncoding.DecodeString(fa.Content)
		if err != nil {
			return nil, fmt.Errorf("ews: Draft.Attachments[%d]: %w", i, err)
		}
		if len(content) > graphMaxAttachment {
			return nil, &NotSupportedError{Backend: string(BackendGraph), What: fmt.Sprintf("Draft.Attachments[%d]", i),
				Msg:  fmt.Sprintf("the attachment is %d bytes; Graph's sendMail takes up to 3 MB per attachment", len(content)),
				Hint: "larger attachments need an upload session, which the graph backend does not do yet; use the ews backend"}
		}
		gm.Attachments = append(gm.Attachments, graph.Attachment{ODataType: graph.FileAttachmentType, Name: fa.Name,
			ContentType: fa.ContentType, ContentBytes: content, IsInline: fa.IsInline != nil && *fa.IsInline,
			ContentID: fa.ContentID})
	}
	sent := &SentMessage{InternetMessageID: msg.InternetMessageID}
	if err := s.g().SendMail(ctx, gm, !d.NoCopy); err != nil {
		return sent, s.c.graphErr("sendMail", err, nil)
	}
	if !d.NoCopy {
		sent.ID = s.findSentCopy(ctx, msg.InternetMessageID)
	}
	return sent, nil
}

// findSentCopy looks for the copy of a sent message in Sent Items a few times (Exchange files it after
// delivery); "" when it does not show up.
func (s graphMail) findSentCopy(ctx context.Context, mid string) string {
	for _, d := range sentCopyWaits {
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ""
			case <-t.C:
			}
		}
		ids, err := s.findIDs(ctx, mid, "sentitems")
		if err != nil {
			return ""
		}
		if len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

func graphRecipients(r *soap.Recipients) []graph.Recipient {
	if r == nil {
		return nil
	}
	out := make([]graph.Recipient, len(r.Mailboxes))
	for i, m := range r.Mailboxes {
		out[i] = graph.Recipient{EmailAddress: graph.EmailAddress{Name: m.Name, Address: m.EmailAddress}}
	}
	return out
}
