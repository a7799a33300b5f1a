package testserver

import (
	"strings"
)

func init() {
	register("UpdateItem", handleUpdateItem)
}

// updateCalendarHook sends meeting updates after an UpdateItem of a calendar item; set by the calendar code.
var updateCalendarHook func(r *request, mb *Mailbox, it *Item, mode string)

func handleUpdateItem(r *request, body *node) error {
	changes := body.child("ItemChanges")
	if changes == nil || len(changes.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemChanges is required.")
	}
	conflict := body.attr("ConflictResolution")
	if conflict == "" {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'ConflictResolution' is missing.")
	}
	disposition := body.attr("MessageDisposition")
	r.messages()
	for _, ch := range changes.all("ItemChange") {
		var idNode *node
		for _, c := range ch.kids() {
			if c.Name.Local == "ItemId" || c.Name.Local == "OccurrenceItemId" || c.Name.Local == "RecurringMasterItemId" {
				idNode = c
			}
		}
		if idNode == nil {
			r.failure("ErrorInvalidRequest", "ItemChange has no item id.", "m:Items")
			continue
		}
		mb, it, ec := r.resolveItemRef(idNode)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Items")
			continue
		}
		if it.Kind() == "message" && disposition == "" {
			r.failure("ErrorMessageDispositionRequired", "MessageDisposition is required for message items.", "m:Items")
			continue
		}
		if it.Kind() == "calendar" && body.attr("SendMeetingInvitationsOrCancellations") == "" {
			r.failure("ErrorSendMeetingInvitationsOrCancellationsRequired", "The SendMeetingInvitationsOrCancellations attribute is required for calendar items.", "m:Items")
			continue
		}
		if ck := idNode.attr("ChangeKey"); ck != "" && ck != it.ChangeKey && conflict == "NeverOverwrite" {
			r.failure("ErrorIrresolvableConflict", "The operation can not be performed because the item is out of date. Reload the item and try again.", "m:Items")
			continue
		}
		updated := it.clone()
		var bad *errorCode
		for _, u := range ch.child("Updates").kids() {
			if bad = r.applyUpdate(&updated, u); bad != nil {
				break
			}
		}
		if bad != nil {
			r.failure(bad.code, bad.text, "m:Items")
			continue
		}
		updated.version = it.version
		wasRead := it.IsRead
		*it = updated
		mb.touchLocked(it)
		if it.Kind() == "message" && !wasRead && it.IsRead && !xsTrue(body.attr("SuppressReadReceipts")) {
			r.sendReceipt(mb, it, true)
		}
		if it.Kind() == "message" && it.IsDraft && (disposition == "SendOnly" || disposition == "SendAndSaveCopy") {
			sent := r.deliver(mb, it.clone())
			mb.removeLocked(it)
			if disposition == "SendAndSaveCopy" {
				sent.IsRead = true
				mb.storeLocked(mb.dist["sentitems"], sent)
			}
			r.success()
			r.w.empty("m:Items")
			r.w.open("m:ConflictResults").elemInt("t:Count", 0).close()
			r.w.close()
			continue
		}
		if it.Kind() == "calendar" && updateCalendarHook != nil {
			updateCalendarHook(r, mb, it, body.attr("SendMeetingInvitationsOrCancellations"))
		}
		r.success()
		r.w.open("m:Items").open(elementName(it)).empty("t:ItemId", "Id", it.ID, "ChangeKey", it.ChangeKey).close().close()
		r.w.open("m:ConflictResults").elemInt("t:Count", 0).close()
		r.w.close()
	}
	return nil
}

// applyUpdate applies one t:SetItemField, t:AppendToItemField or t:DeleteItemField to it.
func (r *request) applyUpdate(it *Item, u *node) *errorCode {
	var path *node
	var value *node
	for _, c := range u.kids() {
		switch c.Name.Local {
		case "FieldURI", "IndexedFieldURI", "ExtendedFieldURI":
			path = c
		default:
			value = c
		}
	}
	if path == nil {
		return &errorCode{"ErrorInvalidPropertyRequest", "The update has no property path."}
	}
	uri := path.attr("FieldURI")
	if path.Name.Local == "ExtendedFieldURI" {
		uri = "extended:" + path.attr("PropertyTag") + path.attr("PropertyName") + path.attr("PropertyId")
	}
	index := path.attr("FieldIndex")
	switch u.Name.Local {
	case "DeleteItemField":
		return clearField(it, uri, index)
	case "SetItemField", "AppendToItemField":
		if value == nil {
			return &errorCode{"ErrorIncorrectUpdatePropertyCount", "An object within a change description must contain one and only one property to modify."}
		}
		src, present, err := r.readItem(value)
		if err != nil {
			return &errorCode{"ErrorInvalidPropertySet", err.Error()}
		}
		key := uri
		if index != "" {
			key = uri + ":" + index
		}
		if strings.HasPrefix(uri, "extended:") {
			if it.Extra == nil {
				it.Extra = map[string]string{}
			}
			it.Extra[strings.TrimPrefix(uri, "extended:")] = src.Extra[strings.TrimPrefix(uri, "extended:")]
			return nil
		}
		if index == "" && !present[key] && !present[uri] {
			return &errorCode{"ErrorIncorrectUpdatePropertyCount", "An object within a change description must contain one and only one property to modify."}
		}
		return setField(it, &src, uri, index, u.Name.Local == "AppendToItemField")
	}
	return &errorCode{"ErrorInvalidRequest", "Unknown update " + u.Name.Local}
}

