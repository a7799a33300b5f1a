package ews

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/ewsgo/ews/internal/soap"
)

// attachments is Attachments over EWS.
func (s ewsMail) attachments(ctx context.Context, id string) ([]AttachmentInfo, error) {
	it, err := s.getOne(ctx, id, soap.ItemShape{BaseShape: "IdOnly",
		AdditionalProperties: soap.PathList{{FieldURI: "item:Attachments"}, {FieldURI: "item:HasAttachments"}}})
	if err != nil {
		return nil, err
	}
	var out []AttachmentInfo
	if it.Attachments != nil {
		for i := range it.Attachments.Attachments {
			out = append(out, attachmentFromWire(&it.Attachments.Attachments[i], s.c.cfg.Location))
		}
	}
	return out, nil
}

// attachmentContent is AttachmentContent over EWS.
func (s ewsMail) attachmentContent(ctx context.Context, attachmentID string) ([]byte, *AttachmentInfo, error) {
	if err := checkAttachmentID(attachmentID); err != nil {
		return nil, nil, err
	}
	req := &soap.GetAttachment{AttachmentShape: &soap.AttachmentShape{IncludeMimeContent: Ptr(true)},
		AttachmentIDs: []soap.AttachmentID{{ID: attachmentID}}}
	resp, err := doOne(ctx, s.c, req)
	if err != nil {
		return nil, nil, err
	}
	m := &resp.ResponseMessages[0]
	if len(m.Attachments.Attachments) != 1 {
		return nil, nil, fmt.Errorf("%w: GetAttachment returned %d attachments for 1 id", ErrMalformedResponse, len(m.Attachments.Attachments))
	}
	a := &m.Attachments.Attachments[0]
	info := attachmentFromWire(a, s.c.cfg.Location)
	var encoded string
	if info.IsItem {
		if len(a.Items) != 1 || a.Items[0].MimeContent == nil {
			return nil, nil, fmt.Errorf("%w: item attachment %q came without MIME content", ErrMalformedResponse, info.Name)
		}
		encoded = a.Items[0].MimeContent.Base64
	} else {
		encoded = a.Content
	}
	content, err := decodeBase64(encoded)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: attachment %q: %v", ErrMalformedResponse, info.Name, err)
	}
	if info.Size == 0 {
		info.Size = int64(len(content))
	}
	return content, &info, nil
}

// OpenAttachment is AttachmentContent as a reader, for code that streams the content on (to a file, a sandbox, a
// hash). EWS sends an attachment base64-encoded inside one XML element, so the content is held in memory while
// it is read.
func (s *MailService) OpenAttachment(ctx context.Context, attachmentID string) (io.ReadCloser, *AttachmentInfo, error) {
	content, info, err := s.AttachmentContent(ctx, attachmentID)
	if err != nil {
		return nil, nil, err
	}
	return io.NopCloser(bytes.NewReader(content)), info, nil
}

// exportMIME is ExportMIME over EWS.
func (s ewsMail) exportMIME(ctx context.Context, id string) ([]byte, error) {
	it, err := s.getOne(ctx, id, soap.ItemShape{BaseShape: "IdOnly", IncludeMimeContent: Ptr(true)})
	if err != nil {
		return nil, err
	}
	if it.MimeContent == nil {
		return nil, fmt.Errorf("%w: GetItem returned no MIME content", ErrMalformedResponse)
	}
	raw, err := decodeBase64(it.MimeContent.Base64)
	if err != nil {
		return nil, fmt.Errorf("%w: MIME content: %v", ErrMalformedResponse, err)
	}
	return raw, nil
}

// getOne resolves one message reference and fetches it with shape.
func (s *MailService) getOne(ctx context.Context, id string, shape soap.ItemShape) (*soap.Item, error) {
	res := &batchResult{total: 1}
	targets, err := s.resolve(ctx, []string{id}, res)
	if err != nil {
		if ie, ok := err.(*InputError); ok && ie.Field == "ids[0]" {
			ie.Field = "id"
		}
		return nil, err
	}
	if len(targets) == 0 {
		return nil, res.failed[0].err.Err
	}
	items, errs, err := s.getItems(ctx, targets[:1], shape)
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return items[0], nil
}

// checkAttachmentID checks the form of an AttachmentId (base64) before any request.
func checkAttachmentID(id string) error {
	t := strings.TrimSpace(id)
	if t == "" {
		return inputErr("attachmentID", "is empty")
	}
	if strings.IndexFunc(t, unicode.IsSpace) >= 0 {
		return inputErr("attachmentID", "%q is not an EWS AttachmentId (base64)", id)
	}
	if _, err := base64.StdEncoding.DecodeString(t); err != nil {
		return inputErr("attachmentID", "%q is not an EWS AttachmentId (base64)", id)
	}
	return nil
}

// decodeBase64 decodes base64 that may be split over lines (which the decoder skips) or hold other white space.
func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}
