package ews

import (
	"sort"
	"strings"

	"github.com/ewsgo/ews/internal/suggest"
)

// fieldType is the type of a filterable field; it decides which lookups and values the field takes.
type fieldType uint8

const (
	ftString     fieldType = iota + 1 // text
	ftMailbox                         // one mailbox, compared by e-mail address
	ftBool                            // rendered 1/0
	ftInt                             // integer
	ftDateTime                        // xs:dateTime, rendered in UTC
	ftDateOrTime                      // calendar start/end: a datetime, or a date for all-day items
	ftDate                            // a date sent as that day at 11:59 UTC, as exchangelib does
	ftEnum                            // one of choices
	ftStringList                      // several strings (categories)
)

func (t fieldType) String() string {
	switch t {
	case ftString:
		return "text"
	case ftMailbox:
		return "mailbox"
	case ftBool:
		return "boolean"
	case ftInt:
		return "integer"
	case ftDateTime:
		return "datetime"
	case ftDateOrTime:
		return "datetime"
	case ftDate:
		return "date"
	case ftEnum:
		return "choice"
	case ftStringList:
		return "list"
	}
	return "unknown"
}

// fieldDef is one exchangelib field name and the EWS property it filters on.
type fieldDef struct {
	name    string
	uri     string
	typ     fieldType
	choices []string // ftEnum

	// Indexed contact properties (t:IndexedFieldURI): labels are the FieldIndex values. defaultLabel, if set, is
	// used when the path has no label (email_addresses means EmailAddress1). subfields, for physical addresses,
	// maps exchangelib's subfield names to the FieldURI suffix and must be given.
	labels       []string
	defaultLabel string
	subfields    map[string]string
}

func (f *fieldDef) indexed() bool { return len(f.labels) > 0 }

var (
	sensitivityChoices = []string{"Normal", "Personal", "Private", "Confidential"}
	importanceChoices  = []string{"Low", "Normal", "High"}
	freeBusyChoices    = []string{"Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData"}
	itemTypeChoices    = []string{"Single", "Occurrence", "Exception", "RecurringMaster"}
	responseChoices    = []string{"Unknown", "Organizer", "Tentative", "Accept", "Decline", "NoResponseReceived"}
	emailLabels        = []string{"EmailAddress1", "EmailAddress2", "EmailAddress3"}
	phoneLabels        = []string{"AssistantPhone", "BusinessFax", "BusinessPhone", "BusinessPhone2", "Callback",
		"CarPhone", "CompanyMainPhone", "HomeFax", "HomePhone", "HomePhone2", "Isdn", "MobilePhone", "OtherFax",
		"OtherTelephone", "Pager", "PrimaryPhone", "RadioPhone", "Telex", "TtyTddPhone"}
	addressLabels    = []string{"Business", "Home", "Other"}
	addressSubfields = map[string]string{"street": "Street", "city": "City", "state": "State",
		"country": "CountryOrRegion", "zipcode": "PostalCode"}
)

