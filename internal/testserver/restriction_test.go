package testserver

import (
	"strings"
	"testing"
	"time"
)

// restr parses a search expression written with t: prefixes into the node the handlers see.
func restr(t *testing.T, expr string) *node {
	t.Helper()
	doc := `<m:Restriction xmlns:m="` + nsMessages + `" xmlns:t="` + nsTypes + `">` + expr + `</m:Restriction>`
	n, err := parseXML(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", expr, err)
	}
	return n
}

func fu(uri string) string { return `<t:FieldURI FieldURI="` + uri + `"/>` }

func cmpx(op, uri, value string) string {
	return `<t:` + op + `>` + fu(uri) + `<t:FieldURIOrConstant><t:Constant Value="` + value + `"/></t:FieldURIOrConstant></t:` + op + `>`
}

func containsx(uri, mode, cmp, value string) string {
	attrs := ""
	if mode != "" {
		attrs += ` ContainmentMode="` + mode + `"`
	}
	if cmp != "" {
		attrs += ` ContainmentComparison="` + cmp + `"`
	}
	return `<t:Contains` + attrs + `>` + fu(uri) + `<t:Constant Value="` + value + `"/></t:Contains>`
}

func indexed(uri, index string) string {
	return `<t:IndexedFieldURI FieldURI="` + uri + `" FieldIndex="` + index + `"/>`
}

var (
	received = time.Date(2018, 1, 21, 9, 30, 0, 0, time.UTC)
	testMsg  = Item{
		ItemClass: "IPM.Note", Subject: "Quarterly Résumé for Office 365", Body: "<p>Invoice attached</p>",
		Categories: []string{"Red", "Blue Team"}, IsRead: true, Importance: "High",
		Sender: Address{Name: "Mallory", Email: "mallory@evil.example"}, From: Address{Email: "mallory@evil.example"},
		To:               []Address{{Name: "Alice", Email: "alice@example.com"}, {Email: "bob@example.com"}},
		DateTimeReceived: received, DateTimeSent: received.Add(-time.Minute), DateTimeCreated: received,
		LastModifiedTime: received, InternetMessageID: "<1@evil.example>", ConversationTopic: "Quarterly Résumé",
		Attachments: []Attachment{{Name: "a.pdf", Size: 1000}},
	}
	testEvent = Item{
		ItemClass: "IPM.Appointment", Subject: "Standup", Location: "Room 1",
		Start: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2024, 5, 1, 9, 15, 0, 0, time.UTC),
		Organizer: Address{Name: "Alice", Email: "alice@example.com"}, LegacyFreeBusyStatus: "Tentative",
		Recurrence: &Recurrence{Pattern: "Daily", Interval: 1},
	}
	testContact = Item{
		ItemClass: "IPM.Contact", DisplayName: "Zoë Adams", GivenName: "Zoë", Surname: "Adams",
		CompanyName: "Contoso", JobTitle: "CISO", Department: "Security",
		EmailAddresses:    map[string]string{"EmailAddress2": "zoe@contoso.example"},
		PhoneNumbers:      map[string]string{"MobilePhone": "+41 79 555 01 01"},
		PhysicalAddresses: map[string]PhysicalAddress{"Business": {Street: "Bahnhofstrasse 1", City: "Zürich", CountryOrRegion: "Switzerland", PostalCode: "8001"}},
		Extra:             map[string]string{"contacts:Birthday": "1990-03-04T11:59:00Z"},
	}
)