// setField copies the property uri from src into it (appending for AppendToItemField).
func setField(it, src *Item, uri, index string, appendTo bool) *errorCode {
	switch uri {
	case "item:Subject":
		it.Subject = src.Subject
	case "item:Body":
		if appendTo {
			it.Body += src.Body
		} else {
			it.Body, it.BodyType = src.Body, src.BodyType
		}
	case "item:Sensitivity":
		it.Sensitivity = src.Sensitivity
	case "item:Importance":
		it.Importance = src.Importance
	case "item:Flag":
		it.FlagStatus = src.FlagStatus
	case "item:Categories":
		if appendTo {
			it.Categories = append(it.Categories, src.Categories...)
		} else {
			it.Categories = src.Categories
		}
	case "item:ReminderIsSet":
		it.ReminderIsSet = src.ReminderIsSet
	case "item:ReminderMinutesBeforeStart":
		it.ReminderMinutes = src.ReminderMinutes
	case "item:InReplyTo":
		it.InReplyTo = src.InReplyTo
	case "message:IsRead":
		it.IsRead = src.IsRead
	case "message:ToRecipients":
		it.To = appendOrSet(it.To, src.To, appendTo)
	case "message:CcRecipients":
		it.Cc = appendOrSet(it.Cc, src.Cc, appendTo)
	case "message:BccRecipients":
		it.Bcc = appendOrSet(it.Bcc, src.Bcc, appendTo)
	case "message:ReplyTo":
		it.ReplyTo = appendOrSet(it.ReplyTo, src.ReplyTo, appendTo)
	case "message:From":
		it.From = src.From
	case "message:Sender":
		it.Sender = src.Sender
	case "message:IsReadReceiptRequested":
		it.IsReadReceiptRequested = src.IsReadReceiptRequested
	case "message:References":
		it.References = src.References
	case "calendar:Start":
		it.Start = src.Start
	case "calendar:End":
		it.End = src.End
	case "calendar:IsAllDayEvent":
		it.IsAllDayEvent = src.IsAllDayEvent
	case "calendar:LegacyFreeBusyStatus":
		it.LegacyFreeBusyStatus = src.LegacyFreeBusyStatus
	case "calendar:Location":
		it.Location = src.Location
	case "calendar:RequiredAttendees":
		it.RequiredAttendees = appendOrSet(it.RequiredAttendees, src.RequiredAttendees, appendTo)
	case "calendar:OptionalAttendees":
		it.OptionalAttendees = appendOrSet(it.OptionalAttendees, src.OptionalAttendees, appendTo)
	case "calendar:Resources":
		it.Resources = appendOrSet(it.Resources, src.Resources, appendTo)
	case "calendar:Recurrence":
		it.Recurrence = src.Recurrence
	case "calendar:StartTimeZone":
		it.StartTimeZone = src.StartTimeZone
	case "calendar:MeetingTimeZone":
		it.StartTimeZone, it.EndTimeZone = src.StartTimeZone, src.StartTimeZone
	case "calendar:EndTimeZone":
		it.EndTimeZone = src.EndTimeZone
	case "contacts:FileAs":
		it.FileAs = src.FileAs
	case "contacts:DisplayName":
		it.DisplayName = src.DisplayName
	case "contacts:GivenName":
		it.GivenName = src.GivenName
	case "contacts:Surname":
		it.Surname = src.Surname
	case "contacts:CompanyName":
		it.CompanyName = src.CompanyName
	case "contacts:JobTitle":
		it.JobTitle = src.JobTitle
	case "contacts:Department":
		it.Department = src.Department
	case "contacts:EmailAddress", "contacts:PhoneNumber":
		dst, from := &it.EmailAddresses, src.EmailAddresses
		if uri == "contacts:PhoneNumber" {
			dst, from = &it.PhoneNumbers, src.PhoneNumbers
		}
		if *dst == nil {
			*dst = map[string]string{}
		}
		(*dst)[index] = from[index]
	case "contacts:PhysicalAddress":
		// contacts:PhysicalAddress:City etc. set one part of one address.
		if it.PhysicalAddresses == nil {
			it.PhysicalAddresses = map[string]PhysicalAddress{}
		}
		it.PhysicalAddresses[index] = src.PhysicalAddresses[index]
	default:
		if strings.HasPrefix(uri, "contacts:PhysicalAddress:") {
			if it.PhysicalAddresses == nil {
				it.PhysicalAddresses = map[string]PhysicalAddress{}
			}
			cur, from := it.PhysicalAddresses[index], src.PhysicalAddresses[index]
			switch strings.TrimPrefix(uri, "contacts:PhysicalAddress:") {
			case "Street":
				cur.Street = from.Street
			case "City":
				cur.City = from.City
			case "State":
				cur.State = from.State
			case "CountryOrRegion":
				cur.CountryOrRegion = from.CountryOrRegion
			case "PostalCode":
				cur.PostalCode = from.PostalCode
			}
			it.PhysicalAddresses[index] = cur
			return nil
		}
		return &errorCode{"ErrorInvalidPropertySet", "The property " + uri + " can not be set."}
	}
	return nil
}

