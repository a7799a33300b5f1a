package graphschema

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Error is one mismatch: where in the JSON (a path such as "value[0].toRecipients[1].emailAddress.adress")
// and what is wrong.
type Error struct {
	Path, Msg string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Decode parses JSON as the validators take it (numbers kept as json.Number, so integers are told apart).
func Decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// checker collects errors.
type checker struct {
	s    *Schema
	errs []error
}

func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Entity checks v (see Decode) as an instance of the entity or complex type typ ("message").
func (s *Schema) Entity(typ string, v any) []error {
	c := &checker{s: s}
	t := s.Type(typ)
	if t == nil {
		c.fail("", "unknown type %s", typ)
		return c.errs
	}
	c.object("", t, v, false)
	return c.errs
}

// Collection checks a collection answer ({"value": [...], "@odata.nextLink": ...}): each item of value as an
// instance of typ; with delta set an item may be "@removed" (then it carries only its id).
func (s *Schema) Collection(typ string, v any, delta bool) []error {
	c := &checker{s: s}
	t := s.Type(typ)
	if t == nil {
		c.fail("", "unknown type %s", typ)
		return c.errs
	}
	o, ok := v.(map[string]any)
	if !ok {
		c.fail("", "a collection answer is a JSON object, not %s", kind(v))
		return c.errs
	}
	items, ok := o["value"].([]any)
	if !ok {
		c.fail("value", "a collection answer has a value array, not %s", kind(o["value"]))
	}
	for _, k := range sortedKeys(o) {
		if k != "value" && !annotation(k) {
			c.fail(k, "not a property of a collection answer")
		}
	}
	c.annotations("", o)
	for i, it := range items {
		c.object(fmt.Sprintf("value[%d]", i), t, it, delta)
	}
	return c.errs
}

// ActionBody checks the request body of the action name bound to the type binding ("message", "move"): each
// member a parameter of the action (named without regard to case, as Graph matches them), of its type.
func (s *Schema) ActionBody(binding, name string, v any) []error {
	c := &checker{s: s}
	a := s.Action(binding, name)
	if a == nil {
		c.fail("", "no action %s bound to %s", name, binding)
		return c.errs
	}
	if v == nil && len(a.Params) == 0 {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		c.fail("", "the body of %s is a JSON object, not %s", name, kind(v))
		return c.errs
	}
	for _, k := range sortedKeys(o) {
		var p *Property
		for _, q := range a.Params {
			if strings.EqualFold(q.Name, k) {
				p = q
			}
		}
		if p == nil {
			c.fail(k, "not a parameter of %s.%s", binding, name)
			continue
		}
		c.value(k, p, o[k])
	}
	return c.errs
}

// Select checks a $select list on the type typ: each name a property of typ or its base types, or, cast to a
// derived type, "microsoft.graph.fileAttachment/contentId" (Graph refuses a derived type's property named
// without the cast: "Could not find a property named 'contentId' on type 'microsoft.graph.attachment'").
func (s *Schema) Select(typ, list string) []error {
	c := &checker{s: s}
	t := s.Type(typ)
	if t == nil {
		c.fail("", "unknown type %s", typ)
		return c.errs
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		on := t
		if cast, prop, ok := strings.Cut(name, "/"); ok {
			d := s.Type(cast)
			if d == nil || !strings.HasPrefix(cast, "microsoft.graph.") || !d.derives(t) {
				c.fail(name, "%s is not a type derived from %s", cast, t.Name)
				continue
			}
			on, name = d, prop
		}
		if name == "*" {
			continue
		}
		if on.Property(name) == nil {
			c.fail(name, "not a property of %s", on.Name)
		}
	}
	return c.errs
}

// annotation reports whether a member name is an instance or property annotation ("@odata.type",
// "@odata.nextLink", "@removed", "subject@odata.type").
func annotation(k string) bool { return strings.Contains(k, "@") }

// annotations checks the values of the OData control information Graph sends or takes.
func (c *checker) annotations(path string, o map[string]any) {
	for _, k := range sortedKeys(o) {
		if !annotation(k) {
			continue
		}
		switch k {
		case "@odata.context", "@odata.nextLink", "@odata.deltaLink", "@odata.id", "@odata.etag", "@odata.type",
			"@odata.editLink", "@odata.readLink", "@odata.mediaContentType", "@odata.mediaEditLink", "@odata.mediaReadLink":
			if _, ok := o[k].(string); !ok {
				c.fail(join(path, k), "is a string, not %s", kind(o[k]))
			}
		case "@odata.count":
			if _, ok := o[k].(json.Number); !ok {
				c.fail(join(path, k), "is a number, not %s", kind(o[k]))
			}
		case "@removed":
			if _, ok := o[k].(map[string]any); !ok {
				c.fail(join(path, k), "is an object ({\"reason\": ...}), not %s", kind(o[k]))
			}
		}
	}
}

// object checks an instance of t (or of the type its @odata.type names, which must derive from t).
func (c *checker) object(path string, t *Type, v any, delta bool) {
	o, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "is an object of type %s, not %s", t.Name, kind(v))
		return
	}
	if ot, ok := o["@odata.type"].(string); ok {
		d := c.s.Type(strings.TrimPrefix(ot, "#"))
		switch {
		case !strings.HasPrefix(ot, "#microsoft.graph."):
			c.fail(join(path, "@odata.type"), "%q is not of the form #microsoft.graph.<type>", ot)
		case d == nil:
			c.fail(join(path, "@odata.type"), "unknown type %s", ot)
		case !d.derives(t):
			c.fail(join(path, "@odata.type"), "%s does not derive from %s", ot, t.Name)
		default:
			t = d
		}
	}
	if t.Abstract && o["@odata.type"] == nil && !(delta && o["@removed"] != nil) {
		c.fail(path, "an instance of the abstract type %s needs an @odata.type naming its derived type", t.Name)
	}
	c.annotations(path, o)
	for _, k := range sortedKeys(o) {
		if annotation(k) {
			if name, _, _ := strings.Cut(k, "@"); name != "" && t.Property(name) == nil {
				c.fail(join(path, k), "annotates %s, which is not a property of %s", name, t.Name)
			}
			continue
		}
		p := t.Property(k)
		if p == nil {
			c.fail(join(path, k), "not a property of %s", t.Name)
			continue
		}
		c.value(join(path, k), p, o[k])
	}
}

