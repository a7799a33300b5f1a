package ews

import (
	"encoding/xml"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Expected XML, written the way Microsoft's documentation writes restrictions.
func xFU(uri string) string { return `<t:FieldURI FieldURI="` + uri + `"/>` }

func xIdx(uri, index string) string {
	return `<t:IndexedFieldURI FieldURI="` + uri + `" FieldIndex="` + index + `"/>`
}

func xCmp(op, path, value string) string {
	return `<t:` + op + `>` + path + `<t:FieldURIOrConstant><t:Constant Value="` + value + `"/></t:FieldURIOrConstant></t:` + op + `>`
}

func xEq(path, value string) string { return xCmp("IsEqualTo", path, value) }

func xContains(mode, cmp, path, value string) string {
	return `<t:Contains ContainmentMode="` + mode + `" ContainmentComparison="` + cmp + `">` + path +
		`<t:Constant Value="` + value + `"/></t:Contains>`
}

func xExists(path string) string { return `<t:Exists>` + path + `</t:Exists>` }

func xGroup(op string, children ...string) string {
	return `<t:` + op + `>` + strings.Join(children, "") + `</t:` + op + `>`
}

var emptyElement = regexp.MustCompile(`<(t:[A-Za-z]+)([^<>]*)></t:[A-Za-z]+>`)

// restrictionXML renders q's search expression, with empty elements written as <x/>.
func restrictionXML(t *testing.T, q Q) string {
	t.Helper()
	r, never, err := q.restriction()
	if err != nil {
		t.Fatalf("restriction of %s: %v", q, err)
	}
	if never || r == nil {
		return ""
	}
	b, err := xml.Marshal(r.Expr)
	if err != nil {
		t.Fatalf("marshal %s: %v", q, err)
	}
	return emptyElement.ReplaceAllString(string(b), "<$1$2/>")
}

func mustParse(t *testing.T, text string) Q {
	t.Helper()
	q, err := ParseQuery(text)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", text, err)
	}
	return q
}

var (
	t0      = time.Date(2018, 1, 20, 18, 30, 0, 0, time.UTC)
	plusTwo = time.FixedZone("UTC+2", 2*3600)
)

// queryCase is a query, the restriction XML exchangelib sends for it, and (when not empty) its String.
type queryCase struct {
	name string
	q    func(t *testing.T) Q
	want string
	str  string
}

func where(key string, v any) func(*testing.T) Q { return func(*testing.T) Q { return Where(key, v) } }

func parsed(text string) func(*testing.T) Q {
	return func(t *testing.T) Q { return mustParse(t, text) }
}

func built(q Q) func(*testing.T) Q { return func(*testing.T) Q { return q } }

var (
	subj    = xFU("item:Subject")
	size    = xFU("item:Size")
	recv    = xFU("item:DateTimeReceived")
	isRead  = xFU("message:IsRead")
	cats    = xFU("item:Categories")
	imp     = xFU("item:Importance")
	start   = xFU("calendar:Start")
	sender  = xFU("message:Sender")
	from    = xFU("message:From")
	inv365  = xContains("Substring", "IgnoreCase", subj, "365")
	unread  = xEq(isRead, "0")
	bigSize = xCmp("IsGreaterThan", size, "1024")
)

