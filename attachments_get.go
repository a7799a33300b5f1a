package ews

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// Default bounds of MailService.GetAttachments.
const (
	// DefaultAttachmentDepth is how many levels of attached messages GetAttachments opens by default.
	DefaultAttachmentDepth = 5
	// DefaultAttachmentBytes bounds the content GetAttachments downloads by default (50 MiB).
	DefaultAttachmentBytes = 50 << 20
)

// AttachmentOptions bound what MailService.GetAttachments downloads.
type AttachmentOptions struct {
	// MaxDepth is how many levels of attachments are fetched: 1 fetches the message's own attachments, 2 also
	// those of the messages attached to it, and so on. 0 means DefaultAttachmentDepth.
	MaxDepth int
	// MaxBytes bounds the content downloaded in all (file contents, and attached messages as MIME). An
	// attachment that would go past it is returned without content, with Skipped saying so. 0 means
	// DefaultAttachmentBytes.
	MaxBytes int64
}

// AttachmentData is an attachment with its content, as MailService.GetAttachments returns it.
type AttachmentData struct {
	AttachmentInfo
	// Content is the file's bytes for a file attachment, and the attached message as MIME (an .eml file) for an
	// item attachment.
	Content []byte
	// SHA256 is the hex SHA-256 of Content ("" when there is no content).
	SHA256 string
	// Message is the attached message of an item attachment, decoded (nil for file attachments).
	Message *Message
	// Attachments are the attachments of the attached message, fetched the same way, down to MaxDepth.
	Attachments []*AttachmentData
	// Skipped says why the content was not fetched ("" when it was): the size bound or the depth bound.
	Skipped string
}

// getAttachments is GetAttachments over EWS.
func (s ewsMail) getAttachments(ctx context.Context, id string, opts AttachmentOptions) ([]*AttachmentData, error) {
	if opts.MaxDepth < 0 {
		return nil, inputErr("AttachmentOptions.MaxDepth", "%d is negative", opts.MaxDepth)
	}
	if opts.MaxBytes < 0 {
		return nil, inputErr("AttachmentOptions.MaxBytes", "%d is negative", opts.MaxBytes)
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = DefaultAttachmentDepth
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultAttachmentBytes
	}
	infos, err := s.Attachments(ctx, id)
	if err != nil {
		return nil, err
	}
	budget := opts.MaxBytes
	return s.fetchAttachments(ctx, infos, 1, opts.MaxDepth, &budget)
}

// fetchAttachments fetches infos (at depth) and, for item attachments, their attachments below.
func (s *MailService) fetchAttachments(ctx context.Context, infos []AttachmentInfo, depth, maxDepth int, budget *int64) ([]*AttachmentData, error) {
	out := make([]*AttachmentData, 0, len(infos))
	for _, info := range infos {
		d := &AttachmentData{AttachmentInfo: info}
		out = append(out, d)
		if depth > maxDepth {
			d.Skipped = fmt.Sprintf("depth bound: attachments are fetched %d levels deep", maxDepth)
			continue
		}
		if info.Size > *budget {
			d.Skipped = fmt.Sprintf("size bound: %d bytes, %d bytes left of the bound", info.Size, *budget)
			continue
		}
		a, err := s.getAttachment(ctx, info.ID, info.IsItem)
		if err != nil {
			return out, err
		}
		full := attachmentFromWire(a, s.c.cfg.Location)
		if full.Size == 0 {
			full.Size = info.Size
		}
		d.AttachmentInfo = full
		var encoded string
		if d.IsItem {
			if len(a.Items) != 1 {
				return out, fmt.Errorf("%w: item attachment %q came without its item", ErrMalformedResponse, info.Name)
			}
			it := &a.Items[0]
			d.Message = messageFromWire(it, s.c.cfg.Location)
			if it.MimeContent != nil {
				encoded = it.MimeContent.Base64
			}
		} else {
			encoded = a.Content
		}
		content, err := decodeBase64(encoded)
		if err != nil {
			return out, fmt.Errorf("%w: attachment %q: %v", ErrMalformedResponse, info.Name, err)
		}
		if int64(len(content)) > *budget {
			d.Skipped = fmt.Sprintf("size bound: %d bytes, %d bytes left of the bound", len(content), *budget)
		} else {
			*budget -= int64(len(content))
			d.Content = content
			sum := sha256.Sum256(content)
			d.SHA256 = hex.EncodeToString(sum[:])
			if d.Size == 0 {
				d.Size = int64(len(content))
			}
		}
		if d.Message != nil && len(d.Message.Attachments) > 0 {
			nested, err := s.fetchAttachments(ctx, d.Message.Attachments, depth+1, maxDepth, budget)
			d.Attachments = nested
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// getAttachment fetches one attachment by id with GetAttachment (item attachments with their MIME content).
func (s *MailService) getAttachment(ctx context.Context, id string, mime bool) (*soap.AttachmentResp, error) {
	if err := checkAttachmentID(id); err != nil {
		return nil, err
	}
	req := &soap.GetAttachment{AttachmentIDs: []soap.AttachmentID{{ID: id}}}
	if mime {
		req.AttachmentShape = &soap.AttachmentShape{IncludeMimeContent: Ptr(true)}
	}
	resp, err := doOne(ctx, s.c, req)
	if err != nil {
		return nil, err
	}
	m := &resp.ResponseMessages[0]
	if len(m.Attachments.Attachments) != 1 {
		return nil, fmt.Errorf("%w: GetAttachment returned %d attachments for 1 id", ErrMalformedResponse, len(m.Attachments.Attachments))
	}
	return &m.Attachments.Attachments[0], nil
}