// value checks a property's (or parameter's) value.
func (c *checker) value(path string, p *Property, v any) {
	if v == nil {
		if !p.Nullable {
			c.fail(path, "is null, and %s is not nullable", p.Name)
		}
		return
	}
	if p.Collection {
		a, ok := v.([]any)
		if !ok {
			c.fail(path, "is a collection of %s, not %s", p.Type, kind(v))
			return
		}
		for i, e := range a {
			if e == nil {
				c.fail(fmt.Sprintf("%s[%d]", path, i), "a collection of %s holds no null", p.Type)
				continue
			}
			c.single(fmt.Sprintf("%s[%d]", path, i), p.Type, e)
		}
		return
	}
	c.single(path, p.Type, v)
}

var (
	durationRE = regexp.MustCompile(`^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
	guidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

var intRange = map[string][2]int64{
	"Edm.Byte": {0, 255}, "Edm.SByte": {-128, 127}, "Edm.Int16": {-1 << 15, 1<<15 - 1},
	"Edm.Int32": {-1 << 31, 1<<31 - 1}, "Edm.Int64": {-1 << 63, 1<<63 - 1},
}

// single checks one value (not a collection) of the type named t.
func (c *checker) single(path, t string, v any) {
	if st := c.s.types[t]; st != nil {
		c.object(path, st, v, false)
		return
	}
	if e := c.s.enums[t]; e != nil {
		str, ok := v.(string)
		if !ok {
			c.fail(path, "is a member of the enum %s (a string), not %s", t, kind(v))
			return
		}
		names := []string{str}
		if e.Flags {
			names = strings.Split(str, ",")
		}
		for _, n := range names {
			if !e.Members[strings.TrimSpace(n)] {
				c.fail(path, "%q is not a member of the enum %s", n, t)
			}
		}
		return
	}
	switch t {
	case "Edm.Untyped", "Edm.Stream":
		return
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			c.fail(path, "is %s (a boolean), not %s", t, kind(v))
		}
		return
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		n, ok := v.(json.Number)
		if !ok {
			c.fail(path, "is %s (an integer), not %s", t, kind(v))
			return
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if r := intRange[t]; err != nil || i < r[0] || i > r[1] {
			c.fail(path, "%s is not an %s", n, t)
		}
		return
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		switch x := v.(type) {
		case json.Number:
		case string:
			if x != "NaN" && x != "INF" && x != "-INF" {
				c.fail(path, "is %s (a number), not the string %q", t, x)
			}
		default:
			c.fail(path, "is %s (a number), not %s", t, kind(v))
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		c.fail(path, "is %s (a string), not %s", t, kind(v))
		return
	}
	var bad bool
	switch t {
	case "Edm.String":
	case "Edm.DateTimeOffset":
		_, err := time.Parse(time.RFC3339Nano, s)
		bad = err != nil
	case "Edm.Date":
		_, err := time.Parse("2006-01-02", s)
		bad = err != nil
	case "Edm.TimeOfDay":
		_, err := time.Parse("15:04:05.9999999", s)
		bad = err != nil
	case "Edm.Duration":
		bad = !durationRE.MatchString(s) || s == "P" || strings.HasSuffix(s, "T")
	case "Edm.Guid":
		bad = !guidRE.MatchString(s)
	case "Edm.Binary":
		_, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			_, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		}
		bad = err != nil
	default:
		c.fail(path, "unknown type %s", t)
		return
	}
	if bad {
		c.fail(path, "%q is not an %s", s, t)
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(o map[string]any) []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
