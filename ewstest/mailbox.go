package ewstest

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// Message is a mail message as a test seeds it and reads it back. Addresses are "Name <addr>" or "addr".
type Message struct {
	// ID is the item id, set by the server (ignored when seeding).
	ID      string
	Subject string
	Body    string
	// HTML says Body is HTML.
	HTML bool
	From string
	To   []string
	Cc   []string
	Bcc  []string
	// Received is when the message arrived; the server's clock when zero.
	Received time.Time
	IsRead   bool
	// Importance is "Low", "Normal" or "High".
	Importance string
	Categories []string
	// MessageID is the Internet Message-ID; the server makes one when empty.
	MessageID string
	// Headers are Internet headers (name, value).
	Headers     [][2]string
	Attachments []Attachment
}

// Attachment is a file or a message attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	// Content is a file attachment's bytes.
	Content []byte
	// Message, when set, makes this an item attachment: a whole message attached, as users forward a reported
	// phish. Its own attachments may hold messages again. Content is then ignored.
	Message *Message
}

// Event is a calendar item.
type Event struct {
	// ID is the item id, set by the server (ignored when seeding).
	ID        string
	Subject   string
	Body      string
	Location  string
	Start     time.Time
	End       time.Time
	AllDay    bool
	Organizer string
	// Attendees are required attendees.
	Attendees []string
	// ShowAs is "Free", "Tentative", "Busy" (the default) or "OOF".
	ShowAs      string
	IsCancelled bool
}

// Contact is a contact of the Contacts folder.
type Contact struct {
	// ID is the item id, set by the server (ignored when seeding).
	ID          string
	DisplayName string
	GivenName   string
	Surname     string
	Company     string
	JobTitle    string
	// Emails are up to three addresses.
	Emails []string
	// Phones maps a phone key (BusinessPhone, MobilePhone, HomePhone, ...) to a number.
	Phones map[string]string
}

// Mailbox is one mailbox of the server.
type Mailbox struct{ mb *testserver.Mailbox }

// Mailbox returns the mailbox with the given address, or the first user's when address is empty; nil when the
// server has no such mailbox.
func (s *Server) Mailbox(address ...string) *Mailbox {
	var mb *testserver.Mailbox
	if len(address) == 0 || address[0] == "" {
		mb = s.srv.Default()
	} else {
		mb = s.srv.Mailbox(address[0])
	}
	if mb == nil {
		return nil
	}
	return &Mailbox{mb: mb}
}

// Address returns the mailbox's address.
func (m *Mailbox) Address() string { return m.mb.Address }

// AddFolder creates the folder path (e.g. "Inbox/Phishing": a new folder Phishing under the Inbox) and
// returns its id.
func (m *Mailbox) AddFolder(path string) (string, error) {
	path = strings.Trim(path, "/")
	parent, name := "msgfolderroot", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		parent, name = path[:i], path[i+1:]
	}
	return m.mb.AddFolder(parent, name, "IPF.Note")
}

// HasFolder tells whether the folder (a distinguished name such as "inbox", or a path) exists.
func (m *Mailbox) HasFolder(path string) bool { return m.mb.FolderID(path) != "" }

// AddMessage stores a message in folder (a distinguished name such as "inbox" or "deleteditems", or a path
// such as "Inbox/Phishing") and returns its id.
func (m *Mailbox) AddMessage(folder string, msg Message) (string, error) {
	if m.mb.FolderID(folder) == "" {
		return "", fmt.Errorf("ewstest: no folder %q in %s", folder, m.mb.Address)
	}
	return m.mb.AddItem(folder, toItem(msg)), nil
}

