package testserver

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTime reads an xs:dateTime of a request. A time without a zone is read in the request's time zone
// context (loc), as Exchange does.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid xs:dateTime %q", s)
}

func readMailbox(n *node) Address {
	mb := n.child("Mailbox")
	if mb == nil {
		mb = n
	}
	return Address{Name: mb.textOf("Name"), Email: mb.textOf("EmailAddress")}
}

func readRecipients(n *node) []Address {
	var out []Address
	for _, m := range n.all("Mailbox") {
		out = append(out, readMailbox(m))
	}
	return out
}

func readAttendees(n *node) []Attendee {
	var out []Attendee
	for _, a := range n.all("Attendee") {
		out = append(out, Attendee{Address: readMailbox(a), Response: a.textOf("ResponseType")})
	}
	return out
}

// readItem reads a request item (t:Message, t:CalendarItem, t:Contact, ...) into an Item. Only the fields
// present are set; present reports which FieldURIs were set, for UpdateItem.
func (r *request) readItem(n *node) (it Item, present map[string]bool, err error) {
	present = map[string]bool{}
	loc := r.location()
	switch n.Name.Local {
	case "Message":
		it.ItemClass = "IPM.Note"
	case "CalendarItem":
		it.ItemClass = "IPM.Appointment"
	case "Contact":
		it.ItemClass = "IPM.Contact"
	case "DistributionList":
		it.ItemClass = "IPM.DistList"
	default:
		it.ItemClass = "IPM.Note"
	}
	for _, c := range n.Children {
		text := strings.TrimSpace(c.Text)
		uri := fieldURIOf(n.Name.Local, c.Name.Local)
		present[uri] = true
		switch c.Name.Local {
		case "MimeContent":
			raw, e := base64.StdEncoding.DecodeString(text)
			if e != nil {
				return it, nil, fmt.Errorf("MimeContent is not base64")
			}
			it.MimeContent = raw
		case "ItemClass":
			it.ItemClass = text
		case "Flag":
			it.FlagStatus = c.textOf("FlagStatus")
		case "Subject":
			it.Subject = c.Text
		case "Sensitivity":
			it.Sensitivity = text
		case "Body":
			it.Body, it.BodyType = c.Text, c.attr("BodyType")
		case "Attachments":
			for _, a := range c.Children {
				att, e := r.readAttachment(a)
				if e != nil {
					return it, nil, e
				}
				it.Attachments = append(it.Attachments, att)
			}
		case "Categories":
			it.Categories = nil
			for _, s := range c.all("String") {
				it.Categories = append(it.Categories, s.Text)
			}
		case "Importance":
			it.Importance = text
		case "InReplyTo":
			it.InReplyTo = text
		case "ReminderIsSet":
			it.ReminderIsSet = xsTrue(text)
		case "ReminderMinutesBeforeStart":
			it.ReminderMinutes, _ = strconv.Atoi(text)
		case "ExtendedProperty":
			if it.Extra == nil {
				it.Extra = map[string]string{}
			}
			f := c.child("ExtendedFieldURI")
			it.Extra[f.attr("PropertyTag")+f.attr("PropertyName")+f.attr("PropertyId")] = c.textOf("Value")
		case "Sender":
			it.Sender = readMailbox(c)
		case "ToRecipients":
			it.To = readRecipients(c)
		case "CcRecipients":
			it.Cc = readRecipients(c)
		case "BccRecipients":
			it.Bcc = readRecipients(c)
		case "ReplyTo":
			it.ReplyTo = readRecipients(c)
		case "IsReadReceiptRequested":
			it.IsReadReceiptRequested = xsTrue(text)
		case "From":
			it.From = readMailbox(c)
		case "InternetMessageId":
			it.InternetMessageID = text
		case "IsRead":
			it.IsRead = xsTrue(text)
		case "References":
			it.References = text
		case "Start", "End":
			t, e := parseTime(text, loc)
			if e != nil {
				return it, nil, e
			}
			if c.Name.Local == "Start" {
				it.Start = t
			} else {
				it.End = t
			}
		case "IsAllDayEvent":
			it.IsAllDayEvent = xsTrue(text)
		case "LegacyFreeBusyStatus":
			it.LegacyFreeBusyStatus = text
		case "Location":
			it.Location = c.Text
		case "RequiredAttendees":
			it.RequiredAttendees = readAttendees(c)
		case "OptionalAttendees":
			it.OptionalAttendees = readAttendees(c)
		case "Resources":
			it.Resources = readAttendees(c)
		case "Recurrence":
			rec, e := readRecurrence(c)
			if e != nil {
				return it, nil, e
			}
			it.Recurrence = rec
		case "StartTimeZone":
			it.StartTimeZone = c.attr("Id")
		case "EndTimeZone":
			it.EndTimeZone = c.attr("Id")
		case "MeetingTimeZone":
			it.StartTimeZone = c.attr("TimeZoneName")
		case "FileAs":
			it.FileAs = c.Text
		case "DisplayName":
			it.DisplayName = c.Text
		case "GivenName":
			it.GivenName = c.Text
		case "CompanyName":
			it.CompanyName = c.Text
		case "Department":
			it.Department = c.Text
		case "JobTitle":
			it.JobTitle = c.Text
		case "Surname":
			it.Surname = c.Text
		case "EmailAddresses", "PhoneNumbers":
			m := map[string]string{}
			for _, e := range c.all("Entry") {
				m[e.attr("Key")] = strings.TrimSpace(e.Text)
				present[uri+":"+e.attr("Key")] = true
			}
			if c.Name.Local == "EmailAddresses" {
				it.EmailAddresses = m
			} else {
				it.PhoneNumbers = m
			}
		case "PhysicalAddresses":
			it.PhysicalAddresses = map[string]PhysicalAddress{}
			for _, e := range c.all("Entry") {
				it.PhysicalAddresses[e.attr("Key")] = PhysicalAddress{Street: e.textOf("Street"), City: e.textOf("City"),
					State: e.textOf("State"), CountryOrRegion: e.textOf("CountryOrRegion"), PostalCode: e.textOf("PostalCode")}
				present[uri+":"+e.attr("Key")] = true
			}
		}
	}
	return it, present, nil
}

