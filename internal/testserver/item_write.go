package testserver

import (
	"encoding/base64"
	"html"
	"sort"
	"strings"
)

// elementName is the response element of an item: Message, MeetingRequest, CalendarItem, Contact, ...
func elementName(it *Item) string {
	switch {
	case strings.HasPrefix(it.ItemClass, "IPM.Schedule.Meeting.Request"):
		return "t:MeetingRequest"
	case strings.HasPrefix(it.ItemClass, "IPM.Schedule.Meeting.Canceled"):
		return "t:MeetingCancellation"
	case strings.HasPrefix(it.ItemClass, "IPM.Schedule.Meeting.Resp"):
		return "t:MeetingResponse"
	case strings.HasPrefix(it.ItemClass, "IPM.DistList"):
		return "t:DistributionList"
	}
	switch it.Kind() {
	case "message":
		return "t:Message"
	case "calendar":
		return "t:CalendarItem"
	case "contact":
		return "t:Contact"
	}
	return "t:Item"
}

// htmlToText is the server's conversion of an HTML body to text, in the manner of Exchange's: tags are
// removed, block-level elements (p, div, br, li, tr, headings) end a line, character references are decoded,
// and runs of blank lines are folded into one.
func htmlToText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		if breaksLine(s[i+1 : i+j]) {
			b.WriteString("\r\n")
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	lines := strings.Split(html.UnescapeString(b.String()), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\r\n"))
}

// breaksLine reports whether a tag (its text between < and >) ends a line of text.
func breaksLine(tag string) bool {
	name := strings.ToLower(strings.TrimLeft(tag, "/"))
	if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
		name = name[:k]
	}
	switch name {
	case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "hr":
		return true
	}
	return false
}

// writeItem writes one item in the properties the shape asks for, in schema order. The XML of messages is
// cached per shape (item_cache.go).
func (r *request) writeItem(mb *Mailbox, it *Item, s itemShape) {
	// IdOnly (what FindItem pages ask for) is cheap to write and would evict the shape worth caching.
	if s.cacheKey == "" || it.Kind() != "message" || s.base == "IdOnly" && len(s.props) == 0 && !s.mime {
		r.writeItemXML(mb, it, s)
		return
	}
	if r.cachedItemLocked(mb, it, s.cacheKey) {
		return
	}
	start := r.w.buf.Len()
	r.writeItemXML(mb, it, s)
	r.cacheItemLocked(mb, it, s.cacheKey, start)
}