// toItem is msg as the server stores it, with its attached messages as nested items.
func toItem(msg Message) testserver.Item {
	it := testserver.Item{ItemClass: "IPM.Note", Subject: msg.Subject, Body: msg.Body, From: addr(msg.From), To: addrs(msg.To),
		Cc: addrs(msg.Cc), Bcc: addrs(msg.Bcc), DateTimeReceived: msg.Received, IsRead: msg.IsRead, Importance: msg.Importance,
		Categories: msg.Categories, InternetMessageID: msg.MessageID}
	if msg.HTML {
		it.BodyType = "HTML"
	}
	for _, h := range msg.Headers {
		it.Headers = append(it.Headers, testserver.InternetHeader{Name: h[0], Value: h[1]})
	}
	for _, a := range msg.Attachments {
		if a.Message != nil {
			nested := toItem(*a.Message)
			it.Attachments = append(it.Attachments, testserver.Attachment{Name: a.Name, Item: &nested})
			continue
		}
		it.Attachments = append(it.Attachments, testserver.Attachment{Name: a.Name, ContentType: a.ContentType, Content: a.Content,
			Size: len(a.Content)})
	}
	return it
}

// AddEvent stores an event in the calendar and returns its id.
func (m *Mailbox) AddEvent(e Event) (string, error) {
	if e.End.Before(e.Start) {
		return "", fmt.Errorf("ewstest: event %q ends before it starts", e.Subject)
	}
	it := testserver.Item{ItemClass: "IPM.Appointment", Subject: e.Subject, Body: e.Body, Location: e.Location, Start: e.Start,
		End: e.End, IsAllDayEvent: e.AllDay, Organizer: addr(e.Organizer), LegacyFreeBusyStatus: e.ShowAs, IsCancelled: e.IsCancelled}
	if it.LegacyFreeBusyStatus == "" {
		it.LegacyFreeBusyStatus = "Busy"
	}
	if it.Organizer.Email == "" {
		it.Organizer = testserver.Address{Name: m.mb.DisplayName, Email: m.mb.Address}
	}
	for _, a := range e.Attendees {
		it.RequiredAttendees = append(it.RequiredAttendees, testserver.Attendee{Address: addr(a), Response: "NoResponseReceived"})
	}
	it.IsMeeting = len(it.RequiredAttendees) > 0
	return m.mb.AddItem("calendar", it), nil
}

// AddContact stores a contact and returns its id.
func (m *Mailbox) AddContact(c Contact) string {
	it := testserver.Item{DisplayName: c.DisplayName, GivenName: c.GivenName, Surname: c.Surname, CompanyName: c.Company,
		JobTitle: c.JobTitle, PhoneNumbers: c.Phones}
	for i, e := range c.Emails {
		if i == 3 {
			break
		}
		if it.EmailAddresses == nil {
			it.EmailAddresses = map[string]string{}
		}
		it.EmailAddresses[fmt.Sprintf("EmailAddress%d", i+1)] = e
	}
	return m.mb.AddContact(it)
}

// Seed fills the mailbox with n realistic messages (colleagues, vendors and phishers; about a third unread;
// some in Inbox/Phishing and Inbox/Processed, which it creates), six events and eight contacts. The same n and
// seed give the same content.
func (m *Mailbox) Seed(n int, seed uint64) error {
	_, err := m.mb.Seed(testserver.SeedOptions{Messages: n, Seed: seed})
	return err
}

// Messages returns the messages of a folder, oldest first.
func (m *Mailbox) Messages(folder string) []Message {
	var out []Message
	for _, it := range m.mb.Items(folder) {
		if it.Kind() == "message" {
			out = append(out, toMessage(it))
		}
	}
	return out
}

// Message returns the message with the given id, wherever it is, and whether it exists.
func (m *Mailbox) Message(id string) (Message, bool) {
	it, ok := m.mb.Item(id)
	if !ok || it.Kind() != "message" {
		return Message{}, false
	}
	return toMessage(it), true
}