// fieldURIOf maps an element of a request item to its FieldURI.
func fieldURIOf(itemElem, child string) string {
	switch child {
	case "MimeContent", "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments",
		"DateTimeReceived", "Size", "Categories", "Importance", "InReplyTo", "IsDraft", "InternetMessageHeaders",
		"DateTimeSent", "DateTimeCreated", "ReminderDueBy", "ReminderIsSet", "ReminderMinutesBeforeStart",
		"DisplayCc", "DisplayTo", "HasAttachments", "LastModifiedTime", "ConversationId", "Flag":
		return "item:" + child
	}
	switch itemElem {
	case "CalendarItem":
		return "calendar:" + child
	case "Contact", "DistributionList":
		return "contacts:" + child
	}
	return "message:" + child
}

var weekdays = map[string]time.Weekday{"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday,
	"Wednesday": time.Wednesday, "Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday}

func readRecurrence(n *node) (*Recurrence, error) {
	rec := &Recurrence{}
	switch {
	case n.child("DailyRecurrence") != nil:
		rec.Pattern = "Daily"
		rec.Interval, _ = strconv.Atoi(n.child("DailyRecurrence").textOf("Interval"))
	case n.child("WeeklyRecurrence") != nil:
		w := n.child("WeeklyRecurrence")
		rec.Pattern = "Weekly"
		rec.Interval, _ = strconv.Atoi(w.textOf("Interval"))
		for _, d := range strings.Fields(w.textOf("DaysOfWeek")) {
			wd, ok := weekdays[d]
			if !ok {
				return nil, fmt.Errorf("unsupported DaysOfWeek value %q", d)
			}
			rec.DaysOfWeek = append(rec.DaysOfWeek, wd)
		}
	default:
		return nil, fmt.Errorf("unsupported recurrence pattern")
	}
	rng := n.child("NoEndRecurrence")
	if rng == nil {
		rng = n.child("EndDateRecurrence")
	}
	if rng == nil {
		rng = n.child("NumberedRecurrence")
	}
	if rng == nil {
		return nil, fmt.Errorf("recurrence without a range")
	}
	var err error
	if rec.Start, err = time.Parse("2006-01-02", strings.TrimSuffix(rng.textOf("StartDate"), "Z")[:min(10, len(rng.textOf("StartDate")))]); err != nil {
		return nil, fmt.Errorf("invalid recurrence StartDate")
	}
	if e := rng.textOf("EndDate"); e != "" {
		if rec.End, err = time.Parse("2006-01-02", e[:min(10, len(e))]); err != nil {
			return nil, fmt.Errorf("invalid recurrence EndDate")
		}
	}
	rec.Count, _ = strconv.Atoi(rng.textOf("NumberOfOccurrences"))
	return rec, nil
}

// readAttachment reads a t:FileAttachment or t:ItemAttachment of a request.
func (r *request) readAttachment(n *node) (Attachment, error) {
	a := Attachment{Name: n.textOf("Name"), ContentType: n.textOf("ContentType"), ContentID: n.textOf("ContentId"),
		IsInline: xsTrue(n.textOf("IsInline"))}
	switch n.Name.Local {
	case "FileAttachment":
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.textOf("Content")), ""))
		if err != nil {
			return a, fmt.Errorf("attachment %q: Content is not base64", a.Name)
		}
		a.Content = raw
	case "ItemAttachment":
		for _, c := range n.Children {
			switch c.Name.Local {
			case "Message", "CalendarItem", "Contact", "Item", "PostItem":
				it, _, err := r.readItem(c)
				if err != nil {
					return a, err
				}
				a.Item = &it
			}
		}
		if a.Item == nil {
			return a, fmt.Errorf("item attachment %q without an item", a.Name)
		}
	default:
		return a, fmt.Errorf("unknown attachment element %s", n.Name.Local)
	}
	return a, nil
}
