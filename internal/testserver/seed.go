package testserver

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// SeedOptions says what Seed puts in a mailbox.
type SeedOptions struct {
	// Messages is the number of messages; most go to the Inbox, some to the folders Inbox/Phishing and
	// Inbox/Processed that Seed creates.
	Messages int
	// Seed makes the content: the same seed and Now give the same mailbox.
	Seed uint64
	// Now is the time the mailbox is seeded at: messages were received before it, events are around it. The zero
	// value means the server's clock.
	Now time.Time
	// Poison adds one unread poison message of each kind (see Poison) to the Inbox, received at Now.
	Poison bool
}

// SeedSummary counts what Seed stored.
type SeedSummary struct {
	Messages, Unread, Events, Contacts int
}

// Seed fills the mailbox with realistic content for demonstrations and playbook tests: messages from colleagues,
// vendors and phishers (about a third unread, some with attachments, some HTML, some flagged High), six calendar
// events in the coming two weeks (meetings with attendees, an all-day event, an out-of-office day), and eight
// contacts. The content depends only on the options.
func (mb *Mailbox) Seed(o SeedOptions) (SeedSummary, error) {
	now := o.Now
	if now.IsZero() {
		now = mb.srv.now()
	}
	now = now.UTC().Truncate(time.Second)
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	for _, f := range []string{"Phishing", "Processed"} {
		if mb.FolderID("inbox/"+f) == "" {
			if _, err := mb.AddFolder("inbox", f, "IPF.Note"); err != nil {
				return SeedSummary{}, err
			}
		}
	}
	var sum SeedSummary
	owner := Address{Name: mb.DisplayName, Email: mb.Address}
	domain := mb.Address[strings.LastIndexByte(mb.Address, '@')+1:]
	for i := 0; i < o.Messages; i++ {
		it, folder := seedMessage(rng, i, now, owner, domain)
		mb.AddItem(folder, it)
		sum.Messages++
		if !it.IsRead {
			sum.Unread++
		}
	}
	if o.Poison {
		for _, p := range Poisons() {
			mb.AddPoison("inbox", p, Item{To: []Address{owner}, DateTimeReceived: now})
			sum.Messages++
			sum.Unread++
		}
	}
	for i, ev := range seedEvents(now, owner, domain) {
		ev.UID = fmt.Sprintf("%040x", uint64(i+1)*0x9e3779b97f4a7c15^o.Seed)
		// Created a week before Now, so that the same seed and Now give the same times.
		ev.DateTimeCreated = now.Add(-7*24*time.Hour + time.Duration(i)*time.Minute)
		mb.AddItem("calendar", ev)
		sum.Events++
	}
	for i, ct := range seedContacts(domain) {
		if ct.DateTimeCreated.IsZero() {
			ct.DateTimeCreated = now.Add(-30*24*time.Hour + time.Duration(i)*time.Minute)
		}
		mb.AddContact(ct)
		sum.Contacts++
	}
	seedRules(mb)
	return sum, nil
}

type seedSender struct {
	name, local, domain string
	suspicious          bool
}

var seedSenders = []seedSender{
	{"Bob Martin", "bob.martin", "", false},
	{"Carol Nguyen", "carol.nguyen", "", false},
	{"Dave Okafor", "dave.okafor", "", false},
	{"IT Service Desk", "servicedesk", "", false},
	{"Contoso Billing", "billing", "contoso.com", false},
	{"Fabrikam Support", "support", "fabrikam.net", false},
	{"Northwind Traders", "orders", "northwindtraders.com", false},
	{"Microsoft 365", "no-reply", "micros0ft-365-security.com", true},
	{"IT Helpdesk", "it-support", "examp1e-helpdesk.com", true},
	{"DHL Express", "tracking", "dhl-parcel-notice.info", true},
	{"CEO Office", "ceo.office", "gmail-exec.co", true},
}

var seedSubjects = []struct {
	subject, body string
	suspicious    bool
	attachment    string
}{
	{"Quarterly report draft", "Hi,\n\nplease find the draft of the quarterly report attached. Comments by Friday would be great.\n\nThanks", false, "Q-report-draft.docx"},
	{"Invoice %d from Contoso", "Dear customer,\n\nyour invoice no. %d is attached. Payment is due within 30 days.\n\nKind regards,\nContoso Billing", false, "invoice-%d.pdf"},
	{"Re: Firewall change request CR-%d", "The change window is Thursday 22:00-23:00. Rollback plan is in the ticket.", false, ""},
	{"Lunch on Friday?", "Anyone up for lunch at the new place on Friday?", false, ""},
	{"Incident %d: suspicious login blocked", "An impossible-travel sign-in for a user was blocked. No action needed; details in the SIEM.", false, ""},
	{"Your order #%d has shipped", "Your order has shipped and will arrive in 2-3 business days.", false, ""},
	{"Meeting notes: SOC weekly", "Action items:\n- rotate service account passwords\n- review phishing playbook\n- patch VPN appliances", false, ""},
	{"Action required: your password expires today", "Your mailbox password expires today. Keep your password here: http://micros0ft-365-security.com/keep", true, ""},
	{"Unusual sign-in activity", "We detected unusual sign-in activity on your account. Verify your identity within 24 hours: http://examp1e-helpdesk.com/verify", true, ""},
	{"Parcel could not be delivered", "Your parcel could not be delivered. Pay the customs fee to reschedule: http://dhl-parcel-notice.info/pay", true, "shipping-label-%d.html"},
	{"Urgent wire transfer", "I need you to process a wire transfer today. Reply with your mobile number, I am in a meeting.", true, ""},
}

