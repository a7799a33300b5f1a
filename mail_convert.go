package ews

import (
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// transportHeadersTag is PR_TRANSPORT_MESSAGE_HEADERS, the header block exactly as the message arrived.
// item:InternetMessageHeaders leaves some headers out, so the SDK reads this property first.
const transportHeadersTag = 0x007D

// transportHeadersPath asks for PR_TRANSPORT_MESSAGE_HEADERS.
var transportHeadersPath = soap.Path{Extended: &soap.ExtendedFieldURI{PropertyTag: "0x007D", PropertyType: "String"}}

// messageFromWire converts a response item into a Message, with times in loc.
func messageFromWire(it *soap.Item, loc *time.Location) *Message {
	m := &Message{
		ItemClass:              it.ItemClass,
		InternetMessageID:      it.InternetMessageID,
		InReplyTo:              it.InReplyTo,
		References:             it.References,
		Subject:                it.Subject,
		To:                     mailAddresses(it.ToRecipients),
		Cc:                     mailAddresses(it.CcRecipients),
		Bcc:                    mailAddresses(it.BccRecipients),
		ReplyTo:                mailAddresses(it.ReplyTo),
		Received:               inLoc(it.DateTimeReceived.Time, loc),
		Sent:                   inLoc(it.DateTimeSent.Time, loc),
		Importance:             Importance(it.Importance),
		Categories:             it.Categories,
		IsRead:                 it.IsRead,
		IsDraft:                it.IsDraft,
		IsReadReceiptRequested: it.IsReadReceiptRequested,
		HasAttachments:         it.HasAttachments,
		Size:                   it.Size,
	}
	if it.ItemID != nil {
		m.ID, m.ChangeKey = it.ItemID.ID, it.ItemID.ChangeKey
	}
	if it.ParentFolderID != nil {
		m.FolderID = it.ParentFolderID.ID
	}
	if it.ConversationID != nil {
		m.ConversationID = it.ConversationID.ID
	}
	if it.Sender != nil {
		m.Sender = mailAddress(it.Sender.Mailbox)
	}
	if it.From != nil {
		m.From = mailAddress(it.From.Mailbox)
	}
	if it.Body != nil {
		if strings.EqualFold(it.Body.BodyType, "HTML") {
			m.BodyHTML = it.Body.Text
		} else {
			m.Body = it.Body.Text
		}
	}
	if it.TextBody != nil && m.Body == "" {
		m.Body = it.TextBody.Text
	}
	if it.Attachments != nil {
		for i := range it.Attachments.Attachments {
			m.Attachments = append(m.Attachments, attachmentFromWire(&it.Attachments.Attachments[i], loc))
		}
	}
	for _, p := range it.ExtendedProperty {
		if isTag(p.ExtendedFieldURI.PropertyTag, transportHeadersTag) {
			m.Headers = parseHeaderBlock(p.Value)
		}
	}
	if len(m.Headers) == 0 {
		for _, h := range it.InternetMessageHeaders {
			m.Headers = append(m.Headers, InternetHeader{Name: h.Name, Value: strings.TrimSpace(h.Value)})
		}
	}
	return m
}

func attachmentFromWire(a *soap.AttachmentResp, loc *time.Location) AttachmentInfo {
	return AttachmentInfo{
		ID:           a.AttachmentID.ID,
		Name:         a.Name,
		ContentType:  a.ContentType,
		ContentID:    a.ContentID,
		Size:         a.Size,
		Inline:       a.IsInline,
		IsItem:       a.XMLName.Local == "ItemAttachment",
		LastModified: inLoc(a.LastModifiedTime.Time, loc),
	}
}

func inLoc(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}

func mailAddress(m soap.MailboxResp) Address {
	return Address{Name: m.Name, Email: m.EmailAddress}
}

func mailAddresses(ms []soap.MailboxResp) []Address {
	if len(ms) == 0 {
		return nil
	}
	out := make([]Address, len(ms))
	for i, m := range ms {
		out[i] = mailAddress(m)
	}
	return out
}

// isTag reports whether a PropertyTag attribute ("0x007D", "0x7d", "125") names the property tag.
func isTag(s string, tag int64) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
	return err == nil && n == tag
}

// parseHeaderBlock splits an RFC 5322 header block into its headers, in order, unfolding continuation lines.
// Values are kept as they are (encoded words are not decoded), which is what header analysis wants.
func parseHeaderBlock(s string) []InternetHeader {
	var out []InternetHeader
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			last := &out[len(out)-1]
			last.Value = strings.TrimSpace(last.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		out = append(out, InternetHeader{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return out
}
