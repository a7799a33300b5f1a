package ews

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ewsgo/ews/internal/soap"
)

// Fuzz tests of the parsers of caller input: message references, addresses, drafts, dates in queries, and of
// the parsers of values in server answers (header blocks, xs:date and xs:dateTime). Each must return a value or
// an error, never panic; input errors name their field; what they accept encodes to XML that reads back the same.

// xmlText reports whether s consists of characters XML 1.0 can carry (others are replaced by encoding/xml).
func xmlText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// checkInputErr fails unless err is an *InputError about field.
func checkInputErr(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("error %v (%T) is not an *InputError", err, err)
	}
	for _, f := range fields {
		if ie.Field == f {
			if ie.Problem == "" || !strings.Contains(err.Error(), f) {
				t.Fatalf("error %q does not name %s or say the problem", err, f)
			}
			return
		}
	}
	t.Fatalf("error %q is about %q, want one of %q", err, ie.Field, fields)
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"", " ", "<abc@example.com>", "abc@example.com", " <a@b> ", "<@b>", "<a@>", "<>", "<a b@c>",
		"AAMkADEzNzY2ZjM1LTQ5ZWMtNDkzNy1iMGU4LTEyNDQ0ZDQxYmM4MABGAAAAAAA=", "AAAAAAAAAAAA", "AAAA AAAA", "short",
		"<a]]&amp;\"'@evil.example]]>", "<<a@b>>", "a@b@c", "<a@b\x00>", "\u00e9@\u00e9.example", "not base64!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, norm, err := parseRef("ids[3]", s)
		if err != nil {
			checkInputErr(t, err, "ids[3]")
			if kind != 0 && kind != refMessageID || norm != "" {
				t.Fatalf("parseRef(%q) failed but returned %d %q", s, kind, norm)
			}
		} else {
			switch kind {
			case refItemID:
				if norm != strings.TrimSpace(s) || strings.ContainsAny(norm, "@ \t\r\n") {
					t.Fatalf("ItemId %q from %q", norm, s)
				}
				if _, err := base64.StdEncoding.DecodeString(norm); err != nil {
					t.Fatalf("ItemId %q is not base64: %v", norm, err)
				}
			case refMessageID:
				checkMessageID(t, s, norm)
			default:
				t.Fatalf("parseRef(%q) = kind %d", s, kind)
			}
		}
		mid, err := normalizeMessageID("Draft.InternetMessageID", s)
		if err != nil {
			checkInputErr(t, err, "Draft.InternetMessageID")
			return
		}
		checkMessageID(t, s, mid)
	})
}

// checkMessageID checks a normalized Message-ID: in angle brackets, an @ with text on both sides, nothing that
// ends it early, and stable when normalized again or parsed as a reference.
func checkMessageID(t *testing.T, from, mid string) {
	t.Helper()
	inner, open := strings.CutPrefix(mid, "<")
	inner, closed := strings.CutSuffix(inner, ">")
	if !open || !closed || strings.ContainsAny(inner, "<> \t\r\n\x00") {
		t.Fatalf("Message-ID %q from %q", mid, from)
	}
	if at := strings.LastIndexByte(inner, '@'); at <= 0 || at == len(inner)-1 {
		t.Fatalf("Message-ID %q from %q has no local@domain", mid, from)
	}
	if again, err := normalizeMessageID("x", mid); err != nil || again != mid {
		t.Fatalf("normalizing %q again = %q, %v", mid, again, err)
	}
	if k, n, err := parseRef("x", mid); err != nil || k != refMessageID || n != mid {
		t.Fatalf("parseRef(%q) = %d %q %v", mid, k, n, err)
	}
}

