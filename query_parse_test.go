package ews

import (
	"errors"
	"strings"
	"testing"
)

// TestParseQueryForms checks that the text forms SOAR users paste mean the same query as the one built in Go.
func TestParseQueryForms(t *testing.T) {
	cases := []struct {
		text string
		want Q
	}{
		{`{'subject__icontains' : '365', 'datetime_received__gt' : '2018-01-20T18:30:00.000Z'}`,
			And(Where("subject__icontains", "365"), Where("datetime_received__gt", queryT0))},
		{`{"subject__icontains": "365", "datetime_received__gt": "2018-01-20T18:30:00Z",}`,
			And(Where("subject__icontains", "365"), Where("datetime_received__gt", queryT0))},
		{"{\n  'is_read': False,\n  'importance__in': ('High', 'Low'),\n}\n", And(Where("is_read", false), Where("importance__in", []string{"High", "Low"}))},
		{`{"is_read": true, "size__gt": 1024}`, And(Where("is_read", true), Where("size__gt", 1024))},
		{`{'size__range': [1, 2048], 'categories__contains': ['Red', 'Blue',]}`, And(Where("size__gte", 1), Where("size__lte", 2048), Where("categories__contains", []string{"Red", "Blue"}))},
		{`{'subject__in': ('only',)}`, Where("subject", "only")},
		{`{'subject': ('grouped')}`, Where("subject", "grouped")},
		{`{'subject__in': ()}`, Where("subject__in", []string{})},
		{`{'size__gt': 1.0e3}`, Where("size__gt", 1000)},
		{`{'size__gt': -1}`, Where("size__gt", -1)},
		{`{'subject__exists': True}`, Where("subject__exists", true)},
		{`{}`, Q{}},
		{`subject__iexact='foo'`, Where("subject__iexact", "foo")},
		{`subject__iexact='foo', is_read=False,`, And(Where("subject__iexact", "foo"), Where("is_read", false))},
		{`  subject__iexact = "foo" ,is_read=false `, And(Where("subject__iexact", "foo"), Where("is_read", false))},
		{`Q(subject__icontains='365')`, Where("subject__icontains", "365")},
		{`Q()`, Q{}},
		{`~Q()`, Not(Q{})},
		{`Q(subject__icontains='365', is_read=False)`, And(Where("subject__icontains", "365"), Where("is_read", false))},
		{`Q(subject__icontains='365') | ~Q(sender='a@example.com')`, Or(Where("subject__icontains", "365"), Not(Where("sender", "a@example.com")))},
		{`Q(size__gt=1) & Q(size__lt=9) & Q(is_read=True)`, And(Where("size__gt", 1), Where("size__lt", 9), Where("is_read", true))},
		{`(Q(size__gt=1) & Q(size__lt=9)) & Q(is_read=True)`, And(Where("size__gt", 1), Where("size__lt", 9)).And(Where("is_read", true))},
		{`Q(size__gt=1) & Q(size__lt=9) | Q(is_read=True)`, Or(And(Where("size__gt", 1), Where("size__lt", 9)), Where("is_read", true))},
		{`~(Q(is_read=True) | ~~Q(subject='x'))`, Not(Or(Where("is_read", true), Where("subject", "x")))},
		{`Q(Q(is_read=True) | Q(size__gt=5), subject='x')`, And(Or(Where("is_read", true), Where("size__gt", 5)), Where("subject", "x"))},
		{`Q(Q(is_read=True), Q(size__gt=5),)`, And(Where("is_read", true), Where("size__gt", 5))},
		// Strings: quotes, prefixes and escapes.
		{`{'subject': "it's"}`, Where("subject", "it's")},
		{`{'subject': 'it\'s \\ \"x\" \n\t\x41\u00e9\U0001F600'}`, Where("subject", "it's \\ \"x\" \n\tAé😀")},
		{`{"subject": "\ud83d\ude00 \/"}`, Where("subject", "😀 /")},
		{`{'subject': u'unicode', 'body__contains': r'C:\temp\'s'}`, And(Where("subject", "unicode"), Where("body__contains", `C:\temp\'s`))},
		{`{'subject': 'keep \d'}`, Where("subject", `keep \d`)},
		{`{'subject': 'Zürich ✓'}`, Where("subject", "Zürich ✓")},
	}
	for _, tc := range cases {
		got, err := ParseQuery(tc.text)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tc.text, err)
			continue
		}
		if got.String() != tc.want.String() {
			t.Errorf("ParseQuery(%q) = %s, want %s", tc.text, got, tc.want)
		}
		if g, w := restrictionXML(t, got), restrictionXML(t, tc.want); g != w {
			t.Errorf("ParseQuery(%q) renders %s, want %s", tc.text, g, w)
		}
	}
}

