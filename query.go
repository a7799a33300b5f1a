package ews

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// Q is a search query over items, in the vocabulary of exchangelib (the Python EWS library): a field name and a
// lookup joined by "__" ("subject__icontains", "datetime_received__gt"), combined with And, Or and Not. A query
// means the same thing, and is sent as the same restriction XML, as the same query in exchangelib.
//
// Build one with Where, with the typed helpers of Field, or by parsing the text forms that SOAR playbooks carry
// with ParseQuery:
//
//	q := ews.Where("subject__icontains", "365").And(ews.Where("datetime_received__gt", since))
//	q := ews.Field("subject").IContains("365")
//	q, err := ews.ParseQuery(`{'subject__icontains': '365', 'is_read': False}`)
//
// Lookups: none (equality), not, gt, gte, lt, lte, exact, iexact, contains, icontains, startswith, istartswith,
// in, range and exists. Fields: the exchangelib names of message, calendar and contact fields that EWS can
// filter on (subject, body, sender, author or from, is_read, datetime_received, categories, start, location,
// display_name, email_addresses__EmailAddress2, physical_addresses__Business__city, ...).
//
// A Q is an immutable value and safe for concurrent use. The zero Q matches every item. A query built with a
// mistake (an unknown field, a lookup that does not fit the field's type, a value of the wrong type) carries a
// *QueryError, reported by Err and by the call that uses the query, before any request is sent.
type Q struct {
	n *qnode
}

type qkind uint8

const (
	qLeaf  qkind = iota + 1
	qAnd         // all children
	qOr          // any child
	qNot         // one child
	qNever       // matches nothing (an "in" lookup with an empty list)
	qErr         // a query built with a mistake
)

// qnode is one node of a query tree. Nodes are never changed once built.
type qnode struct {
	kind     qkind
	path     fieldPath // qLeaf
	lookup   string    // qLeaf: lookupEq, not, gt, gte, lt, lte, the contains family, exists
	val      qvalue    // qLeaf
	children []*qnode  // qAnd, qOr: 2 or more; qNot: 1
	origin   string    // qNever: the query text that matches nothing, e.g. "Q(subject__in=[])"
	err      error     // qErr
}

// ErrInvalidQuery matches every *QueryError with errors.Is.
var ErrInvalidQuery = errors.New("ews: invalid query")

// QueryError reports a query that cannot be built or parsed: an unknown field or lookup, a lookup that does not
// fit the field's type, a bad value, or a syntax error in the text given to ParseQuery. errors.Is(err,
// ErrInvalidQuery) matches it.
type QueryError struct {
	// Field is the lookup key as written, e.g. "subject__icontain"; empty for a syntax error.
	Field string
	// Lookup is the lookup part of the key, when the lookup is the problem.
	Lookup string
	// Pos is the byte offset in the text given to ParseQuery where the problem is, or -1 for a query built in Go.
	Pos int
	// Msg says what is wrong.
	Msg string
	// Suggestion is the nearest valid key, e.g. "subject__icontains", when there is one.
	Suggestion string
	// valueErr marks an error about the value rather than the key, so ParseQuery points Pos at the value.
	valueErr bool
}

