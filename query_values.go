package ews

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// qvalue is a checked value of a query leaf.
type qvalue struct {
	wire string    // the Value of the t:Constant
	repr string    // the value as a Python literal, for Q.String
	num  int64     // ftInt: the number, for range checks
	t    time.Time // datetimes and dates: the instant, for range checks
}

// compareValues orders two values of the same field, for the range check.
func compareValues(typ fieldType, a, b qvalue) int {
	switch typ {
	case ftInt:
		return cmpInt64(a.num, b.num)
	case ftDateTime, ftDateOrTime, ftDate:
		return a.t.Compare(b.t)
	}
	return strings.Compare(strings.ToLower(a.wire), strings.ToLower(b.wire))
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// coerce checks a value against the type of a field and renders it as exchangelib does.
func coerce(fp fieldPath, v any) (qvalue, *QueryError) {
	def := fp.def
	bad := func(format string, args ...any) (qvalue, *QueryError) {
		return qvalue{}, &QueryError{Pos: -1, Msg: fmt.Sprintf(format, args...), valueErr: true}
	}
	if v == nil {
		return bad("None is not a value; use %s__exists=False to match items without %s", fp.key, fp.def.name)
	}
	switch def.typ {
	case ftString, ftMailbox, ftStringList:
		s, ok := v.(string)
		if !ok {
			return bad("needs text, not %s", describe(v))
		}
		if p := textProblem(s); p != "" {
			return bad("the value %s", p)
		}
		return qvalue{wire: s, repr: pyRepr(s)}, nil
	case ftEnum:
		s, ok := v.(string)
		if !ok {
			return bad("takes one of %s, not %s", strings.Join(def.choices, ", "), describe(v))
		}
		for _, c := range def.choices {
			if s == c {
				return qvalue{wire: s, repr: pyRepr(s)}, nil
			}
		}
		for _, c := range def.choices {
			if strings.EqualFold(s, c) {
				return bad("takes one of %s and case matters: did you mean %s?", strings.Join(def.choices, ", "), pyRepr(c))
			}
		}
		return bad("takes one of %s, not %s", strings.Join(def.choices, ", "), pyRepr(truncateText(s)))
	case ftBool:
		b, ok := toBool(v)
		if !ok {
			return bad("needs True or False, not %s", describe(v))
		}
		if b {
			return qvalue{wire: "1", repr: "True"}, nil
		}
		return qvalue{wire: "0", repr: "False"}, nil
	case ftInt:
		n, ok := toInt(v)
		if !ok {
			return bad("needs an integer, not %s", describe(v))
		}
		s := strconv.FormatInt(n, 10)
		return qvalue{wire: s, repr: s, num: n}, nil
	case ftDateTime, ftDateOrTime:
		t, dateOnly, msg := toDateTime(v, def.typ == ftDateOrTime)
		if msg != "" {
			return bad("%s", msg)
		}
		if dateOnly {
			s := t.Format(time.DateOnly)
			return qvalue{wire: s, repr: pyRepr(s), t: t}, nil
		}
		s := formatDateTime(t)
		return qvalue{wire: s, repr: pyRepr(s), t: t}, nil
	case ftDate:
		d, msg := toDate(v)
		if msg != "" {
			return bad("%s", msg)
		}
		// exchangelib sends a date field as that day at 11:59 UTC (DateTimeBackedDateField).
		t := d.Add(11*time.Hour + 59*time.Minute)
		return qvalue{wire: formatDateTime(t), repr: pyRepr(d.Format(time.DateOnly)), t: t}, nil
	}
	return bad("field %s has no value type", def.name)
}

func toBool(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	}
	if n, ok := toInt(v); ok && (n == 0 || n == 1) {
		if _, isString := v.(string); !isString {
			return n == 1, true
		}
	}
	return false, false
}

