package ews

import (
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// MailService sends, finds, reads, moves and deletes mail. Get it from Client.Mail.
//
// Operations on existing messages take message references: an EWS ItemId (as in Message.ID) or an Internet
// Message-ID such as "<abc@example.com>". A Message-ID is looked up in every mail folder of the mailbox and may
// name several items (copies in several folders); the operation then acts on each of them. Operations on many
// messages work in batches (see BatchOptions and WithBatch) and report the messages that failed in a
// *BatchError, while the others succeed.
type MailService struct {
	c     *Client
	batch BatchOptions
}

// Address is a mailbox address: a sender or a recipient.
type Address struct {
	// Name is the display name; it may be empty.
	Name string
	// Email is the SMTP address.
	Email string
}

// String formats the address as "Name <email>", or just the email when there is no name.
func (a Address) String() string {
	if a.Name == "" || a.Name == a.Email {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// InternetHeader is one Internet message header (RFC 5322), as received.
type InternetHeader struct {
	Name  string
	Value string
}

// Message is an email message of a mailbox, with the properties a SOAR playbook reads. Times are in the client's
// Location (Config.Location).
type Message struct {
	// ID is the EWS ItemId; ChangeKey identifies its version.
	ID        string
	ChangeKey string
	// FolderID is the id of the folder that holds the message.
	FolderID string
	// ItemClass is the MAPI class, "IPM.Note" for plain mail; reports and meeting messages have others.
	ItemClass string
	// InternetMessageID is the Message-ID header, e.g. "<abc@example.com>".
	InternetMessageID string
	// ConversationID is the EWS id of the message's conversation.
	ConversationID string
	// InReplyTo and References are the threading headers, when present.
	InReplyTo  string
	References string

	Subject string
	// Sender is who sent the message; From is on whose behalf (they differ for delegates and shared mailboxes).
	Sender  Address
	From    Address
	To      []Address
	Cc      []Address
	Bcc     []Address
	ReplyTo []Address

	// Received is when the mailbox received the message; Sent is when it was sent.
	Received time.Time
	Sent     time.Time

	// Body is the text body: the message's text, or a text rendering of its HTML made by the server.
	Body string
	// BodyHTML is the HTML body, empty when the message is plain text.
	BodyHTML string

	Importance Importance
	Categories []string
	// Flag is the follow-up flag (Exchange 2013 and later; empty from older servers, which have none).
	Flag    FlagStatus
	IsRead  bool
	IsDraft bool
	// IsReadReceiptRequested tells whether the sender asked for a read receipt.
	IsReadReceiptRequested bool
	// HasAttachments reports attachments other than inline ones (such as images of an HTML body).
	HasAttachments bool
	// Attachments describes every attachment, inline ones included; fetch the content with
	// MailService.AttachmentContent.
	Attachments []AttachmentInfo
	// Headers are the Internet headers in their original order, repeated headers (Received) included. They are
	// empty for messages that did not come through transport, such as drafts.
	Headers []InternetHeader
	// Size is the size of the message in bytes, as the server counts it.
	Size int64
}

// Header returns the value of the first header named name (case-insensitive), or "".
func (m *Message) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// HeaderValues returns the values of every header named name (case-insensitive), in order.
func (m *Message) HeaderValues(name string) []string {
	var out []string
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// AttachmentInfo describes an attachment without its content.
type AttachmentInfo struct {
	// ID is the EWS AttachmentId.
	ID string
	// Name is the file name, or the subject of an attached item.
	Name        string
	ContentType string
	// ContentID is the Content-ID an HTML body refers to ("cid:..."), for inline attachments.
	ContentID string
	// Size is the size in bytes.
	Size int64
	// Inline tells whether the attachment is shown inside the body (an image of an HTML body).
	Inline bool
	// IsItem tells an item attachment (an attached message, such as a forwarded .eml) from a file attachment.
	IsItem bool
	// LastModified is when the attachment was last changed, when the server says.
	LastModified time.Time
}

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
		Flag:                   FlagStatus(it.FlagStatus),
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