// queryFields are the fields a query can filter on, by exchangelib's names (Message, CalendarItem and Contact
// fields that EWS can search).
var queryFields = indexFields([]fieldDef{
	// Item
	{name: "subject", uri: "item:Subject", typ: ftString},
	{name: "body", uri: "item:Body", typ: ftString},
	{name: "item_class", uri: "item:ItemClass", typ: ftString},
	{name: "sensitivity", uri: "item:Sensitivity", typ: ftEnum, choices: sensitivityChoices},
	{name: "importance", uri: "item:Importance", typ: ftEnum, choices: importanceChoices},
	{name: "categories", uri: "item:Categories", typ: ftStringList},
	{name: "in_reply_to", uri: "item:InReplyTo", typ: ftString},
	{name: "datetime_received", uri: "item:DateTimeReceived", typ: ftDateTime},
	{name: "datetime_sent", uri: "item:DateTimeSent", typ: ftDateTime},
	{name: "datetime_created", uri: "item:DateTimeCreated", typ: ftDateTime},
	{name: "last_modified_time", uri: "item:LastModifiedTime", typ: ftDateTime},
	{name: "size", uri: "item:Size", typ: ftInt},
	{name: "has_attachments", uri: "item:HasAttachments", typ: ftBool},
	{name: "is_draft", uri: "item:IsDraft", typ: ftBool},
	{name: "reminder_is_set", uri: "item:ReminderIsSet", typ: ftBool},
	{name: "reminder_minutes_before_start", uri: "item:ReminderMinutesBeforeStart", typ: ftInt},
	{name: "display_to", uri: "item:DisplayTo", typ: ftString},
	{name: "display_cc", uri: "item:DisplayCc", typ: ftString},
	// Message
	{name: "sender", uri: "message:Sender", typ: ftMailbox},
	{name: "author", uri: "message:From", typ: ftMailbox},
	{name: "from", uri: "message:From", typ: ftMailbox},
	{name: "is_read", uri: "message:IsRead", typ: ftBool},
	{name: "is_read_receipt_requested", uri: "message:IsReadReceiptRequested", typ: ftBool},
	{name: "message_id", uri: "message:InternetMessageId", typ: ftString},
	{name: "references", uri: "message:References", typ: ftString},
	{name: "conversation_topic", uri: "message:ConversationTopic", typ: ftString},
	// CalendarItem
	{name: "start", uri: "calendar:Start", typ: ftDateOrTime},
	{name: "end", uri: "calendar:End", typ: ftDateOrTime},
	{name: "location", uri: "calendar:Location", typ: ftString},
	{name: "organizer", uri: "calendar:Organizer", typ: ftMailbox},
	{name: "is_all_day", uri: "calendar:IsAllDayEvent", typ: ftBool},
	{name: "legacy_free_busy_status", uri: "calendar:LegacyFreeBusyStatus", typ: ftEnum, choices: freeBusyChoices},
	{name: "is_meeting", uri: "calendar:IsMeeting", typ: ftBool},
	{name: "is_cancelled", uri: "calendar:IsCancelled", typ: ftBool},
	{name: "is_recurring", uri: "calendar:IsRecurring", typ: ftBool},
	{name: "type", uri: "calendar:CalendarItemType", typ: ftEnum, choices: itemTypeChoices},
	{name: "my_response_type", uri: "calendar:MyResponseType", typ: ftEnum, choices: responseChoices},
	// Contact
	{name: "display_name", uri: "contacts:DisplayName", typ: ftString},
	{name: "given_name", uri: "contacts:GivenName", typ: ftString},
	{name: "surname", uri: "contacts:Surname", typ: ftString},
	{name: "company_name", uri: "contacts:CompanyName", typ: ftString},
	{name: "job_title", uri: "contacts:JobTitle", typ: ftString},
	{name: "department", uri: "contacts:Department", typ: ftString},
	{name: "birthday", uri: "contacts:Birthday", typ: ftDate},
	{name: "email_addresses", uri: "contacts:EmailAddress", typ: ftString, labels: emailLabels, defaultLabel: "EmailAddress1"},
	{name: "phone_numbers", uri: "contacts:PhoneNumber", typ: ftString, labels: phoneLabels},
	{name: "physical_addresses", uri: "contacts:PhysicalAddress", typ: ftString, labels: addressLabels, subfields: addressSubfields},
})

// unsearchableFields are fields that exist but that EWS cannot filter on, with a hint where there is a way.
var unsearchableFields = map[string]string{
	"to_recipients":         "use display_to, e.g. display_to__icontains",
	"cc_recipients":         "use display_cc, e.g. display_cc__icontains",
	"bcc_recipients":        "",
	"reply_to":              "",
	"mime_content":          "",
	"uid":                   "",
	"required_attendees":    "",
	"optional_attendees":    "",
	"resources":             "",
	"recurrence":            "",
	"reminder_due_by":       "",
	"culture":               "",
	"attachments":           "use has_attachments",
	"headers":               "",
	"companies":             "",
	"conversation_id":       "",
	"conversation_index":    "",
	"id":                    "",
	"changekey":             "",
	"parent_folder_id":      "",
	"effective_rights":      "",
	"unique_body":           "",
	"response_objects":      "",
	"is_response_requested": "",
}