// seedMessage makes message number i and the folder it goes to.
func seedMessage(rng *rand.Rand, i int, now time.Time, owner Address, domain string) (Item, string) {
	s := seedSubjects[rng.IntN(len(seedSubjects))]
	var pool []seedSender
	for _, x := range seedSenders {
		if x.suspicious == s.suspicious {
			pool = append(pool, x)
		}
	}
	snd := pool[rng.IntN(len(pool))]
	d := snd.domain
	if d == "" {
		d = domain
	}
	from := Address{Name: snd.name, Email: snd.local + "@" + d}
	num := 1000 + rng.IntN(9000)
	subject, body := s.subject, s.body
	if strings.Contains(subject, "%d") {
		subject = fmt.Sprintf(subject, num)
	}
	if strings.Contains(body, "%d") {
		body = fmt.Sprintf(body, num)
	}
	received := now.Add(-time.Duration(i+1)*97*time.Minute - time.Duration(rng.IntN(3600))*time.Second)
	it := Item{
		ItemClass:         "IPM.Note",
		Subject:           subject,
		Body:              body,
		BodyType:          "Text",
		Importance:        "Normal",
		Sensitivity:       "Normal",
		From:              from,
		Sender:            from,
		To:                []Address{owner},
		IsRead:            rng.IntN(3) != 0,
		DateTimeReceived:  received,
		DateTimeSent:      received.Add(-time.Duration(5+rng.IntN(120)) * time.Second),
		InternetMessageID: fmt.Sprintf("<%016x.%d@%s>", rng.Uint64(), i, strings.TrimPrefix(d, "mail.")),
		Headers: []InternetHeader{
			{"Return-Path", "<" + from.Email + ">"},
			{"Received", "from mail." + d + " by mx1." + domain + " with ESMTPS"},
		},
	}
	if rng.IntN(4) == 0 {
		it.Cc = []Address{{Name: "Carol Nguyen", Email: "carol.nguyen@" + domain}}
	}
	if rng.IntN(3) == 0 {
		it.BodyType = "HTML"
		it.Body = "<html><body><p>" + strings.ReplaceAll(htmlEscape(body), "\n", "<br>") + "</p></body></html>"
	}
	if s.suspicious && rng.IntN(2) == 0 {
		it.Importance = "High"
	}
	if s.attachment != "" {
		name := s.attachment
		if strings.Contains(name, "%d") {
			name = fmt.Sprintf(name, num)
		}
		it.Attachments = []Attachment{{Name: name, ContentType: seedContentType(name), Content: []byte(seedAttachmentContent(name, num))}}
	}
	folder := "inbox"
	switch {
	case s.suspicious && rng.IntN(4) == 0:
		folder = "inbox/Phishing"
		it.Categories = []string{"Phishing"}
	case !s.suspicious && rng.IntN(6) == 0:
		folder = "inbox/Processed"
		it.IsRead = true
	}
	return it, folder
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func seedContentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(name, ".docx"):
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case strings.HasSuffix(name, ".html"):
		return "text/html"
	}
	return "application/octet-stream"
}

func seedAttachmentContent(name string, num int) string {
	switch {
	case strings.HasSuffix(name, ".pdf"):
		return fmt.Sprintf("%%PDF-1.4\n%% invoice %d\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n", num)
	case strings.HasSuffix(name, ".html"):
		return `<html><body><form action="http://dhl-parcel-notice.info/pay"><input name="card"></form></body></html>`
	}
	return "PK\x03\x04 placeholder document " + name
}