// writeItemXML writes one item, as writeItem, without the cache.
func (r *request) writeItemXML(mb *Mailbox, it *Item, s itemShape) {
	kind := it.Kind()
	name := elementName(it)
	w := &r.w
	has := func(uri string) bool { return s.has(kind, uri) }
	// A poison item's control characters go out as the character references Exchange writes (see Item).
	w.refs = it.ControlCharRefs
	defer func() { w.refs = false }()
	w.open(name)
	if (s.mime || s.props["item:MimeContent"]) && (kind == "message" || len(it.MimeContent) > 0) {
		w.open("t:MimeContent", "CharacterSet", "UTF-8").raw(base64.StdEncoding.EncodeToString(mimeOf(it))).close()
	}
	w.empty("t:ItemId", "Id", it.ID, "ChangeKey", it.ChangeKey)
	if has("item:ParentFolderId") {
		f := mb.folders[it.FolderID]
		w.empty("t:ParentFolderId", "Id", f.ID, "ChangeKey", f.ChangeKey)
	}
	if has("item:ItemClass") {
		w.elem("t:ItemClass", it.ItemClass)
	}
	if has("item:Subject") {
		w.elem("t:Subject", it.Subject)
	}
	if has("item:Sensitivity") {
		w.elem("t:Sensitivity", orDefault(it.Sensitivity, "Normal"))
	}
	if has("item:Body") {
		bt, text := orDefault(it.BodyType, "Text"), it.Body
		if s.bodyType == "Text" && bt == "HTML" {
			bt, text = "Text", htmlToText(text)
		} else if s.bodyType == "HTML" && bt == "Text" {
			bt, text = "HTML", "<html><body>"+escape(text)+"</body></html>"
		}
		w.open("t:Body", "BodyType", bt, "IsTruncated", "false").raw(w.esc(text)).close()
	}
	if has("item:Attachments") && len(it.Attachments) > 0 {
		w.open("t:Attachments")
		for i := range it.Attachments {
			writeAttachment(w, &it.Attachments[i], false)
		}
		w.close()
	}
	if has("item:DateTimeReceived") {
		w.elemTime("t:DateTimeReceived", it.DateTimeReceived)
	}
	if has("item:Size") {
		w.elemInt("t:Size", it.Size())
	}
	if has("item:Categories") && len(it.Categories) > 0 {
		w.open("t:Categories")
		for _, c := range it.Categories {
			w.elem("t:String", c)
		}
		w.close()
	}
	if has("item:Importance") {
		w.elem("t:Importance", orDefault(it.Importance, "Normal"))
	}
	if has("item:InReplyTo") && it.InReplyTo != "" {
		w.elem("t:InReplyTo", it.InReplyTo)
	}
	if has("item:IsSubmitted") {
		w.elemBool("t:IsSubmitted", false)
	}
	if has("item:IsDraft") {
		w.elemBool("t:IsDraft", it.IsDraft)
	}
	if has("item:IsFromMe") {
		w.elemBool("t:IsFromMe", strings.EqualFold(it.From.Email, mb.Address))
	}
	if has("item:InternetMessageHeaders") && kind == "message" {
		hs := headersOf(it)
		if len(hs) > 0 {
			w.open("t:InternetMessageHeaders")
			for _, h := range hs {
				w.open("t:InternetMessageHeader", "HeaderName", h.Name).raw(w.esc(h.Value)).close()
			}
			w.close()
		}
	}
	if has("item:DateTimeSent") {
		w.elemTime("t:DateTimeSent", it.DateTimeSent)
	}
	if has("item:DateTimeCreated") {
		w.elemTime("t:DateTimeCreated", it.DateTimeCreated)
	}
	if has("item:ReminderIsSet") {
		w.elemBool("t:ReminderIsSet", it.ReminderIsSet)
	}
	if has("item:ReminderMinutesBeforeStart") && kind == "calendar" {
		w.elemInt("t:ReminderMinutesBeforeStart", it.ReminderMinutes)
	}
	if has("item:DisplayCc") {
		w.elem("t:DisplayCc", displayNames(it.Cc))
	}
	if has("item:DisplayTo") {
		w.elem("t:DisplayTo", displayNames(it.To))
	}
	if has("item:HasAttachments") {
		w.elemBool("t:HasAttachments", it.HasAttachments())
	}
	if kind == "message" && !it.IsDraft && s.wantsTransportHeaders() {
		// PR_TRANSPORT_MESSAGE_HEADERS: the full header block as received; Exchange answers with tag "0x7d".
		w.open("t:ExtendedProperty")
		w.empty("t:ExtendedFieldURI", "PropertyTag", "0x7d", "PropertyType", "String")
		w.elem("t:Value", transportHeaders(it))
		w.close()
	}
	if len(it.Extra) > 0 {
		keys := make([]string, 0, len(it.Extra))
		for k := range it.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s.props["extended:"+k] {
				w.open("t:ExtendedProperty")
				w.empty("t:ExtendedFieldURI", "PropertyTag", k, "PropertyType", "String")
				w.elem("t:Value", it.Extra[k])
				w.close()
			}
		}
	}
	if has("item:LastModifiedTime") {
		w.elemTime("t:LastModifiedTime", it.LastModifiedTime)
	}
	if has("item:ConversationId") && it.ConversationID != "" {
		w.empty("t:ConversationId", "Id", it.ConversationID)
	}
	if has("item:Flag") {
		// Exchange 2013 and later answer every item with its flag, NotFlagged when it has none.
		w.open("t:Flag")
		w.elem("t:FlagStatus", orDefault(it.FlagStatus, "NotFlagged"))
		w.close()
	}
	if s.props["item:TextBody"] && (kind == "message" || it.Body != "") {
		text := it.Body
		if it.BodyType == "HTML" {
			text = htmlToText(text)
		}
		w.open("t:TextBody", "BodyType", "Text", "IsTruncated", "false").raw(w.esc(text)).close()
	}
	switch kind {
	case "message":
		r.writeMessageFields(it, has)
	case "calendar":
		r.writeCalendarFields(it, has)
	case "contact":
		r.writeContactFields(it, has)
	}
	w.close()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func displayNames(as []Address) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = orDefault(a.Name, a.Email)
	}
	return strings.Join(names, "; ")
}

func writeMailbox(w *xw, name string, a Address) {
	w.open(name)
	w.elemIf("t:Name", orDefault(a.Name, a.Email))
	w.elemIf("t:EmailAddress", a.Email)
	w.elem("t:RoutingType", "SMTP")
	w.elem("t:MailboxType", "Mailbox")
	w.close()
}

func writeRecipients(w *xw, name string, as []Address) {
	if len(as) == 0 {
		return
	}
	w.open(name)
	for _, a := range as {
		writeMailbox(w, "t:Mailbox", a)
	}
	w.close()
}

func writeSingle(w *xw, name string, a Address) {
	if a.Email == "" && a.Name == "" {
		return
	}
	w.open(name)
	writeMailbox(w, "t:Mailbox", a)
	w.close()
}

