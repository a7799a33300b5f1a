package testserver

import (
	"sort"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/wintz"
)

func init() {
	register("GetItem", handleGetItem)
	register("FindItem", handleFindItem)
	register("CreateItem", handleCreateItem)
}

// location is the request's TimeZoneContext as a *time.Location (UTC when absent or unknown).
func (r *request) location() *time.Location {
	if r.tz == "" {
		return time.UTC
	}
	if loc, err := wintz.Location(r.tz); err == nil {
		return loc
	}
	return time.UTC
}

// FindCountLimit is the most items FindItem returns in one page, like Exchange's EWSFindCountLimit.
const FindCountLimit = 1000

func handleGetItem(r *request, body *node) error {
	shape := parseShape(body.child("ItemShape"))
	ids := body.child("ItemIds")
	if ids == nil || len(ids.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemIds is required.")
	}
	r.messages()
	for _, n := range ids.Children {
		mb, it, ec := r.resolveItemRef(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Items")
			continue
		}
		r.success()
		r.w.open("m:Items")
		r.writeItem(mb, it, shape)
		r.w.close().close()
	}
	return nil
}

// resolveItemRef resolves t:ItemId, t:OccurrenceItemId and t:RecurringMasterItemId.
func (r *request) resolveItemRef(n *node) (*Mailbox, *Item, *errorCode) {
	switch n.Name.Local {
	case "ItemId":
		return r.resolveItem(n)
	case "OccurrenceItemId", "RecurringMasterItemId":
		if resolveOccurrence == nil {
			return nil, nil, &errorCode{"ErrorInvalidRequest", "Occurrences are not supported."}
		}
		return resolveOccurrence(r, n)
	}
	return nil, nil, &errorCode{"ErrorInvalidRequest", "The request is invalid."}
}

// resolveOccurrence resolves occurrence references of recurring series; set by the calendar code.
var resolveOccurrence func(r *request, n *node) (*Mailbox, *Item, *errorCode)

// calendarView expands a folder's calendar items into the occurrences between start and end; set by the
// calendar code. Without it, CalendarView returns the single items in the window.
var calendarView func(r *request, mb *Mailbox, items []*Item, start, end time.Time) []*Item

