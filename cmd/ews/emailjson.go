package main

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ewsgo/ews/connector"
)

// appendEmail appends e's JSON to b, byte for byte what marshal (encoding/json without HTML escaping) writes,
// without reflection: the emails of a large search are most of what the command writes. ok is false when e holds
// a value encoding/json refuses (a time outside years 0-9999): the caller then encodes it with encoding/json,
// which reports the error. TestAppendEmail holds it to encoding/json, field by field.
func appendEmail(b []byte, e *connector.Email) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"message_id":`...)
	b = appendString(b, e.MessageID)
	b = append(b, `,"subject":`...)
	b = appendString(b, e.Subject)
	b = append(b, `,"sender":`...)
	b = appendPersonPtr(b, e.Sender)
	b = append(b, `,"from":`...)
	b = appendPersonPtr(b, e.From)
	b = append(b, `,"to":`...)
	b = appendPeople(b, e.To)
	b = append(b, `,"cc":`...)
	b = appendPeople(b, e.Cc)
	b = append(b, `,"bcc":`...)
	b = appendPeople(b, e.Bcc)
	b = append(b, `,"received":`...)
	if b, ok = appendTime(b, e.Received); !ok {
		return b, false
	}
	b = append(b, `,"sent":`...)
	if b, ok = appendTime(b, e.Sent); !ok {
		return b, false
	}
	b = append(b, `,"body":`...)
	b = appendString(b, e.Body)
	b = append(b, `,"body_html":`...)
	b = appendString(b, e.BodyHTML)
	b = append(b, `,"is_read":`...)
	b = strconv.AppendBool(b, e.IsRead)
	b = append(b, `,"importance":`...)
	b = appendString(b, e.Importance)
	b = append(b, `,"categories":`...)
	if e.Categories == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range e.Categories {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
		}
		b = append(b, ']')
	}
	b = append(b, `,"has_attachments":`...)
	b = strconv.AppendBool(b, e.HasAttachments)
	b = append(b, `,"attachments":`...)
	if e.Attachments == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range e.Attachments {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendString(b, a.ID)
			b = append(b, `,"name":`...)
			b = appendString(b, a.Name)
			b = append(b, `,"content_type":`...)
			b = appendString(b, a.ContentType)
			b = append(b, `,"size":`...)
			b = strconv.AppendInt(b, a.Size, 10)
			b = append(b, `,"is_inline":`...)
			b = strconv.AppendBool(b, a.IsInline)
			b = append(b, `,"is_item":`...)
			b = strconv.AppendBool(b, a.IsItem)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"headers":`...)
	if e.Headers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, h := range e.Headers {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, h.Name)
			b = append(b, `,"value":`...)
			b = appendString(b, h.Value)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"folder_id":`...)
	b = appendString(b, e.FolderID)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, e.Size, 10)
	if e.Cursor != "" {
		b = append(b, `,"cursor":`...)
		b = appendString(b, e.Cursor)
	}
	return append(b, '}'), true
}

func appendPersonPtr(b []byte, p *connector.Person) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendPerson(b, *p)
}

func appendPerson(b []byte, p connector.Person) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, p.Name)
	b = append(b, `,"email":`...)
	b = appendString(b, p.Email)
	return append(b, '}')
}

func appendPeople(b []byte, ps []connector.Person) []byte {
	if ps == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPerson(b, p)
	}
	return append(b, ']')
}

// appendTime appends t as time.Time's MarshalJSON does (RFC 3339 with the nanoseconds, quoted; MarshalText
// writes the same text and fails where it does); ok is false where it fails.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, false
	}
	return append(b, '"'), true
}

const hexDigits = "0123456789abcdef"

// plain8 reports whether none of the 8 bytes of x needs escaping in a JSON string: none is below 0x20, '"',
// '\\' or non-ASCII.
func plain8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	// (v - lo*n) &^ v & hi is not 0 exactly when a byte of v is below n (n <= 0x80): below 0x20, or 0 after the
	// xor with '"' or '\\'; x & hi, a byte with its high bit set.
	return ((x-lo*0x20)&^x|(q-lo)&^q|(bs-lo)&^bs|x)&hi == 0
}

// appendString appends s as a JSON string as encoding/json does without HTML escaping: '"', '\\' and control
// characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped. Runs of plain ASCII are skipped 8
// bytes at a time; a group of 8 that is not plain is looked at byte by byte.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plain8(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
			continue
		}
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			if c < utf8.RuneSelf {
				i++
				if c >= 0x20 && c != '"' && c != '\\' {
					continue
				}
				b = append(b, s[start:i-1]...)
				switch c {
				case '\\', '"':
					b = append(b, '\\', c)
				case '\b':
					b = append(b, '\\', 'b')
				case '\f':
					b = append(b, '\\', 'f')
				case '\n':
					b = append(b, '\\', 'n')
				case '\r':
					b = append(b, '\\', 'r')
				case '\t':
					b = append(b, '\\', 't')
				default:
					b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
				}
				start = i
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				start = i + 1
			case r == '\u2028' || r == '\u2029':
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
				start = i + size
			}
			i += size
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