func TestEvalRestriction(t *testing.T) {
	size := int64(testMsg.Size())
	cases := []struct {
		name string
		it   Item
		expr string
		want bool
	}{
		// Comparisons, strings ignore case.
		{"eq string ignores case", testMsg, cmpx("IsEqualTo", "item:Subject", "quarterly résumé FOR office 365"), true},
		{"eq string other", testMsg, cmpx("IsEqualTo", "item:Subject", "Quarterly"), false},
		{"ne string", testMsg, cmpx("IsNotEqualTo", "item:Subject", "x"), true},
		{"ne string same", testMsg, cmpx("IsNotEqualTo", "item:Subject", "QUARTERLY RÉSUMÉ FOR OFFICE 365"), false},
		{"ne on missing property is false", testContact, cmpx("IsNotEqualTo", "message:IsRead", "true"), false},
		{"not eq on missing property is true", testContact, `<t:Not>` + cmpx("IsEqualTo", "message:IsRead", "true") + `</t:Not>`, true},
		{"gt string", testMsg, cmpx("IsGreaterThan", "item:Subject", "P"), true},
		{"lt string", testMsg, cmpx("IsLessThan", "item:Subject", "P"), false},
		{"gt time", testMsg, cmpx("IsGreaterThan", "item:DateTimeReceived", "2018-01-20T18:30:00.000Z"), true},
		{"gt time equal", testMsg, cmpx("IsGreaterThan", "item:DateTimeReceived", "2018-01-21T09:30:00Z"), false},
		{"gte time equal", testMsg, cmpx("IsGreaterThanOrEqualTo", "item:DateTimeReceived", "2018-01-21T09:30:00Z"), true},
		{"gte time offset", testMsg, cmpx("IsGreaterThanOrEqualTo", "item:DateTimeReceived", "2018-01-21T10:30:00+01:00"), true},
		{"lt time", testMsg, cmpx("IsLessThan", "item:DateTimeReceived", "2018-01-21T09:30:00.000001Z"), true},
		{"lte time", testMsg, cmpx("IsLessThanOrEqualTo", "item:DateTimeReceived", "2018-01-21T09:29:59Z"), false},
		{"eq time", testMsg, cmpx("IsEqualTo", "item:DateTimeReceived", "2018-01-21T09:30:00Z"), true},
		{"date constant is midnight", testEvent, cmpx("IsGreaterThanOrEqualTo", "calendar:Start", "2024-05-01"), true},
		{"date constant next day", testEvent, cmpx("IsGreaterThanOrEqualTo", "calendar:Start", "2024-05-02"), false},
		{"int eq", testMsg, cmpx("IsEqualTo", "item:Size", itoa(int(size))), true},
		{"int gt", testMsg, cmpx("IsGreaterThan", "item:Size", itoa(int(size)-1)), true},
		{"int lte", testMsg, cmpx("IsLessThanOrEqualTo", "item:Size", itoa(int(size)-1)), false},
		{"bool 1", testMsg, cmpx("IsEqualTo", "message:IsRead", "1"), true},
		{"bool true", testMsg, cmpx("IsEqualTo", "message:IsRead", "true"), true},
		{"bool 0", testMsg, cmpx("IsEqualTo", "message:IsRead", "0"), false},
		{"bool ne", testMsg, cmpx("IsNotEqualTo", "item:HasAttachments", "0"), true},
		{"enum default importance", testEvent, cmpx("IsEqualTo", "item:Importance", "Normal"), true},
		{"enum importance", testMsg, cmpx("IsEqualTo", "item:Importance", "High"), true},
		{"free busy", testEvent, cmpx("IsEqualTo", "calendar:LegacyFreeBusyStatus", "Tentative"), true},
		{"calendar item type", testEvent, cmpx("IsEqualTo", "calendar:CalendarItemType", "RecurringMaster"), true},
		{"is recurring", testEvent, cmpx("IsEqualTo", "calendar:IsRecurring", "1"), true},
		{"calendar field on message is missing", testMsg, `<t:Exists>` + fu("calendar:Start") + `</t:Exists>`, false},
		{"birthday from Extra", testContact, cmpx("IsEqualTo", "contacts:Birthday", "1990-03-04T11:59:00Z"), true},
		{"display to", testMsg, containsx("item:DisplayTo", "Substring", "IgnoreCase", "bob@example.com"), true},
		// Compare two properties.
		{"field vs field", testMsg, `<t:IsLessThan>` + fu("item:DateTimeSent") + `<t:FieldURIOrConstant>` + fu("item:DateTimeReceived") + `</t:FieldURIOrConstant></t:IsLessThan>`, true},
		{"field vs missing field", testMsg, `<t:IsLessThan>` + fu("item:DateTimeSent") + `<t:FieldURIOrConstant>` + fu("calendar:Start") + `</t:FieldURIOrConstant></t:IsLessThan>`, false},
		// Multi-valued: categories and mailboxes.
		{"categories eq one", testMsg, cmpx("IsEqualTo", "item:Categories", "red"), true},
		{"categories eq none", testMsg, cmpx("IsEqualTo", "item:Categories", "Green"), false},
		{"categories ne none", testMsg, cmpx("IsNotEqualTo", "item:Categories", "Green"), true},
		{"categories ne one", testMsg, cmpx("IsNotEqualTo", "item:Categories", "Red"), false},
		{"categories contains", testMsg, containsx("item:Categories", "Substring", "Exact", "Team"), true},
		{"categories missing", testEvent, `<t:Exists>` + fu("item:Categories") + `</t:Exists>`, false},
		{"sender address", testMsg, cmpx("IsEqualTo", "message:Sender", "MALLORY@evil.example"), true},
		{"sender name", testMsg, containsx("message:Sender", "Prefixed", "IgnoreCase", "mall"), true},
		{"from", testMsg, cmpx("IsNotEqualTo", "message:From", "mallory@evil.example"), false},
		{"organizer", testEvent, cmpx("IsEqualTo", "calendar:Organizer", "alice@example.com"), true},
		// Contains: every mode and comparison.
		{"fullstring exact", testMsg, containsx("item:Subject", "FullString", "Exact", "Quarterly Résumé for Office 365"), true},
		{"fullstring exact case", testMsg, containsx("item:Subject", "FullString", "Exact", "quarterly résumé for office 365"), false},
		{"fullstring ignorecase", testMsg, containsx("item:Subject", "FullString", "IgnoreCase", "quarterly résumé for office 365"), true},
		{"fullstring part", testMsg, containsx("item:Subject", "FullString", "IgnoreCase", "quarterly"), false},
		{"prefixed exact", testMsg, containsx("item:Subject", "Prefixed", "Exact", "Quarterly"), true},
		{"prefixed exact case", testMsg, containsx("item:Subject", "Prefixed", "Exact", "quarterly"), false},
		{"prefixed ignorecase", testMsg, containsx("item:Subject", "Prefixed", "IgnoreCase", "QUARTERLY"), true},
		{"prefixed not at start", testMsg, containsx("item:Subject", "Prefixed", "IgnoreCase", "Office"), false},
		{"substring", testMsg, containsx("item:Subject", "Substring", "Exact", "Office"), true},
		{"substring case", testMsg, containsx("item:Subject", "Substring", "Exact", "office"), false},
		{"substring ignorecase", testMsg, containsx("item:Subject", "Substring", "IgnoreCase", "office"), true},
		{"default mode is substring", testMsg, containsx("item:Subject", "", "", "365"), true},
		{"prefix on words", testMsg, containsx("item:Subject", "PrefixOnWords", "Exact", "Off"), true},
		{"prefix on words inside word", testMsg, containsx("item:Subject", "PrefixOnWords", "Exact", "ffice"), false},
		{"prefix on words later match", testMsg, containsx("item:Body", "PrefixOnWords", "IgnoreCase", "attach"), true},
		{"exact phrase", testMsg, containsx("item:Subject", "ExactPhrase", "Exact", "Office 365"), true},
		{"exact phrase partial word", testMsg, containsx("item:Subject", "ExactPhrase", "Exact", "Office 36"), false},
		{"ignore non-spacing", testMsg, containsx("item:Subject", "Substring", "IgnoreNonSpacingCharacters", "Resume"), true},
		{"ignore non-spacing keeps case", testMsg, containsx("item:Subject", "Substring", "IgnoreNonSpacingCharacters", "resume"), false},
		{"ignore case and non-spacing", testMsg, containsx("item:Subject", "Substring", "IgnoreCaseAndNonSpacingCharacters", "RESUME"), true},
		{"exact keeps accents", testMsg, containsx("item:Subject", "Substring", "Exact", "Resume"), false},
		{"loose", testMsg, containsx("item:Subject", "Substring", "Loose", "Résumé"), true},
		{"loose and ignore case", testMsg, containsx("item:Subject", "Substring", "LooseAndIgnoreCase", "RÉSUMÉ"), true},
		{"loose and ignore non-space", testMsg, containsx("item:Subject", "Substring", "LooseAndIgnoreNonSpace", "Resume"), true},
		{"loose and ignore both", testMsg, containsx("item:Subject", "Substring", "LooseAndIgnoreCaseAndIgnoreNonSpace", "resume"), true},
		{"contains on missing", testEvent, containsx("message:InternetMessageId", "Substring", "IgnoreCase", ""), false},
		// Excludes and Exists.
		{"excludes clear bit", testMsg, `<t:Excludes>` + fu("item:Size") + `<t:Bitmask Value="0x0"/></t:Excludes>`, true},
		{"excludes set bit", testMsg, `<t:Excludes>` + fu("item:Size") + `<t:Bitmask Value="` + itoa(int(size)) + `"/></t:Excludes>`, false},
		{"excludes other bit", testMsg, `<t:Excludes>` + fu("item:Size") + `<t:Bitmask Value="` + itoa(int(^size&0xffff)) + `"/></t:Excludes>`, true},
		{"exists", testMsg, `<t:Exists>` + fu("message:InternetMessageId") + `</t:Exists>`, true},
		{"exists empty", testMsg, `<t:Exists>` + fu("item:InReplyTo") + `</t:Exists>`, false},
		// Indexed contact fields.
		{"email address 2", testContact, `<t:IsEqualTo>` + indexed("contacts:EmailAddress", "EmailAddress2") + `<t:FieldURIOrConstant><t:Constant Value="ZOE@contoso.example"/></t:FieldURIOrConstant></t:IsEqualTo>`, true},
		{"email address 1 missing", testContact, `<t:Exists>` + indexed("contacts:EmailAddress", "EmailAddress1") + `</t:Exists>`, false},
		{"phone", testContact, `<t:Contains ContainmentMode="Prefixed" ContainmentComparison="Exact">` + indexed("contacts:PhoneNumber", "MobilePhone") + `<t:Constant Value="+41"/></t:Contains>`, true},
		{"address city", testContact, `<t:Contains ContainmentMode="FullString" ContainmentComparison="IgnoreCaseAndNonSpacingCharacters">` + indexed("contacts:PhysicalAddress:City", "Business") + `<t:Constant Value="zurich"/></t:Contains>`, true},
		{"address home city missing", testContact, `<t:Exists>` + indexed("contacts:PhysicalAddress:City", "Home") + `</t:Exists>`, false},
		{"contact field", testContact, containsx("contacts:DisplayName", "Substring", "IgnoreCaseAndNonSpacingCharacters", "zoe"), true},
		{"contact field on message", testMsg, `<t:Exists>` + fu("contacts:DisplayName") + `</t:Exists>`, false},
		// Combinations.
		{"and", testMsg, `<t:And>` + cmpx("IsEqualTo", "message:IsRead", "1") + containsx("item:Subject", "Substring", "IgnoreCase", "365") + `</t:And>`, true},
		{"and false", testMsg, `<t:And>` + cmpx("IsEqualTo", "message:IsRead", "0") + containsx("item:Subject", "Substring", "IgnoreCase", "365") + `</t:And>`, false},
		{"or", testMsg, `<t:Or>` + cmpx("IsEqualTo", "message:IsRead", "0") + containsx("item:Subject", "Substring", "IgnoreCase", "365") + `</t:Or>`, true},
		{"or false", testMsg, `<t:Or>` + cmpx("IsEqualTo", "message:IsRead", "0") + cmpx("IsEqualTo", "item:Subject", "x") + `</t:Or>`, false},
		{"single child and", testMsg, `<t:And>` + cmpx("IsEqualTo", "message:IsRead", "1") + `</t:And>`, true},
		{"not", testMsg, `<t:Not>` + cmpx("IsEqualTo", "message:IsRead", "1") + `</t:Not>`, false},
		{"nested", testMsg, `<t:Not><t:Or><t:And>` + cmpx("IsEqualTo", "item:Importance", "Low") + `</t:And><t:Not><t:Exists>` + fu("item:Categories") + `</t:Exists></t:Not></t:Or></t:Not>`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalRestriction(restr(t, tc.expr), &tc.it, time.UTC)
			if err != nil {
				t.Fatalf("evalRestriction: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v for %s", got, tc.want, tc.expr)
			}
		})
	}
}

