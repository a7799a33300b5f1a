package testserver

import (
	"strings"
	"time"
	"unicode"
)

// itemProps returns the properties of an item that restrictions can read, by FieldURI. A property that does not
// belong to the item's kind (message:IsRead on a contact) is missing, as in Exchange.
func itemProps(it *Item) propSource {
	return func(p pathRef) (prop, *errorCode) {
		if p.extended {
			return prop{}, errUnsupportedPath(p)
		}
		if p.index != "" {
			return indexedProp(it, p)
		}
		get, ok := itemFields[p.uri]
		if !ok {
			return prop{}, errUnsupportedPath(p)
		}
		return get(it), nil
	}
}

// itemFields maps the FieldURIs the server filters on to their value on an item.
var itemFields = map[string]func(it *Item) prop{
	"item:Subject":                    func(it *Item) prop { return text(it.Subject) },
	"item:Body":                       func(it *Item) prop { return text(it.Body) },
	"item:ItemClass":                  func(it *Item) prop { return text(it.ItemClass) },
	"item:Sensitivity":                func(it *Item) prop { return text(orDefault(it.Sensitivity, "Normal")) },
	"item:Importance":                 func(it *Item) prop { return text(orDefault(it.Importance, "Normal")) },
	"item:Categories":                 func(it *Item) prop { return texts(it.Categories...) },
	"item:InReplyTo":                  func(it *Item) prop { return text(it.InReplyTo) },
	"item:DateTimeReceived":           func(it *Item) prop { return timeProp(it.DateTimeReceived) },
	"item:DateTimeSent":               func(it *Item) prop { return timeProp(it.DateTimeSent) },
	"item:DateTimeCreated":            func(it *Item) prop { return timeProp(it.DateTimeCreated) },
	"item:LastModifiedTime":           func(it *Item) prop { return timeProp(it.LastModifiedTime) },
	"item:Size":                       func(it *Item) prop { return intProp(int64(it.Size())) },
	"item:HasAttachments":             func(it *Item) prop { return boolProp(it.HasAttachments()) },
	"item:IsDraft":                    func(it *Item) prop { return boolProp(it.IsDraft) },
	"item:ReminderIsSet":              func(it *Item) prop { return boolProp(it.ReminderIsSet) },
	"item:ReminderMinutesBeforeStart": func(it *Item) prop { return intProp(int64(it.ReminderMinutes)) },
	"item:DisplayTo":                  func(it *Item) prop { return text(displayNames(it.To)) },
	"item:DisplayCc":                  func(it *Item) prop { return text(displayNames(it.Cc)) },

	"message:Sender":                 onlyKind("message", func(it *Item) prop { return mailbox(it.Sender) }),
	"message:From":                   onlyKind("message", func(it *Item) prop { return mailbox(it.From) }),
	"message:IsRead":                 onlyKind("message", func(it *Item) prop { return boolProp(it.IsRead) }),
	"message:IsReadReceiptRequested": onlyKind("message", func(it *Item) prop { return boolProp(it.IsReadReceiptRequested) }),
	"message:InternetMessageId":      onlyKind("message", func(it *Item) prop { return text(it.InternetMessageID) }),
	"message:References":             onlyKind("message", func(it *Item) prop { return text(it.References) }),
	"message:ConversationTopic":      func(it *Item) prop { return text(it.ConversationTopic) },

	"calendar:Start":                onlyKind("calendar", func(it *Item) prop { return timeProp(it.Start) }),
	"calendar:End":                  onlyKind("calendar", func(it *Item) prop { return timeProp(it.End) }),
	"calendar:Location":             onlyKind("calendar", func(it *Item) prop { return text(it.Location) }),
	"calendar:Organizer":            onlyKind("calendar", func(it *Item) prop { return mailbox(it.Organizer) }),
	"calendar:IsAllDayEvent":        onlyKind("calendar", func(it *Item) prop { return boolProp(it.IsAllDayEvent) }),
	"calendar:LegacyFreeBusyStatus": onlyKind("calendar", func(it *Item) prop { return text(orDefault(it.LegacyFreeBusyStatus, "Busy")) }),
	"calendar:IsMeeting":            onlyKind("calendar", func(it *Item) prop { return boolProp(it.IsMeeting) }),
	"calendar:IsCancelled":          onlyKind("calendar", func(it *Item) prop { return boolProp(it.IsCancelled) }),
	"calendar:IsRecurring":          onlyKind("calendar", func(it *Item) prop { return boolProp(it.Recurrence != nil || it.MasterID != "") }),
	"calendar:CalendarItemType":     onlyKind("calendar", func(it *Item) prop { return text(calendarItemType(it)) }),
	"calendar:MyResponseType":       onlyKind("calendar", func(it *Item) prop { return text(orDefault(it.MyResponseType, "Organizer")) }),

	"contacts:DisplayName": onlyKind("contact", func(it *Item) prop { return text(it.DisplayName) }),
	"contacts:GivenName":   onlyKind("contact", func(it *Item) prop { return text(it.GivenName) }),
	"contacts:Surname":     onlyKind("contact", func(it *Item) prop { return text(it.Surname) }),
	"contacts:CompanyName": onlyKind("contact", func(it *Item) prop { return text(it.CompanyName) }),
	"contacts:JobTitle":    onlyKind("contact", func(it *Item) prop { return text(it.JobTitle) }),
	"contacts:Department":  onlyKind("contact", func(it *Item) prop { return text(it.Department) }),
	"contacts:Birthday": onlyKind("contact", func(it *Item) prop {
		t, _ := time.Parse(time.RFC3339, it.Extra["contacts:Birthday"])
		return timeProp(t)
	}),
}