func handleFindItem(r *request, body *node) error {
	parents := body.child("ParentFolderIds")
	if parents == nil || len(parents.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ParentFolderIds is required.")
	}
	// ItemQueryTraversalType has no Deep: FindItem searches one folder level; deep searches need search folders.
	traversal := body.attr("Traversal")
	switch traversal {
	case "Shallow", "SoftDeleted", "Associated":
	case "":
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute 'Traversal' is missing.")
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'Traversal' attribute is invalid - The value '%s' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:ItemQueryTraversalType' - The Enumeration constraint failed.", traversal)
	}
	shape := parseShape(body.child("ItemShape"))
	var restr *node
	if rn := body.child("Restriction"); rn != nil {
		if len(rn.Children) != 1 {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: Restriction must hold one expression.")
		}
		restr = rn.Children[0]
	}
	cv := body.child("CalendarView")
	if cv != nil && restr != nil {
		r.messages()
		for range parents.Children {
			r.failure("ErrorInvalidRestriction", "Restrictions and sort order may not be specified for a CalendarView.", "")
		}
		return nil
	}
	if restr != nil {
		// Exchange rejects a bad restriction whatever the folder holds, an empty one included.
		if err := checkRestriction(restr, r.location()); err != nil {
			r.messages()
			for range parents.Children {
				r.failure(errorCodeOf(err), err.Error(), "")
			}
			return nil
		}
	}
	r.messages()
	for _, pn := range parents.Children {
		mb, f, ec := r.resolveFolder(pn)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		// A query over a mailbox that has not changed since the same query was answered (the next page of a
		// large folder) reuses its sorted result.
		var key string
		if cv == nil && body.child("ContactsView") == nil {
			var kb strings.Builder
			kb.WriteString(f.ID + "\x00" + traversal + "\x00" + r.tz + "\x00")
			nodeKey(&kb, restr)
			nodeKey(&kb, body.child("SortOrder"))
			nodeKey(&kb, body.child("QueryString"))
			key = kb.String()
		}
		matched := mb.viewLocked(key)
		if matched == nil || key == "" {
			var ok bool
			if matched, ok = r.findMatchingLocked(mb, f, traversal, restr, body); !ok {
				continue
			}
			if key != "" {
				sortItems(matched, body.child("SortOrder"))
				mb.keepViewLocked(key, matched)
			}
		}
		offset, maxEntries := 0, FindCountLimit
		if cv != nil {
			start, err1 := parseTime(cv.attr("StartDate"), r.location())
			end, err2 := parseTime(cv.attr("EndDate"), r.location())
			if err1 != nil || err2 != nil || !end.After(start) {
				r.failure("ErrorCalendarViewRangeTooBig", "The CalendarView start and end are not a valid range.", "")
				continue
			}
			if end.Sub(start) > 2*365*24*time.Hour {
				r.failure("ErrorCalendarViewRangeTooBig", "The time range of the CalendarView is too big.", "")
				continue
			}
			if calendarView != nil {
				matched = calendarView(r, mb, matched, start, end)
			} else {
				matched = overlapping(matched, start, end)
			}
			sort.SliceStable(matched, func(i, j int) bool { return matched[i].Start.Before(matched[j].Start) })
			if m := atoiDefault(cv.attr("MaxEntriesReturned"), 0); m > 0 && len(matched) > m {
				r.failure("ErrorCalendarViewRangeTooBig", "The number of calendar entries for the given recurring item exceeds the MaxEntriesReturned.", "")
				continue
			}
		} else if key == "" {
			sortItems(matched, body.child("SortOrder"))
		}
		total := len(matched)
		if v := body.child("IndexedPageItemView"); v != nil {
			offset = min(atoiDefault(v.attr("Offset"), 0), total)
			if m := atoiDefault(v.attr("MaxEntriesReturned"), 0); m > 0 {
				maxEntries = min(m, FindCountLimit)
			}
			if v.attr("BasePoint") == "End" {
				end := total - offset
				offset = max(0, end-maxEntries)
				matched = matched[offset:end]
			} else {
				matched = matched[offset:]
			}
		} else if cv == nil {
			if cvw := body.child("ContactsView"); cvw != nil {
				matched = contactsRange(matched, cvw)
				total = len(matched)
				if m := atoiDefault(cvw.attr("MaxEntriesReturned"), 0); m > 0 {
					maxEntries = min(m, FindCountLimit)
				}
			}
		}
		if len(matched) > maxEntries {
			matched = matched[:maxEntries]
		}
		r.success()
		attrs := []string{"TotalItemsInView", itoa(total), "IncludesLastItemInRange", boolStr(offset+len(matched) >= total)}
		if cv == nil {
			attrs = append([]string{"IndexedPagingOffset", itoa(offset + len(matched))}, attrs...)
		}
		r.w.open("m:RootFolder", attrs...)
		r.w.open("t:Items")
		for _, it := range matched {
			r.writeItem(mb, it, shape)
		}
		r.w.close().close().close()
	}
	return nil
}

// findMatchingLocked returns the items of folder f that the restriction and query string of a FindItem match,
// unsorted. It returns false when it wrote an error response message instead.
func (r *request) findMatchingLocked(mb *Mailbox, f *Folder, traversal string, restr, body *node) ([]*Item, bool) {
	items := mb.itemsInLocked(f.ID)
	if traversal != "Shallow" {
		items = nil // the fake store keeps no associated items, and soft-deleted items live in recoverable items
	}
	var matched []*Item
	for _, it := range items {
		if it.MasterID != "" && !strings.HasPrefix(it.ItemClass, "IPM.Schedule") {
			continue // stored exceptions are reached through their series
		}
		if restr != nil {
			ok, err := evalRestriction(restr, it, r.location())
			if err != nil {
				r.failure(errorCodeOf(err), err.Error(), "")
				return nil, false
			}
			if !ok {
				continue
			}
		}
		matched = append(matched, it)
	}
	if qs := strings.TrimSpace(body.textOf("QueryString")); qs != "" {
		matched = filterQueryString(matched, qs)
	}
	return matched, true
}

// overlapping keeps the items whose [Start, End) overlaps [start, end).
func overlapping(items []*Item, start, end time.Time) []*Item {
	var out []*Item
	for _, it := range items {
		if it.Kind() == "calendar" && it.Start.Before(end) && it.End.After(start) {
			out = append(out, it)
		}
	}
	return out
}

// contactsRange applies a ContactsView's InitialName/FinalName to contacts sorted by FileAs/DisplayName.
func contactsRange(items []*Item, v *node) []*Item {
	name := func(it *Item) string { return strings.ToLower(orDefault(it.FileAs, it.DisplayName)) }
	sort.SliceStable(items, func(i, j int) bool { return name(items[i]) < name(items[j]) })
	lo, hi := strings.ToLower(v.attr("InitialName")), strings.ToLower(v.attr("FinalName"))
	var out []*Item
	for _, it := range items {
		n := name(it)
		if (lo == "" || n >= lo) && (hi == "" || n <= hi) {
			out = append(out, it)
		}
	}
	return out
}