func indexFields(defs []fieldDef) map[string]*fieldDef {
	m := make(map[string]*fieldDef, len(defs))
	for i := range defs {
		m[defs[i].name] = &defs[i]
	}
	return m
}

// Lookups, as exchangelib names them. The empty lookup is equality.
const (
	lookupEq          = ""
	lookupNot         = "not"
	lookupGt          = "gt"
	lookupGte         = "gte"
	lookupLt          = "lt"
	lookupLte         = "lte"
	lookupExact       = "exact"
	lookupIExact      = "iexact"
	lookupContains    = "contains"
	lookupIContains   = "icontains"
	lookupStartsWith  = "startswith"
	lookupIStartsWith = "istartswith"
	lookupIn          = "in"
	lookupRange       = "range"
	lookupExists      = "exists"
)

var allLookups = []string{lookupNot, lookupGt, lookupGte, lookupLt, lookupLte, lookupExact, lookupIExact,
	lookupContains, lookupIContains, lookupStartsWith, lookupIStartsWith, lookupIn, lookupRange, lookupExists}

func isLookup(s string) bool {
	for _, l := range allLookups {
		if s == l {
			return true
		}
	}
	return false
}

// lookupsFor lists the lookups a field type takes, for error messages.
func lookupsFor(t fieldType) []string {
	switch t {
	case ftString, ftStringList:
		return allLookups
	case ftMailbox:
		return []string{lookupNot, lookupExact, lookupIExact, lookupContains, lookupIContains, lookupStartsWith,
			lookupIStartsWith, lookupIn, lookupExists}
	case ftInt, ftDateTime, ftDateOrTime, ftDate:
		return []string{lookupNot, lookupGt, lookupGte, lookupLt, lookupLte, lookupIn, lookupRange, lookupExists}
	case ftBool, ftEnum:
		return []string{lookupNot, lookupIn, lookupExists}
	}
	return nil
}

func lookupAllowed(t fieldType, l string) bool {
	if l == lookupEq {
		return true
	}
	for _, x := range lookupsFor(t) {
		if x == l {
			return true
		}
	}
	return false
}

// fieldPath is a resolved field path: the field and, for indexed contact fields, the label and subfield.
type fieldPath struct {
	def      *fieldDef
	label    string
	subfield string
	key      string // the path as exchangelib writes it: "subject", "email_addresses__EmailAddress2", ...
}

// parseKey splits a lookup key such as "subject__icontains" or "physical_addresses__Business__city__iexact" into
// a field path and a lookup, checking both.
func parseKey(key string) (fieldPath, string, error) {
	parts := strings.Split(key, "__")
	name := parts[0]
	def := queryFields[name]
	if def == nil {
		return fieldPath{}, "", unknownFieldError(key, name)
	}
	rest := parts[1:]
	fp := fieldPath{def: def, key: name}
	if def.indexed() {
		switch {
		case len(rest) > 0 && !isLookup(rest[0]):
			label := rest[0]
			if !hasString(def.labels, label) {
				return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: "unknown label " + quoteValue(label) + " for " +
					name + "; labels are " + strings.Join(def.labels, ", "), Suggestion: suggestLabel(def, label, rest[1:])}
			}
			fp.label, rest = label, rest[1:]
			fp.key = name + "__" + label
		case def.defaultLabel != "":
			fp.label = def.defaultLabel
		default:
			return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: name + " needs a label, one of " +
				strings.Join(def.labels, ", "), Suggestion: suggestLabel(def, "", rest)}
		}
		if def.subfields != nil {
			if len(rest) == 0 || isLookup(rest[0]) {
				return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: fp.key + " needs a subfield, one of " +
					strings.Join(sortedKeys(def.subfields), ", "), Suggestion: joinKey(fp.key+"__city", rest)}
			}
			sub := rest[0]
			if def.subfields[sub] == "" {
				return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: "unknown subfield " + quoteValue(sub) + " of " + name +
					"; subfields are " + strings.Join(sortedKeys(def.subfields), ", "),
					Suggestion: joinKey(fp.key+"__"+defaultTo(nearest(sub, sortedKeys(def.subfields)), "city"), rest[1:])}
			}
			fp.subfield, rest = sub, rest[1:]
			fp.key += "__" + sub
		}
	}
	lookup := ""
	switch len(rest) {
	case 0:
	case 1:
		lookup = rest[0]
		if lookup == "" {
			return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: "the key ends in __ without a lookup", Suggestion: fp.key}
		}
	default:
		return fieldPath{}, "", &QueryError{Field: key, Pos: -1, Msg: "too many __ parts for field " + name,
			Suggestion: joinKey(fp.key, rest[len(rest)-1:])}
	}
	if err := checkLookup(key, fp, lookup); err != nil {
		return fieldPath{}, "", err
	}
	return fp, lookup, nil
}

