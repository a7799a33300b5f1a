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
	queryT0     = time.Date(2018, 1, 20, 18, 30, 0, 0, time.UTC)
	zonePlusTwo = time.FixedZone("UTC+2", 2*3600)
)

// queryCase is a query, the restriction XML exchangelib sends for it, and (when not empty) its String.
type queryCase struct {
	name string
	q    func(t *testing.T) Q
	want string
	str  string
}

func qWhere(key string, v any) func(*testing.T) Q { return func(*testing.T) Q { return Where(key, v) } }

func qParsed(text string) func(*testing.T) Q {
	return func(t *testing.T) Q { return mustParse(t, text) }
}

func qBuilt(q Q) func(*testing.T) Q { return func(*testing.T) Q { return q } }

var (
	xSubj    = xFU("item:Subject")
	xSize    = xFU("item:Size")
	xRecv    = xFU("item:DateTimeReceived")
	xIsRead  = xFU("message:IsRead")
	xCats    = xFU("item:Categories")
	xImp     = xFU("item:Importance")
	xStart   = xFU("calendar:Start")
	xSender  = xFU("message:Sender")
	xFrom    = xFU("message:From")
	xInv365  = xContains("Substring", "IgnoreCase", xSubj, "365")
	xUnread  = xEq(xIsRead, "0")
	xBigSize = xCmp("IsGreaterThan", xSize, "1024")
)