func FuzzAddress(f *testing.F) {
	for _, s := range []string{"bob@example.com", "Bob Smith <bob@example.com>", `"Smith, Bob" <bob@example.com>`, "<bob@example.com>",
		`"</t:Name><t:Foo>" <"]]>"@example.com>`, "=?utf-8?q?J=C3=B6rg?= <j@example.com>", "bob", "", "@", "a@", "@b",
		"bob@example.com, carol@example.com", "Bob <bob@example.com", "bob@[127.0.0.1]", "(comment) bob@example.com", "\x00@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := recipients("Draft.To", []string{s})
		if err != nil {
			checkInputErr(t, err, "Draft.To[0]")
		} else {
			if rs == nil || len(rs.Mailboxes) != 1 {
				t.Fatalf("recipients(%q) = %+v", s, rs)
			}
			m := rs.Mailboxes[0]
			if at := strings.LastIndexByte(m.EmailAddress, '@'); at <= 0 || at == len(m.EmailAddress)-1 {
				t.Fatalf("recipients(%q) gave the address %q", s, m.EmailAddress)
			}
			b, err := xml.Marshal(rs)
			if err != nil {
				t.Fatalf("marshal %+v: %v", rs, err)
			}
			var back struct {
				Mailboxes []struct {
					Name         string `xml:"Name"`
					EmailAddress string `xml:"EmailAddress"`
				} `xml:"Mailbox"`
			}
			if err := xml.Unmarshal(b, &back); err != nil || len(back.Mailboxes) != 1 {
				t.Fatalf("the recipients of %q encode to XML that does not read back: %v\n%s", s, err, b)
			}
			if back.Mailboxes[0].Name != m.Name || back.Mailboxes[0].EmailAddress != m.EmailAddress {
				t.Fatalf("%+v reads back from XML as %+v", m, back.Mailboxes[0])
			}
		}
		if _, err := parseAddress("NewEvent.Required[0]", s); err != nil && !strings.Contains(err.Error(), "NewEvent.Required[0]") {
			t.Fatalf("parseAddress(%q): error %q does not name the field", s, err)
		}
		if err := checkEmail("SearchOptions.Sender", s); err != nil {
			if !strings.Contains(err.Error(), "SearchOptions.Sender") {
				t.Fatalf("checkEmail(%q): error %q does not name the field", s, err)
			}
		} else if at := strings.LastIndexByte(s, '@'); at <= 0 || strings.ContainsAny(s, "<> \x00") {
			t.Fatalf("checkEmail accepted %q", s)
		}
	})
}

// sentDraft is what FuzzDraft reads back from a CreateItem request.
type sentDraft struct {
	Messages []struct {
		Subject     string   `xml:"Subject"`
		Body        string   `xml:"Body"`
		Categories  []string `xml:"Categories>String"`
		To          []string `xml:"ToRecipients>Mailbox>EmailAddress"`
		ToNames     []string `xml:"ToRecipients>Mailbox>Name"`
		Attachments []string `xml:"Attachments>FileAttachment>Name"`
		MessageID   string   `xml:"InternetMessageId"`
	} `xml:"Body>CreateItem>Items>Message"`
}

func FuzzDraft(f *testing.F) {
	f.Add("Bob <bob@example.com>", "Report", "Hello", "SOAR", "ioc.txt", "")
	f.Add(`"</t:Name>]]>" <bob@example.com>`, "</t:Subject><t:Foo>", "a]]>b <![CDATA[x]]>", "</t:String>", `x"/><t:Exists/>&amp;'`, "<a]]&\"'@evil.example]]>")
	f.Add("bob@example.com", "\r\n\t", "\x00\x01\ufffe", "\xff", " ", "a@b")
	f.Add("nope", "", "", "", "", "<>")
	f.Add("<0@0>", "0", "0", "0", "0", "0@\xf0") // a Message-ID that is not UTF-8 would be sent altered
	c, err := New(Config{Host: "mail.example.com", Username: `CORP\alice`, Password: "pw", EmailAddress: "alice@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	s := c.Mail()
	f.Fuzz(func(t *testing.T, to, subject, body, category, attachment, mid string) {
		d := Draft{To: []string{to}, Subject: subject, Body: body, Categories: []string{category},
			Attachments: []Attachment{{Name: attachment, Content: []byte(body)}}, InternetMessageID: mid}
		msg, atts, err := s.buildMessage(d)
		if err != nil {
			checkInputErr(t, err, "Draft.To[0]", "Draft.InternetMessageID", "Draft.Attachments[0].Name", "Draft.Subject", "Draft.Body",
				"Draft.Categories[0]")
			return
		}
		msg.Attachments = &soap.Attachments{Attachments: atts}
		var buf bytes.Buffer
		if err := soap.WriteRequest(&buf, soap.Header{Version: "Exchange2013_SP1"}, &soap.CreateItem{MessageDisposition: "SendOnly", Items: soap.ItemList{msg}}); err != nil {
			t.Fatalf("WriteRequest: %v", err)
		}
		var back sentDraft
		if err := xml.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Messages) != 1 {
			t.Fatalf("the request is not one message in well-formed XML (%v):\n%s", err, buf.Bytes())
		}
		got := back.Messages[0]
		if len(got.To) != 1 || len(got.Categories) != 1 || len(got.Attachments) != 1 || got.MessageID == "" {
			t.Fatalf("read back %+v: an element was added or lost\n%s", got, buf.Bytes())
		}
		checkMessageID(t, mid, got.MessageID)
		if mid != "" && got.MessageID != msg.InternetMessageID {
			t.Fatalf("Message-ID %q reads back as %q", msg.InternetMessageID, got.MessageID)
		}
		for _, p := range [][2]string{{subject, got.Subject}, {body, got.Body}, {category, got.Categories[0]}, {attachment, got.Attachments[0]},
			{msg.ToRecipients.Mailboxes[0].EmailAddress, got.To[0]}, {msg.ToRecipients.Mailboxes[0].Name, strings.Join(got.ToNames, "")}} {
			if !xmlText(p[0]) {
				t.Fatalf("%q, which XML cannot carry, was accepted", p[0])
			}
			if p[0] != p[1] {
				t.Fatalf("%q reads back from the request as %q\n%s", p[0], p[1], buf.Bytes())
			}
		}
	})
}

func FuzzParseHeaderBlock(f *testing.F) {
	for _, s := range []string{"Received: from a\r\n\tby b\r\nSubject: hi\r\n", "X: 1\nX: 2\n", ": no name\n", "\tcontinuation first\n",
		"no colon\n", "A:\rB: c\n", "", "\n\n\n", "Name:\n folded\n  twice\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hs := parseHeaderBlock(s)
		if len(hs) > strings.Count(s, "\n")+1 {
			t.Fatalf("%d headers from %d lines", len(hs), strings.Count(s, "\n")+1)
		}
		for _, h := range hs {
			if h.Name == "" || h.Name != strings.TrimSpace(h.Name) || strings.ContainsAny(h.Name, ":\n") || h.Value != strings.TrimSpace(h.Value) || strings.Contains(h.Value, "\n") {
				t.Fatalf("header %q: %q from %q", h.Name, h.Value, s)
			}
		}
	})
}

