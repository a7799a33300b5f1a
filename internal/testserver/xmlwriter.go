package testserver

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// xw builds response XML with explicit prefixes, as Exchange writes it.
type xw struct {
	buf   bytes.Buffer
	stack []string
	// refs writes control characters as character references (&#x1;), as Exchange does for text copied from a
	// message, instead of U+FFFD.
	refs bool
}

// esc returns s escaped as w.text escapes it.
func (w *xw) esc(s string) string {
	t := xw{refs: w.refs}
	t.text(s)
	return t.buf.String()
}

// open writes a start tag. attrs are name, value pairs; a pair whose value is empty is omitted.
func (w *xw) open(name string, attrs ...string) *xw {
	w.start(name, attrs)
	w.buf.WriteByte('>')
	w.stack = append(w.stack, name)
	return w
}

func (w *xw) start(name string, attrs []string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		w.buf.WriteByte(' ')
		w.buf.WriteString(attrs[i])
		w.buf.WriteString(`="`)
		w.text(attrs[i+1])
		w.buf.WriteByte('"')
	}
}

// close ends the innermost open element.
func (w *xw) close() *xw {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
	return w
}

// empty writes an element with attributes and no content.
func (w *xw) empty(name string, attrs ...string) *xw {
	w.start(name, attrs)
	w.buf.WriteString("/>")
	return w
}

// elem writes <name>text</name>, escaped.
func (w *xw) elem(name, text string) *xw {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
	w.text(text)
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
	return w
}

// elemIf writes elem only when text is not empty.
func (w *xw) elemIf(name, text string) *xw {
	if text != "" {
		w.elem(name, text)
	}
	return w
}

func (w *xw) elemInt(name string, v int) *xw { return w.elem(name, strconv.Itoa(v)) }

func (w *xw) elemBool(name string, v bool) *xw { return w.elem(name, strconv.FormatBool(v)) }

// elemTime writes a UTC xs:dateTime, as Exchange does; a zero time is omitted.
func (w *xw) elemTime(name string, t time.Time) *xw {
	if t.IsZero() {
		return w
	}
	return w.elem(name, t.UTC().Format("2006-01-02T15:04:05Z"))
}

// text writes s escaped as xml.EscapeText escapes it, without converting it to bytes first.
func (w *xw) text(s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		switch {
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\t':
			esc = "&#x9;"
		case c == '\n':
			esc = "&#xA;"
		case c == '\r':
			esc = "&#xD;"
		case c < 0x20 && w.refs:
			esc = "&#x" + strings.ToUpper(strconv.FormatUint(uint64(c), 16)) + ";"
		case c < 0x20:
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || !inCharRange(r) {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			w.buf.WriteString(s[last:i])
			w.buf.WriteString(esc)
			last = i + size
		}
		i += size
	}
	w.buf.WriteString(s[last:])
}

// inCharRange reports whether r may appear in XML (the Char production of XML 1.0).
func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// raw writes already-escaped XML.
func (w *xw) raw(s string) *xw {
	w.buf.WriteString(s)
	return w
}