func (r *request) writeMessageFields(it *Item, has func(string) bool) {
	w := &r.w
	if has("message:Sender") {
		sender := it.Sender
		if sender.Email == "" {
			sender = it.From
		}
		writeSingle(w, "t:Sender", sender)
	}
	if has("message:ToRecipients") {
		writeRecipients(w, "t:ToRecipients", it.To)
	}
	if has("message:CcRecipients") {
		writeRecipients(w, "t:CcRecipients", it.Cc)
	}
	if has("message:BccRecipients") {
		writeRecipients(w, "t:BccRecipients", it.Bcc)
	}
	if has("message:IsReadReceiptRequested") {
		w.elemBool("t:IsReadReceiptRequested", it.IsReadReceiptRequested)
	}
	if has("message:ConversationTopic") {
		w.elem("t:ConversationTopic", it.ConversationTopic)
	}
	if has("message:From") {
		writeSingle(w, "t:From", it.From)
	}
	if has("message:InternetMessageId") && it.InternetMessageID != "" {
		w.elem("t:InternetMessageId", it.InternetMessageID)
	}
	if has("message:IsRead") {
		w.elemBool("t:IsRead", it.IsRead)
	}
	if has("message:References") && it.References != "" {
		w.elem("t:References", it.References)
	}
	if has("message:ReplyTo") {
		writeRecipients(w, "t:ReplyTo", it.ReplyTo)
	}
	if strings.HasPrefix(it.ItemClass, "IPM.Schedule.Meeting") {
		r.writeMeetingMessageFields(it, has)
	}
}

// writeMeetingMessageFields writes the fields of a MeetingRequest after the message fields.
func (r *request) writeMeetingMessageFields(it *Item, has func(string) bool) {
	w := &r.w
	if it.MasterID != "" && has("meeting:AssociatedCalendarItemId") {
		w.empty("t:AssociatedCalendarItemId", "Id", it.MasterID)
	}
	if has("calendar:Start") {
		w.elemTime("t:Start", it.Start)
	}
	if has("calendar:End") {
		w.elemTime("t:End", it.End)
	}
	if has("calendar:Location") && it.Location != "" {
		w.elem("t:Location", it.Location)
	}
}

func writeAttendees(w *xw, name string, as []Attendee) {
	if len(as) == 0 {
		return
	}
	w.open(name)
	for _, a := range as {
		w.open("t:Attendee")
		writeMailbox(w, "t:Mailbox", a.Address)
		w.elem("t:ResponseType", orDefault(a.Response, "Unknown"))
		w.close()
	}
	w.close()
}

func (r *request) writeCalendarFields(it *Item, has func(string) bool) {
	w := &r.w
	if has("calendar:UID") && it.UID != "" {
		w.elem("t:UID", it.UID)
	}
	if has("calendar:Start") {
		w.elemTime("t:Start", it.Start)
	}
	if has("calendar:End") {
		w.elemTime("t:End", it.End)
	}
	if has("calendar:IsAllDayEvent") {
		w.elemBool("t:IsAllDayEvent", it.IsAllDayEvent)
	}
	if has("calendar:LegacyFreeBusyStatus") {
		w.elem("t:LegacyFreeBusyStatus", orDefault(it.LegacyFreeBusyStatus, "Busy"))
	}
	if has("calendar:Location") && it.Location != "" {
		w.elem("t:Location", it.Location)
	}
	if has("calendar:IsMeeting") {
		w.elemBool("t:IsMeeting", it.IsMeeting || len(it.RequiredAttendees)+len(it.OptionalAttendees)+len(it.Resources) > 0)
	}
	if has("calendar:IsCancelled") {
		w.elemBool("t:IsCancelled", it.IsCancelled)
	}
	if has("calendar:IsRecurring") {
		w.elemBool("t:IsRecurring", it.Recurrence != nil || it.MasterID != "")
	}
	if has("calendar:CalendarItemType") {
		typ := "Single"
		switch {
		case it.Recurrence != nil:
			typ = "RecurringMaster"
		case it.MasterID != "" && it.version > 0:
			typ = "Exception" // an occurrence changed after the series created it
		case it.MasterID != "":
			typ = "Occurrence"
		}
		w.elem("t:CalendarItemType", typ)
	}
	if has("calendar:MyResponseType") {
		w.elem("t:MyResponseType", orDefault(it.MyResponseType, "Organizer"))
	}
	if has("calendar:Organizer") {
		writeSingle(w, "t:Organizer", it.Organizer)
	}
	if has("calendar:RequiredAttendees") {
		writeAttendees(w, "t:RequiredAttendees", it.RequiredAttendees)
	}
	if has("calendar:OptionalAttendees") {
		writeAttendees(w, "t:OptionalAttendees", it.OptionalAttendees)
	}
	if has("calendar:Resources") {
		writeAttendees(w, "t:Resources", it.Resources)
	}
	if has("calendar:Recurrence") && it.Recurrence != nil {
		writeRecurrence(w, it.Recurrence)
	}
	if has("calendar:StartTimeZone") && it.StartTimeZone != "" {
		w.empty("t:StartTimeZone", "Id", it.StartTimeZone)
	}
	if has("calendar:EndTimeZone") && it.EndTimeZone != "" {
		w.empty("t:EndTimeZone", "Id", it.EndTimeZone)
	}
}