func TestEvalRestrictionTimeZone(t *testing.T) {
	zurich := time.FixedZone("CET", 3600)
	// 2018-01-21T10:30 in UTC+1 is the item's 09:30Z.
	n := restr(t, cmpx("IsEqualTo", "item:DateTimeReceived", "2018-01-21T10:30:00"))
	if got, err := evalRestriction(n, &testMsg, zurich); err != nil || !got {
		t.Errorf("zone-less constant in the request's zone: got %v, %v; want true", got, err)
	}
	if got, err := evalRestriction(n, &testMsg, nil); err != nil || got {
		t.Errorf("zone-less constant in UTC: got %v, %v; want false", got, err)
	}
}

func TestEvalRestrictionErrors(t *testing.T) {
	cases := []struct {
		name, expr, code string
	}{
		{"unknown element", `<t:Matches>` + fu("item:Subject") + `</t:Matches>`, "ErrorInvalidRestriction"},
		{"empty and", `<t:And/>`, "ErrorInvalidRestriction"},
		{"empty or", `<t:Or/>`, "ErrorInvalidRestriction"},
		{"not with two", `<t:Not>` + cmpx("IsEqualTo", "item:Subject", "a") + cmpx("IsEqualTo", "item:Subject", "b") + `</t:Not>`, "ErrorInvalidRestriction"},
		{"bare constant", `<t:IsEqualTo>` + fu("item:Subject") + `<t:Constant Value="a"/></t:IsEqualTo>`, "ErrorInvalidRestriction"},
		{"no path", `<t:IsEqualTo><t:FieldURIOrConstant><t:Constant Value="a"/></t:FieldURIOrConstant></t:IsEqualTo>`, "ErrorInvalidRestriction"},
		{"contains wrapped constant", `<t:Contains>` + fu("item:Subject") + `<t:FieldURIOrConstant><t:Constant Value="a"/></t:FieldURIOrConstant></t:Contains>`, "ErrorInvalidRestriction"},
		{"unknown mode", containsx("item:Subject", "Suffix", "Exact", "a"), "ErrorInvalidRestriction"},
		{"unknown comparison", containsx("item:Subject", "Substring", "Fuzzy", "a"), "ErrorInvalidRestriction"},
		{"to recipients", cmpx("IsEqualTo", "message:ToRecipients", "a@b.c"), "ErrorUnsupportedPathForQuery"},
		{"unknown uri", cmpx("IsEqualTo", "item:Nope", "a"), "ErrorUnsupportedPathForQuery"},
		{"extended", `<t:Exists><t:ExtendedFieldURI PropertyTag="0x007D" PropertyType="String"/></t:Exists>`, "ErrorUnsupportedPathForQuery"},
		{"bad label", `<t:Exists>` + indexed("contacts:EmailAddress", "EmailAddress4") + `</t:Exists>`, "ErrorUnsupportedPathForQuery"},
		{"contains on int", containsx("item:Size", "Substring", "Exact", "1"), "ErrorUnsupportedPathForQuery"},
		{"contains on time", containsx("item:DateTimeReceived", "Substring", "Exact", "2018"), "ErrorUnsupportedPathForQuery"},
		{"excludes on string", `<t:Excludes>` + fu("item:Subject") + `<t:Bitmask Value="1"/></t:Excludes>`, "ErrorUnsupportedPathForQuery"},
		{"bad bool", cmpx("IsEqualTo", "message:IsRead", "yes"), "ErrorInvalidValueForProperty"},
		{"bad int", cmpx("IsGreaterThan", "item:Size", "big"), "ErrorInvalidValueForProperty"},
		{"bad time", cmpx("IsGreaterThan", "item:DateTimeReceived", "yesterday"), "ErrorInvalidValueForProperty"},
		{"bad bitmask", `<t:Excludes>` + fu("item:Size") + `<t:Bitmask Value="x"/></t:Excludes>`, "ErrorInvalidValueForProperty"},
		{"type mismatch", `<t:IsEqualTo>` + fu("item:Subject") + `<t:FieldURIOrConstant>` + fu("item:Size") + `</t:FieldURIOrConstant></t:IsEqualTo>`, "ErrorInvalidRestriction"},
		// The error does not depend on the data: the false first branch does not hide the bad second one.
		{"no short circuit", `<t:And>` + cmpx("IsEqualTo", "item:Subject", "nothing like it") + cmpx("IsEqualTo", "message:CcRecipients", "x") + `</t:And>`, "ErrorUnsupportedPathForQuery"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, it := range []Item{testMsg, testEvent, testContact, {}} {
				_, err := evalRestriction(restr(t, tc.expr), &it, nil)
				if err == nil || errorCodeOf(err) != tc.code || strings.HasPrefix(err.Error(), "Error") {
					t.Fatalf("%s on %q: got error %v (%s), want %s with a message", tc.expr, it.ItemClass, err, errorCodeOf(err), tc.code)
				}
			}
			if err := checkRestriction(restr(t, tc.expr), nil); err == nil {
				t.Errorf("checkRestriction accepted %s", tc.expr)
			}
		})
	}
}

func TestStripNonSpacing(t *testing.T) {
	for in, want := range map[string]string{
		"Résumé": "Resume", "Zürich": "Zurich", "ŁÓDŹ": "ŁODZ", "e\u0301": "e", "Ærø": "Ærø", "plain": "plain",
	} {
		if got := stripNonSpacing(in); got != want {
			t.Errorf("stripNonSpacing(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFolderRestriction(t *testing.T) {
	f := &Folder{DisplayName: "Phishing", FolderClass: "IPF.Note"}
	if !matchFolder(restr(t, containsx("folder:DisplayName", "FullString", "IgnoreCase", "phishing")), f) {
		t.Error("FullString IgnoreCase on folder:DisplayName did not match")
	}
	if matchFolder(restr(t, cmpx("IsEqualTo", "folder:FolderClass", "IPF.Appointment")), f) {
		t.Error("IsEqualTo folder:FolderClass matched another class")
	}
	if _, ec := evalExpr(restr(t, cmpx("IsEqualTo", "item:Subject", "x")), folderProps(f), nil); ec == nil || ec.code != "ErrorUnsupportedPathForQuery" {
		t.Errorf("item path on a folder: got %v, want ErrorUnsupportedPathForQuery", ec)
	}
}