// seedEvents returns the calendar: six events from tomorrow on, at office hours UTC.
func seedEvents(now time.Time, owner Address, domain string) []Item {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	at := func(d, h, m int) time.Time {
		return day.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	bob := Attendee{Address: Address{Name: "Bob Martin", Email: "bob.martin@" + domain}, Response: "Accept"}
	carol := Attendee{Address: Address{Name: "Carol Nguyen", Email: "carol.nguyen@" + domain}, Response: "Tentative"}
	dave := Attendee{Address: Address{Name: "Dave Okafor", Email: "dave.okafor@" + domain}, Response: "NoResponseReceived"}
	meeting := func(it Item) Item {
		it.Organizer = owner
		it.IsMeeting = true
		it.MyResponseType = "Organizer"
		return it
	}
	return []Item{
		meeting(Item{Subject: "SOC weekly", Start: at(0, 9, 0), End: at(0, 9, 30), Location: "Teams", LegacyFreeBusyStatus: "Busy",
			RequiredAttendees: []Attendee{bob, carol}, OptionalAttendees: []Attendee{dave}, Body: "Weekly review of open incidents.",
			ReminderIsSet: true, ReminderMinutes: 15, StartTimeZone: "UTC", EndTimeZone: "UTC"}),
		meeting(Item{Subject: "Incident review: phishing wave", Start: at(1, 13, 0), End: at(1, 14, 0), Location: "Room 4.12",
			LegacyFreeBusyStatus: "Busy", RequiredAttendees: []Attendee{bob, dave}, Categories: []string{"Incident"},
			ReminderIsSet: true, ReminderMinutes: 30, StartTimeZone: "UTC", EndTimeZone: "UTC"}),
		{Subject: "Focus time", Start: at(2, 8, 0), End: at(2, 10, 0), LegacyFreeBusyStatus: "Busy", Sensitivity: "Private",
			MyResponseType: "Organizer", Organizer: owner, StartTimeZone: "UTC", EndTimeZone: "UTC"},
		{Subject: "Working from the branch office", Start: day.AddDate(0, 0, 3), End: day.AddDate(0, 0, 4), IsAllDayEvent: true,
			LegacyFreeBusyStatus: "WorkingElsewhere", MyResponseType: "Organizer", Organizer: owner, StartTimeZone: "UTC", EndTimeZone: "UTC"},
		meeting(Item{Subject: "Tabletop exercise: ransomware", Start: at(6, 14, 0), End: at(6, 16, 0), Location: "Board room",
			LegacyFreeBusyStatus: "Tentative", RequiredAttendees: []Attendee{bob, carol, dave}, ReminderIsSet: true,
			ReminderMinutes: 1440, StartTimeZone: "UTC", EndTimeZone: "UTC"}),
		{Subject: "Vacation", Start: day.AddDate(0, 0, 10), End: day.AddDate(0, 0, 11), IsAllDayEvent: true, LegacyFreeBusyStatus: "OOF",
			MyResponseType: "Organizer", Organizer: owner, StartTimeZone: "UTC", EndTimeZone: "UTC"},
	}
}

// seedContacts returns the contacts.
func seedContacts(domain string) []Item {
	person := func(given, sur, email, company, title, dept, phone string) Item {
		return Item{GivenName: given, Surname: sur, FileAs: sur + ", " + given, CompanyName: company, JobTitle: title,
			Department: dept, EmailAddresses: map[string]string{"EmailAddress1": email},
			PhoneNumbers: map[string]string{"BusinessPhone": phone}}
	}
	cts := []Item{
		person("Bob", "Martin", "bob.martin@"+domain, "Example Corp", "Security Analyst", "SOC", "+1 425 555 0101"),
		person("Carol", "Nguyen", "carol.nguyen@"+domain, "Example Corp", "SOC Lead", "SOC", "+1 425 555 0102"),
		person("Dave", "Okafor", "dave.okafor@"+domain, "Example Corp", "Network Engineer", "Infrastructure", "+1 425 555 0103"),
		person("Erin", "Schmidt", "erin.schmidt@contoso.com", "Contoso", "Account Manager", "Sales", "+49 30 5550 1234"),
		person("Frank", "Rossi", "frank.rossi@fabrikam.net", "Fabrikam", "Support Engineer", "Support", "+39 02 5550 8765"),
		person("Grace", "Kim", "grace.kim@northwindtraders.com", "Northwind Traders", "Buyer", "Purchasing", "+1 206 555 0199"),
		person("Heidi", "Larsen", "heidi.larsen@"+domain, "Example Corp", "CISO", "Security", "+1 425 555 0100"),
		person("Ivan", "Petrov", "ivan.petrov@"+domain, "Example Corp", "Incident Responder", "SOC", "+1 425 555 0104"),
	}
	cts[1].EmailAddresses["EmailAddress2"] = "carol@personal-mail.example"
	cts[1].PhoneNumbers["MobilePhone"] = "+1 425 555 0199"
	cts[3].PhysicalAddresses = map[string]PhysicalAddress{"Business": {Street: "Friedrichstr. 1", City: "Berlin", PostalCode: "10117", CountryOrRegion: "Germany"}}
	cts[6].Body = "Escalation contact for severity 1 incidents."
	return cts
}