// filterQueryString applies an AQS query string the simple way Exchange's content index does for plain words:
// every word must occur in the subject, body or sender.
func filterQueryString(items []*Item, qs string) []*Item {
	var out []*Item
	for _, it := range items {
		hay := strings.ToLower(it.Subject + " " + it.Body + " " + it.From.Email + " " + it.From.Name)
		ok := true
		for _, w := range strings.Fields(strings.ToLower(qs)) {
			if _, v, found := strings.Cut(w, ":"); found {
				w = v
			}
			if !strings.Contains(hay, strings.Trim(w, `"`)) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out
}

// sortItems orders items by an m:SortOrder, or newest received first when there is none.
func sortItems(items []*Item, order *node) {
	var keys []*node
	if order != nil {
		keys = order.all("FieldOrder")
	}
	if len(keys) == 0 {
		sort.SliceStable(items, func(i, j int) bool { return items[i].DateTimeReceived.After(items[j].DateTimeReceived) })
		return
	}
	sort.SliceStable(items, func(i, j int) bool {
		for _, k := range keys {
			uri := k.child("FieldURI").attr("FieldURI")
			c := compareField(items[i], items[j], uri)
			if c == 0 {
				continue
			}
			if k.attr("Order") == "Descending" {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

// compareField compares two items on a sortable field.
func compareField(a, b *Item, uri string) int {
	ts := func(x, y time.Time) int { return x.Compare(y) }
	switch uri {
	case "item:DateTimeReceived":
		return ts(a.DateTimeReceived, b.DateTimeReceived)
	case "item:DateTimeSent":
		return ts(a.DateTimeSent, b.DateTimeSent)
	case "item:DateTimeCreated":
		return ts(a.DateTimeCreated, b.DateTimeCreated)
	case "item:LastModifiedTime":
		return ts(a.LastModifiedTime, b.LastModifiedTime)
	case "calendar:Start":
		return ts(a.Start, b.Start)
	case "calendar:End":
		return ts(a.End, b.End)
	case "item:Size":
		return a.Size() - b.Size()
	case "item:Subject":
		return strings.Compare(strings.ToLower(a.Subject), strings.ToLower(b.Subject))
	case "item:Importance":
		rank := map[string]int{"Low": 0, "": 1, "Normal": 1, "High": 2}
		return rank[a.Importance] - rank[b.Importance]
	case "message:From", "message:Sender":
		return strings.Compare(strings.ToLower(a.From.Email), strings.ToLower(b.From.Email))
	case "contacts:DisplayName":
		return strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName))
	case "contacts:Surname":
		return strings.Compare(strings.ToLower(a.Surname), strings.ToLower(b.Surname))
	}
	return 0
}

func handleCreateItem(r *request, body *node) error {
	items := body.child("Items")
	if items == nil || len(items.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: Items is required.")
	}
	disposition := body.attr("MessageDisposition")
	invitations := body.attr("SendMeetingInvitations")
	var target *Folder
	var targetMB *Mailbox
	if sf := body.child("SavedItemFolderId"); sf != nil && len(sf.Children) == 1 {
		mb, f, ec := r.resolveFolder(sf.Children[0])
		if ec != nil {
			r.messages()
			for range items.Children {
				r.failure(ec.code, ec.text, "m:Items")
			}
			return nil
		}
		targetMB, target = mb, f
	}
	r.messages()
	for _, n := range items.Children {
		if h, ok := responseObjects[n.Name.Local]; ok {
			h(r, n, disposition)
			continue
		}
		it, _, err := r.readItem(n)
		if err != nil {
			r.failure("ErrorInvalidRequest", err.Error(), "m:Items")
			continue
		}
		mb := r.mailbox
		if targetMB != nil && !(n.Name.Local == "Message" && disposition == "SendOnly") {
			// SendOnly ignores SavedItemFolderId, so it cannot send from a delegate's mailbox.
			mb = targetMB
		}
		switch n.Name.Local {
		case "Message":
			if strings.HasPrefix(r.version, "Exchange2007") && disposition != "SaveOnly" {
				// Exchange 2007 cannot send attachments in the CreateItem that creates the message: they are
				// lost. Clients save a draft, add the attachments with CreateAttachment and send it with
				// SendItem. (A forward's copy of the original's attachments is the server's own, and kept.)
				it.Attachments = nil
			}
			r.createMessage(mb, target, it, disposition)
		case "CalendarItem":
			r.createCalendarItem(mb, target, it, invitations)
		case "Contact", "DistributionList":
			f := target
			if f == nil {
				f = mb.folders[mb.dist["contacts"]]
			}
			stored := mb.items[mb.storeLocked(f.ID, it)]
			r.createdItem(mb, stored)
		default:
			r.failure("ErrorInvalidRequest", "Items of type "+n.Name.Local+" are not supported.", "m:Items")
		}
	}
	return nil
}

// responseObjects answer response objects in CreateItem (AcceptItem, DeclineItem, ...), set by the calendar code.
var responseObjects = map[string]func(r *request, n *node, disposition string){}

// createdItem writes a success message with the new item's id.
func (r *request) createdItem(mb *Mailbox, it *Item) {
	r.success()
	r.w.open("m:Items")
	r.w.open(elementName(it))
	r.w.empty("t:ItemId", "Id", it.ID, "ChangeKey", it.ChangeKey)
	r.w.close().close().close()
}

// createMessage saves and/or sends a message as MessageDisposition says.
func (r *request) createMessage(mb *Mailbox, target *Folder, it Item, disposition string) {
	switch disposition {
	case "SaveOnly", "":
		if disposition == "" {
			r.failure("ErrorMessageDispositionRequired", "MessageDisposition is required for messages.", "m:Items")
			return
		}
		f := target
		if f == nil {
			f = mb.folders[mb.dist["drafts"]]
		}
		it.IsDraft = true
		it.IsRead = true
		stored := mb.items[mb.storeLocked(f.ID, it)]
		r.createdItem(mb, stored)
	case "SendOnly", "SendAndSaveCopy":
		if len(it.To)+len(it.Cc)+len(it.Bcc) == 0 {
			r.failure("ErrorInvalidRecipients", "At least one recipient isn't valid.", "m:Items")
			return
		}
		sent := r.deliver(mb, it)
		r.success()
		r.w.empty("m:Items")
		r.w.close()
		if disposition == "SendAndSaveCopy" {
			f := target
			if f == nil {
				f = mb.folders[mb.dist["sentitems"]]
			}
			sent.IsRead = true
			mb.storeLocked(f.ID, sent)
		}
	default:
		r.failure("ErrorInvalidRequest", "MessageDisposition "+disposition+" is not valid.", "m:Items")
	}
}

// deliver sends a message from mb: it fills in the sender fields and stores a copy in the Inbox of every
// recipient that is a mailbox of this server. It returns the sent message.
func (r *request) deliver(mb *Mailbox, it Item) Item {
	now := r.srv.now()
	it.IsDraft = false
	if it.From.Email == "" {
		it.From = Address{Name: mb.DisplayName, Email: mb.Address}
	}
	it.Sender = it.From
	it.DateTimeSent = now
	it.DateTimeReceived = now
	if it.InternetMessageID == "" {
		mb.seq++
		it.InternetMessageID = "<" + itoa(mb.seq) + "." + itoa(int(now.Unix())) + "@" + domainOf(mb.Address) + ">"
	}
	seen := map[string]bool{}
	for _, a := range append(append(append([]Address(nil), it.To...), it.Cc...), it.Bcc...) {
		key := strings.ToLower(a.Email)
		if seen[key] {
			continue
		}
		seen[key] = true
		rcpt := r.srv.mailboxes[key]
		if rcpt == nil {
			continue
		}
		copyIt := it.clone()
		copyIt.IsRead = false
		copyIt.Bcc = nil
		copyIt.ConversationID = it.ConversationID
		rcpt.arriving = true
		rcpt.storeLocked(rcpt.dist["inbox"], copyIt)
		rcpt.arriving = false
	}
	r.srv.sent = append(r.srv.sent, it.clone())
	return it
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return "example.com"
}

// createCalendarItem stores an event in the calendar (or the target folder); the calendar code may replace it
// to send invitations.
func (r *request) createCalendarItem(mb *Mailbox, target *Folder, it Item, invitations string) {
	if createCalendarHook != nil {
		createCalendarHook(r, mb, target, it, invitations)
		return
	}
	f := target
	if f == nil {
		f = mb.folders[mb.dist["calendar"]]
	}
	if it.Organizer.Email == "" {
		it.Organizer = Address{Name: mb.DisplayName, Email: mb.Address}
	}
	stored := mb.items[mb.storeLocked(f.ID, it)]
	r.createdItem(mb, stored)
}

// createCalendarHook replaces createCalendarItem when set by the calendar code.
var createCalendarHook func(r *request, mb *Mailbox, target *Folder, it Item, invitations string)
