package testserver

import "strings"

// Meeting responses in CreateItem: t:AcceptItem, t:TentativelyAcceptItem and t:DeclineItem answer a meeting
// request (or the attendee's calendar item); t:CancelCalendarItem cancels a meeting the user organizes.

func init() {
	responseObjects["AcceptItem"] = respondMeeting("Accept")
	responseObjects["TentativelyAcceptItem"] = respondMeeting("Tentative")
	responseObjects["DeclineItem"] = respondMeeting("Decline")
	responseObjects["CancelCalendarItem"] = cancelMeeting
}

// responseClass, subject prefix and the suffix of error codes of each response.
var meetingResponses = map[string]struct{ class, prefix, verb string }{
	"Accept":    {"IPM.Schedule.Meeting.Resp.Pos", "Accepted: ", "Accept"},
	"Tentative": {"IPM.Schedule.Meeting.Resp.Tent", "Tentative: ", "Tentative"},
	"Decline":   {"IPM.Schedule.Meeting.Resp.Neg", "Declined: ", "Decline"},
}

// referencedEvent resolves a response object's t:ReferenceItemId to the calendar item it is about: the item
// itself, or the calendar item of a meeting message.
func (r *request) referencedEvent(n *node) (*Mailbox, *Item, *Item, *errorCode) {
	ref := n.child("ReferenceItemId")
	if ref == nil {
		return nil, nil, nil, &errorCode{"ErrorInvalidReferenceItem", "The response object has no ReferenceItemId."}
	}
	mb, it, ec := r.resolveItem(ref)
	if ec != nil {
		return nil, nil, nil, ec
	}
	switch {
	case it.Kind() == "calendar":
		return mb, it, nil, nil
	case strings.HasPrefix(it.ItemClass, "IPM.Schedule.Meeting"):
		cal := mb.items[it.MasterID]
		if cal == nil {
			cal = eventByUIDLocked(mb, it.UID)
		}
		if cal == nil {
			return nil, nil, nil, errItemNotFound()
		}
		return mb, cal, it, nil
	}
	return nil, nil, nil, &errorCode{"ErrorInvalidReferenceItem", "The reference item does not support the requested operation."}
}

func respondMeeting(response string) func(r *request, n *node, disposition string) {
	info := meetingResponses[response]
	return func(r *request, n *node, disposition string) {
		mb, cal, _, ec := r.referencedEvent(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Items")
			return
		}
		switch {
		case disposition == "":
			r.failure("ErrorMessageDispositionRequired", "MessageDisposition is required for meeting responses.", "m:Items")
			return
		case isOrganizer(mb, cal):
			r.failure("ErrorCalendarIsOrganizerFor"+info.verb, "The organizer of a meeting cannot respond to it.", "m:Items")
			return
		case cal.IsCancelled:
			r.failure("ErrorCalendarIsCancelledFor"+info.verb, "The meeting was cancelled.", "m:Items")
			return
		}
		switch disposition {
		case "SaveOnly", "SendOnly", "SendAndSaveCopy":
		default:
			r.failure("ErrorInvalidRequest", "MessageDisposition "+disposition+" is not valid.", "m:Items")
			return
		}
		var text, bodyType string
		if b := n.child("Body"); b != nil {
			text, bodyType = b.Text, b.attr("BodyType")
		}
		if draft := respondLocked(r, mb, cal, response, text, bodyType, disposition); draft != nil {
			r.success()
			r.w.open("m:Items").open("t:MeetingResponse").empty("t:ItemId", "Id", draft.ID, "ChangeKey", draft.ChangeKey).close().close()
			r.w.close()
			return
		}
		r.success()
		r.w.empty("m:Items")
		r.w.close()
	}
}

