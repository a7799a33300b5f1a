package ews

import (
	"strings"
	"time"
)

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
	IsRead     bool
	IsDraft    bool
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
