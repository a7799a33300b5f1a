package ews

import (
	"encoding/xml"
	"errors"
	"testing"
	"time"
)

// checkQuery asserts what every successfully built or parsed query must satisfy: its restriction marshals, and
// its String parses back to the same query.
func checkQuery(t *testing.T, q Q) {
	t.Helper()
	r, never, err := q.restriction()
	if err != nil {
		t.Fatalf("restriction() of a valid query %s: %v", q, err)
	}
	if r != nil {
		if never {
			t.Fatalf("%s: a restriction that matches nothing", q)
		}
		if _, err := xml.Marshal(r.Expr); err != nil {
			t.Fatalf("marshal %s: %v", q, err)
		}
	}
	back, err := ParseQuery(q.String())
	if err != nil {
		t.Fatalf("ParseQuery(%s): %v", q, err)
	}
	if back.String() != q.String() {
		t.Fatalf("ParseQuery(String()) = %s, want %s", back, q)
	}
}

func checkQueryError(t *testing.T, err error, textLen int) {
	t.Helper()
	var qe *QueryError
	if !errors.As(err, &qe) || !errors.Is(err, ErrInvalidQuery) {
		t.Fatalf("error %v (%T) is not a *QueryError", err, err)
	}
	if qe.Pos < -1 || qe.Pos > textLen || qe.Msg == "" {
		t.Fatalf("error %q: Pos %d outside [-1, %d] or no message", err, qe.Pos, textLen)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`{'subject__icontains' : '365', 'datetime_received__gt' : '2018-01-20T18:30:00.000Z'}`,
		`{"is_read": false, "size__range": [1, 2048], "categories__contains": ["a", "b"]}`,
		`subject__iexact='foo', is_read=False`,
		`Q(subject__icontains='365') | ~Q(sender='a@example.com')`,
		`~(Q(size__gt=1) & Q(importance__in=('High',))) | Q(subject__in=[])`,
		`Q(Q(is_read=True) | Q(size__gt=5), subject='x')`,
		`{'email_addresses__EmailAddress2__icontains': 'x', 'physical_addresses__Home__city': 'Z\u00fcrich'}`,
		`{'start__gte': '2024-05-01', 'birthday': '1990-03-04', 'subject': u'\x41\U0001F600'}`,
		`{'subject': r'C:\temp', 'body__contains': "it's"}`,
		`{'datetime_received__lt': '9999-12-31T23:00:00-05:00', 'datetime_sent': '0001-01-01T00:00:00+01:00'}`,
		`{}`, `Q()`, `~Q()`, ``, `{'a': [[[]]]}`, `{'size__gt': -1.5e3}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := ParseQuery(text)
		if err != nil {
			checkQueryError(t, err, len(text))
			return
		}
		checkQuery(t, q)
	})
}

func FuzzQueryBuild(f *testing.F) {
	f.Add("subject__icontains", uint8(0), "365", int64(0), false, uint8(0))
	f.Add("datetime_received__gt", uint8(0), "2018-01-20T18:30:00.000Z", int64(0), false, uint8(1))
	f.Add("size__range", uint8(3), "", int64(1024), false, uint8(2))
	f.Add("is_read", uint8(2), "", int64(0), true, uint8(3))
	f.Add("categories__contains", uint8(4), "Red", int64(0), false, uint8(0))
	f.Add("physical_addresses__Business__city__iexact", uint8(0), "Zürich", int64(0), false, uint8(1))
	f.Add("datetime_sent__lte", uint8(5), "", int64(1516473000), false, uint8(2))
	f.Add("subject__in", uint8(4), "", int64(0), false, uint8(3))
	f.Add("datetime_received__lt", uint8(5), "", int64(1)<<39, false, uint8(1))
	f.Add("birthday", uint8(5), "", int64(-1)<<38, false, uint8(0))
	f.Fuzz(func(t *testing.T, key string, kind uint8, s string, n int64, b bool, combine uint8) {
		var v any
		switch kind % 7 {
		case 0:
			v = s
		case 1:
			v = n
		case 2:
			v = b
		case 3:
			v = []any{n, n + int64(len(s))}
		case 4:
			v = []string{s, s + "x"}[:int(n&1)+int(n&2)/2]
		case 5:
			v = time.Unix(n%(1<<40), n%1e9).In(time.FixedZone("z", int(n%50000)))
		case 6:
			v = nil
		}
		q := Where(key, v)
		if err := q.Err(); err != nil {
			checkQueryError(t, err, 0)
			if _, _, rerr := q.restriction(); rerr != err {
				t.Fatalf("restriction() error %v, Err() %v", rerr, err)
			}
			return
		}
		other := Where("subject__icontains", s)
		switch combine % 4 {
		case 1:
			q = q.Not()
		case 2:
			q = Or(q, other).And(Not(q))
		case 3:
			if other.Err() == nil {
				q = And(q, Not(Or(other, q)))
			}
		}
		if err := q.Err(); err != nil {
			checkQueryError(t, err, 0)
			return
		}
		checkQuery(t, q)
	})
}