func appendOrSet[T any](cur, add []T, appendTo bool) []T {
	if appendTo {
		return append(cur, add...)
	}
	return add
}

// clearField deletes a property (DeleteItemField).
func clearField(it *Item, uri, index string) *errorCode {
	switch {
	case deletable[uri]:
		// Deleting a property is setting it from an item that does not have it.
		return setField(it, &Item{}, uri, "", false)
	case uri == "contacts:EmailAddress":
		delete(it.EmailAddresses, index)
	case uri == "contacts:PhoneNumber":
		delete(it.PhoneNumbers, index)
	case uri == "contacts:PhysicalAddress":
		delete(it.PhysicalAddresses, index)
	case strings.HasPrefix(uri, "extended:"):
		delete(it.Extra, strings.TrimPrefix(uri, "extended:"))
	case strings.HasPrefix(uri, "contacts:PhysicalAddress:"):
		// One part of one address: clear it, and drop the address when nothing is left.
		if err := setField(it, &Item{PhysicalAddresses: map[string]PhysicalAddress{}}, uri, index, false); err != nil {
			return err
		}
		if it.PhysicalAddresses[index] == (PhysicalAddress{}) {
			delete(it.PhysicalAddresses, index)
		}
	default:
		return &errorCode{"ErrorInvalidPropertyDelete", "The property " + uri + " can not be deleted."}
	}
	return nil
}

// deletable are the plain properties DeleteItemField may remove (item:Subject, for one, may not be deleted).
var deletable = set("item:Body", "item:Categories", "item:Sensitivity", "message:CcRecipients",
	"message:BccRecipients", "message:ReplyTo", "calendar:Location", "calendar:RequiredAttendees",
	"calendar:OptionalAttendees", "calendar:Resources", "calendar:Recurrence", "contacts:FileAs",
	"contacts:DisplayName", "contacts:GivenName", "contacts:Surname", "contacts:JobTitle", "contacts:Department",
	"contacts:CompanyName")

// sendReceipt delivers a read receipt (read true) or a not-read notification for it to its sender, when the
// sender asked for one and is a mailbox of this server, as Exchange does when a message is marked read or deleted
// unread without SuppressReadReceipts.
func (r *request) sendReceipt(mb *Mailbox, it *Item, read bool) {
	if !it.IsReadReceiptRequested || it.IsDraft {
		return
	}
	to := it.Sender
	if to.Email == "" {
		to = it.From
	}
	sender := r.srv.mailboxes[strings.ToLower(to.Email)]
	if sender == nil || sender == mb {
		return
	}
	receipt := Item{
		ItemClass: "REPORT.IPM.Note.IPNRN",
		Subject:   "Read: " + it.Subject,
		Body:      "Your message was read.",
		From:      Address{Name: mb.DisplayName, Email: mb.Address},
		Sender:    Address{Name: mb.DisplayName, Email: mb.Address},
		To:        []Address{to},
		InReplyTo: it.InternetMessageID,
	}
	if !read {
		receipt.ItemClass = "REPORT.IPM.Note.IPNNRN"
		receipt.Subject = "Not read: " + it.Subject
		receipt.Body = "Your message was deleted without being read."
	}
	sender.storeLocked(sender.dist["inbox"], receipt)
}