var queryCases = []queryCase{
	// Text: every lookup.
	{"eq", qWhere("subject", "Invoice"), xEq(xSubj, "Invoice"), "Q(subject='Invoice')"},
	{"not", qWhere("subject__not", "Invoice"), xCmp("IsNotEqualTo", xSubj, "Invoice"), "Q(subject__not='Invoice')"},
	{"exact", qWhere("subject__exact", "Invoice"), xContains("FullString", "Exact", xSubj, "Invoice"), ""},
	{"iexact", qWhere("subject__iexact", "invoice"), xContains("FullString", "IgnoreCase", xSubj, "invoice"), ""},
	{"contains", qWhere("subject__contains", "Inv"), xContains("Substring", "Exact", xSubj, "Inv"), ""},
	{"icontains", qWhere("subject__icontains", "365"), xInv365, "Q(subject__icontains='365')"},
	{"startswith", qWhere("subject__startswith", "RE:"), xContains("Prefixed", "Exact", xSubj, "RE:"), ""},
	{"istartswith", qWhere("subject__istartswith", "re:"), xContains("Prefixed", "IgnoreCase", xSubj, "re:"), ""},
	{"in", qWhere("subject__in", []string{"a", "b"}), xGroup("Or", xEq(xSubj, "a"), xEq(xSubj, "b")), "Q(subject='a') | Q(subject='b')"},
	{"in one", qWhere("subject__in", []any{"a"}), xEq(xSubj, "a"), ""},
	{"exists", qWhere("subject__exists", true), xExists(xSubj), "Q(subject__exists=True)"},
	{"exists false", qWhere("subject__exists", false), xGroup("Not", xExists(xSubj)), "~Q(subject__exists=True)"},
	{"text gt", qWhere("subject__gt", "m"), xCmp("IsGreaterThan", xSubj, "m"), ""},
	{"text range", qWhere("subject__range", []string{"a", "m"}), xGroup("And", xCmp("IsGreaterThanOrEqualTo", xSubj, "a"), xCmp("IsLessThanOrEqualTo", xSubj, "m")), ""},
	{"escaping", qWhere("subject", `</t:Constant><t:Foo>]]>&"'`), xEq(xSubj, `&lt;/t:Constant&gt;&lt;t:Foo&gt;]]&gt;&amp;&#34;&#39;`), `Q(subject='</t:Constant><t:Foo>]]>&"\'')`},
	{"unicode and newline", qWhere("subject", "Zürich\n\t✓"), xEq(xSubj, "Zürich&#xA;&#x9;✓"), `Q(subject='Zürich\n\t✓')`},
	{"body", qWhere("body__icontains", "password"), xContains("Substring", "IgnoreCase", xFU("item:Body"), "password"), ""},
	{"item class", qWhere("item_class__istartswith", "IPM.Note"), xContains("Prefixed", "IgnoreCase", xFU("item:ItemClass"), "IPM.Note"), ""},
	{"message id", qWhere("message_id", "<abc@x.example>"), xEq(xFU("message:InternetMessageId"), "&lt;abc@x.example&gt;"), ""},
	{"conversation topic", qWhere("conversation_topic__iexact", "hello"), xContains("FullString", "IgnoreCase", xFU("message:ConversationTopic"), "hello"), ""},
	{"in reply to", qWhere("in_reply_to", "<1@x>"), xEq(xFU("item:InReplyTo"), "&lt;1@x&gt;"), ""},
	{"references", qWhere("references__contains", "<1@x>"), xContains("Substring", "Exact", xFU("message:References"), "&lt;1@x&gt;"), ""},
	{"display to", qWhere("display_to__icontains", "alice"), xContains("Substring", "IgnoreCase", xFU("item:DisplayTo"), "alice"), ""},
	{"display cc", qWhere("display_cc__exists", true), xExists(xFU("item:DisplayCc")), ""},
	{"location", qWhere("location__icontains", "room"), xContains("Substring", "IgnoreCase", xFU("calendar:Location"), "room"), ""},
	// Mailboxes.
	{"sender", qWhere("sender", "a@example.com"), xEq(xSender, "a@example.com"), ""},
	{"author in", qWhere("author__in", []string{"a@example.com", "b@example.com"}), xGroup("Or", xEq(xFrom, "a@example.com"), xEq(xFrom, "b@example.com")), ""},
	{"from icontains", qWhere("from__icontains", "evil"), xContains("Substring", "IgnoreCase", xFrom, "evil"), "Q(from__icontains='evil')"},
	{"organizer not", qWhere("organizer__not", "boss@example.com"), xCmp("IsNotEqualTo", xFU("calendar:Organizer"), "boss@example.com"), ""},
	// Booleans: 1 and 0.
	{"bool false", qWhere("is_read", false), xUnread, "Q(is_read=False)"},
	{"bool true", qWhere("is_read", true), xEq(xIsRead, "1"), "Q(is_read=True)"},
	{"bool not", qWhere("has_attachments__not", true), xCmp("IsNotEqualTo", xFU("item:HasAttachments"), "1"), ""},
	{"bool from text", qWhere("is_draft", "true"), xEq(xFU("item:IsDraft"), "1"), "Q(is_draft=True)"},
	{"bool from int", qWhere("is_all_day", 1), xEq(xFU("calendar:IsAllDayEvent"), "1"), ""},
	{"bool exists", qWhere("reminder_is_set__exists", true), xExists(xFU("item:ReminderIsSet")), ""},
	{"bool in", qWhere("is_cancelled__in", []bool{true, false}), xGroup("Or", xEq(xFU("calendar:IsCancelled"), "1"), xEq(xFU("calendar:IsCancelled"), "0")), ""},
	{"is recurring", qWhere("is_recurring", false), xEq(xFU("calendar:IsRecurring"), "0"), ""},
	{"is meeting", qWhere("is_meeting", true), xEq(xFU("calendar:IsMeeting"), "1"), ""},
	{"read receipt", qWhere("is_read_receipt_requested", true), xEq(xFU("message:IsReadReceiptRequested"), "1"), ""},
	// Integers.
	{"int gt", qWhere("size__gt", 1024), xBigSize, "Q(size__gt=1024)"},
	{"int gte int64", qWhere("size__gte", int64(1)<<40), xCmp("IsGreaterThanOrEqualTo", xSize, "1099511627776"), ""},
	{"int lt from text", qWhere("size__lt", "2048"), xCmp("IsLessThan", xSize, "2048"), ""},
	{"int lte from whole float", qWhere("size__lte", 10.0), xCmp("IsLessThanOrEqualTo", xSize, "10"), ""},
	{"int range", qWhere("size__range", [2]int{100, 200}), xGroup("And", xCmp("IsGreaterThanOrEqualTo", xSize, "100"), xCmp("IsLessThanOrEqualTo", xSize, "200")), "Q(size__gte=100) & Q(size__lte=200)"},
	{"int eq", qWhere("reminder_minutes_before_start", uint8(15)), xEq(xFU("item:ReminderMinutesBeforeStart"), "15"), ""},
	{"int in", qWhere("size__in", []int{1, 2}), xGroup("Or", xEq(xSize, "1"), xEq(xSize, "2")), ""},
	// Datetimes: sent in UTC with Z.
	{"datetime text", qWhere("datetime_received__gt", "2018-01-20T18:30:00.000Z"), xCmp("IsGreaterThan", xRecv, "2018-01-20T18:30:00Z"), "Q(datetime_received__gt='2018-01-20T18:30:00Z')"},
	{"datetime time.Time in a zone", qWhere("datetime_received__gte", queryT0.In(zonePlusTwo)), xCmp("IsGreaterThanOrEqualTo", xRecv, "2018-01-20T18:30:00Z"), ""},
	{"datetime offset", qWhere("datetime_sent__lt", "2018-01-20T18:30:00+02:00"), xCmp("IsLessThan", xFU("item:DateTimeSent"), "2018-01-20T16:30:00Z"), ""},
	{"datetime basic offset", qWhere("datetime_sent__lt", "2018-01-20T18:30:00-0500"), xCmp("IsLessThan", xFU("item:DateTimeSent"), "2018-01-20T23:30:00Z"), ""},
	{"datetime space", qWhere("datetime_created__lte", "2018-01-20 18:30:00Z"), xCmp("IsLessThanOrEqualTo", xFU("item:DateTimeCreated"), "2018-01-20T18:30:00Z"), ""},
	{"datetime fraction", qWhere("datetime_received", "2018-01-20T18:30:00.25Z"), xEq(xRecv, "2018-01-20T18:30:00.250000Z"), ""},
	{"datetime not", qWhere("datetime_received__not", queryT0), xCmp("IsNotEqualTo", xRecv, "2018-01-20T18:30:00Z"), ""},
	{"datetime range", qWhere("last_modified_time__range", []time.Time{queryT0, queryT0.Add(time.Hour)}), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", xFU("item:LastModifiedTime"), "2018-01-20T18:30:00Z"),
		xCmp("IsLessThanOrEqualTo", xFU("item:LastModifiedTime"), "2018-01-20T19:30:00Z")), ""},
	{"datetime in", qWhere("datetime_received__in", []any{queryT0, "2018-01-21T00:00:00Z"}), xGroup("Or", xEq(xRecv, "2018-01-20T18:30:00Z"), xEq(xRecv, "2018-01-21T00:00:00Z")), ""},
	// Calendar start/end: datetimes, or dates for all-day items.
	{"start date", qWhere("start__gte", "2024-05-01"), xCmp("IsGreaterThanOrEqualTo", xStart, "2024-05-01"), "Q(start__gte='2024-05-01')"},
	{"end time", qWhere("end__lt", time.Date(2024, 5, 1, 12, 0, 0, 0, zonePlusTwo)), xCmp("IsLessThan", xFU("calendar:End"), "2024-05-01T10:00:00Z"), ""},
	{"start range", qWhere("start__range", []string{"2024-05-01T00:00:00Z", "2024-05-31T23:59:59Z"}), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", xStart, "2024-05-01T00:00:00Z"), xCmp("IsLessThanOrEqualTo", xStart, "2024-05-31T23:59:59Z")), ""},
	// Dates: sent as that day at 11:59 UTC.
	{"date text", qWhere("birthday", "1990-03-04"), xEq(xFU("contacts:Birthday"), "1990-03-04T11:59:00Z"), "Q(birthday='1990-03-04')"},
	{"date time.Time", qWhere("birthday__gte", time.Date(1990, 3, 4, 23, 0, 0, 0, zonePlusTwo)), xCmp("IsGreaterThanOrEqualTo", xFU("contacts:Birthday"), "1990-03-04T11:59:00Z"), ""},
	// Choices.
	{"importance", qWhere("importance", "High"), xEq(xImp, "High"), ""},
	{"importance in", qWhere("importance__in", []string{"High", "Low"}), xGroup("Or", xEq(xImp, "High"), xEq(xImp, "Low")), ""},
	{"sensitivity not", qWhere("sensitivity__not", "Normal"), xCmp("IsNotEqualTo", xFU("item:Sensitivity"), "Normal"), ""},
	{"free busy", qWhere("legacy_free_busy_status", "OOF"), xEq(xFU("calendar:LegacyFreeBusyStatus"), "OOF"), ""},
	{"calendar item type", qWhere("type", "RecurringMaster"), xEq(xFU("calendar:CalendarItemType"), "RecurringMaster"), ""},
	{"my response", qWhere("my_response_type", "Accept"), xEq(xFU("calendar:MyResponseType"), "Accept"), ""},
	// Categories, a list field.
	{"category eq", qWhere("categories", "Red"), xEq(xCats, "Red"), ""},
	{"categories contains list", qWhere("categories__contains", []string{"Red", "Blue"}), xGroup("And", xEq(xCats, "Red"), xEq(xCats, "Blue")), "Q(categories='Red') & Q(categories='Blue')"},
	{"categories contains empty list", qWhere("categories__contains", []string{}), "", "Q()"},
	{"categories contains text", qWhere("categories__contains", "Red"), xContains("Substring", "Exact", xCats, "Red"), ""},
	{"categories in", qWhere("categories__in", []string{"Red", "Blue"}), xGroup("Or", xEq(xCats, "Red"), xEq(xCats, "Blue")), ""},
	{"categories icontains", qWhere("categories__icontains", "team"), xContains("Substring", "IgnoreCase", xCats, "team"), ""},
	// Contacts, with indexed fields.
	{"email default label", qWhere("email_addresses", "a@example.com"), xEq(xIdx("contacts:EmailAddress", "EmailAddress1"), "a@example.com"), "Q(email_addresses='a@example.com')"},
	{"email label", qWhere("email_addresses__EmailAddress2__icontains", "contoso"), xContains("Substring", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress2"), "contoso"), "Q(email_addresses__EmailAddress2__icontains='contoso')"},
	{"email default label lookup", qWhere("email_addresses__iexact", "A@example.com"), xContains("FullString", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress1"), "A@example.com"), ""},
	{"phone", qWhere("phone_numbers__MobilePhone__startswith", "+41"), xContains("Prefixed", "Exact", xIdx("contacts:PhoneNumber", "MobilePhone"), "+41"), ""},
	{"address city", qWhere("physical_addresses__Business__city", "Zürich"), xEq(xIdx("contacts:PhysicalAddress:City", "Business"), "Zürich"), "Q(physical_addresses__Business__city='Zürich')"},
	{"address zip in", qWhere("physical_addresses__Home__zipcode__in", []string{"8001", "8002"}), xGroup("Or",
		xEq(xIdx("contacts:PhysicalAddress:PostalCode", "Home"), "8001"), xEq(xIdx("contacts:PhysicalAddress:PostalCode", "Home"), "8002")), ""},
	{"address country", qWhere("physical_addresses__Other__country__iexact", "switzerland"), xContains("FullString", "IgnoreCase", xIdx("contacts:PhysicalAddress:CountryOrRegion", "Other"), "switzerland"), ""},
	{"address street", qWhere("physical_addresses__Business__street__icontains", "bahnhof"), xContains("Substring", "IgnoreCase", xIdx("contacts:PhysicalAddress:Street", "Business"), "bahnhof"), ""},
	{"address state", qWhere("physical_addresses__Home__state__exists", true), xExists(xIdx("contacts:PhysicalAddress:State", "Home")), ""},
	{"display name", qWhere("display_name__icontains", "zoe"), xContains("Substring", "IgnoreCase", xFU("contacts:DisplayName"), "zoe"), ""},
	{"given name", qWhere("given_name", "Zoë"), xEq(xFU("contacts:GivenName"), "Zoë"), ""},
	{"surname", qWhere("surname__istartswith", "ad"), xContains("Prefixed", "IgnoreCase", xFU("contacts:Surname"), "ad"), ""},
	{"company", qWhere("company_name__iexact", "contoso"), xContains("FullString", "IgnoreCase", xFU("contacts:CompanyName"), "contoso"), ""},
	{"job title", qWhere("job_title__in", []string{"CISO", "CTO"}), xGroup("Or", xEq(xFU("contacts:JobTitle"), "CISO"), xEq(xFU("contacts:JobTitle"), "CTO")), ""},
	{"department", qWhere("department__not", "Sales"), xCmp("IsNotEqualTo", xFU("contacts:Department"), "Sales"), ""},
	// Combination and negation.
	{"and", qBuilt(And(Where("subject__icontains", "365"), Where("is_read", false))), xGroup("And", xUnread, xInv365), "Q(is_read=False) & Q(subject__icontains='365')"},
	{"or", qBuilt(Or(Where("subject__icontains", "365"), Where("size__gt", 1024))), xGroup("Or", xBigSize, xInv365), ""},
	{"not contains wraps", qBuilt(Not(Where("subject__icontains", "365"))), xGroup("Not", xInv365), "~Q(subject__icontains='365')"},
	{"not eq inverts", qBuilt(Not(Where("subject", "a"))), xCmp("IsNotEqualTo", xSubj, "a"), "Q(subject__not='a')"},
	{"not ne inverts", qBuilt(Not(Where("subject__not", "a"))), xEq(xSubj, "a"), ""},
	{"not gt is lte", qBuilt(Not(Where("size__gt", 1024))), xCmp("IsLessThanOrEqualTo", xSize, "1024"), "Q(size__lte=1024)"},
	{"not gte is lt", qBuilt(Not(Where("size__gte", 1024))), xCmp("IsLessThan", xSize, "1024"), ""},
	{"not lt is gte", qBuilt(Not(Where("size__lt", 1024))), xCmp("IsGreaterThanOrEqualTo", xSize, "1024"), ""},
	{"not lte is gt", qBuilt(Not(Where("size__lte", 1024))), xBigSize, ""},
	{"not exists", qBuilt(Where("subject__exists", true).Not()), xGroup("Not", xExists(xSubj)), ""},
	{"not not exists", qBuilt(Not(Where("subject__exists", false))), xExists(xSubj), ""},
	{"not and wraps", qBuilt(Not(And(Where("is_read", false), Where("size__gt", 1024)))), xGroup("Not", xGroup("And", xUnread, xBigSize)), "~(Q(is_read=False) & Q(size__gt=1024))"},
	{"not range wraps", qBuilt(Not(Where("size__range", []int{1, 2}))), xGroup("Not", xGroup("And", xCmp("IsGreaterThanOrEqualTo", xSize, "1"), xCmp("IsLessThanOrEqualTo", xSize, "2"))), ""},
	{"nested", qBuilt(Where("is_read", false).And(Or(Where("subject__icontains", "365"), Not(Where("importance", "Low"))))),
		xGroup("And", xGroup("Or", xCmp("IsNotEqualTo", xImp, "Low"), xInv365), xUnread), "(Q(importance__not='Low') | Q(subject__icontains='365')) & Q(is_read=False)"},
	{"chained and nests", qBuilt(Where("subject", "a").And(Where("size__gt", 1024)).And(Where("is_read", false))),
		xGroup("And", xGroup("And", xBigSize, xEq(xSubj, "a")), xUnread), ""},
	{"or drops never", qBuilt(Or(Where("subject__in", []string{}), Where("is_read", false))), xUnread, ""},
	{"and with empty", qBuilt(And(Q{}, Where("is_read", false), And())), xUnread, ""},
	// Field, the typed builder.
	{"field icontains", qBuilt(Field("subject").IContains("365")), xInv365, ""},
	{"field gt", qBuilt(Field("size").Gt(1024)), xBigSize, ""},
	{"field range", qBuilt(Field("datetime_received").Range(queryT0, "2018-01-21T00:00:00Z")), xGroup("And",
		xCmp("IsGreaterThanOrEqualTo", xRecv, "2018-01-20T18:30:00Z"), xCmp("IsLessThanOrEqualTo", xRecv, "2018-01-21T00:00:00Z")), ""},
	{"field in", qBuilt(Field("importance").In("High", "Low")), xGroup("Or", xEq(xImp, "High"), xEq(xImp, "Low")), ""},
	{"field in slice", qBuilt(Field("importance").In([]string{"High"})), xEq(xImp, "High"), ""},
	{"field exists", qBuilt(Field("categories").Exists(false)), xGroup("Not", xExists(xCats)), ""},
	{"field indexed", qBuilt(Field("email_addresses__EmailAddress3").IExact("x@y.example")), xContains("FullString", "IgnoreCase", xIdx("contacts:EmailAddress", "EmailAddress3"), "x@y.example"), ""},
	{"field others", qBuilt(And(Field("subject").Eq("a"), Field("subject").Ne("b"), Field("subject").Exact("c"),
		Field("subject").Contains("d"), Field("subject").StartsWith("e"), Field("subject").IStartsWith("f"),
		Field("size").Gte(1), Field("size").Lt(9), Field("size").Lte(8))),
		xGroup("And", xCmp("IsGreaterThanOrEqualTo", xSize, "1"), xCmp("IsLessThan", xSize, "9"), xCmp("IsLessThanOrEqualTo", xSize, "8"),
			xEq(xSubj, "a"), xCmp("IsNotEqualTo", xSubj, "b"), xContains("FullString", "Exact", xSubj, "c"),
			xContains("Substring", "Exact", xSubj, "d"), xContains("Prefixed", "Exact", xSubj, "e"), xContains("Prefixed", "IgnoreCase", xSubj, "f")), ""},
	// The text forms.
	{"python dict", qParsed(`{'subject__icontains' : '365', 'datetime_received__gt' : '2018-01-20T18:30:00.000Z'}`),
		xGroup("And", xCmp("IsGreaterThan", xRecv, "2018-01-20T18:30:00Z"), xInv365), ""},
	{"json", qParsed(`{"subject__icontains": "365", "is_read": false, "size__range": [1, 2048]}`),
		xGroup("And", xUnread, xCmp("IsGreaterThanOrEqualTo", xSize, "1"), xCmp("IsLessThanOrEqualTo", xSize, "2048"), xInv365), ""},
	{"keywords", qParsed(`subject__iexact='foo', is_read=False`), xGroup("And", xUnread, xContains("FullString", "IgnoreCase", xSubj, "foo")), ""},
	{"q expression", qParsed(`Q(subject__icontains='365') | ~Q(size__gt=1024)`), xGroup("Or", xCmp("IsLessThanOrEqualTo", xSize, "1024"), xInv365), ""},
	{"tuple in", qParsed(`{'importance__in': ('High', 'Low',), 'categories__contains': ['Red']}`), xGroup("And", xGroup("Or", xEq(xImp, "High"), xEq(xImp, "Low")), xEq(xCats, "Red")), ""},
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
		{Where("subject__", "x"), "subject__", "ends in __ without a lookup", "subject"},
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
