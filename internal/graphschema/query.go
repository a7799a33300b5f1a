package graphschema

import (
	"regexp"
	"strings"
)

// The property paths of $filter and $orderby ("from/emailAddress/address", "categories/any(c:c eq 'x')",
// "receivedDateTime desc") must name properties of the collection's type, as Graph refuses others ("Could not
// find a property named ..."). Literals, operators and functions are not checked further.

var filterToken = regexp.MustCompile(`'(?:[^']|'')*'|[A-Za-z_][\w.]*(?:/[A-Za-z_][\w.]*)*(?::[A-Za-z_][\w.]*(?:/[A-Za-z_][\w.]*)*)?|[\d][\w.:+-]*|\S`)

var filterKeywords = map[string]bool{"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true,
	"and": true, "or": true, "not": true, "true": true, "false": true, "null": true, "in": true, "has": true,
	"add": true, "sub": true, "mul": true, "div": true, "mod": true}

// Filter checks the property paths of a $filter expression on the type typ.
func (s *Schema) Filter(typ, expr string) []error {
	c := &checker{s: s}
	t := s.Type(typ)
	if t == nil {
		c.fail("", "unknown type %s", typ)
		return c.errs
	}
	toks := filterToken.FindAllString(expr, -1)
	lambda := map[string]string{} // lambda variable -> its element type
	for i, tok := range toks {
		if !isIdentStart(tok[0]) || filterKeywords[tok] { // literals, punctuation, operators
			continue
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		if v, path, ok := strings.Cut(tok, ":"); ok { // "a:a/address": a lambda's variable and body
			if _, known := lambda[v]; !known {
				c.fail(tok, "the lambda variable %s is not declared", v)
				continue
			}
			tok = path
		}
		head, rest, _ := strings.Cut(tok, "/")
		if et, ok := lambda[head]; ok { // a lambda variable's path
			if rest != "" {
				c.path(expr, et, rest)
			}
			continue
		}
		if next == "(" && !strings.Contains(tok, "/") { // a function: startswith(...), contains(...)
			continue
		}
		if base, fn, ok := cutLast(tok); ok && (fn == "any" || fn == "all") && next == "(" {
			et := c.path(expr, t.Name, base)
			if i+2 < len(toks) {
				if v, _, ok := strings.Cut(toks[i+2], ":"); ok {
					lambda[v] = et
				}
			}
			continue
		}
		c.path(expr, t.Name, tok)
	}
	return c.errs
}

// OrderBy checks the property paths of a $orderby list on the type typ.
func (s *Schema) OrderBy(typ, list string) []error {
	c := &checker{s: s}
	if s.Type(typ) == nil {
		c.fail("", "unknown type %s", typ)
		return c.errs
	}
	for _, item := range strings.Split(list, ",") {
		f := strings.Fields(item)
		if len(f) == 0 || len(f) > 2 || len(f) == 2 && f[1] != "asc" && f[1] != "desc" {
			c.fail(item, "not of the form <property path> [asc|desc]")
			continue
		}
		c.path(list, typ, f[0])
	}
	return c.errs
}

// path resolves a property path on the type named typ and returns the type it ends at ("" for a primitive or
// an unresolved path, which is reported).
func (c *checker) path(expr, typ, path string) string {
	cur := typ
	for _, seg := range strings.Split(path, "/") {
		t := c.s.types[cur]
		if t == nil {
			c.fail(path, "in %q: %s has no property %s (it is %s)", expr, cur, seg, cur)
			return ""
		}
		p := t.Property(seg)
		if p == nil {
			c.fail(path, "in %q: not a property of %s", expr, t.Name)
			return ""
		}
		cur = p.Type
	}
	return cur
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

func isIdentStart(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