// respondLocked records mb's answer (Accept, Tentative, Decline) to meeting cal and, as disposition says, saves
// the response as a draft (SaveOnly: the draft is returned), sends it to the organizer (SendOnly; the
// organizer's event records the answer) or sends it and keeps a copy in Sent Items (SendAndSaveCopy); "" sends
// nothing (Graph's sendResponse false). Both wires answer meetings with it.
func respondLocked(r *request, mb *Mailbox, cal *Item, response, text, bodyType, disposition string) *Item {
	info := meetingResponses[response]
	now := r.srv.now()
	cal.MyResponseType = response
	switch response {
	case "Accept":
		cal.LegacyFreeBusyStatus = "Busy"
	case "Tentative":
		cal.LegacyFreeBusyStatus = "Tentative"
	case "Decline":
		cal.LegacyFreeBusyStatus = "Free"
	}
	mb.touchLocked(cal)
	// The meeting requests of the event are done with: Exchange moves them to Deleted Items.
	for _, it := range mb.itemsInLocked(mb.dist["inbox"]) {
		if it.MasterID == cal.ID && it.ItemClass == classMeetingRequest {
			r.moveLocked(mb, it, mb.dist["deleteditems"], false)
		}
	}
	resp := Item{ItemClass: info.class, Subject: info.prefix + strings.TrimPrefix(cal.Subject, "Canceled: "),
		From: Address{Name: mb.DisplayName, Email: mb.Address}, To: []Address{cal.Organizer},
		Start: cal.Start, End: cal.End, Location: cal.Location, UID: cal.UID, DateTimeSent: now, DateTimeReceived: now}
	if text != "" {
		resp.Body, resp.BodyType = text, bodyType
	}
	resp.Sender = resp.From
	if response == "Decline" {
		r.moveLocked(mb, cal, mb.dist["deleteditems"], false)
	}
	switch disposition {
	case "SaveOnly":
		resp.IsDraft = true
		draft := mb.items[mb.storeLocked(mb.dist["drafts"], resp)]
		return draft
	case "SendOnly", "SendAndSaveCopy":
		if org := r.srv.mailboxes[strings.ToLower(cal.Organizer.Email)]; org != nil && org != mb {
			org.storeLocked(org.dist["inbox"], resp.clone())
			if ev := eventByUIDLocked(org, cal.UID); ev != nil && setAttendeeResponse(ev, mb.Address, response) {
				org.touchLocked(ev)
			}
		}
		if disposition == "SendAndSaveCopy" {
			resp.IsRead = true
			mb.storeLocked(mb.dist["sentitems"], resp)
		}
	}
	return nil
}

// setAttendeeResponse records an attendee's response in the organizer's event.
func setAttendeeResponse(ev *Item, addr, response string) bool {
	found := false
	for _, as := range [][]Attendee{ev.RequiredAttendees, ev.OptionalAttendees, ev.Resources} {
		for i := range as {
			if strings.EqualFold(as[i].Email, addr) {
				as[i].Response = response
				found = true
			}
		}
	}
	return found
}

func cancelMeeting(r *request, n *node, disposition string) {
	mb, cal, _, ec := r.referencedEvent(n)
	if ec != nil {
		r.failure(ec.code, ec.text, "m:Items")
		return
	}
	if !isOrganizer(mb, cal) {
		r.failure("ErrorCalendarIsNotOrganizer", "Only the organizer can cancel a meeting.", "m:Items")
		return
	}
	switch disposition {
	case "SendOnly", "SendAndSaveCopy":
	case "":
		r.failure("ErrorMessageDispositionRequired", "MessageDisposition is required for CancelCalendarItem.", "m:Items")
		return
	default:
		r.failure("ErrorInvalidRequest", "A cancellation must be sent (MessageDisposition SendOnly or SendAndSaveCopy).", "m:Items")
		return
	}
	if cal.UID == "" {
		cal.UID = uidFor(cal.ID)
	}
	r.sendCancellations(mb, cal, disposition == "SendAndSaveCopy", n.child("Body"))
	if cal.Recurrence != nil {
		for _, o := range storedOccurrencesLocked(mb, cal) {
			delete(mb.items, o.ID)
			mb.gen++
		}
	}
	r.moveLocked(mb, cal, mb.dist["deleteditems"], false)
	r.success()
	r.w.empty("m:Items")
	r.w.close()
}