// Events returns the events of the calendar (series masters and single events), oldest first.
func (m *Mailbox) Events() []Event {
	var out []Event
	for _, it := range m.mb.Items("calendar") {
		if it.Kind() != "calendar" {
			continue
		}
		e := Event{ID: it.ID, Subject: it.Subject, Body: it.Body, Location: it.Location, Start: it.Start, End: it.End,
			AllDay: it.IsAllDayEvent, Organizer: format(it.Organizer), ShowAs: it.LegacyFreeBusyStatus, IsCancelled: it.IsCancelled}
		for _, a := range it.RequiredAttendees {
			e.Attendees = append(e.Attendees, format(a.Address))
		}
		out = append(out, e)
	}
	return out
}

// Contacts returns the contacts of the Contacts folder.
func (m *Mailbox) Contacts() []Contact {
	var out []Contact
	for _, it := range m.mb.Items("contacts") {
		c := Contact{ID: it.ID, DisplayName: it.DisplayName, GivenName: it.GivenName, Surname: it.Surname, Company: it.CompanyName,
			JobTitle: it.JobTitle, Phones: it.PhoneNumbers}
		for i := 1; i <= 3; i++ {
			if e := it.EmailAddresses[fmt.Sprintf("EmailAddress%d", i)]; e != "" {
				c.Emails = append(c.Emails, e)
			}
		}
		out = append(out, c)
	}
	return out
}

// Messages returns the messages of a folder of the first user's mailbox, oldest first.
func (s *Server) Messages(folder string) []Message { return s.Mailbox().Messages(folder) }

// AddMessage stores a message in a folder of the first user's mailbox and returns its id. It fails the test
// (panics without one) when the folder does not exist.
func (s *Server) AddMessage(folder string, msg Message) string {
	if s.t != nil {
		s.t.Helper()
	}
	id, err := s.Mailbox().AddMessage(folder, msg)
	if err != nil {
		s.fail("%v", err)
	}
	return id
}

// Sent returns every message the server's users sent (with or without a copy in Sent Items, to recipients of
// this server or not), oldest first.
func (s *Server) Sent() []Message {
	var out []Message
	for _, it := range s.srv.Sent() {
		out = append(out, toMessage(it))
	}
	return out
}

func toMessage(it testserver.Item) Message {
	m := Message{ID: it.ID, Subject: it.Subject, Body: it.Body, HTML: it.BodyType == "HTML", From: format(it.From),
		To: formatAll(it.To), Cc: formatAll(it.Cc), Bcc: formatAll(it.Bcc), Received: it.DateTimeReceived, IsRead: it.IsRead,
		Importance: it.Importance, Categories: it.Categories, MessageID: it.InternetMessageID}
	for _, h := range it.Headers {
		m.Headers = append(m.Headers, [2]string{h.Name, h.Value})
	}
	for _, a := range it.Attachments {
		if a.Item != nil {
			nested := toMessage(*a.Item)
			m.Attachments = append(m.Attachments, Attachment{Name: a.Name, Message: &nested})
			continue
		}
		m.Attachments = append(m.Attachments, Attachment{Name: a.Name, ContentType: a.ContentType, Content: a.Content})
	}
	return m
}

func addr(s string) testserver.Address {
	if s == "" {
		return testserver.Address{}
	}
	if a, err := mail.ParseAddress(s); err == nil {
		return testserver.Address{Name: a.Name, Email: a.Address}
	}
	return testserver.Address{Email: s}
}

func addrs(ss []string) []testserver.Address {
	var out []testserver.Address
	for _, s := range ss {
		out = append(out, addr(s))
	}
	return out
}

func format(a testserver.Address) string {
	if a.Name == "" || a.Name == a.Email {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

func formatAll(as []testserver.Address) []string {
	var out []string
	for _, a := range as {
		out = append(out, format(a))
	}
	return out
}

// AddMailbox adds a mailbox without an account (see WithMailbox) and returns it; an existing one is returned
// as it is.
func (s *Server) AddMailbox(address, displayName string) *Mailbox {
	return &Mailbox{mb: s.srv.AddMailbox(address, displayName)}
}
