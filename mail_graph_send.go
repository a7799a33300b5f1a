package ews

import (
	"context"
	"encoding/base64"
	"errors"
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
// id is then looked up by the Message-ID the message was given. A message with an attachment over 3 MB goes
// through a draft and upload sessions instead (sendLarge).
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
	var large []graph.Attachment
	for i, a := range atts {
		fa := a.(*soap.FileAttachment)
		content, err := base64.StdEncoding.DecodeString(fa.Content)
		if err != nil {
			return nil, fmt.Errorf("ews: Draft.Attachments[%d]: %w", i, err)
		}
		ga := graph.Attachment{ODataType: graph.FileAttachmentType, Name: fa.Name,
			ContentType: fa.ContentType, ContentBytes: content, IsInline: fa.IsInline != nil && *fa.IsInline,
			ContentID: fa.ContentID}
		if len(content) > graphMaxAttachment {
			large = append(large, ga)
			continue
		}
		gm.Attachments = append(gm.Attachments, ga)
	}
	if len(large) > 0 {
		return s.sendLarge(ctx, d, gm, large)
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

// draftHas reports whether the draft holds attachment a, of which before were uploaded already (the large
// attachments of the same name before it): after an upload whose last chunk's answer was lost with its
// session, the attachment may have been made. An attachment counts when it has a's name and at least its
// size (Exchange's size of an attachment includes its properties), so a match is never a false one.
func (s graphMail) draftHas(ctx context.Context, draftID string, a graph.Attachment, before int) bool {
	atts, err := s.g().AttachmentInfos(ctx, draftID)
	if err != nil {
		return false
	}
	n := 0
	for _, x := range atts {
		if x.Name == a.Name && x.Size >= len(a.ContentBytes) {
			n++
		}
	}
	return n > before
}

// sendLarge sends a message with attachments over 3 MB the way Graph takes them: a draft with the small
// attachments inline (POST messages), an upload session per large attachment (createUploadSession, then the
// bytes PUT in chunks), then POST send. When a step after the draft's creation fails, the draft is deleted;
// if that fails too, the error says the draft's id.
func (s graphMail) sendLarge(ctx context.Context, d Draft, gm *graph.Message, large []graph.Attachment) (*SentMessage, error) {
	sent := &SentMessage{InternetMessageID: gm.InternetMessageID}
	g := s.g()
	draft, err := g.CreateDraft(ctx, gm)
	if err != nil {
		return sent, s.c.graphErr("create draft", err, nil)
	}
	fail := func(op string, err error) (*SentMessage, error) {
		err = s.c.graphErr(op, err, nil)
		if derr := g.PermanentDelete(context.WithoutCancel(ctx), draft.ID); derr != nil {
			return sent, fmt.Errorf("%w (the draft %s is left in Drafts: deleting it failed: %v)", err, draft.ID, derr)
		}
		return sent, err
	}
	uploaded := map[string]int{} // large attachments uploaded, by name
	for _, a := range large {
		us, err := g.CreateUploadSession(ctx, draft.ID, a, int64(len(a.ContentBytes)))
		if err != nil {
			return fail("createUploadSession", err)
		}
		if err := g.Upload(ctx, us.UploadURL, a.ContentBytes); err != nil && !(errors.Is(err, graph.ErrOutcomeUnknown) && s.draftHas(ctx, draft.ID, a, uploaded[a.Name])) {
			return fail("upload attachment "+a.Name, err)
		}
		uploaded[a.Name]++
	}
	if err := g.SendDraft(ctx, draft.ID); err != nil {
		return fail("send draft", err)
	}
	id := s.findSentCopy(ctx, gm.InternetMessageID)
	if !d.NoCopy {
		sent.ID = id
		return sent, nil
	}
	// A sent draft is always kept in Sent Items; NoCopy deletes that copy.
	if id == "" {
		return sent, fmt.Errorf("ews: the message was sent, but its copy in Sent Items (kept by Graph's send) was not found to delete for Draft.NoCopy")
	}
	if err := g.PermanentDelete(ctx, id); err != nil {
		return sent, fmt.Errorf("ews: the message was sent, but deleting its copy in Sent Items for Draft.NoCopy failed: %w", s.c.graphErr("permanentDelete", err, nil))
	}
	return sent, nil
}
