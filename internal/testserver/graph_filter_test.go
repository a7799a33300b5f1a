package testserver

import (
	"slices"
	"testing"
	"time"
)

// TestGraphFilterEvaluator: the fake's $filter and $search evaluators over a few messages: the operators, and,
// or, not, parentheses, KQL's implied AND, and what they refuse.
func TestGraphFilterEvaluator(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	items := []*Item{
		{Subject: "Your Invoice", Body: "please pay", From: Address{Email: "billing@evil.example", Name: "Billing"},
			IsRead: false, Importance: "High", Categories: []string{"Phish"}, DateTimeReceived: t0},
		{Subject: "lunch", Body: "invoice attached", From: Address{Email: "bob@example.com", Name: "Bob"},
			IsRead: true, DateTimeReceived: t0.Add(time.Hour)},
		{Subject: "RE: invoice", Body: "paid", From: Address{Email: "carol@example.com"},
			To: []Address{{Email: "billing@evil.example"}}, IsRead: true, Categories: []string{"phish", "done"},
			DateTimeReceived: t0.Add(2 * time.Hour)},
	}
	matching := func(f func(*Item) bool) []int {
		var out []int
		for i, it := range items {
			if f(it) {
				out = append(out, i)
			}
		}
		return out
	}
	for _, tc := range []struct {
		filter string
		want   []int
	}{
		{"isRead eq true", []int{1, 2}},
		{"isRead ne true", []int{0}},
		{"subject eq 'your invoice'", []int{0}},
		{"importance eq 'high'", []int{0}},
		{"contains(subject,'INVOICE')", []int{0, 2}},
		{"startswith(subject,'re:')", []int{2}},
		{"categories/any(c:c eq 'PHISH')", []int{0, 2}},
		{"receivedDateTime gt 2026-12-01T10:00:00Z", []int{1, 2}},
		{"receivedDateTime ge 2026-12-01T10:00:00Z and receivedDateTime lt 2026-12-01T12:00:00Z", []int{0, 1}},
		{"receivedDateTime le 2026-12-01T11:00:00Z", []int{0, 1}},
		{"isRead eq true and contains(subject,'invoice') or importance eq 'high'", []int{0, 2}},
		{"isRead eq true and (contains(subject,'invoice') or importance eq 'high')", []int{2}},
		{"not (isRead eq true or contains(subject,'invoice'))", nil},
		{"not isRead eq true", []int{0}},
		{"from/emailAddress/address eq 'bob@example.com' or from/emailAddress/address eq 'carol@example.com'", []int{1, 2}},
		{"subject eq 'it''s'", nil},
	} {
		f, err := parseOData(tc.filter)
		if err != nil {
			t.Errorf("$filter %s: %v", tc.filter, err)
			continue
		}
		if got := matching(f); !slices.Equal(got, tc.want) {
			t.Errorf("$filter %s matches %v, want %v", tc.filter, got, tc.want)
		}
	}
	for _, bad := range []string{"size gt 3", "contains(body,'x')", "isRead eq", "(isRead eq true", "subject xx 'a'", "subject eq 'a"} {
		if _, err := parseOData(bad); err == nil {
			t.Errorf("$filter %s: no error", bad)
		}
	}
	for _, tc := range []struct {
		search string
		want   []int
	}{
		{`"body:invoice"`, []int{1}},
		{`"body:pa"`, []int{0, 2}},
		{`"body:aid"`, nil}, // word prefixes, not substrings
		{`"invoice"`, []int{0, 1, 2}},
		{`"subject:invoice body:pa"`, []int{0, 2}},
		{`"subject:invoice AND body:pa"`, []int{0, 2}},
		{`"subject:lunch OR from:carol"`, []int{1, 2}},
		{`"NOT subject:lunch AND body:pa"`, []int{0, 2}},
		{`"NOT (subject:lunch OR from:billing) AND invoice"`, []int{2}},
		{`"participants:billing"`, []int{0, 2}},
		{`"subject:\"your invoice\""`, []int{0}},
	} {
		f, err := parseKQL(tc.search)
		if err != nil {
			t.Errorf("$search %s: %v", tc.search, err)
			continue
		}
		if got := matching(f); !slices.Equal(got, tc.want) {
			t.Errorf("$search %s matches %v, want %v", tc.search, got, tc.want)
		}
	}
	for _, bad := range []string{`"size:3"`, `"(subject:a"`, `"NOT"`, `"subject:\"a"`} {
		if _, err := parseKQL(bad); err == nil {
			t.Errorf("$search %s: no error", bad)
		}
	}
}