// Error implements error.
func (e *QueryError) Error() string {
	var b strings.Builder
	b.WriteString("ews: invalid query")
	if e.Pos >= 0 {
		b.WriteString(" at offset ")
		b.WriteString(strconv.Itoa(e.Pos))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Suggestion != "" {
		b.WriteString(" (did you mean ")
		b.WriteString(e.Suggestion)
		b.WriteString("?)")
	}
	return b.String()
}

// Is reports whether target is ErrInvalidQuery.
func (e *QueryError) Is(target error) bool { return target == ErrInvalidQuery }

// Where returns the query "key=value" in exchangelib's form, e.g. Where("subject__icontains", "365") or
// Where("datetime_received__range", []time.Time{from, to}). The key is a field name, optionally followed by
// "__" and a lookup; indexed contact fields take a label (and physical addresses a subfield) before the lookup:
// "email_addresses__EmailAddress2__iexact", "physical_addresses__Business__city".
//
// Values: strings for text fields; bool for flags (sent as 1 or 0); integers; time.Time or RFC 3339 text
// ("2018-01-20T18:30:00.000Z", with a zone) for datetimes, sent in UTC; "2006-01-02" dates for date fields and
// for all-day calendar starts and ends; one of the allowed words for choices such as importance ("Low", "Normal",
// "High"); a slice for in (an empty slice matches nothing) and contains on categories (every category must be
// present); a two-element slice for range (both ends included); a bool for exists.
func Where(key string, value any) Q {
	children, err := kwargNodes(key, value)
	if err != nil {
		return Q{&qnode{kind: qErr, err: err}}
	}
	return Q{combine(qAnd, children)}
}

// And returns a query that matches the items every one of qs matches. And() matches every item.
func And(qs ...Q) Q { return Q{combine(qAnd, nodes(qs))} }

// Or returns a query that matches the items any one of qs matches.
func Or(qs ...Q) Q { return Q{combine(qOr, nodes(qs))} }

// Not returns a query that matches the items q does not match. Negating a comparison inverts it (not equal, less
// or equal, ...) as exchangelib does; negating anything else wraps it in a Not.
func Not(q Q) Q { return Q{negate(q.n)} }

// And returns a query that matches the items q and every one of others match.
func (q Q) And(others ...Q) Q { return And(append([]Q{q}, others...)...) }

// Or returns a query that matches the items q or any one of others match.
func (q Q) Or(others ...Q) Q { return Or(append([]Q{q}, others...)...) }

// Not returns the negation of q; see the function Not.
func (q Q) Not() Q { return Not(q) }

// Err returns the *QueryError of a query built with a mistake, or nil.
func (q Q) Err() error {
	if q.n != nil && q.n.kind == qErr {
		return q.n.err
	}
	return nil
}

// IsZero reports whether q is the empty query, which matches every item.
func (q Q) IsZero() bool { return q.n == nil }

// MatchesNothing reports whether q can match no item, such as an "in" lookup with an empty list. Searches with
// such a query return no items without sending a request.
func (q Q) MatchesNothing() bool { return q.n != nil && q.n.kind == qNever }

// String returns the query in exchangelib's Python syntax, e.g. "Q(is_read=False) & Q(subject__icontains='365')",
// which ParseQuery reads back.
func (q Q) String() string {
	if q.n == nil {
		return "Q()"
	}
	var b strings.Builder
	q.n.write(&b)
	return b.String()
}

// restriction returns the m:Restriction content for q: nil for the empty query (no restriction: every item),
// matchesNothing for a query no item can match (send no request), or the error of a query built with a mistake.
func (q Q) restriction() (r *soap.Restriction, matchesNothing bool, err error) {
	switch {
	case q.n == nil:
		return nil, false, nil
	case q.n.kind == qErr:
		return nil, false, q.n.err
	case q.n.kind == qNever:
		return nil, true, nil
	}
	return &soap.Restriction{Expr: q.n.expr()}, false, nil
}

func nodes(qs []Q) []*qnode {
	out := make([]*qnode, len(qs))
	for i, q := range qs {
		out[i] = q.n
	}
	return out
}

// combine builds an And or Or of children as exchangelib reduces it: empty queries are dropped; an And with a
// never-matching child never matches; an Or drops never-matching children; one child stands for itself; the
// children are ordered by field path (stable), which is exchangelib's order.
func combine(kind qkind, children []*qnode) *qnode {
	var kept []*qnode
	var never *qnode
	for _, c := range children {
		switch {
		case c == nil:
		case c.kind == qErr:
			return c
		case c.kind == qNever:
			if never == nil {
				never = c
			}
		default:
			kept = append(kept, c)
		}
	}
	if never != nil && (kind == qAnd || len(kept) == 0) {
		return never
	}
	switch len(kept) {
	case 0:
		return nil
	case 1:
		return kept[0]
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].sortKey() < kept[j].sortKey() })
	return &qnode{kind: kind, children: kept}
}

func (n *qnode) sortKey() string {
	if n.kind == qLeaf {
		return n.path.key
	}
	return ""
}

// inverse maps a comparison lookup to the lookup of its negation.
var inverse = map[string]string{
	lookupEq: lookupNot, lookupNot: lookupEq,
	lookupGt: lookupLte, lookupGte: lookupLt, lookupLt: lookupGte, lookupLte: lookupGt,
}

func negate(n *qnode) *qnode {
	switch {
	case n == nil:
		return &qnode{kind: qNever, origin: "~Q()"}
	case n.kind == qErr:
		return n
	case n.kind == qNever:
		return nil
	case n.kind == qNot:
		return n.children[0]
	case n.kind == qLeaf:
		if inv, ok := inverse[n.lookup]; ok {
			c := *n
			c.lookup = inv
			return &c
		}
	}
	return &qnode{kind: qNot, children: []*qnode{n}}
}

