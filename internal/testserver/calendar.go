package testserver

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"time"
)

// Calendar items and meetings: CreateItem of a t:CalendarItem stores the event in the organizer's calendar and,
// when SendMeetingInvitations asks for it, puts a meeting request in the Inbox of every attendee that is a
// mailbox of this server, with a tentative copy of the event in the attendee's calendar (as Exchange's calendar
// attendant does). UpdateItem sends updates the same way, DeleteItem cancellations.

func init() {
	createCalendarHook = createCalendarEvent
	updateCalendarHook = updateCalendarEvent
	deleteCalendarHook = deleteCalendarEvent
}

// Meeting message classes.
const (
	classMeetingRequest = "IPM.Schedule.Meeting.Request"
	classMeetingCancel  = "IPM.Schedule.Meeting.Canceled"
)

// sendsInvitations reports whether a SendMeetingInvitations(OrCancellations) value sends messages.
func sendsInvitations(mode string) bool {
	switch mode {
	case "SendOnlyToAll", "SendToAllAndSaveCopy", "SendOnlyToChanged", "SendToChangedAndSaveCopy":
		return true
	}
	return false
}

func savesCopy(mode string) bool { return strings.HasSuffix(mode, "AndSaveCopy") }

func createCalendarEvent(r *request, mb *Mailbox, target *Folder, it Item, invitations string) {
	switch invitations {
	case "SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy":
	case "":
		r.failure("ErrorSendMeetingInvitationsRequired", "The SendMeetingInvitations attribute is required for calendar items.", "m:Items")
		return
	default:
		r.failure("ErrorInvalidRequest", "SendMeetingInvitations "+invitations+" is not valid for CreateItem.", "m:Items")
		return
	}
	stored, ec := storeEventLocked(r, mb, target, it, invitations)
	if ec != nil {
		r.failure(ec.code, ec.text, "m:Items")
		return
	}
	r.createdItem(mb, stored)
}

// storeEventLocked stores a new calendar item in folder target (nil: the Calendar) of mb, organized by mb
// unless it names another organizer, and sends meeting requests to its attendees as invitations says. Both
// wires create events with it.
func storeEventLocked(r *request, mb *Mailbox, target *Folder, it Item, invitations string) (*Item, *errorCode) {
	if it.Start.IsZero() {
		it.Start = r.srv.now().Truncate(time.Hour).Add(time.Hour)
	}
	if it.End.IsZero() {
		it.End = it.Start.Add(30 * time.Minute)
	}
	if it.End.Before(it.Start) {
		return nil, &errorCode{"ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate"}
	}
	f := target
	if f == nil {
		f = mb.folders[mb.dist["calendar"]]
	}
	if it.Organizer.Email == "" {
		it.Organizer = Address{Name: mb.DisplayName, Email: mb.Address}
	}
	it.MyResponseType = "Organizer"
	it.IsMeeting = len(it.RequiredAttendees)+len(it.OptionalAttendees)+len(it.Resources) > 0
	if it.LegacyFreeBusyStatus == "" {
		it.LegacyFreeBusyStatus = "Busy"
	}
	for _, as := range [][]Attendee{it.RequiredAttendees, it.OptionalAttendees, it.Resources} {
		for i := range as {
			if as[i].Response == "" {
				as[i].Response = "Unknown"
			}
		}
	}
	stored := mb.items[mb.storeLocked(f.ID, it)]
	if stored.UID == "" {
		stored.UID = uidFor(stored.ID)
	}
	if stored.IsMeeting && sendsInvitations(invitations) {
		r.sendMeetingRequests(mb, stored, savesCopy(invitations))
	}
	return stored, nil
}

// uidFor makes an iCalendar UID in the form Exchange uses (a GlobalObjectId in hex).
func uidFor(id string) string {
	sum := sha1.Sum([]byte(id))
	return "040000008200E00074C5B7101A82E00800000000" + strings.ToUpper(hex.EncodeToString(sum[:16]))
}

// attendeesOf returns the required, optional and resource attendees of ev.
func attendeesOf(ev *Item) []Attendee {
	var out []Attendee
	out = append(out, ev.RequiredAttendees...)
	out = append(out, ev.OptionalAttendees...)
	return append(out, ev.Resources...)
}

// localAttendees returns the mailboxes of this server among ev's attendees, once each, without the organizer.
func (r *request) localAttendees(org *Mailbox, ev *Item) []*Mailbox {
	var out []*Mailbox
	seen := map[*Mailbox]bool{org: true}
	for _, a := range attendeesOf(ev) {
		amb := r.srv.mailboxes[strings.ToLower(a.Email)]
		if amb != nil && !seen[amb] {
			seen[amb] = true
			out = append(out, amb)
		}
	}
	return out
}

// eventByUIDLocked finds the calendar item (not an occurrence) with the given UID in mb, outside the deleted
// items and recoverable items folders.
func eventByUIDLocked(mb *Mailbox, uid string) *Item {
	for _, id := range mb.order {
		it, ok := mb.items[id]
		if !ok || it.UID != uid || it.Kind() != "calendar" || it.MasterID != "" {
			continue
		}
		if f := mb.folders[it.FolderID]; f == nil || f.Distinguished == "deleteditems" || strings.HasPrefix(f.Distinguished, "recoverable") {
			continue
		}
		return it
	}
	return nil
}

