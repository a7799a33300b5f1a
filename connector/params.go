package connector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/suggest"
)

// ParamInfo describes one parameter of an operation (or one key of Config), for help texts and forms.
type ParamInfo struct {
	// Name is the snake_case JSON name, e.g. "start_date".
	Name string `json:"name"`
	// Type is "string", "boolean", "integer", "list" (CSV text or a JSON list), "datetime", "query" (dict text or
	// a JSON object) or "attachments".
	Type string `json:"type"`
	// Required parameters must be given (and not empty).
	Required bool `json:"required,omitempty"`
	// Default is the value used when the parameter is not given, as text ("" if none).
	Default string `json:"default,omitempty"`
	// Choices are the accepted values of a parameter with a fixed set of values.
	Choices []string `json:"choices,omitempty"`
	// Help says what the parameter does.
	Help string `json:"help"`

	// verbatim string parameters (subjects, bodies, cursors) are kept as given, leading and trailing spaces
	// included; nullable ones (*string) count "" as given.
	verbatim, nullable bool
}

var (
	timeType       = reflect.TypeFor[time.Time]()
	queryType      = reflect.TypeFor[Query]()
	attachmentType = reflect.TypeFor[[]Attachment]()
)

// kindOf returns the ParamInfo.Type of a parameter field.
func kindOf(t reflect.Type) string {
	switch {
	case t == timeType:
		return "datetime"
	case t == queryType:
		return "query"
	case t == attachmentType:
		return "attachments"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.Bool:
			return "boolean"
		case reflect.String:
			return "string"
		}
	case reflect.Int:
		return "integer"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "list"
		}
	}
	panic("connector: parameter field of unsupported type " + t.String())
}

// paramsOf lists the parameters of a parameter struct type from its field tags: json (the name), help,
// required:"true", default and choices ("a|b|c").
func paramsOf(t reflect.Type) []ParamInfo {
	var out []ParamInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		p := ParamInfo{Name: name, Type: kindOf(f.Type), Required: f.Tag.Get("required") == "true",
			Default: f.Tag.Get("default"), Help: f.Tag.Get("help"), verbatim: f.Tag.Get("verbatim") == "true",
			nullable: f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.String}
		if p.nullable {
			p.verbatim = true
		}
		if c := f.Tag.Get("choices"); c != "" {
			p.Choices = strings.Split(c, "|")
		}
		out = append(out, p)
	}
	return out
}

// decodeParams fills the struct dst points to from a JSON object of parameters. Keys are matched exactly; an
// unknown key, a value of the wrong type, a missing required parameter or a value outside its choices is a
// *Error with Code InvalidParameter that names the parameter. null and "" count as not given. Strings that
// hold a boolean ("true", "no") or a number are accepted for boolean and integer parameters, as SOAR forms
// send them. String parameters with choices are set to the canonical spelling of the choice.
// Dates without an offset are in loc.
func decodeParams(what string, raw json.RawMessage, dst any, loc *time.Location) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	var m map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if raw[0] != '{' {
			return paramErr("", "%s must be a JSON object, not %s", what, jsonKind(raw))
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return paramErr("", "%s are not valid JSON: %v", what, err)
		}
	}
	infos := paramsOf(t)
	byName := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			byName[name] = i
		}
	}
	var names []string
	for _, p := range infos {
		names = append(names, p.Name)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := byName[k]; !ok {
			msg := fmt.Sprintf("unknown parameter %q", k)
			if s := nearest(k, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			if len(names) == 0 {
				msg += " (" + what + " take none)"
			} else {
				msg += "; " + what + " are " + strings.Join(names, ", ")
			}
			return &Error{Code: CodeInvalidParameter, Param: k, Message: msg}
		}
	}
	for _, p := range infos {
		f := v.Field(byName[p.Name])
		val, given := m[p.Name]
		if given && (isEmptyJSON(val) && !p.nullable || bytes.Equal(bytes.TrimSpace(val), []byte("null"))) {
			given = false
		}
		if !given {
			if p.Required {
				return paramErr(p.Name, "parameter %q is required", p.Name)
			}
			if p.Default != "" && f.IsZero() {
				if err := setValue(p, f, json.RawMessage(strconv.Quote(p.Default)), loc); err != nil {
					panic("connector: bad default of " + p.Name + ": " + err.Error())
				}
			}
			continue
		}
		if err := setValue(p, f, val, loc); err != nil {
			return err
		}
	}
	return nil
}

// isEmptyJSON reports whether a value counts as not given: null, "" or whitespace.
func isEmptyJSON(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return true
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) == ""
}

func jsonKind(raw json.RawMessage) string {
	switch c := bytes.TrimSpace(raw); {
	case len(c) == 0:
		return "empty"
	case c[0] == '"':
		return "a string"
	case c[0] == '[':
		return "a list"
	case c[0] == '{':
		return "an object"
	case c[0] == 't' || c[0] == 'f':
		return "a boolean"
	case c[0] == 'n':
		return "null"
	}
	return "a number"
}