// kwargNodes turns one exchangelib keyword argument into query nodes, as exchangelib's Q(**{key: value}) does:
// range gives two comparisons, in an Or of equalities (or a never-matching node for an empty list), contains
// with a list an And of equalities, exists=False the negation of exists=True.
func kwargNodes(key string, value any) ([]*qnode, error) {
	fp, lookup, err := parseKey(key)
	if err != nil {
		return nil, err
	}
	list, isList := listValue(value)
	switch {
	case lookup == lookupIn:
		if !isList {
			return nil, valueError(key, lookup, "in needs a list of values")
		}
		if len(list) == 0 {
			return []*qnode{{kind: qNever, origin: "Q(" + key + "=[])"}}, nil
		}
		eqs := make([]*qnode, len(list))
		for i, v := range list {
			if eqs[i], err = leaf(key, fp, lookupEq, v); err != nil {
				return nil, err
			}
		}
		return []*qnode{combine(qOr, eqs)}, nil
	case lookup == lookupRange:
		if !isList || len(list) != 2 {
			return nil, valueError(key, lookup, "range needs a list of two values, the first and the last (both included)")
		}
		lo, err := leaf(key, fp, lookupGte, list[0])
		if err != nil {
			return nil, err
		}
		hi, err := leaf(key, fp, lookupLte, list[1])
		if err != nil {
			return nil, err
		}
		if compareValues(fp.def.typ, lo.val, hi.val) > 0 {
			return nil, valueError(key, lookup, "the range starts after it ends")
		}
		return []*qnode{lo, hi}, nil
	case lookup == lookupContains && isList:
		if fp.def.typ != ftStringList {
			return nil, valueError(key, lookup, "a list value for contains works only on list fields such as categories; use in to match any of several values")
		}
		eqs := make([]*qnode, len(list))
		for i, v := range list {
			if eqs[i], err = leaf(key, fp, lookupEq, v); err != nil {
				return nil, err
			}
		}
		if n := combine(qAnd, eqs); n != nil {
			return []*qnode{n}, nil
		}
		return nil, nil
	case lookup == lookupExists:
		b, ok := toBool(value)
		if !ok {
			return nil, valueError(key, lookup, "exists needs True or False")
		}
		n := &qnode{kind: qLeaf, path: fp, lookup: lookupExists, val: qvalue{repr: "True"}}
		if !b {
			return []*qnode{negate(n)}, nil
		}
		return []*qnode{n}, nil
	case isList:
		return nil, valueError(key, lookup, "a list is a value only for in, range, and contains on categories; use "+fp.key+"__in to match any of several values")
	}
	n, err := leaf(key, fp, lookup, value)
	if err != nil {
		return nil, err
	}
	return []*qnode{n}, nil
}

func leaf(key string, fp fieldPath, lookup string, value any) (*qnode, error) {
	v, err := coerce(fp, value)
	if err != nil {
		err.Field, err.Lookup = key, lookupOf(key)
		return nil, err
	}
	return &qnode{kind: qLeaf, path: fp, lookup: lookup, val: v}, nil
}

func lookupOf(key string) string {
	if i := strings.LastIndex(key, "__"); i >= 0 && isLookup(key[i+2:]) {
		return key[i+2:]
	}
	return ""
}

func valueError(key, lookup, msg string) *QueryError {
	return &QueryError{Field: key, Lookup: lookup, Pos: -1, Msg: msg, valueErr: true}
}