// copyEventFields copies what a meeting request carries from the organizer's event to an attendee's copy.
func copyEventFields(dst, src *Item) {
	dst.Subject = src.Subject
	dst.Body, dst.BodyType = src.Body, src.BodyType
	dst.Start, dst.End = src.Start, src.End
	dst.IsAllDayEvent = src.IsAllDayEvent
	dst.Location = src.Location
	dst.Organizer = src.Organizer
	dst.RequiredAttendees = append([]Attendee(nil), src.RequiredAttendees...)
	dst.OptionalAttendees = append([]Attendee(nil), src.OptionalAttendees...)
	dst.Resources = append([]Attendee(nil), src.Resources...)
	dst.StartTimeZone, dst.EndTimeZone = src.StartTimeZone, src.EndTimeZone
	dst.Importance, dst.Sensitivity = src.Importance, src.Sensitivity
	dst.UID = src.UID
	dst.IsMeeting = true
	if src.Recurrence != nil {
		rec := *src.Recurrence
		dst.Recurrence = &rec
	} else {
		dst.Recurrence = nil
	}
}

// sendMeetingRequests delivers a meeting request for ev (new or updated) to every local attendee and creates or
// updates the attendee's copy of the event; with saveCopy the organizer keeps the request in Sent Items.
func (r *request) sendMeetingRequests(org *Mailbox, ev *Item, saveCopy bool) {
	now := r.srv.now()
	for _, amb := range r.localAttendees(org, ev) {
		cal := eventByUIDLocked(amb, ev.UID)
		if cal == nil {
			c := Item{ItemClass: "IPM.Appointment", MyResponseType: "NoResponseReceived", LegacyFreeBusyStatus: "Tentative",
				ReminderIsSet: ev.ReminderIsSet, ReminderMinutes: ev.ReminderMinutes, DateTimeReceived: now}
			copyEventFields(&c, ev)
			cal = amb.items[amb.storeLocked(amb.dist["calendar"], c)]
		} else {
			copyEventFields(cal, ev)
			cal.IsCancelled = false
			amb.touchLocked(cal)
		}
		req := r.meetingMessage(ev, classMeetingRequest, ev.Subject)
		req.MasterID = cal.ID
		amb.storeLocked(amb.dist["inbox"], req)
	}
	if saveCopy {
		c := r.meetingMessage(ev, classMeetingRequest, ev.Subject)
		c.IsRead = true
		org.storeLocked(org.dist["sentitems"], c)
	}
}

// meetingMessage builds a meeting message (request or cancellation) about ev, from its organizer to its
// attendees.
func (r *request) meetingMessage(ev *Item, class, subject string) Item {
	now := r.srv.now()
	m := Item{ItemClass: class, Subject: subject, Body: ev.Body, BodyType: ev.BodyType, From: ev.Organizer, Sender: ev.Organizer,
		Start: ev.Start, End: ev.End, Location: ev.Location, IsAllDayEvent: ev.IsAllDayEvent, UID: ev.UID,
		DateTimeSent: now, DateTimeReceived: now, Importance: ev.Importance, Sensitivity: ev.Sensitivity}
	for _, a := range ev.RequiredAttendees {
		m.To = append(m.To, a.Address)
	}
	for _, a := range append(append([]Attendee(nil), ev.OptionalAttendees...), ev.Resources...) {
		m.Cc = append(m.Cc, a.Address)
	}
	return m
}

// sendCancellations cancels ev in every local attendee's calendar and delivers a meeting cancellation, whose
// body is body if not empty.
func (r *request) sendCancellations(org *Mailbox, ev *Item, saveCopy bool, body *node) {
	cancellation := func() Item {
		m := r.meetingMessage(ev, classMeetingCancel, "Canceled: "+ev.Subject)
		if body != nil && strings.TrimSpace(body.Text) != "" {
			m.Body, m.BodyType = body.Text, body.attr("BodyType")
		}
		return m
	}
	for _, amb := range r.localAttendees(org, ev) {
		msg := cancellation()
		if cal := eventByUIDLocked(amb, ev.UID); cal != nil {
			cal.IsCancelled = true
			cal.LegacyFreeBusyStatus = "Free"
			if !strings.HasPrefix(cal.Subject, "Canceled: ") {
				cal.Subject = "Canceled: " + cal.Subject
			}
			amb.touchLocked(cal)
			msg.MasterID = cal.ID
		}
		amb.storeLocked(amb.dist["inbox"], msg)
	}
	if saveCopy {
		c := cancellation()
		c.IsRead = true
		org.storeLocked(org.dist["sentitems"], c)
	}
}

// isOrganizer reports whether mb organizes ev.
func isOrganizer(mb *Mailbox, ev *Item) bool {
	return ev.MyResponseType == "Organizer" || strings.EqualFold(ev.Organizer.Email, mb.Address)
}

func updateCalendarEvent(r *request, mb *Mailbox, it *Item, mode string) {
	it.IsMeeting = it.IsMeeting || len(attendeesOf(it)) > 0
	// Updates of single occurrences are not sent: attendees' copies are matched by UID, which an occurrence
	// shares with its series.
	if it.MasterID != "" || !isOrganizer(mb, it) || !sendsInvitations(mode) || len(attendeesOf(it)) == 0 {
		return
	}
	if it.UID == "" {
		it.UID = uidFor(it.ID)
	}
	r.sendMeetingRequests(mb, it, savesCopy(mode))
}

func deleteCalendarEvent(r *request, mb *Mailbox, it *Item, mode string) {
	switch {
	case it.MasterID != "":
		if master := mb.items[it.MasterID]; master != nil {
			markOccurrenceDeleted(master, occurrenceIndex(it.ID))
		}
		return
	case it.Recurrence != nil:
		for _, o := range storedOccurrencesLocked(mb, it) {
			delete(mb.items, o.ID)
			mb.gen++
		}
	}
	if isOrganizer(mb, it) && sendsInvitations(mode) && it.UID != "" && !it.IsCancelled {
		r.sendCancellations(mb, it, savesCopy(mode), nil)
	}
}