// Labels of the indexed contact properties.
var (
	emailLabels = labelSet("EmailAddress1", "EmailAddress2", "EmailAddress3")
	phoneLabels = labelSet("AssistantPhone", "BusinessFax", "BusinessPhone", "BusinessPhone2", "Callback",
		"CarPhone", "CompanyMainPhone", "HomeFax", "HomePhone", "HomePhone2", "Isdn", "MobilePhone", "OtherFax",
		"OtherTelephone", "Pager", "PrimaryPhone", "RadioPhone", "Telex", "TtyTddPhone")
	addressLabels = labelSet("Business", "Home", "Other")
)

func labelSet(labels ...string) map[string]bool {
	m := make(map[string]bool, len(labels))
	for _, l := range labels {
		m[l] = true
	}
	return m
}

// indexedProp reads an t:IndexedFieldURI property of a contact: an e-mail address, a phone number or a part of a
// postal address.
func indexedProp(it *Item, p pathRef) (prop, *errorCode) {
	contact := it.Kind() == "contact"
	switch p.uri {
	case "contacts:EmailAddress":
		if !emailLabels[p.index] {
			return prop{}, errUnsupportedPath(p)
		}
		return present(text(it.EmailAddresses[p.index]), contact), nil
	case "contacts:PhoneNumber":
		if !phoneLabels[p.index] {
			return prop{}, errUnsupportedPath(p)
		}
		return present(text(it.PhoneNumbers[p.index]), contact), nil
	}
	part, ok := strings.CutPrefix(p.uri, "contacts:PhysicalAddress:")
	if !ok || !addressLabels[p.index] {
		return prop{}, errUnsupportedPath(p)
	}
	a := it.PhysicalAddresses[p.index]
	var v string
	switch part {
	case "Street":
		v = a.Street
	case "City":
		v = a.City
	case "State":
		v = a.State
	case "CountryOrRegion":
		v = a.CountryOrRegion
	case "PostalCode":
		v = a.PostalCode
	default:
		return prop{}, errUnsupportedPath(p)
	}
	return present(text(v), contact), nil
}

// folderProps returns the properties of a folder that FindFolder restrictions can read.
func folderProps(f *Folder) propSource {
	return func(p pathRef) (prop, *errorCode) {
		switch {
		case p.index != "" || p.extended:
		case p.uri == "folder:DisplayName":
			return text(f.DisplayName), nil
		case p.uri == "folder:FolderClass":
			return text(f.FolderClass), nil
		}
		return prop{}, errUnsupportedPath(p)
	}
}

func text(s string) prop { return prop{typ: tString, present: s != "", strs: []string{s}} }

func texts(ss ...string) prop {
	p := prop{typ: tStrings}
	for _, s := range ss {
		if s != "" {
			p.strs = append(p.strs, s)
		}
	}
	p.present = len(p.strs) > 0
	return p
}

// mailbox is a single mailbox property: a restriction matches its address or its display name.
func mailbox(a Address) prop { return texts(a.Email, a.Name) }

func boolProp(b bool) prop      { return prop{typ: tBool, present: true, b: b} }
func intProp(i int64) prop      { return prop{typ: tInt, present: true, i: i} }
func timeProp(t time.Time) prop { return prop{typ: tTime, present: !t.IsZero(), t: t} }

func present(p prop, ok bool) prop {
	p.present = p.present && ok
	return p
}

func onlyKind(kind string, get func(it *Item) prop) func(it *Item) prop {
	return func(it *Item) prop { return present(get(it), it.Kind() == kind) }
}

// calendarItemType is Single, RecurringMaster, Occurrence for an item of a series (as GetItem reports it), or
// the type stored in Extra["calendar:CalendarItemType"] (Exception).
func calendarItemType(it *Item) string {
	switch {
	case it.Extra["calendar:CalendarItemType"] != "":
		return it.Extra["calendar:CalendarItemType"]
	case it.Recurrence != nil:
		return "RecurringMaster"
	case it.MasterID != "":
		return "Occurrence"
	}
	return "Single"
}

// stripNonSpacing removes the non-spacing marks of s (accents), as ContainmentComparison
// IgnoreNonSpacingCharacters does: "Résumé" becomes "Resume". Precomposed Latin letters are decomposed first.
func stripNonSpacing(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := accentBase[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

// accentBase maps the precomposed letters of Latin-1 and Latin Extended-A to their base letter (the canonical
// decomposition without its combining marks). accentPairs lists each letter followed by its base.
var accentBase = func() map[rune]rune {
	const accentPairs = "ÀAÁAÂAÃAÄAÅAÇCÈEÉEÊEËEÌIÍIÎIÏIÑNÒOÓOÔOÕOÖOÙUÚUÛUÜUÝYàaáaâaãaäaåaçcèeéeêeëeìiíiîiïiñnòoóo" +
		"ôoõoöoùuúuûuüuýyÿyĀAāaĂAăaĄAąaĆCćcĈCĉcĊCċcČCčcĎDďdĒEēeĔEĕeĖEėeĘEęeĚEěeĜGĝgĞGğgĠGġgĢGģgĤHĥhĨIĩiĪIīiĬIĭi" +
		"ĮIįiİIĴJĵjĶKķkĹLĺlĻLļlĽLľlŃNńnŅNņnŇNňnŌOōoŎOŏoŐOőoŔRŕrŖRŗrŘRřrŚSśsŜSŝsŞSşsŠSšsŢTţtŤTťtŨUũuŪUūuŬUŭuŮUůu" +
		"ŰUűuŲUųuŴWŵwŶYŷyŸYŹZźzŻZżzŽZžz"
	rs := []rune(accentPairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()