// dateKeys are query keys whose values are dates or times, of each kind.
var dateKeys = []string{"datetime_received__gt", "datetime_sent", "start__gte", "end__lt", "birthday", "birthday__range"}

func FuzzQueryDates(f *testing.F) {
	for i, s := range []string{"2018-01-20T18:30:00Z", "2018-01-20T18:30:00.123456+05:30", "2018-01-20 18:30:00z", "2018-01-20",
		"2018-01-20T18:30", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2018-02-30", " 2018-01-20 ", "20180120", "",
		"0000-01-10", "0000-01-10", "0000-01-10", "0000-01-10", // year 0 is no xs:date, for each key
	} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		key := dateKeys[int(k)%len(dateKeys)]
		var v any = s
		if strings.HasSuffix(key, "__range") {
			v = []string{s, s}
		}
		q := Where(key, v)
		if err := q.Err(); err != nil {
			checkQueryError(t, err, 0)
			return
		}
		r, _, err := q.restriction()
		if err != nil {
			t.Fatalf("restriction of %s: %v", q, err)
		}
		var walk func(e soap.Expr)
		walk = func(e soap.Expr) {
			for _, c := range e.Children {
				walk(c)
			}
			if e.Value == "" {
				return
			}
			var d soap.DateTime
			if err := d.UnmarshalText([]byte(e.Value)); err != nil || d.Year() < 1 || d.Year() > 9999 {
				t.Fatalf("%s sends the value %q, not an xs:dateTime or xs:date of years 1-9999 (%v)", q, e.Value, err)
			}
		}
		if r != nil {
			walk(r.Expr)
		}
		checkQuery(t, q)
	})
}

func FuzzWireDates(f *testing.F) {
	for _, s := range []string{"2024-03-01", "2024-03-01Z", "2024-03-01+01:00", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00.1234567",
		"2024-13-01", "", " ", "0000-00-00", "99999-01-01", "2024-03-01T25:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseWireDate(s); !d.IsZero() {
			if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 || d.Format(time.DateOnly) != strings.TrimSpace(s)[:10] {
				t.Fatalf("parseWireDate(%q) = %v, want that day's UTC midnight", s, d)
			}
		}
		var dt soap.DateTime
		if err := dt.UnmarshalText([]byte(s)); err != nil {
			var pe *time.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("DateTime.UnmarshalText(%q): error %v (%T) is not a *time.ParseError", s, err, err)
			}
		} else if strings.TrimSpace(s) == "" && !dt.IsZero() {
			t.Fatalf("DateTime.UnmarshalText(%q) = %v, want the zero time", s, dt)
		}
	})
}
