package connector

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"iter"

	"github.com/ewsgo/ews"
)

// GetAttachmentsParams are the parameters of get_attachments.
type GetAttachmentsParams struct {
	MessageID string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (<abc@example.com>, looked up in every mail folder; the first copy is used)"`
	Mailbox   string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
	MaxDepth  int    `json:"max_depth" default:"5" help:"levels of attached messages opened: 1 for the message's own attachments only"`
	MaxSize   int    `json:"max_size" default:"52428800" help:"the most bytes of content downloaded in all; attachments past it come without content, with skipped saying why"`
}

// AttachmentData is an attachment with its content, as get_attachments returns it.
type AttachmentData struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	IsInline    bool   `json:"is_inline"`
	IsItem      bool   `json:"is_item"`
	// Content is base64: the file's bytes, or for an item attachment the attached message as MIME (.eml).
	Content string `json:"content"`
	// SHA256 is the hex SHA-256 of the content's bytes.
	SHA256 string `json:"sha256"`
	// Email is the attached message of an item attachment, decoded; its own attachments are in Attachments.
	Email *Email `json:"email,omitempty"`
	// Attachments are the attachments of the attached message, with their content, recursively.
	Attachments []*AttachmentData `json:"attachments,omitempty"`
	// Skipped says why the content is missing: the size bound or the depth bound.
	Skipped string `json:"skipped,omitempty"`
}

// GetAttachments returns every attachment of a message with its content: files base64 with their SHA-256,
// attached messages decoded (email) and as MIME, with their own attachments, recursively, within max_depth and
// max_size.
func GetAttachments(ctx context.Context, c *ews.Client, p GetAttachmentsParams) iter.Seq2[*AttachmentData, error] {
	return func(yield func(*AttachmentData, error) bool) {
		if p.MaxDepth < 0 {
			yield(nil, paramErr("max_depth", "parameter %q: %d is negative", "max_depth", p.MaxDepth))
			return
		}
		if p.MaxSize < 0 {
			yield(nil, paramErr("max_size", "parameter %q: %d is negative", "max_size", p.MaxSize))
			return
		}
		c, err := onMailbox(c, p.Mailbox)
		if err != nil {
			yield(nil, err)
			return
		}
		id, err := firstMessage(ctx, c, p.MessageID)
		if err != nil {
			yield(nil, err)
			return
		}
		atts, err := c.Mail().GetAttachments(ctx, id, ews.AttachmentOptions{MaxDepth: p.MaxDepth, MaxBytes: int64(p.MaxSize)})
		if err != nil {
			yield(nil, inputParam(err, "message_id"))
			return
		}
		for _, a := range atts {
			if !yield(attachmentOut(a), nil) {
				return
			}
		}
	}
}

func attachmentOut(a *ews.AttachmentData) *AttachmentData {
	out := &AttachmentData{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, IsInline: a.Inline,
		IsItem: a.IsItem, SHA256: a.SHA256, Skipped: a.Skipped}
	if a.Content != nil {
		out.Content = base64.StdEncoding.EncodeToString(a.Content)
	}
	if a.Message != nil {
		out.Email = emailOut(a.Message)
	}
	for _, n := range a.Attachments {
		out.Attachments = append(out.Attachments, attachmentOut(n))
	}
	return out
}

// GetEmailEMLParams are the parameters of get_email_eml.
type GetEmailEMLParams struct {
	MessageID string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (looked up in every mail folder; the first copy is used)"`
	Mailbox   string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// EmailEML is the result of get_email_eml.
type EmailEML struct {
	// MessageID is the message_id parameter; ID the ItemId exported.
	MessageID string `json:"message_id"`
	ID        string `json:"id"`
	// Content is the message as MIME (the content of an .eml file), base64.
	Content string `json:"content"`
	Size    int    `json:"size"`
	SHA256  string `json:"sha256"`
}

// GetEmailEML returns a message as MIME (.eml), headers and attachments included.
func GetEmailEML(ctx context.Context, c *ews.Client, p GetEmailEMLParams) (*EmailEML, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	id, err := firstMessage(ctx, c, p.MessageID)
	if err != nil {
		return nil, err
	}
	eml, err := c.Mail().ExportMIME(ctx, id)
	if err != nil {
		return nil, inputParam(err, "message_id")
	}
	sum := sha256.Sum256(eml)
	return &EmailEML{MessageID: p.MessageID, ID: id, Content: base64.StdEncoding.EncodeToString(eml), Size: len(eml),
		SHA256: hex.EncodeToString(sum[:])}, nil
}
