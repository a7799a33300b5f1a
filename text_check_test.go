package ews

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want: "" for text XML carries, else the whole error
	}{
		{"", ""},
		{"plain text", ""},
		{"tab\tnewline\ncr\r", ""},
		{"\u007f\u0080\u009f", ""}, // DEL and C1 controls are XML 1.0 Chars
		{"\ufffd real replacement character", ""},
		{"\ud7ff\ue000\ufffd\U00010000\U0010ffff", ""},
		{`</t:Subject><t:Foo>]]>&amp;`, ""},
		{"Hello\x01", "ews: Draft.Subject: contains a control character U+0001 at byte 5, which XML cannot carry"},
		{"\x00", "ews: Draft.Subject: contains a control character U+0000 at byte 0, which XML cannot carry"},
		{"é\x1b", "ews: Draft.Subject: contains a control character U+001B at byte 2, which XML cannot carry"},
		{"ab\xff", "ews: Draft.Subject: is not valid UTF-8 (byte 0xFF at byte 2)"},
		{"a\xc3", "ews: Draft.Subject: is not valid UTF-8 (byte 0xC3 at byte 1)"},
		{"x\xed\xa0\x80y", "ews: Draft.Subject: contains the lone surrogate U+D800 (bytes ED A0 80) at byte 1, which XML cannot carry"},
		{"\xed\xbf\xbf", "ews: Draft.Subject: contains the lone surrogate U+DFFF (bytes ED BF BF) at byte 0, which XML cannot carry"},
		{"a\ufffe", "ews: Draft.Subject: contains the noncharacter U+FFFE at byte 1, which XML cannot carry"},
		{"\uffff", "ews: Draft.Subject: contains the noncharacter U+FFFF at byte 0, which XML cannot carry"},
	} {
		err := checkText("Draft.Subject", tc.in)
		if tc.want == "" {
			if err != nil {
				t.Errorf("checkText(%q) = %v, want nil", tc.in, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("checkText(%q) = %v, want %q", tc.in, err, tc.want)
			continue
		}
		checkInputErr(t, err, "Draft.Subject")
	}
}

// xmlRoundTrip writes s as XML character data with encoding/xml, reads it back, and reports whether it came back
// unchanged: the reference for what checkText must accept.
func xmlRoundTrip(t *testing.T, s string) bool {
	var b bytes.Buffer
	b.WriteString("<a>")
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		t.Fatalf("EscapeText(%q): %v", s, err)
	}
	b.WriteString("</a>")
	var back struct {
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("EscapeText(%q) wrote %q, which does not parse: %v", s, b.Bytes(), err)
	}
	return back.Text == s
}

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\tb\nc\rd", "\x00", "\x01x", "\x1f", "\x7f", "\xff", "\xc3(", "\xed\xa0\x80",
		"\xed\x9f\xbf", "\xee\x80\x80", "\ufffd", "\ufffe", "\uffff", "\U0010ffff", "\xf4\x90\x80\x80", "]]>", "&#1;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkText("Contact.Notes", s)
		if ok := xmlRoundTrip(t, s); ok != (err == nil) {
			t.Fatalf("checkText(%q) = %v, but encoding/xml round trip unchanged = %v", s, err, ok)
		}
		if err != nil {
			checkInputErr(t, err, "Contact.Notes")
			if !strings.Contains(err.Error(), "XML cannot carry") && !strings.Contains(err.Error(), "not valid UTF-8") {
				t.Fatalf("checkText(%q) = %q: the problem is not said", s, err)
			}
			if !errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrInvalidFolder) {
				t.Fatalf("checkText(%q) = %v: wrong sentinels", s, err)
			}
		}
	})
}