// setValue decodes one parameter value into field f.
func setValue(p ParamInfo, f reflect.Value, raw json.RawMessage, loc *time.Location) error {
	switch p.Type {
	case "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return paramErr(p.Name, "parameter %q must be a string, not %s", p.Name, jsonKind(raw))
		}
		if !p.verbatim {
			s = strings.TrimSpace(s)
		}
		if len(p.Choices) > 0 {
			c, ok := choose(s, p.Choices)
			if !ok {
				return paramErr(p.Name, "parameter %q: %q is not one of %s", p.Name, s, quoteList(p.Choices))
			}
			s = c
		}
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.ValueOf(&s))
		} else {
			f.SetString(s)
		}
	case "boolean":
		b, err := parseBool(raw)
		if err != nil {
			return paramErr(p.Name, "parameter %q must be true or false, not %s", p.Name, string(raw))
		}
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.ValueOf(&b))
		} else {
			f.SetBool(b)
		}
	case "integer":
		n, err := parseInt(raw)
		if err != nil {
			return paramErr(p.Name, "parameter %q must be a whole number, not %s", p.Name, string(raw))
		}
		f.SetInt(int64(n))
	case "list":
		l, err := parseList(raw)
		if err != nil {
			return paramErr(p.Name, "parameter %q must be comma-separated text or a JSON list of strings, not %s", p.Name, jsonKind(raw))
		}
		f.Set(reflect.ValueOf(l))
	case "datetime":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return paramErr(p.Name, "parameter %q must be a date and time as text, not %s", p.Name, jsonKind(raw))
		}
		tm, err := parseTime(s, loc)
		if err != nil {
			return paramErr(p.Name, "parameter %q: %v", p.Name, err)
		}
		f.Set(reflect.ValueOf(tm))
	case "query":
		q, err := parseQueryParam(raw)
		if err != nil {
			return paramErr(p.Name, "parameter %q: %v", p.Name, err)
		}
		f.Set(reflect.ValueOf(q))
	case "attachments":
		as, err := parseAttachments(raw)
		if err != nil {
			return paramErr(p.Name, "parameter %q: %v", p.Name, err)
		}
		f.Set(reflect.ValueOf(as))
	}
	return nil
}

func paramErr(param, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidParameter, Param: param, Message: fmt.Sprintf(format, args...)}
}

// choose returns the choice that s names, ignoring case, spaces, "-" and "_" ("working_elsewhere" names
// "Working elsewhere").
func choose(s string, choices []string) (string, bool) {
	key := foldChoice(s)
	for _, c := range choices {
		if foldChoice(c) == key {
			return c, true
		}
	}
	return "", false
}

func foldChoice(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '\t':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func parseBool(raw json.RawMessage) (bool, error) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(bytes.TrimSpace(raw)) // a number
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "on":
		return true, nil
	case "false", "no", "n", "0", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean")
}

func parseInt(raw json.RawMessage) (int, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(bytes.TrimSpace(raw))
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return n, nil
}

// parseList reads a JSON list of strings or a text list separated by commas or semicolons (outside double
// quotes and angle brackets, so that `"Doe, Jane" <jane@example.com>` stays one entry). Empty entries are
// dropped.
func parseList(raw json.RawMessage) ([]string, error) {
	var l []string
	if err := json.Unmarshal(raw, &l); err == nil {
		out := make([]string, 0, len(l))
		for _, s := range l {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return splitList(s), nil
}

// splitList splits CSV text (see parseList).
func splitList(s string) []string {
	var out []string
	var b strings.Builder
	quoted, angle := false, false
	flush := func() {
		if x := strings.TrimSpace(b.String()); x != "" {
			out = append(out, x)
		}
		b.Reset()
	}
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '<' && !quoted:
			angle = true
		case r == '>' && !quoted:
			angle = false
		case (r == ',' || r == ';') && !quoted && !angle:
			flush()
			continue
		}
		b.WriteRune(r)
	}
	flush()
	return out
}

// timeLayouts are the forms dates are accepted in, besides RFC 3339.
var timeLayouts = []string{
	"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02",
}

// parseTime reads RFC 3339 ("2024-05-06T09:00:00Z", "2024-05-06T09:00:00+02:00") or the common forms
// "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04" and "2006-01-02"; a time without an offset is in
// loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time (use RFC 3339, e.g. 2024-05-06T09:00:00Z, or 2024-05-06 09:00)", s)
}

// nearest returns the name closest to s by edit distance, if close enough to be a typo.
func nearest(s string, names []string) string {
	best, bestD := "", 1<<30
	for _, n := range names {
		d := suggest.Distance(strings.ToLower(s), n)
		if len(n) >= 3 && len(s) >= 3 && (strings.HasPrefix(s, n) || strings.HasPrefix(n, s)) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}
