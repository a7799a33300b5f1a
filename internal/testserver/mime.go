package testserver

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"strings"
)

// mimeOf returns the item's MIME content: what was stored, or an RFC 5322 message built from its fields.
func mimeOf(it *Item) []byte {
	if len(it.MimeContent) > 0 {
		return it.MimeContent
	}
	var b bytes.Buffer
	for _, h := range headersOf(it) {
		if strings.EqualFold(h.Name, "Content-Type") || strings.EqualFold(h.Name, "MIME-Version") {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	ctype := "text/plain"
	if it.BodyType == "HTML" {
		ctype = "text/html"
	}
	if len(it.Attachments) == 0 {
		fmt.Fprintf(&b, "Content-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", ctype)
		b.WriteString(wrap76(base64.StdEncoding.EncodeToString([]byte(it.Body))))
		return b.Bytes()
	}
	mw := multipart.NewWriter(&b)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", mw.Boundary())
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype + "; charset=utf-8"}, "Content-Transfer-Encoding": {"base64"}})
	_, _ = part.Write([]byte(wrap76(base64.StdEncoding.EncodeToString([]byte(it.Body)))))
	for _, a := range it.Attachments {
		h := textproto.MIMEHeader{}
		disp := "attachment"
		if a.IsInline {
			disp = "inline"
		}
		h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": a.Name}))
		if a.ContentID != "" {
			h.Set("Content-ID", "<"+a.ContentID+">")
		}
		var content []byte
		if a.Item != nil {
			h.Set("Content-Type", "message/rfc822")
			content = mimeOf(a.Item)
			p, _ := mw.CreatePart(h)
			_, _ = p.Write(content)
			continue
		}
		h.Set("Content-Type", orDefault(a.ContentType, "application/octet-stream"))
		h.Set("Content-Transfer-Encoding", "base64")
		p, _ := mw.CreatePart(h)
		_, _ = p.Write([]byte(wrap76(base64.StdEncoding.EncodeToString(a.Content))))
	}
	_ = mw.Close()
	return b.Bytes()
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}

// headersOf returns the item's Internet headers: what was stored, or headers derived from its fields.
func headersOf(it *Item) []InternetHeader {
	if len(it.Headers) > 0 {
		return it.Headers
	}
	addr := func(a Address) string { return (&mail.Address{Name: a.Name, Address: a.Email}).String() }
	list := func(as []Address) string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = addr(a)
		}
		return strings.Join(out, ", ")
	}
	var hs []InternetHeader
	add := func(n, v string) {
		if v != "" {
			hs = append(hs, InternetHeader{n, v})
		}
	}
	add("Received", "from mail.example.com (10.0.0.1) by exchange.example.com (10.0.0.2) with Microsoft SMTP Server; "+it.DateTimeReceived.Format("Mon, 2 Jan 2006 15:04:05 -0700"))
	if it.From.Email != "" {
		add("From", addr(it.From))
	}
	add("To", list(it.To))
	add("Cc", list(it.Cc))
	add("Subject", mime.QEncoding.Encode("utf-8", it.Subject))
	if !it.DateTimeSent.IsZero() {
		add("Date", it.DateTimeSent.Format("Mon, 2 Jan 2006 15:04:05 -0700"))
	}
	add("Message-ID", it.InternetMessageID)
	add("In-Reply-To", it.InReplyTo)
	add("References", it.References)
	add("Thread-Topic", it.ConversationTopic)
	add("X-MS-Exchange-Organization-AuthAs", "Internal")
	return hs
}

// transportHeaders is the item's header block as PR_TRANSPORT_MESSAGE_HEADERS holds it: "Name: value" lines
// separated by CRLF, ending with an empty line.
func transportHeaders(it *Item) string {
	var b strings.Builder
	for _, h := range headersOf(it) {
		b.WriteString(h.Name)
		b.WriteString(": ")
		b.WriteString(h.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}
