package testserver

import (
	"fmt"
	"strings"
	"time"
)

// Poison is a kind of message that real servers deliver and naive clients choke on. Mailbox.AddPoison stores one.
type Poison int

const (
	// PoisonControlChars is a message whose Subject, body, sender name and a header hold U+0000, U+0001 and
	// U+000B (as a phishing mail's raw headers can): Exchange copies them into its XML as &#x0;, &#x1;, &#xB;,
	// which XML 1.0 forbids, so a strict parser refuses the whole GetItem or FindItem answer.
	PoisonControlChars Poison = iota + 1
	// PoisonHugeHeaders is a message with about 600 KiB of headers: 4,000 Received lines and a 64 KiB X-header.
	PoisonHugeHeaders
	// PoisonBrokenMIME is a message whose MIME content is broken: a multipart boundary that never closes, a
	// part with invalid base64, 8-bit bytes and a NUL in a header, and a line longer than RFC 5322 allows.
	PoisonBrokenMIME
)

// Poisons lists every kind of poison message.
func Poisons() []Poison { return []Poison{PoisonControlChars, PoisonHugeHeaders, PoisonBrokenMIME} }

// String returns the kind's name, e.g. "PoisonControlChars".
func (p Poison) String() string {
	switch p {
	case PoisonControlChars:
		return "PoisonControlChars"
	case PoisonHugeHeaders:
		return "PoisonHugeHeaders"
	case PoisonBrokenMIME:
		return "PoisonBrokenMIME"
	}
	return fmt.Sprintf("Poison(%d)", int(p))
}

// AddPoison stores an unread poison message of a kind in a folder (see Poison) and returns its id. base gives
// the fields to start from (Subject, From, To...; zero fields get defaults); the poison is added to them.
func (mb *Mailbox) AddPoison(folder string, kind Poison, base Item) string {
	return mb.AddItem(folder, PoisonItem(kind, base))
}

// PoisonItem returns base made into a poison message of a kind, as AddPoison stores it.
func PoisonItem(kind Poison, it Item) Item {
	if it.ItemClass == "" {
		it.ItemClass = "IPM.Note"
	}
	if it.From.Email == "" {
		it.From = Address{Name: "Payroll Department", Email: "payroll@examp1e-hr.com"}
	}
	if it.Sender.Email == "" {
		it.Sender = it.From
	}
	if len(it.To) == 0 {
		it.To = []Address{{Name: "Alice", Email: DefaultEmail}}
	}
	if it.Subject == "" {
		it.Subject = "Salary adjustment"
	}
	if it.Body == "" {
		it.Body = "Open the attached form and confirm your bank details."
	}
	if it.DateTimeReceived.IsZero() {
		it.DateTimeReceived = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	if it.DateTimeSent.IsZero() {
		it.DateTimeSent = it.DateTimeReceived.Add(-time.Minute)
	}
	if it.InternetMessageID == "" {
		it.InternetMessageID = fmt.Sprintf("<poison-%d-%d@examp1e-hr.com>", int(kind), it.DateTimeReceived.Unix())
	}
	switch kind {
	case PoisonControlChars:
		it.ControlCharRefs = true
		it.Subject += " \x00\x01\x0b(urgent)"
		it.Body += "\n\x01Reference:\x0b 42\x00"
		it.From.Name += "\x0b"
		it.Sender.Name = it.From.Name
		it.Headers = append(it.Headers, InternetHeader{Name: "X-Mailer", Value: "PhishKit\x00 3.1\x01"},
			InternetHeader{Name: "Thread-Topic", Value: it.Subject})
	case PoisonHugeHeaders:
		var b strings.Builder
		for i := 0; i < 4000; i++ {
			fmt.Fprintf(&b, "from relay%d.examp1e-hr.com (relay%d.examp1e-hr.com [192.0.2.%d]) by mx.example.com; Fri, 2 Jan 2026 03:04:05 +0000", i, i, i%250)
			it.Headers = append(it.Headers, InternetHeader{Name: "Received", Value: b.String()})
			b.Reset()
		}
		it.Headers = append(it.Headers, InternetHeader{Name: "X-Padding", Value: strings.Repeat("A", 64<<10)})
	case PoisonBrokenMIME:
		it.MimeContent = []byte("From: \"Payroll\x00 Department\" <payroll@examp1e-hr.com>\r\n" +
			"To: alice@example.com\r\n" +
			"Subject: =?utf-8?B?U2FsYXJ5IGFkanVzdG1lbnQ?=\xff\xfe\r\n" +
			"X-Long: " + strings.Repeat("x", 2000) + "\r\n" +
			"MIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n" +
			"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"T3BlbiB0aGUgYXR0YWNoZWQ!!!not-base64***\r\n" +
			"--never-closed\r\nContent-Type: application/octet-stream; name=\"form.html\"\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\nPGh0bWw+")
	}
	return it
}