func checkLookup(key string, fp fieldPath, lookup string) error {
	switch lookup {
	case "endswith", "iendswith":
		return &QueryError{Field: key, Lookup: lookup, Pos: -1,
			Msg:        "EWS cannot match the end of a string (there is no endswith); filter with contains and check the end in Go",
			Suggestion: fp.key + "__" + strings.TrimSuffix(lookup, "endswith") + "contains"}
	}
	if lookup != lookupEq && !isLookup(lookup) {
		e := &QueryError{Field: key, Lookup: lookup, Pos: -1, Msg: "unknown lookup " + quoteValue(lookup)}
		if l := nearest(lookup, lookupsFor(fp.def.typ)); l != "" {
			e.Suggestion = fp.key + "__" + l
		}
		return e
	}
	if !lookupAllowed(fp.def.typ, lookup) {
		return &QueryError{Field: key, Lookup: lookup, Pos: -1, Msg: "lookup " + quoteValue(lookup) + " does not apply to " +
			fp.def.typ.String() + " field " + fp.def.name + "; it takes " + strings.Join(lookupsFor(fp.def.typ), ", ")}
	}
	return nil
}

func unknownFieldError(key, name string) error {
	if hint, ok := unsearchableFields[name]; ok {
		msg := "EWS cannot filter on field " + name
		if hint != "" {
			msg += "; " + hint
		}
		return &QueryError{Field: key, Pos: -1, Msg: msg}
	}
	names := make([]string, 0, len(queryFields))
	for n := range queryFields {
		names = append(names, n)
	}
	sort.Strings(names)
	suggestion := nearest(name, names)
	if suggestion != "" {
		suggestion += strings.TrimPrefix(key, name)
	}
	return &QueryError{Field: key, Pos: -1, Msg: "unknown field " + quoteValue(name), Suggestion: suggestion}
}

func suggestLabel(def *fieldDef, label string, rest []string) string {
	l := nearest(label, def.labels)
	if label == "" || l == "" {
		l = def.labels[0]
		if hasString(def.labels, "PrimaryPhone") {
			l = "PrimaryPhone"
		}
	}
	s := def.name + "__" + l
	if def.subfields != nil && (len(rest) == 0 || def.subfields[rest[0]] == "") {
		s += "__city"
	}
	return joinKey(s, rest)
}

func joinKey(prefix string, rest []string) string {
	if len(rest) == 0 {
		return prefix
	}
	return prefix + "__" + strings.Join(rest, "__")
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nearest returns the candidate closest to s by edit distance (ignoring case), the first on ties, or "" when
// even the closest is too far to be what was meant.
func nearest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := suggest.Distance(ls, lc)
		if len(ls) >= 3 && strings.HasPrefix(lc, ls) {
			d = min(d, 1) // "Mobile" is short for "MobilePhone"
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > max(1, len(s)/3) {
		return ""
	}
	return best
}

func defaultTo(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