// TestParseQueryErrors checks that errors give the offset of the problem and say what was expected.
func TestParseQueryErrors(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	cases := []struct {
		text  string
		pos   int
		field string
		msg   string
	}{
		{``, 0, "", "the query is empty"},
		{"  \n", 0, "", "the query is empty"},
		{`{'subject': 'x'`, 15, "", `expected ',' or '}' after the value, found the end of the query`},
		{`{'subject' = 'x'}`, 11, "", `expected ':' after the key, found '='`},
		{`{subject: 'x'}`, 1, "", `expected a quoted key`},
		{`{'subject': 'x}`, 12, "", `the string is not closed`},
		{"{'subject': 'x\n'}", 12, "", `not closed before the end of the line`},
		{`{'subject': x}`, 12, "", `expected a value`},
		{`{'subject': 'x' 'is_read': 1}`, 16, "", `expected ',' or '}' after the value, found '\''`},
		{`{'subject': {'a': 1}}`, 12, "", `a dict is not a value`},
		{`{'subject': ['a' 'b']}`, 17, "", `expected ',' or ']' in the list`},
		{`{'subject': ('a' 'b')}`, 17, "", `expected ',' or ')' in the tuple`},
		{`{'datetime_received__gt': datetime(2018, 1, 20)}`, 26, "", `calls such as datetime(...) are not supported`},
		{`{'size__gt': 1e999}`, 13, "", `out of range`},
		{`{'size__gt': 99999999999999999999}`, 13, "", `out of range`},
		{`{'size__gt': 1e}`, 15, "", `expected the digits of an exponent`},
		{`{'size__gt': -}`, 13, "", `expected a number`},
		{`{'subject': '\x4'}`, 13, "", `needs 2 hexadecimal digits`},
		{`{'subject': '\ud800'}`, 13, "", `not a valid Unicode character`},
		{`{'subject': 'a\`, 14, "", `the string ends in the middle of an escape`},
		{`subject='x' is_read=True`, 12, "", `expected ',' between arguments`},
		{`subject=='x'`, 7, "", `keyword arguments take one '='`},
		{`subject 'x'`, 8, "", `expected '=' after subject`},
		{`'subject'='x'`, 0, "", `expected a lookup such as subject__icontains='365'`},
		{`Q(subject='x') &`, 16, "", `expected Q(...), ~ or '('`},
		{`(Q(subject='x')`, 15, "", `expected ')' to close the parenthesis`},
		{`Q(subject='x') Q(size=1)`, 15, "", `expected the end of the query`},
		{`Q(subject='x'`, 13, "", `expected ')' to close Q(`},
		{`Q(Q(subject='x') is_read=True)`, 17, "", `expected ',' or ')' after the argument of Q`},
		{`{'subject': 'a'} extra`, 17, "", `expected the end of the query`},
		{`{'subject': ` + deep + `}`, 76, "", `nested more than 64 levels`},
		{strings.Repeat("~", 100) + "Q()", 64, "", `nested more than 64 levels`},
		{"{'subject': '\xff'}", 13, "", `not valid UTF-8`},
		// Errors about keys point at the key, errors about values at the value.
		{`{'is_read': False, 'subjet': 'x'}`, 19, "subjet", `unknown field 'subjet'`},
		{`{'size__gt': 'big'}`, 13, "size__gt", `needs an integer`},
		{`is_read=False, size__range=(9, 1)`, 27, "size__range", `the range starts after it ends`},
		{`{'subject': 'a', 'subject': 'b'}`, 17, "subject", `the key is given twice (first at offset 1)`},
		{`Q(subject='a') | Q(subject__endswith='b')`, 19, "subject__endswith", `EWS cannot match the end of a string`},
		{`{'importance': 'high'}`, 15, "importance", `did you mean 'High'?`},
		{`{'datetime_received__gt': '2018-01-20T18:30:00'}`, 26, "datetime_received__gt", `has no time zone`},
		{`{'subject': None}`, 12, "subject", `None is not a value`},
	}
	for _, tc := range cases {
		_, err := ParseQuery(tc.text)
		var qe *QueryError
		if !errors.As(err, &qe) || !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("ParseQuery(%q) = %v, want a *QueryError", tc.text, err)
			continue
		}
		if qe.Pos != tc.pos || qe.Field != tc.field || !strings.Contains(qe.Msg, tc.msg) {
			t.Errorf("ParseQuery(%q): Pos=%d Field=%q Msg=%q; want Pos=%d Field=%q Msg containing %q", tc.text, qe.Pos, qe.Field, qe.Msg, tc.pos, tc.field, tc.msg)
		}
		if !strings.Contains(err.Error(), "at offset ") {
			t.Errorf("ParseQuery(%q): Error() = %q has no offset", tc.text, err)
		}
	}
}

func TestParseQueryTooLong(t *testing.T) {
	_, err := ParseQuery("{'subject': '" + strings.Repeat("a", maxQueryText) + "'}")
	if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("a huge query: %v", err)
	}
}
