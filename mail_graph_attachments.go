package ews

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
)

// getAttachments is GetAttachments over Graph: each attachment's raw contents (GET .../attachments/{id}/$value:
// a file's bytes, an attached message's MIME), within opts.MaxBytes. An attached message is decoded from its
// MIME headers (and a single-part body); its own attachments are not opened (Graph v1.0 does not address an
// attachment of an attached message), whatever MaxDepth says.
func (s graphMail) getAttachments(ctx context.Context, id string, opts AttachmentOptions) ([]*AttachmentData, error) {
	if opts.MaxDepth < 0 {
		return nil, inputErr("AttachmentOptions.MaxDepth", "%d is negative", opts.MaxDepth)
	}
	if opts.MaxBytes < 0 {
		return nil, inputErr("AttachmentOptions.MaxBytes", "%d is negative", opts.MaxBytes)
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultAttachmentBytes
	}
	infos, err := s.attachments(ctx, id)
	if err != nil {
		return nil, err
	}
	budget := opts.MaxBytes
	out := make([]*AttachmentData, 0, len(infos))
	for _, info := range infos {
		d := &AttachmentData{AttachmentInfo: info}
		out = append(out, d)
		if info.Size > budget {
			d.Skipped = fmt.Sprintf("size bound: %d bytes, %d bytes left of the bound", info.Size, budget)
			continue
		}
		msg, att, err := splitAttachmentID(info.ID)
		if err != nil {
			return out, err
		}
		content, err := s.g().AttachmentValue(ctx, msg, att)
		if err != nil {
			return out, s.c.graphErr("get attachment", err, nil)
		}
		if int64(len(content)) > budget {
			d.Skipped = fmt.Sprintf("size bound: %d bytes, %d bytes left of the bound", len(content), budget)
			continue
		}
		budget -= int64(len(content))
		d.Content = content
		sum := sha256.Sum256(content)
		d.SHA256 = hex.EncodeToString(sum[:])
		if d.Size == 0 {
			d.Size = int64(len(content))
		}
		if d.IsItem {
			d.Message = messageFromMIME(content)
		}
	}
	return out, nil
}

// messageFromMIME decodes what GetAttachments reports of an attached message from its MIME: the headers
// (in order), subject, addresses, Message-ID, threading headers, sent time, and a single-part text or HTML body.
// Nil when the MIME cannot be read.
func messageFromMIME(raw []byte) *Message {
	mm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	dec := new(mime.WordDecoder)
	text := func(v string) string {
		if d, err := dec.DecodeHeader(v); err == nil {
			return d
		}
		return v
	}
	addrs := func(name string) []Address {
		list, err := mm.Header.AddressList(name)
		if err != nil {
			return nil
		}
		out := make([]Address, len(list))
		for i, a := range list {
			out[i] = Address{Name: a.Name, Email: a.Address}
		}
		return out
	}
	m := &Message{ItemClass: "IPM.Note", Subject: text(mm.Header.Get("Subject")),
		InternetMessageID: strings.TrimSpace(mm.Header.Get("Message-Id")), InReplyTo: strings.TrimSpace(mm.Header.Get("In-Reply-To")),
		References: strings.TrimSpace(mm.Header.Get("References")), To: addrs("To"), Cc: addrs("Cc"), ReplyTo: addrs("Reply-To")}
	if from := addrs("From"); len(from) > 0 {
		m.From = from[0]
		m.Sender = from[0]
	}
	if sender := addrs("Sender"); len(sender) > 0 {
		m.Sender = sender[0]
	}
	if t, err := mm.Header.Date(); err == nil {
		m.Sent = t
	}
	if end := bytes.Index(raw, []byte("\r\n\r\n")); end > 0 {
		m.Headers = parseHeaderBlock(string(raw[:end]))
	} else if end := bytes.Index(raw, []byte("\n\n")); end > 0 {
		m.Headers = parseHeaderBlock(string(raw[:end]))
	}
	ct, _, err := mime.ParseMediaType(mm.Header.Get("Content-Type"))
	if err != nil {
		ct = "text/plain"
	}
	if enc := strings.ToLower(mm.Header.Get("Content-Transfer-Encoding")); ct == "text/plain" || ct == "text/html" {
		if enc == "" || enc == "7bit" || enc == "8bit" {
			body, _ := io.ReadAll(io.LimitReader(mm.Body, 16<<20))
			if ct == "text/html" {
				m.BodyHTML = string(body)
				m.Body = htmlText(m.BodyHTML)
			} else {
				m.Body = string(body)
			}
		}
	}
	return m
}