var queryCases = []queryCase{
	// Text: every lookup.
	{"eq", where("subject", "Invoice"), xEq(subj, "Invoice"), "Q(subject='Invoice')"},
	{"not", where("subject__not", "Invoice"), xCmp("IsNotEqualTo", subj, "Invoice"), "Q(subject__not='Invoice')"},
	{"exact", where("subject__exact", "Invoice"), xContains("FullString", "Exact", subj, "Invoice"), ""},
	{"iexact", where("subject__iexact", "invoice"), xContains("FullString", "IgnoreCase", subj, "invoice"), ""},
	{"contains", where("subject__contains", "Inv"), xContains("Substring", "Exact", subj, "Inv"), ""},
	{"icontains", where("subject__icontains", "365"), inv365, "Q(subject__icontains='365')"},
	{"startswith", where("subject__startswith", "RE:"), xContains("Prefixed", "Exact", subj, "RE:"), ""},
	{"istartswith", where("subject__istartswith", "re:"), xContains("Prefixed", "IgnoreCase", subj, "re:"), ""},
	{"in", where("subject__in", []string{"a", "b"}), xGroup("Or", xEq(subj, "a"), xEq(subj, "b")), "Q(subject='a') | Q(subject='b')"},
	{"in one", where("subject__in", []any{"a"}), xEq(subj, "a"), ""},
	{"exists", where("subject__exists", true), xExists(subj), "Q(subject__exists=True)"},
	{"exists false", where("subject__exists", false), xGroup("Not", xExists(subj)), "~Q(subject__exists=True)"},
	{"text gt", where("subject__gt", "m"), xCmp("IsGreaterThan", subj, "m"), ""},
	{"text range", where("subject__range", []string{"a", "m"}), xGroup("And", xCmp("IsGreaterThanOrEqualTo", subj, "a"), xCmp("IsLessThanOrEqualTo", subj, "m")), ""},
	{"escaping", where("subject", `</t:Constant><t:Foo>]]>&"'`), xEq(subj, `&lt;/t:Constant&gt;&lt;t:Foo&gt;]]&gt;&amp;&#34;&#39;`), `Q(subject='</t:Constant><t:Foo>]]>&"\'')`},
	{"unicode and newline", where("subject", "Zürich\n\t✓"), xEq(subj, "Zürich&#xA;&#x9;✓"), `Q(subject='Zürich\n\t✓')`},
	{"body", where("body__icontains", "password"), xContains("Substring", "IgnoreCase", xFU("item:Body"), "password"), ""},
	{"item class", where("item_class__istartswith", "IPM.Note"), xContains("Prefixed", "IgnoreCase", xFU("item:ItemClass"), "IPM.Note"), ""},
	{"message id", where("message_id", "<abc@x.example>"), xEq(xFU("message:InternetMessageId"), "&lt;abc@x.example&gt;"), ""},
	{"conversation topic", where("conversation_topic__iexact", "hello"), xContains("FullString", "IgnoreCase", xFU("message:ConversationTopic"), "hello"), ""},
	{"in reply to", where("in_reply_to", "<1@x>"), xEq(xFU("item:InReplyTo"), "&lt;1@x&gt;"), ""},
	{"references", where("references__contains", "<1@x>"), xContains("Substring", "Exact", xFU("message:References"), "&lt;1@x&gt;"), ""},
	{"display to", where("display_to__icontains", "alice"), xContains("Substring", "IgnoreCase", xFU("item:DisplayTo"), "alice"), ""},
	{"display cc", where("display_cc__exists", true), xExists(xFU("item:DisplayCc")), ""},
	{"location", where("location__icontains", "room"), xContains("Substring", "IgnoreCase", xFU("calendar:Location"), "room"), ""},
	// Mailboxes.
	{"sender", where("sender", "a@example.com"), xEq(sender, "a@example.com"), ""},
	{"author in", where("author__in", []string{"a@example.com", "b@example.com"}), xGroup("Or", xEq(from, "a@example.com"), xEq(from, "b@example.com")), ""},
	{"from icontains", where("from__icontains", "evil"), xContains("Substring", "IgnoreCase", from, "evil"), "Q(from__icontains='evil')"},
	{"organizer not", where("organizer__not", "boss@example.com"), xCmp("IsNotEqualTo", xFU("calendar:Organizer"), "boss@example.com"), ""},
	// Booleans: 1 and 0.
	{"bool false", where("is_read", false), unread, "Q(is_read=False)"},
	{"bool true", where("is_read", true), xEq(isRead, "1"), "Q(is_read=True)"},
	{"bool not", where("has_attachments__not", true), xCmp("IsNotEqualTo", xFU("item:HasAttachments"), "1"), ""},
	{"bool from text", where("is_draft", "true"), xEq(xFU("item:IsDraft"), "1"), "Q(is_draft=True)"},
	{"bool from int", where("is_all_day", 1), xEq(xFU("calendar:IsAllDayEvent"), "1"), ""},
	{"bool exists", where("reminder_is_set__exists", true), xExists(xFU("item:ReminderIsSet")), ""},
	{"bool in", where("is_cancelled__in", []bool{true, false}), xGroup("Or", xEq(xFU("calendar:IsCancelled"), "1"), xEq(xFU("calendar:IsCancelled"), "0")), ""},
	{"is recurring", where("is_recurring", false), xEq(xFU("calendar:IsRecurring"), "0"), ""},
	{"is meeting", where("is_meeting", true), xEq(xFU("calendar:IsMeeting"), "1"), ""},
	{"read receipt", where("is_read_receipt_requested", true), xEq(xFU("message:IsReadReceiptRequested"), "1"), ""},
	// Integers.
	{"int gt", where("size__gt", 1024), bigSize, "Q(size__gt=1024)"},
	{"int gte int64", where("size__gte", int64(1)<<40), xCmp("IsGreaterThanOrEqualTo", size, "1099511627776"), ""},
	{"int lt from text", where("size__lt", "2048"), xCmp("IsLessThan", size, "2048"), ""},
	{"int lte from whole float", where("size__lte", 10.0), xCmp("IsLessThanOrEqualTo", size, "10"), ""},
	{"int range", where("size__range", [2]int{100, 200}), xGroup("And", xCmp("IsGreaterThanOrEqualTo", size, "100"), xCmp("IsLessThanOrEqualTo", size, "200")), "Q(size__gte=100) & Q(size__lte=200)"},
	{"int eq", where("reminder_minutes_before_start", uint8(15)), xEq(xFU("item:ReminderMinutesBeforeStart"), "15"), ""},
	{"int in", where("size__in", []int{1, 2}), xGroup("Or", xEq(size, "1"), xEq(size, "2")), ""},
	// Datetimes: sent in UTC with Z.
	{"datetime text", where("datetime_received__gt", "2018-01-20T18:30:00.000Z"), xCmp("IsGreaterThan", recv, "2018-01-20T18:30:00Z"), "Q(datetime_received__gt='2018-01-20T18:30:00Z')"},
	{"datetime time.Time in a zone", where("datetime_received__gte", t0.In(plusTwo)), xCmp("IsGreaterThanOrEqualTo", recv, "2018-01-20T18:30:00Z"), ""},
	{"datetime offset", where("datetime_sent__lt", "2018-01-20T18:30:00+02:00"), xCmp("IsLessThan", xFU("item:DateTimeSent"), "2018-01-20T16:30:00Z"), ""},
	{"datetime basic offset", where("datetime_sent__lt", "2018-01-20T18:30:00-0500"), xCmp("IsLessThan", xFU("item:DateTimeSent"), "2018-01-20T23:30:00Z"), ""},
	{"datetime space", where("datetime_created__lte", "2018-01-20 18:30:00Z"), xCmp("IsLessThanOrEqualTo", xFU("item:DateTimeCreated"), "2018-01-20T18:30:00Z"), ""},
	{"datetime fraction", where("datetime_received", "2018-01-20T18:30:00.25Z"), xEq(recv, "2018-01-20T18:30:00.250000Z"), ""},
	{"datetime not", where("datetime_received__not", t0), xCmp("IsNotEqualTo", recv, "2018-01-20T18:30:00Z"), ""},
	{"datetime range", where("last_modified_time__range", []time.Time{t0, t0.Add(time.Hour)}), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", xFU("item:LastModifiedTime"), "2018-01-20T18:30:00Z"),
		xCmp("IsLessThanOrEqualTo", xFU("item:LastModifiedTime"), "2018-01-20T19:30:00Z")), ""},
	{"datetime in", where("datetime_received__in", []any{t0, "2018-01-21T00:00:00Z"}), xGroup("Or", xEq(recv, "2018-01-20T18:30:00Z"), xEq(recv, "2018-01-21T00:00:00Z")), ""},
	// Calendar start/end: datetimes, or dates for all-day items.
	{"start date", where("start__gte", "2024-05-01"), xCmp("IsGreaterThanOrEqualTo", start, "2024-05-01"), "Q(start__gte='2024-05-01')"},
	{"end time", where("end__lt", time.Date(2024, 5, 1, 12, 0, 0, 0, plusTwo)), xCmp("IsLessThan", xFU("calendar:End"), "2024-05-01T10:00:00Z"), ""},
	{"start range", where("start__range", []string{"2024-05-01T00:00:00Z", "2024-05-31T23:59:59Z"}), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", start, "2024-05-01T00:00:00Z"), xCmp("IsLessThanOrEqualTo", start, "2024-05-31T23:59:59Z")), ""},
	// Dates: sent as that day at 11:59 UTC.
	{"date text", where("birthday", "1990-03-04"), xEq(xFU("contacts:Birthday"), "1990-03-04T11:59:00Z"), "Q(birthday='1990-03-04')"},
	{"date time.Time", where("birthday__gte", time.Date(1990, 3, 4, 23, 0, 0, 0, plusTwo)), xCmp("IsGreaterThanOrEqualTo", xFU("contacts:Birthday"), "1990-03-04T11:59:00Z"), ""},
	// Choices.
	{"importance", where("importance", "High"), xEq(imp, "High"), ""},
	{"importance in", where("importance__in", []string{"High", "Low"}), xGroup("Or", xEq(imp, "High"), xEq(imp, "Low")), ""},
	{"sensitivity not", where("sensitivity__not", "Normal"), xCmp("IsNotEqualTo", xFU("item:Sensitivity"), "Normal"), ""},
	{"free busy", where("legacy_free_busy_status", "OOF"), xEq(xFU("calendar:LegacyFreeBusyStatus"), "OOF"), ""},
	{"calendar item type", where("type", "RecurringMaster"), xEq(xFU("calendar:CalendarItemType"), "RecurringMaster"), ""},
	{"my response", where("my_response_type", "Accept"), xEq(xFU("calendar:MyResponseType"), "Accept"), ""},
	// Categories, a list field.
	{"category eq", where("categories", "Red"), xEq(cats, "Red"), ""},
	{"categories contains list", where("categories__contains", []string{"Red", "Blue"}), xGroup("And", xEq(cats, "Red"), xEq(cats, "Blue")), "Q(categories='Red') & Q(categories='Blue')"},
	{"categories contains empty list", where("categories__contains", []string{}), "", "Q()"},
	{"categories contains text", where("categories__contains", "Red"), xContains("Substring", "Exact", cats, "Red"), ""},
	{"categories in", where("categories__in", []string{"Red", "Blue"}), xGroup("Or", xEq(cats, "Red"), xEq(cats, "Blue")), ""},
	{"categories icontains", where("categories__icontains", "team"), xContains("Substring", "IgnoreCase", cats, "team"), ""},
	// Contacts, with indexed fields.
	{"email default label", where("email_addresses", "a@example.com"), xEq(xIdx("contacts:EmailAddress", "EmailAddress1"), "a@example.com"), "Q(email_addresses='a@example.com')"},
	{"email label", where("email_addresses__EmailAddress2__icontains", "contoso"), xContains("Substring", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress2"), "contoso"), "Q(email_addresses__EmailAddress2__icontains='contoso')"},
	{"email default label lookup", where("email_addresses__iexact", "A@example.com"), xContains("FullString", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress1"), "A@example.com"), ""},
	{"phone", where("phone_numbers__MobilePhone__startswith", "+41"), xContains("Prefixed", "Exact", xIdx("contacts:PhoneNumber", "MobilePhone"), "+41"), ""},
	{"address city", where("physical_addresses__Business__city", "Zürich"), xEq(xIdx("contacts:PhysicalAddress:City", "Business"), "Zürich"), "Q(physical_addresses__Business__city='Zürich')"},
	{"address zip in", where("physical_addresses__Home__zipcode__in", []string{"8001", "8002"}), xGroup("Or",
		xEq(xIdx("contacts:PhysicalAddress:PostalCode", "Home"), "8001"), xEq(xIdx("contacts:PhysicalAddress:PostalCode", "Home"), "8002")), ""},
	{"address country", where("physical_addresses__Other__country__iexact", "switzerland"), xContains("FullString", "IgnoreCase", xIdx("contacts:PhysicalAddress:CountryOrRegion", "Other"), "switzerland"), ""},
	{"address street", where("physical_addresses__Business__street__icontains", "bahnhof"), xContains("Substring", "IgnoreCase", xIdx("contacts:PhysicalAddress:Street", "Business"), "bahnhof"), ""},
	{"address state", where("physical_addresses__Home__state__exists", true), xExists(xIdx("contacts:PhysicalAddress:State", "Home")), ""},
	{"display name", where("display_name__icontains", "zoe"), xContains("Substring", "IgnoreCase", xFU("contacts:DisplayName"), "zoe"), ""},
	{"given name", where("given_name", "Zoë"), xEq(xFU("contacts:GivenName"), "Zoë"), ""},
	{"surname", where("surname__istartswith", "ad"), xContains("Prefixed", "IgnoreCase", xFU("contacts:Surname"), "ad"), ""},
	{"company", where("company_name__iexact", "contoso"), xContains("FullString", "IgnoreCase", xFU("contacts:CompanyName"), "contoso"), ""},
	{"job title", where("job_title__in", []string{"CISO", "CTO"}), xGroup("Or", xEq(xFU("contacts:JobTitle"), "CISO"), xEq(xFU("contacts:JobTitle"), "CTO")), ""},
	{"department", where("department__not", "Sales"), xCmp("IsNotEqualTo", xFU("contacts:Department"), "Sales"), ""},
	// Combination and negation.
	{"and", built(And(Where("subject__icontains", "365"), Where("is_read", false))), xGroup("And", unread, inv365), "Q(is_read=False) & Q(subject__icontains='365')"},
	{"or", built(Or(Where("subject__icontains", "365"), Where("size__gt", 1024))), xGroup("Or", bigSize, inv365), ""},
	{"not contains wraps", built(Not(Where("subject__icontains", "365"))), xGroup("Not", inv365), "~Q(subject__icontains='365')"},
	{"not eq inverts", built(Not(Where("subject", "a"))), xCmp("IsNotEqualTo", subj, "a"), "Q(subject__not='a')"},
	{"not ne inverts", built(Not(Where("subject__not", "a"))), xEq(subj, "a"), ""},
	{"not gt is lte", built(Not(Where("size__gt", 1024))), xCmp("IsLessThanOrEqualTo", size, "1024"), "Q(size__lte=1024)"},
	{"not gte is lt", built(Not(Where("size__gte", 1024))), xCmp("IsLessThan", size, "1024"), ""},
	{"not lt is gte", built(Not(Where("size__lt", 1024))), xCmp("IsGreaterThanOrEqualTo", size, "1024"), ""},
	{"not lte is gt", built(Not(Where("size__lte", 1024))), bigSize, ""},
	{"not exists", built(Where("subject__exists", true).Not()), xGroup("Not", xExists(subj)), ""},
	{"not not exists", built(Not(Where("subject__exists", false))), xExists(subj), ""},
	{"not and wraps", built(Not(And(Where("is_read", false), Where("size__gt", 1024)))), xGroup("Not", xGroup("And", unread, bigSize)), "~(Q(is_read=False) & Q(size__gt=1024))"},
	{"not range wraps", built(Not(Where("size__range", []int{1, 2}))), xGroup("Not", xGroup("And", xCmp("IsGreaterThanOrEqualTo", size, "1"), xCmp("IsLessThanOrEqualTo", size, "2"))), ""},
	{"nested", built(Where("is_read", false).And(Or(Where("subject__icontains", "365"), Not(Where("importance", "Low"))))),
		xGroup("And", xGroup("Or", xCmp("IsNotEqualTo", imp, "Low"), inv365), unread), "(Q(importance__not='Low') | Q(subject__icontains='365')) & Q(is_read=False)"},
	{"chained and nests", built(Where("subject", "a").And(Where("size__gt", 1024)).And(Where("is_read", false))),
		xGroup("And", xGroup("And", bigSize, xEq(subj, "a")), unread), ""},
	{"or drops never", built(Or(Where("subject__in", []string{}), Where("is_read", false))), unread, ""},
	{"and with empty", built(And(Q{}, Where("is_read", false), And())), unread, ""},
	// Field, the typed builder.
	{"field icontains", built(Field("subject").IContains("365")), inv365, ""},
	{"field gt", built(Field("size").Gt(1024)), bigSize, ""},
	{"field range", built(Field("datetime_received").Range(t0, "2018-01-21T00:00:00Z")), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", recv, "2018-01-20T18:30:00Z"), xCmp("IsLessThanOrEqualTo", recv, "2018-01-21T00:00:00Z")), ""},
	{"field in", built(Field("importance").In("High", "Low")), xGroup("Or", xEq(imp, "High"), xEq(imp, "Low")), ""},
	{"field in slice", built(Field("importance").In([]string{"High"})), xEq(imp, "High"), ""},
	{"field exists", built(Field("categories").Exists(false)), xGroup("Not", xExists(cats)), ""},
	{"field indexed", built(Field("email_addresses__EmailAddress3").IExact("x@y.example")), xContains("FullString", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress3"), "x@y.example"), ""},
	{"field others", built(And(Field("subject").Eq("a"), Field("subject").Ne("b"), Field("subject").Exact("c"),
		Field("subject").Contains("d"), Field("subject").StartsWith("e"), Field("subject").IStartsWith("f"),
		Field("size").Gte(1), Field("size").Lt(9), Field("size").Lte(8))),
		xGroup("And", xCmp("IsGreaterThanOrEqualTo", size, "1"), xCmp("IsLessThan", size, "9"), xCmp("IsLessThanOrEqualTo", size, "8"),
			xEq(subj, "a"), xCmp("IsNotEqualTo", subj, "b"), xContains("FullString", "Exact", subj, "c"),
			xContains("Substring", "Exact", subj, "d"), xContains("Prefixed", "Exact", subj, "e"), xContains("Prefixed", "IgnoreCase", subj, "f")), ""},
	// The text forms.
	{"python dict", parsed(`{'subject__icontains' : '365', 'datetime_received__gt' : '2018-01-20T18:30:00.000Z'}`),
		xGroup("And", xCmp("IsGreaterThan", recv, "2018-01-20T18:30:00Z"), inv365), ""},
	{"json", parsed(`{"subject__icontains": "365", "is_read": false, "size__range": [1, 2048]}`),
		xGroup("And", unread, xCmp("IsGreaterThanOrEqualTo", size, "1"), xCmp("IsLessThanOrEqualTo", size, "2048"), inv365), ""},
	{"keywords", parsed(`subject__iexact='foo', is_read=False`), xGroup("And", unread, xContains("FullString", "IgnoreCase", subj, "foo")), ""},
	{"q expression", parsed(`Q(subject__icontains='365') | ~Q(size__gt=1024)`), xGroup("Or", xCmp("IsLessThanOrEqualTo", size, "1024"), inv365), ""},
	{"tuple in", parsed(`{'importance__in': ('High', 'Low',), 'categories__contains': ['Red']}`), xGroup("And", xGroup("Or", xEq(imp, "High"), xEq(imp, "Low")), xEq(cats, "Red")), ""},
}

// TestQueryRestrictionXML checks the restriction XML of each query against what exchangelib sends.
func TestQueryRestrictionXML(t *testing.T) {
	if len(queryCases) < 60 {
		t.Fatalf("only %d cases", len(queryCases))
	}
	for _, tc := range queryCases {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q(t)
			if got := restrictionXML(t, q); got != tc.want {
				t.Errorf("%s renders\n got %s\nwant %s", q, got, tc.want)
			}
			if tc.str != "" && q.String() != tc.str {
				t.Errorf("String() = %s, want %s", q.String(), tc.str)
			}
			// String is exchangelib syntax that ParseQuery reads back to the same query.
			back, err := ParseQuery(q.String())
			if err != nil {
				t.Fatalf("ParseQuery(String()) = %v for %s", err, q)
			}
			if back.String() != q.String() || restrictionXML(t, back) != tc.want {
				t.Errorf("ParseQuery(String()) = %s, want %s", back, q)
			}
		})
	}
}

func TestQueryMatchesNothing(t *testing.T) {
	for _, q := range []Q{
		Where("subject__in", []string{}),
		Field("size").In(),
		And(Where("is_read", false), Where("categories__in", []string{})),
		Or(Where("subject__in", []string{}), Where("size__in", []int{})),
		Not(Q{}),
		mustParse(t, `{'subject__in': [], 'is_read': True}`),
	} {
		r, never, err := q.restriction()
		if err != nil || !never || r != nil || !q.MatchesNothing() {
			t.Errorf("%s: restriction() = %v, %v, %v; want nil, true, nil", q, r, never, err)
		}
		if back := mustParse(t, q.String()); !back.MatchesNothing() {
			t.Errorf("ParseQuery(%s) matches something", q)
		}
	}
	for _, q := range []Q{{}, And(), Or(), Not(Where("subject__in", []string{})), Where("categories__contains", []string{})} {
		r, never, err := q.restriction()
		if err != nil || never || r != nil || !q.IsZero() {
			t.Errorf("%s: restriction() = %v, %v, %v; want the empty query", q, r, never, err)
		}
	}
	if Where("subject", "x").IsZero() || Where("subject", "x").MatchesNothing() {
		t.Error("a leaf query is empty or matches nothing")
	}
}

// TestQueryErrors checks that mistakes are errors that name the field and the problem, suggest the nearest
// valid key, match ErrInvalidQuery, and surface from restriction() before any request.
func TestQueryErrors(t *testing.T) {
	cases := []struct {
		q          Q
		field      string
		msg        string
		suggestion string
	}{
		{Where("subjet__icontains", "x"), "subjet__icontains", "unknown field 'subjet'", "subject__icontains"},
		{Where("Subject", "x"), "Subject", "unknown field", "subject"},
		{Where("subject__icontain", "x"), "subject__icontain", "unknown lookup 'icontain'", "subject__icontains"},
		{Where("subject__endswith", "x"), "subject__endswith", "EWS cannot match the end of a string", "subject__contains"},
		{Where("subject__iendswith", "x"), "subject__iendswith", "EWS cannot match the end of a string", "subject__icontains"},
		{Where("subject__isnull", true), "subject__isnull", "unknown lookup 'isnull'", ""},
		{Where("subject__icontains__exact", "x"), "subject__icontains__exact", "too many __ parts", "subject__exact"},
		{Where("datetime_received__icontains", "2018"), "datetime_received__icontains", "does not apply to datetime field datetime_received", ""},
		{Where("is_read__gt", true), "is_read__gt", "does not apply to boolean field is_read", ""},
		{Where("importance__icontains", "hi"), "importance__icontains", "does not apply to choice field importance", ""},
		{Where("sender__gt", "a"), "sender__gt", "does not apply to mailbox field sender", ""},
		{Where("to_recipients__icontains", "x"), "to_recipients__icontains", "EWS cannot filter on field to_recipients; use display_to", ""},
		{Where("mime_content", "x"), "mime_content", "EWS cannot filter on field mime_content", ""},
		{Where("uid", "x"), "uid", "EWS cannot filter on field uid", ""},
		{Where("phone_numbers__icontains", "41"), "phone_numbers__icontains", "phone_numbers needs a label", "phone_numbers__PrimaryPhone__icontains"},
		{Where("phone_numbers__Mobile", "41"), "phone_numbers__Mobile", "unknown label 'Mobile'", "phone_numbers__MobilePhone"},
		{Where("email_addresses__EmailAddress4", "x"), "email_addresses__EmailAddress4", "unknown label", "email_addresses__EmailAddress1"},
		{Where("physical_addresses__Business", "x"), "physical_addresses__Business", "needs a subfield", "physical_addresses__Business__city"},
		{Where("physical_addresses__Business__icontains", "x"), "physical_addresses__Business__icontains", "needs a subfield", "physical_addresses__Business__city__icontains"},
		{Where("physical_addresses__Busines__city", "x"), "physical_addresses__Busines__city", "unknown label 'Busines'", "physical_addresses__Business__city"},
		{Where("physical_addresses__Home__cty__iexact", "x"), "physical_addresses__Home__cty__iexact", "unknown subfield 'cty'", "physical_addresses__Home__city__iexact"},
		{Where("subject", 5), "subject", "needs text, not a number", ""},
		{Where("subject", nil), "subject", "None is not a value; use subject__exists=False", ""},
		{Where("subject", "a\x00b"), "subject", "which XML cannot carry", ""},
		{Where("subject", "a\xffb"), "subject", "not valid UTF-8", ""},
		{Where("is_read", "yes"), "is_read", "needs True or False, not text", ""},
		{Where("size__gt", 1.5), "size__gt", "needs an integer, not a number with a fraction", ""},
		{Where("size__gt", "big"), "size__gt", "needs an integer", ""},
		{Where("importance", "high"), "importance", "did you mean 'High'?", ""},
		{Where("importance", "Urgent"), "importance", "takes one of Low, Normal, High", ""},
		{Where("datetime_received__gt", "2018-01-20T18:30:00"), "datetime_received__gt", "has no time zone", ""},
		{Where("datetime_received__gt", "2018-01-20"), "datetime_received__gt", "is a date; this field needs a time with a zone", ""},
		{Where("datetime_received__gt", "yesterday"), "datetime_received__gt", "is not a datetime", ""},
		{Where("datetime_received__gt", time.Time{}), "datetime_received__gt", "zero time.Time", ""},
		{Where("datetime_received__gt", 1516473000), "datetime_received__gt", "a datetime must be a time.Time or text", ""},
		{Where("birthday", "04.03.1990"), "birthday", "is not a date", ""},
		{Where("subject__in", "a"), "subject__in", "in needs a list", ""},
		{Where("size__range", []int{1}), "size__range", "range needs a list of two values", ""},
		{Where("size__range", []int{9, 1}), "size__range", "the range starts after it ends", ""},
		{Where("subject", []string{"a", "b"}), "subject", "use subject__in", ""},
		{Where("subject__contains", []string{"a"}), "subject__contains", "works only on list fields such as categories", ""},
		{Where("subject__exists", "yes"), "subject__exists", "exists needs True or False", ""},
		{Where("importance__in", []string{"High", "Hgh"}), "importance__in", "takes one of", ""},
		{And(Where("is_read", false), Where("nope", 1)), "nope", "unknown field", ""},
		{Or(Where("is_read", false), Not(Where("nope", 1))), "nope", "unknown field", ""},
		{Field("subject").Gt(5), "subject__gt", "needs text", ""},
	}
	for _, tc := range cases {
		err := tc.q.Err()
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: Err() = %v, want a *QueryError", tc.field, err)
			continue
		}
		if !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%s: errors.Is(err, ErrInvalidQuery) is false", tc.field)
		}
		if qe.Field != tc.field || !strings.Contains(qe.Msg, tc.msg) || qe.Suggestion != tc.suggestion || qe.Pos != -1 {
			t.Errorf("%s: got Field=%q Msg=%q Suggestion=%q Pos=%d; want Field=%q, Msg containing %q, Suggestion=%q",
				tc.field, qe.Field, qe.Msg, qe.Suggestion, qe.Pos, tc.field, tc.msg, tc.suggestion)
		}
		if !strings.Contains(err.Error(), tc.field) || tc.suggestion != "" && !strings.Contains(err.Error(), "did you mean "+tc.suggestion+"?") {
			t.Errorf("%s: Error() = %q does not name the field and suggestion", tc.field, err)
		}
		if _, _, rerr := tc.q.restriction(); rerr != err {
			t.Errorf("%s: restriction() error = %v, want %v", tc.field, rerr, err)
		}
		// Combining keeps the error.
		if And(tc.q, Where("is_read", true)).Err() != err || Not(tc.q).Err() != err {
			t.Errorf("%s: the error is lost when the query is combined", tc.field)
		}
	}
}

// TestQueryImmutable checks that combining and negating never change the queries they start from.
func TestQueryImmutable(t *testing.T) {
	a := Where("size__gt", 1024)
	b := Where("subject__icontains", "365")
	before := a.String() + " " + b.String()
	_ = Not(a)
	_ = a.And(b).Or(Not(b))
	_ = And(a, b).Not()
	if after := a.String() + " " + b.String(); after != before {
		t.Errorf("queries changed: %s, was %s", after, before)
	}
}