func writeRecurrence(w *xw, rec *Recurrence) {
	w.open("t:Recurrence")
	switch rec.Pattern {
	case "Weekly":
		w.open("t:WeeklyRecurrence").elemInt("t:Interval", max(1, rec.Interval))
		days := make([]string, len(rec.DaysOfWeek))
		for i, d := range rec.DaysOfWeek {
			days[i] = d.String()
		}
		w.elem("t:DaysOfWeek", strings.Join(days, " ")).close()
	default:
		w.open("t:DailyRecurrence").elemInt("t:Interval", max(1, rec.Interval)).close()
	}
	start := rec.Start.Format("2006-01-02")
	switch {
	case rec.Count > 0:
		w.open("t:NumberedRecurrence").elem("t:StartDate", start).elemInt("t:NumberOfOccurrences", rec.Count).close()
	case !rec.End.IsZero():
		w.open("t:EndDateRecurrence").elem("t:StartDate", start).elem("t:EndDate", rec.End.Format("2006-01-02")).close()
	default:
		w.open("t:NoEndRecurrence").elem("t:StartDate", start).close()
	}
	w.close()
}

func (r *request) writeContactFields(it *Item, has func(string) bool) {
	w := &r.w
	if has("contacts:FileAs") {
		w.elemIf("t:FileAs", it.FileAs)
	}
	if has("contacts:DisplayName") {
		w.elemIf("t:DisplayName", it.DisplayName)
	}
	if has("contacts:GivenName") {
		w.elemIf("t:GivenName", it.GivenName)
	}
	if has("contacts:CompanyName") {
		w.elemIf("t:CompanyName", it.CompanyName)
	}
	if has("contacts:EmailAddresses") && len(it.EmailAddresses) > 0 {
		w.open("t:EmailAddresses")
		for _, k := range sortedKeys(it.EmailAddresses) {
			w.open("t:Entry", "Key", k).raw(escape(it.EmailAddresses[k])).close()
		}
		w.close()
	}
	if has("contacts:PhysicalAddresses") && len(it.PhysicalAddresses) > 0 {
		w.open("t:PhysicalAddresses")
		for _, k := range sortedKeys(it.PhysicalAddresses) {
			a := it.PhysicalAddresses[k]
			w.open("t:Entry", "Key", k).elemIf("t:Street", a.Street).elemIf("t:City", a.City).elemIf("t:State", a.State).
				elemIf("t:CountryOrRegion", a.CountryOrRegion).elemIf("t:PostalCode", a.PostalCode).close()
		}
		w.close()
	}
	if has("contacts:PhoneNumbers") && len(it.PhoneNumbers) > 0 {
		w.open("t:PhoneNumbers")
		for _, k := range sortedKeys(it.PhoneNumbers) {
			w.open("t:Entry", "Key", k).raw(escape(it.PhoneNumbers[k])).close()
		}
		w.close()
	}
	if has("contacts:Department") {
		w.elemIf("t:Department", it.Department)
	}
	if has("contacts:JobTitle") {
		w.elemIf("t:JobTitle", it.JobTitle)
	}
	if has("contacts:Surname") {
		w.elemIf("t:Surname", it.Surname)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeAttachment writes a t:FileAttachment or t:ItemAttachment; withContent adds the content (GetAttachment).
func writeAttachment(w *xw, a *Attachment, withContent bool) {
	if a.Item != nil {
		w.open("t:ItemAttachment")
	} else {
		w.open("t:FileAttachment")
	}
	w.empty("t:AttachmentId", "Id", a.ID)
	w.elem("t:Name", a.Name)
	w.elemIf("t:ContentType", orDefault(a.ContentType, map[bool]string{true: "message/rfc822", false: "application/octet-stream"}[a.Item != nil]))
	w.elemIf("t:ContentId", a.ContentID)
	size := a.Size
	if size == 0 {
		size = len(a.Content)
		if a.Item != nil {
			size = a.Item.Size()
		}
	}
	w.elemInt("t:Size", size)
	w.elemBool("t:IsInline", a.IsInline)
	if withContent && a.Item == nil {
		w.elem("t:Content", base64.StdEncoding.EncodeToString(a.Content))
	}
	w.close()
}