// listValue returns the elements of a slice or array value (other than a string or []byte).
func listValue(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		return v, true
	case nil, string, []byte:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// write appends the query in exchangelib's Python syntax.
func (n *qnode) write(b *strings.Builder) {
	switch n.kind {
	case qErr:
		b.WriteString("Q(<invalid: ")
		b.WriteString(n.err.Error())
		b.WriteString(">)")
	case qNever:
		b.WriteString(n.origin)
	case qLeaf:
		b.WriteString("Q(")
		b.WriteString(n.path.key)
		if n.lookup != lookupEq {
			b.WriteString("__")
			b.WriteString(n.lookup)
		}
		b.WriteByte('=')
		b.WriteString(n.val.repr)
		b.WriteByte(')')
	case qAnd, qOr:
		sep := " & "
		if n.kind == qOr {
			sep = " | "
		}
		for i, c := range n.children {
			if i > 0 {
				b.WriteString(sep)
			}
			c.writeOperand(b)
		}
	case qNot:
		b.WriteByte('~')
		n.children[0].writeOperand(b)
	}
}

// writeOperand writes a child of &, | or ~, in parentheses when it is itself an And or Or.
func (n *qnode) writeOperand(b *strings.Builder) {
	if n.kind == qAnd || n.kind == qOr {
		b.WriteByte('(')
		n.write(b)
		b.WriteByte(')')
		return
	}
	n.write(b)
}

// expr renders the node as a search expression.
func (n *qnode) expr() soap.Expr {
	switch n.kind {
	case qAnd, qOr, qNot:
		op := map[qkind]string{qAnd: soap.OpAnd, qOr: soap.OpOr, qNot: soap.OpNot}[n.kind]
		children := make([]soap.Expr, len(n.children))
		for i, c := range n.children {
			children[i] = c.expr()
		}
		return soap.Expr{Op: op, Children: children}
	}
	x := soap.Expr{Path: n.path.soapPath(), Value: n.val.wire}
	switch n.lookup {
	case lookupEq:
		x.Op = soap.OpIsEqualTo
	case lookupNot:
		x.Op = soap.OpIsNotEqualTo
	case lookupGt:
		x.Op = soap.OpIsGreaterThan
	case lookupGte:
		x.Op = soap.OpIsGreaterThanOrEqual
	case lookupLt:
		x.Op = soap.OpIsLessThan
	case lookupLte:
		x.Op = soap.OpIsLessThanOrEqual
	case lookupExists:
		x.Op, x.Value = soap.OpExists, ""
	default: // the contains family
		x.Op = soap.OpContains
		switch n.lookup {
		case lookupExact, lookupIExact:
			x.ContainmentMode = "FullString"
		case lookupContains, lookupIContains:
			x.ContainmentMode = "Substring"
		default:
			x.ContainmentMode = "Prefixed"
		}
		x.ContainmentComparison = "Exact"
		if strings.HasPrefix(n.lookup, "i") {
			x.ContainmentComparison = "IgnoreCase"
		}
	}
	return x
}

// soapPath is the t:FieldURI, or for indexed contact fields the t:IndexedFieldURI, of a field path.
func (fp fieldPath) soapPath() soap.Path {
	if !fp.def.indexed() {
		return soap.Path{FieldURI: fp.def.uri}
	}
	uri := fp.def.uri
	if fp.subfield != "" {
		uri += ":" + fp.def.subfields[fp.subfield]
	}
	return soap.Path{FieldURI: uri, FieldIndex: fp.label}
}

// Field is a field name (or an indexed field with its label, "email_addresses__EmailAddress2") with methods
// that build the queries of each lookup: Field("subject").IContains("365") is Where("subject__icontains", "365").
type Field string

func (f Field) lookup(l string, v any) Q { return Where(string(f)+"__"+l, v) }

// Eq matches items whose field equals v (IsEqualTo; text is compared ignoring case by Exchange).
func (f Field) Eq(v any) Q { return Where(string(f), v) }

// Ne matches items whose field is set and differs from v (exchangelib's "not" lookup, IsNotEqualTo).
func (f Field) Ne(v any) Q { return f.lookup(lookupNot, v) }

// Gt matches items whose field is greater than v.
func (f Field) Gt(v any) Q { return f.lookup(lookupGt, v) }

// Gte matches items whose field is greater than or equal to v.
func (f Field) Gte(v any) Q { return f.lookup(lookupGte, v) }

// Lt matches items whose field is less than v.
func (f Field) Lt(v any) Q { return f.lookup(lookupLt, v) }

// Lte matches items whose field is less than or equal to v.
func (f Field) Lte(v any) Q { return f.lookup(lookupLte, v) }

// Exact matches items whose field is exactly s, case included.
func (f Field) Exact(s string) Q { return f.lookup(lookupExact, s) }

// IExact matches items whose field is s, ignoring case.
func (f Field) IExact(s string) Q { return f.lookup(lookupIExact, s) }

// Contains matches items whose field contains s, case included. For categories, v may be a list: the item must
// have every category in it.
func (f Field) Contains(v any) Q { return f.lookup(lookupContains, v) }

// IContains matches items whose field contains s, ignoring case.
func (f Field) IContains(s string) Q { return f.lookup(lookupIContains, s) }

// StartsWith matches items whose field starts with s, case included.
func (f Field) StartsWith(s string) Q { return f.lookup(lookupStartsWith, s) }

// IStartsWith matches items whose field starts with s, ignoring case.
func (f Field) IStartsWith(s string) Q { return f.lookup(lookupIStartsWith, s) }

// In matches items whose field equals one of vs. In() matches nothing. A single slice argument is taken as the
// list of values.
func (f Field) In(vs ...any) Q {
	if len(vs) == 1 {
		if list, ok := listValue(vs[0]); ok {
			return f.lookup(lookupIn, list)
		}
	}
	return f.lookup(lookupIn, vs)
}

// Range matches items whose field is between lo and hi, both included.
func (f Field) Range(lo, hi any) Q { return f.lookup(lookupRange, []any{lo, hi}) }

// Exists matches items that have the field set (exists true) or that do not (false).
func (f Field) Exists(exists bool) Q { return f.lookup(lookupExists, exists) }