func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint:
		return int64(v), uint64(v) <= math.MaxInt64
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint64:
		return int64(v), v <= math.MaxInt64
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case float32:
		return toInt(float64(v))
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Layouts of the datetime text a query accepts: RFC 3339 / ISO 8601, with or without a fraction of a second,
// with "Z" or an offset, with "T" or a space between date and time.
var (
	zonedLayouts = []string{
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02T15:04:05.999999999Z07",
		"2006-01-02T15:04Z07:00",
	}
	zonelessLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04"}
)

// toDateTime reads a datetime value. With allowDate, a date without a time is accepted and reported.
func toDateTime(v any, allowDate bool) (t time.Time, dateOnly bool, msg string) {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return time.Time{}, false, "the time is the zero time.Time"
		}
		if y := v.UTC().Year(); y < 1 || y > 9999 {
			return time.Time{}, false, fmt.Sprintf("the year %d is outside 1 to 9999", y)
		}
		return v.UTC(), false, ""
	case string:
		s := strings.TrimSpace(v)
		if len(s) > 10 && (s[10] == ' ' || s[10] == 't') {
			s = s[:10] + "T" + s[11:]
		}
		s = strings.Replace(s, "z", "Z", 1)
		for _, layout := range zonedLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				if y := t.UTC().Year(); y < 1 || y > 9999 {
					return time.Time{}, false, fmt.Sprintf("the year %d (in UTC) is outside 1 to 9999", y)
				}
				return t.UTC(), false, ""
			}
		}
		for _, layout := range zonelessLayouts {
			if _, err := time.Parse(layout, s); err == nil {
				return time.Time{}, false, fmt.Sprintf("the time %s has no time zone; add Z for UTC or an offset such as +02:00", pyRepr(truncateText(v)))
			}
		}
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			if d.Year() < 1 {
				return time.Time{}, false, fmt.Sprintf("the year %d is outside 1 to 9999", d.Year())
			}
			if allowDate {
				return d, true, ""
			}
			return time.Time{}, false, fmt.Sprintf("%s is a date; this field needs a time with a zone, such as %sT00:00:00Z", pyRepr(s), s)
		}
		return time.Time{}, false, fmt.Sprintf("%s is not a datetime; write it as RFC 3339, such as 2018-01-20T18:30:00Z", pyRepr(truncateText(v)))
	}
	return time.Time{}, false, "a datetime must be a time.Time or text such as 2018-01-20T18:30:00Z, not " + describe(v)
}

// toDate reads a date value: "2006-01-02", or the calendar day of a time.Time in its own location.
func toDate(v any) (time.Time, string) {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return time.Time{}, "the date is the zero time.Time"
		}
		y, m, d := v.Date()
		if y < 1 || y > 9999 {
			return time.Time{}, fmt.Sprintf("the year %d is outside 1 to 9999", y)
		}
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), ""
	case string:
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return time.Time{}, pyRepr(truncateText(v)) + " is not a date; write it as 2006-01-02"
		}
		if d.Year() < 1 {
			return time.Time{}, fmt.Sprintf("the year %d is outside 1 to 9999", d.Year())
		}
		return d, ""
	}
	return time.Time{}, "a date must be a time.Time or text such as 1990-03-04, not " + describe(v)
}

// formatDateTime writes an xs:dateTime in UTC as exchangelib does: "2018-01-20T18:30:00Z", with microseconds
// when there are any ("2018-01-20T18:30:00.250000Z").
func formatDateTime(t time.Time) string {
	t = t.UTC()
	if us := t.Nanosecond() / 1000; us != 0 {
		return t.Format("2006-01-02T15:04:05") + fmt.Sprintf(".%06dZ", us)
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// describe names the type of a value for error messages, without repeating the value.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "None"
	case string:
		return "text"
	case bool:
		return "a boolean"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "a number"
	case float32, float64:
		return "a number with a fraction"
	case time.Time:
		return "a time"
	}
	if _, ok := listValue(v); ok {
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}

func truncateText(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func quoteValue(s string) string { return pyRepr(truncateText(s)) }

// pyRepr writes s as a Python string literal in single quotes, which ParseQuery reads back.
func pyRepr(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r == utf8.RuneError:
				b.WriteString(`\ufffd`)
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}
