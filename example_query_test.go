package ews_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ewsgo/ews"
)

// Build a query in Go with exchangelib's lookups. String shows it in exchangelib's syntax.
func ExampleWhere() {
	since := time.Date(2018, 1, 20, 18, 30, 0, 0, time.UTC)
	q := ews.Where("subject__icontains", "365").And(
		ews.Where("datetime_received__gt", since),
		ews.Where("is_read", false),
	)
	fmt.Println(q)
	// Output: Q(datetime_received__gt='2018-01-20T18:30:00Z') & Q(is_read=False) & Q(subject__icontains='365')
}

// The typed builder says the same with methods; an indexed contact field takes its label in the name.
func ExampleField() {
	q := ews.And(
		ews.Field("size").Range(1024, 1<<20),
		ews.Field("importance").In("High", "Low"),
		ews.Field("email_addresses__EmailAddress2").IContains("contoso"),
	)
	fmt.Println(q)
	// Output: (Q(size__gte=1024) & Q(size__lte=1048576)) & (Q(importance='High') | Q(importance='Low')) & Q(email_addresses__EmailAddress2__icontains='contoso')
}

// Parse the Python-dict form that SOAR playbooks carry; JSON and keyword arguments work the same way.
func ExampleParseQuery() {
	q, err := ews.ParseQuery(`{'subject__icontains' : '365', 'datetime_received__gt' : '2018-01-20T18:30:00.000Z'}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q)

	q, err = ews.ParseQuery(`subject__iexact='foo', is_read=False`)
	fmt.Println(q, err)
	// Output:
	// Q(datetime_received__gt='2018-01-20T18:30:00Z') & Q(subject__icontains='365')
	// Q(is_read=False) & Q(subject__iexact='foo') <nil>
}

// Mistakes are errors that say where, what, and the nearest valid name.
func ExampleParseQuery_error() {
	_, err := ews.ParseQuery(`{'is_read': False, 'subject__icontain': '365'}`)
	fmt.Println(err)

	var qe *ews.QueryError
	if errors.As(err, &qe) {
		fmt.Println(qe.Pos, qe.Field, qe.Suggestion, errors.Is(err, ews.ErrInvalidQuery))
	}

	_, err = ews.ParseQuery(`{'subject__endswith': '.exe'}`)
	fmt.Println(err)
	// Output:
	// ews: invalid query at offset 19: subject__icontain: unknown lookup 'icontain' (did you mean subject__icontains?)
	// 19 subject__icontain subject__icontains true
	// ews: invalid query at offset 1: subject__endswith: EWS cannot match the end of a string (there is no endswith); filter with contains and check the end in Go (did you mean subject__contains?)
}

// Combine with Or and Not. Negating a comparison inverts it; negating anything else wraps it in Not. Children
// are ordered as exchangelib orders them: compound ones first, then by field name.
func ExampleOr() {
	q := ews.Or(
		ews.Where("sender", "billing@evil.example"),
		ews.Not(ews.Where("size__gt", 1024)),
		ews.Not(ews.Where("subject__icontains", "invoice")),
	)
	fmt.Println(q)
	// Output: ~Q(subject__icontains='invoice') | Q(sender='billing@evil.example') | Q(size__lte=1024)
}

// The same combinations in exchangelib's expression syntax, with |, & and ~.
func ExampleParseQuery_expression() {
	q, err := ews.ParseQuery(`Q(subject__icontains='365') & ~(Q(importance='Low') | Q(categories__contains=['Spam']))`)
	fmt.Println(q, err)
	// Output: ~(Q(categories='Spam') | Q(importance='Low')) & Q(subject__icontains='365') <nil>
}

// An "in" lookup with an empty list matches nothing: a search with it sends no request.
func ExampleQ_MatchesNothing() {
	senders := []string{} // e.g. from an empty indicator list
	q := ews.Where("sender__in", senders).And(ews.Where("is_read", false))
	fmt.Println(q.MatchesNothing(), q)
	// Output: true Q(sender__in=[])
}
