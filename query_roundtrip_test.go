package ews

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// seedQueryItems stores messages, calendar items and contacts in the fake server and returns them as the server
// holds them (with the ids, classes and times it filled in).
func seedQueryItems(t *testing.T, srv *testserver.Server) []testserver.Item {
	t.Helper()
	mb := srv.Default()
	day := func(d int) time.Time { return time.Date(2018, 1, d, 9, 0, 0, 0, time.UTC) }
	msgs := []testserver.Item{
		{Subject: "Your Office 365 invoice", Body: "Pay now", IsRead: false, Importance: "High", Categories: []string{"Red", "Finance"},
			Sender: testserver.Address{Name: "Billing", Email: "billing@evil.example"}, From: testserver.Address{Name: "Billing", Email: "billing@evil.example"},
			To: []testserver.Address{{Name: "Alice", Email: "alice@example.com"}}, DateTimeReceived: day(19),
			Attachments: []testserver.Attachment{{Name: "invoice.html", Size: 4000}}},
		{Subject: "RE: lunch", Body: "Tomorrow?", IsRead: true, Categories: []string{"red"},
			Sender: testserver.Address{Name: "Bob", Email: "bob@example.com"}, From: testserver.Address{Name: "Bob", Email: "bob@example.com"},
			To: []testserver.Address{{Name: "Alice", Email: "alice@example.com"}}, Cc: []testserver.Address{{Name: "Carol", Email: "carol@example.com"}},
			DateTimeReceived: day(20), Sensitivity: "Private"},
		{Subject: "O365 password expiry", Body: "Reset your password", IsRead: false, Importance: "Low", Categories: []string{"Blue", "Red"},
			Sender: testserver.Address{Name: "IT Helpdesk", Email: "helpdesk@evil.example"}, From: testserver.Address{Name: "IT", Email: "it@example.com"},
			DateTimeReceived: day(21), InReplyTo: "<1@example.com>"},
		{Subject: "Quarterly numbers", Body: strings.Repeat("x", 3000), IsRead: true, IsDraft: true,
			Sender: testserver.Address{Name: "Alice", Email: "alice@example.com"}, DateTimeReceived: day(22)},
	}
	events := []testserver.Item{
		{Subject: "Standup", Location: "Room 1", Start: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2024, 5, 1, 9, 15, 0, 0, time.UTC),
			Organizer: testserver.Address{Name: "Alice", Email: "alice@example.com"}, LegacyFreeBusyStatus: "Busy",
			Recurrence: &testserver.Recurrence{Pattern: "Daily", Interval: 1}},
		{Subject: "Offsite", Location: "Zürich", Start: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
			IsAllDayEvent: true, LegacyFreeBusyStatus: "OOF", Organizer: testserver.Address{Name: "Bob", Email: "bob@example.com"}},
	}
	contacts := []testserver.Item{
		{DisplayName: "Zoë Adams", GivenName: "Zoë", Surname: "Adams", CompanyName: "Contoso", JobTitle: "CISO",
			EmailAddresses:    map[string]string{"EmailAddress1": "zoe@contoso.example", "EmailAddress2": "zoe.adams@gmail.example"},
			PhoneNumbers:      map[string]string{"MobilePhone": "+41 79 555 01 01"},
			PhysicalAddresses: map[string]testserver.PhysicalAddress{"Business": {City: "Zürich", PostalCode: "8001"}},
			Extra:             map[string]string{"contacts:Birthday": "1990-03-04T11:59:00Z"}},
		{DisplayName: "Yann Baker", GivenName: "Yann", Surname: "Baker", CompanyName: "Fabrikam", Department: "Sales",
			EmailAddresses:    map[string]string{"EmailAddress1": "yann@fabrikam.example"},
			PhoneNumbers:      map[string]string{"BusinessPhone": "+33 1 55 55 55 55"},
			PhysicalAddresses: map[string]testserver.PhysicalAddress{"Home": {City: "Paris", PostalCode: "75001"}}},
	}
	var ids []string
	for _, it := range msgs {
		ids = append(ids, mb.AddItem("inbox", it))
	}
	for _, it := range events {
		ids = append(ids, mb.AddItem("calendar", it))
	}
	for _, it := range contacts {
		ids = append(ids, mb.AddItem("contacts", it))
	}
	out := make([]testserver.Item, len(ids))
	for i, id := range ids {
		it, ok := mb.Item(id)
		if !ok {
			t.Fatalf("item %s not stored", id)
		}
		out[i] = it
	}
	return out
}

