package testserver

import (
	"strconv"
	"strings"
)

// itemShape is the m:ItemShape of a request: which properties to return.
type itemShape struct {
	base     string          // IdOnly, Default, AllProperties
	props    map[string]bool // AdditionalProperties FieldURIs (and "uri:index" for indexed ones)
	bodyType string          // Best, HTML, Text
	mime     bool
	cacheKey string // shapeKey, for the item XML cache
}

func parseShape(n *node) itemShape {
	s := itemShape{base: "Default", props: map[string]bool{}, bodyType: "Best"}
	if n == nil {
		return s
	}
	if b := n.textOf("BaseShape"); b != "" {
		s.base = b
	}
	if b := n.textOf("BodyType"); b != "" {
		s.bodyType = b
	}
	s.mime = xsTrue(n.textOf("IncludeMimeContent"))
	for _, p := range n.child("AdditionalProperties").kids() {
		uri := p.attr("FieldURI")
		switch p.Name.Local {
		case "ExtendedFieldURI":
			uri = "extended:" + p.attr("PropertyTag") + p.attr("PropertyName") + p.attr("PropertyId")
		case "IndexedFieldURI":
			// contacts:EmailAddress with FieldIndex EmailAddress1 asks for that entry of the EmailAddresses
			// dictionary (DictionaryURIType); the server answers with the dictionary.
			if d := indexedDictionary(uri); d != "" {
				s.props[d] = true
			}
			uri += ":" + p.attr("FieldIndex")
		}
		s.props[uri] = true
	}
	s.cacheKey = s.shapeKey()
	return s
}

// defaultProps are the properties of the Default shape, by item kind (as Exchange returns them).
var defaultProps = map[string]map[string]bool{
	"message": set("item:ItemId", "item:ParentFolderId", "item:ItemClass", "item:Subject", "item:Sensitivity",
		"item:Attachments", "item:DateTimeReceived", "item:Size", "item:Importance", "item:IsDraft",
		"item:DateTimeSent", "item:DateTimeCreated", "item:DisplayCc", "item:DisplayTo", "item:HasAttachments",
		"item:LastModifiedTime", "item:ConversationId", "message:Sender", "message:IsReadReceiptRequested",
		"message:ConversationTopic", "message:From", "message:InternetMessageId", "message:IsRead"),
	"calendar": set("item:ItemId", "item:ParentFolderId", "item:ItemClass", "item:Subject", "item:Sensitivity",
		"item:Attachments", "item:DateTimeReceived", "item:Size", "item:Importance", "item:HasAttachments",
		"item:ReminderIsSet", "item:ReminderMinutesBeforeStart", "item:LastModifiedTime", "calendar:UID",
		"calendar:Start", "calendar:End", "calendar:IsAllDayEvent", "calendar:LegacyFreeBusyStatus",
		"calendar:Location", "calendar:IsMeeting", "calendar:IsCancelled", "calendar:IsRecurring",
		"calendar:CalendarItemType", "calendar:MyResponseType", "calendar:Organizer"),
	"contact": set("item:ItemId", "item:ParentFolderId", "item:ItemClass", "item:Subject", "item:Attachments",
		"item:Size", "item:HasAttachments", "item:LastModifiedTime", "contacts:FileAs", "contacts:DisplayName",
		"contacts:GivenName", "contacts:CompanyName", "contacts:EmailAddresses", "contacts:PhysicalAddresses",
		"contacts:PhoneNumbers", "contacts:Department", "contacts:JobTitle", "contacts:Surname"),
}

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// has reports whether the shape asks for the property uri of an item of the given kind.
func (s itemShape) has(kind, uri string) bool {
	if uri == "item:ItemId" || s.props[uri] {
		return true
	}
	// An indexed request (contacts:EmailAddress:EmailAddress1) selects the whole dictionary here.
	for p := range s.props {
		if strings.HasPrefix(p, uri) {
			return true
		}
	}
	switch s.base {
	case "AllProperties":
		return uri != "item:MimeContent" && uri != "item:UniqueBody" && uri != "item:TextBody"
	case "Default":
		if uri == "item:Body" {
			return true
		}
		return defaultProps[kind][uri]
	}
	return false
}

// wantsTransportHeaders reports whether the shape asks for PR_TRANSPORT_MESSAGE_HEADERS (tag 0x007D, written in
// any form: "0x007D", "0x7d", "125").
func (s itemShape) wantsTransportHeaders() bool {
	for p := range s.props {
		tag, ok := strings.CutPrefix(p, "extended:")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(tag, 0, 32); err == nil && n == 0x7D {
			return true
		}
	}
	return false
}

// indexedDictionary returns the dictionary property an indexed property path selects an entry of.
func indexedDictionary(uri string) string {
	switch {
	case uri == "contacts:EmailAddress":
		return "contacts:EmailAddresses"
	case uri == "contacts:PhoneNumber":
		return "contacts:PhoneNumbers"
	case uri == "contacts:ImAddress":
		return "contacts:ImAddresses"
	case strings.HasPrefix(uri, "contacts:PhysicalAddress:"):
		return "contacts:PhysicalAddresses"
	}
	return ""
}
