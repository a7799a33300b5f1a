package testserver

func init() {
	register("DeleteItem", handleDeleteItem)
	register("MoveItem", handleMoveCopy)
	register("CopyItem", handleMoveCopy)
	register("SendItem", handleSendItem)
}

// deleteCalendarHook sends meeting cancellations when a calendar item is deleted; set by the calendar code.
var deleteCalendarHook func(r *request, mb *Mailbox, it *Item, mode string)

func handleDeleteItem(r *request, body *node) error {
	ids := body.child("ItemIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemIds is required.")
	}
	dt := body.attr("DeleteType")
	switch dt {
	case "HardDelete", "SoftDelete", "MoveToDeletedItems":
	case "":
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'DeleteType' is missing.")
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'DeleteType' attribute is invalid - The value '%s' is invalid according to its datatype.", dt)
	}
	r.messages()
	for _, n := range ids.kids() {
		mb, it, ec := r.resolveItemRef(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		if it.Kind() == "calendar" && body.attr("SendMeetingCancellations") == "" {
			r.failure("ErrorSendMeetingCancellationsRequired", "The SendMeetingCancellations attribute is required for calendar items.", "")
			continue
		}
		if it.Kind() == "calendar" && deleteCalendarHook != nil {
			deleteCalendarHook(r, mb, it, body.attr("SendMeetingCancellations"))
		}
		if it.Kind() == "message" && !it.IsRead && !xsTrue(body.attr("SuppressReadReceipts")) {
			r.sendReceipt(mb, it, false) // deleting unread mail tells a sender who asked that it was not read
		}
		switch dt {
		case "HardDelete":
			mb.removeLocked(it)
		case "SoftDelete":
			r.moveLocked(mb, it, mb.dist["recoverableitemsdeletions"], false)
		case "MoveToDeletedItems":
			if it.FolderID == mb.dist["deleteditems"] {
				r.moveLocked(mb, it, mb.dist["recoverableitemsdeletions"], false)
			} else {
				r.moveLocked(mb, it, mb.dist["deleteditems"], false)
			}
		}
		r.success()
		r.w.close()
	}
	return nil
}

// moveLocked moves it to folder fid of mb (or copies it) and returns the item in its new place. A moved item
// gets a new id, as in Exchange 2010 and later.
func (r *request) moveLocked(mb *Mailbox, it *Item, fid string, copyIt bool) *Item {
	c := it.clone()
	if !copyIt {
		mb.removeLocked(it)
	} else {
		c.InternetMessageID = it.InternetMessageID
	}
	created := c.DateTimeCreated
	id := mb.storeLocked(fid, c)
	n := mb.items[id]
	n.DateTimeCreated = created
	return n
}

func handleMoveCopy(r *request, body *node) error {
	to := body.child("ToFolderId")
	ids := body.child("ItemIds")
	if to == nil || len(to.kids()) != 1 || ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ToFolderId and ItemIds are required.")
	}
	copyIt := r.op == "CopyItem"
	returnIDs := !xsFalse(body.textOf("ReturnNewItemIds"))
	r.messages()
	tmb, tf, tec := r.resolveFolder(to.kids()[0])
	for _, n := range ids.kids() {
		if tec != nil {
			r.failure(tec.code, tec.text, "m:Items")
			continue
		}
		mb, it, ec := r.resolveItemRef(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Items")
			continue
		}
		var moved *Item
		if mb == tmb {
			moved = r.moveLocked(mb, it, tf.ID, copyIt)
		} else {
			c := it.clone()
			if !copyIt {
				mb.removeLocked(it)
			}
			moved = tmb.items[tmb.storeLocked(tf.ID, c)]
		}
		r.success()
		r.w.open("m:Items")
		if returnIDs {
			r.w.open(elementName(moved)).empty("t:ItemId", "Id", moved.ID, "ChangeKey", moved.ChangeKey).close()
		}
		r.w.close().close()
	}
	return nil
}

func handleSendItem(r *request, body *node) error {
	ids := body.child("ItemIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemIds is required.")
	}
	var save bool
	switch body.attr("SaveItemToFolder") {
	case "true", "1":
		save = true
	case "false", "0":
	case "":
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'SaveItemToFolder' is missing.")
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'SaveItemToFolder' attribute is invalid - The value '%s' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:boolean'.", body.attr("SaveItemToFolder"))
	}
	r.messages()
	var target *Folder
	var tmb *Mailbox
	if sf := body.child("SavedItemFolderId"); sf != nil && !save {
		for range ids.kids() {
			r.failure("ErrorInvalidSendItemSaveSettings", "SavedItemFolderId is not allowed when SaveItemToFolder is false.", "")
		}
		return nil
	}
	if sf := body.child("SavedItemFolderId"); sf != nil && len(sf.kids()) == 1 {
		var ec *errorCode
		if tmb, target, ec = r.resolveFolder(sf.kids()[0]); ec != nil {
			for range ids.kids() {
				r.failure(ec.code, ec.text, "")
			}
			return nil
		}
	}
	for _, n := range ids.kids() {
		mb, it, ec := r.resolveItemRef(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		if ck := n.attr("ChangeKey"); ck != "" && ck != it.ChangeKey {
			r.failure("ErrorStaleObject", "The change key passed in the request does not match the current change key for the item.", "")
			continue
		}
		if len(it.To)+len(it.Cc)+len(it.Bcc) == 0 {
			r.failure("ErrorInvalidRecipients", "At least one recipient isn't valid.", "")
			continue
		}
		sent := r.deliver(mb, it.clone())
		mb.removeLocked(it)
		if save {
			sent.IsRead = true
			if target != nil {
				tmb.storeLocked(target.ID, sent)
			} else {
				mb.storeLocked(mb.dist["sentitems"], sent)
			}
		}
		r.success()
		r.w.close()
	}
	return nil
}