func hasCategory(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func isMessageItem(it testserver.Item) bool  { return it.Kind() == "message" }
func isCalendarItem(it testserver.Item) bool { return it.Kind() == "calendar" }
func isContactItem(it testserver.Item) bool  { return it.Kind() == "contact" }

// TestQueryRoundTrip sends each query's restriction in FindItem requests over HTTP to the fake server, which
// filters the seeded items, and checks that the items it finds are exactly those the same filter, written in
// Go, keeps.
func TestQueryRoundTrip(t *testing.T) {
	srv, c := setup(t)
	items := seedQueryItems(t, srv)
	since := time.Date(2018, 1, 20, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		query string
		want  func(it testserver.Item) bool
	}{
		{`{'subject__icontains': '365'}`, func(it testserver.Item) bool { return strings.Contains(strings.ToLower(it.Subject), "365") }},
		{`{'subject__contains': 'office'}`, func(it testserver.Item) bool { return strings.Contains(it.Subject, "office") }},
		{`{'subject__istartswith': 're:'}`, func(it testserver.Item) bool { return strings.HasPrefix(strings.ToLower(it.Subject), "re:") }},
		{`{'subject__iexact': 'standup'}`, func(it testserver.Item) bool { return strings.ToLower(it.Subject) == "standup" }},
		{`{'subject': 'STANDUP'}`, func(it testserver.Item) bool { return strings.EqualFold(it.Subject, "standup") }},
		{`{'body__icontains': 'password'}`, func(it testserver.Item) bool { return strings.Contains(strings.ToLower(it.Body), "password") }},
		{`{'is_read': False}`, func(it testserver.Item) bool { return isMessageItem(it) && !it.IsRead }},
		{`{'is_read': True, 'is_draft': False}`, func(it testserver.Item) bool { return isMessageItem(it) && it.IsRead && !it.IsDraft }},
		{`{'datetime_received__gt': '2018-01-20T00:00:00Z', 'is_read': False}`, func(it testserver.Item) bool {
			return it.DateTimeReceived.After(since) && isMessageItem(it) && !it.IsRead
		}},
		{`{'datetime_received__range': ('2018-01-20T09:00:00Z', '2018-01-21T09:00:00+00:00')}`, func(it testserver.Item) bool {
			return !it.DateTimeReceived.Before(since.Add(9*time.Hour)) && !it.DateTimeReceived.After(since.Add(33*time.Hour))
		}},
		{`{'size__gt': 3000}`, func(it testserver.Item) bool { return it.Size() > 3000 }},
		{`~Q(size__gt=3000)`, func(it testserver.Item) bool { return it.Size() <= 3000 }},
		{`{'has_attachments': True}`, func(it testserver.Item) bool { return it.HasAttachments() }},
		{`{'importance__in': ['High', 'Low']}`, func(it testserver.Item) bool { return it.Importance == "High" || it.Importance == "Low" }},
		{`{'importance': 'Normal'}`, func(it testserver.Item) bool { return it.Importance == "" || it.Importance == "Normal" }},
		{`{'sensitivity__not': 'Normal'}`, func(it testserver.Item) bool { return it.Sensitivity != "" && it.Sensitivity != "Normal" }},
		{`{'categories__contains': ['red', 'blue']}`, func(it testserver.Item) bool {
			return hasCategory(it.Categories, "red") && hasCategory(it.Categories, "blue")
		}},
		{`{'categories__in': ['Finance', 'Blue']}`, func(it testserver.Item) bool {
			return hasCategory(it.Categories, "finance") || hasCategory(it.Categories, "blue")
		}},
		{`{'categories': 'RED'}`, func(it testserver.Item) bool { return hasCategory(it.Categories, "red") }},
		{`{'categories__exists': False}`, func(it testserver.Item) bool { return len(it.Categories) == 0 }},
		{`{'sender': 'bob@example.com'}`, func(it testserver.Item) bool { return isMessageItem(it) && it.Sender.Email == "bob@example.com" }},
		{`{'sender__icontains': 'evil.example'}`, func(it testserver.Item) bool {
			return isMessageItem(it) && strings.HasSuffix(it.Sender.Email, "@evil.example")
		}},
		{`{'from__not': 'billing@evil.example', 'is_read': False}`, func(it testserver.Item) bool {
			return isMessageItem(it) && it.From.Email != "" && it.From.Email != "billing@evil.example" && !it.IsRead
		}},
		{`{'author__exists': False}`, func(it testserver.Item) bool { return !isMessageItem(it) || it.From.Email == "" && it.From.Name == "" }},
		{`{'display_to__icontains': 'alice'}`, func(it testserver.Item) bool {
			return slices.ContainsFunc(it.To, func(a testserver.Address) bool { return a.Name == "Alice" })
		}},
		{`{'display_cc__exists': True}`, func(it testserver.Item) bool { return len(it.Cc) > 0 }},
		{`{'in_reply_to__exists': True}`, func(it testserver.Item) bool { return it.InReplyTo != "" }},
		{`Q(subject__icontains='365') | Q(subject__icontains='o365')`, func(it testserver.Item) bool {
			return strings.Contains(strings.ToLower(it.Subject), "365")
		}},
		{`Q(is_read=False) & ~Q(importance='High')`, func(it testserver.Item) bool { return isMessageItem(it) && !it.IsRead && it.Importance != "High" }},
		{`~(Q(is_read=False) | Q(subject__icontains='standup'))`, func(it testserver.Item) bool {
			return !(isMessageItem(it) && !it.IsRead) && !strings.Contains(strings.ToLower(it.Subject), "standup")
		}},
		{`{'start__gte': '2024-05-01T00:00:00Z'}`, func(it testserver.Item) bool {
			return isCalendarItem(it) && !it.Start.Before(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
		}},
		{`{'start__lt': '2024-05-01'}`, func(it testserver.Item) bool {
			return isCalendarItem(it) && it.Start.Before(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
		}},
		{`{'is_all_day': True}`, func(it testserver.Item) bool { return isCalendarItem(it) && it.IsAllDayEvent }},
		{`{'location__icontains': 'zurich'}`, func(it testserver.Item) bool { return false }},
		{`{'location__icontains': 'zürich'}`, func(it testserver.Item) bool {
			return isCalendarItem(it) && strings.Contains(strings.ToLower(it.Location), "zürich")
		}},
		{`{'legacy_free_busy_status': 'OOF'}`, func(it testserver.Item) bool { return isCalendarItem(it) && it.LegacyFreeBusyStatus == "OOF" }},
		{`{'is_recurring': True}`, func(it testserver.Item) bool { return isCalendarItem(it) && it.Recurrence != nil }},
		{`{'type': 'Single'}`, func(it testserver.Item) bool { return isCalendarItem(it) && it.Recurrence == nil && it.MasterID == "" }},
		{`{'organizer': 'bob@example.com'}`, func(it testserver.Item) bool { return isCalendarItem(it) && it.Organizer.Email == "bob@example.com" }},
		{`{'display_name__icontains': 'adams'}`, func(it testserver.Item) bool {
			return isContactItem(it) && strings.Contains(strings.ToLower(it.DisplayName), "adams")
		}},
		{`{'company_name__in': ['Contoso', 'Northwind']}`, func(it testserver.Item) bool { return isContactItem(it) && it.CompanyName == "Contoso" }},
		{`{'department__exists': True}`, func(it testserver.Item) bool { return isContactItem(it) && it.Department != "" }},
		{`{'email_addresses__icontains': 'fabrikam'}`, func(it testserver.Item) bool {
			return isContactItem(it) && strings.Contains(it.EmailAddresses["EmailAddress1"], "fabrikam")
		}},
		{`{'email_addresses__EmailAddress2__icontains': 'GMAIL'}`, func(it testserver.Item) bool {
			return isContactItem(it) && strings.Contains(strings.ToLower(it.EmailAddresses["EmailAddress2"]), "gmail")
		}},
		{`{'phone_numbers__MobilePhone__startswith': '+41'}`, func(it testserver.Item) bool {
			return isContactItem(it) && strings.HasPrefix(it.PhoneNumbers["MobilePhone"], "+41")
		}},
		{`{'physical_addresses__Business__city__iexact': 'ZÜRICH'}`, func(it testserver.Item) bool {
			return isContactItem(it) && strings.EqualFold(it.PhysicalAddresses["Business"].City, "zürich")
		}},
		{`{'physical_addresses__Home__zipcode__in': ['75001', '8001']}`, func(it testserver.Item) bool {
			return isContactItem(it) && slices.Contains([]string{"75001", "8001"}, it.PhysicalAddresses["Home"].PostalCode)
		}},
		{`{'birthday': '1990-03-04'}`, func(it testserver.Item) bool { return isContactItem(it) && it.Extra["contacts:Birthday"] != "" }},
		{`{'item_class__istartswith': 'ipm.contact'}`, func(it testserver.Item) bool { return isContactItem(it) }},
	}
	ctx := testCtx(t)
	for _, tc := range cases {
		q := mustParse(t, tc.query)
		r, _, err := q.restriction()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, folder := range []string{"inbox", "calendar", "contacts"} {
			var resp soap.FindItemResponse
			if err := doInto(ctx, c, findItemRequest(r, folder), &resp); err != nil {
				t.Fatalf("%s: FindItem in %s: %v", tc.query, folder, err)
			}
			if len(resp.ResponseMessages) != 1 {
				t.Fatalf("%s: %d response messages", tc.query, len(resp.ResponseMessages))
			}
			m := &resp.ResponseMessages[0]
			if err := c.itemErr(&soap.FindItem{}, &m.ResponseMessage); err != nil {
				t.Fatalf("%s: FindItem in %s: %v", tc.query, folder, err)
			}
			for _, it := range m.RootFolder.Items.Items {
				got = append(got, it.ItemID.ID)
			}
		}
		var want []string
		for _, it := range items {
			if tc.want(it) {
				want = append(want, it.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s (%s): the server finds %s, the Go filter keeps %s", tc.query, q, subjectsOf(items, got), subjectsOf(items, want))
		}
		if len(want) == len(items) && !strings.Contains(tc.query, "exists") {
			t.Errorf("%s keeps every item: the case proves little", tc.query)
		}
	}
}

// names lists the subjects (or display names) of the items with the given ids, for messages.
func subjectsOf(items []testserver.Item, ids []string) []string {
	var out []string
	for _, it := range items {
		if slices.Contains(ids, it.ID) {
			out = append(out, it.Subject+it.DisplayName)
		}
	}
	return out
}

// TestQueryRestrictionOverHTTP sends a query's restriction to the fake server over HTTP in a FindFolder request,
// where item fields are not searchable, and checks that the server's error reaches the caller as an *Error.
func TestQueryRestrictionOverHTTP(t *testing.T) {
	srv, c := setup(t)
	if _, err := srv.Default().AddFolder("inbox", "Phishing", ""); err != nil {
		t.Fatal(err)
	}
	r, _, err := Where("subject__icontains", "365").restriction()
	if err != nil {
		t.Fatal(err)
	}
	req := &soap.FindFolder{
		Traversal:       "Shallow",
		FolderShape:     soap.FolderShape{BaseShape: "IdOnly"},
		Restriction:     r,
		ParentFolderIDs: []soap.FolderRef{{Distinguished: "inbox"}},
	}
	var resp soap.FindFolderResponse
	if err := doInto(testCtx(t), c, req, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.ResponseMessages) != 1 {
		t.Fatalf("%d response messages", len(resp.ResponseMessages))
	}
	err = c.itemErr(&soap.FindItem{}, &resp.ResponseMessages[0].ResponseMessage)
	var e *Error
	if !errors.As(err, &e) || e.Code != "ErrorUnsupportedPathForQuery" || !strings.Contains(e.Message, "item:Subject") {
		t.Errorf("FindFolder with an item restriction: err = %v, want ErrorUnsupportedPathForQuery naming item:Subject", err)
	}
}

// TestFindItemRejectsBadRestriction checks that the server rejects a restriction on a property EWS cannot filter
// on even in an empty folder, as Exchange validates the restriction before it looks at items.
func TestFindItemRejectsBadRestriction(t *testing.T) {
	_, c := setup(t)
	r := &soap.Restriction{Expr: soap.Expr{Op: soap.OpIsEqualTo, Path: soap.Path{FieldURI: "message:ToRecipients"}, Value: "a@example.com"}}
	var resp soap.FindItemResponse
	if err := doInto(testCtx(t), c, findItemRequest(r, "junkemail"), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.ResponseMessages) != 1 {
		t.Fatalf("%d response messages", len(resp.ResponseMessages))
	}
	err := c.itemErr(&soap.FindItem{}, &resp.ResponseMessages[0].ResponseMessage)
	var e *Error
	if !errors.As(err, &e) || e.Code != "ErrorUnsupportedPathForQuery" || !strings.Contains(e.Message, "message:ToRecipients") {
		t.Errorf("FindItem restricted on message:ToRecipients: err = %v, want ErrorUnsupportedPathForQuery", err)
	}
}
