package testserver

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file evaluates EWS search expressions (the content of m:Restriction, types.xsd SearchExpressionType) the
// way Exchange does:
//
//   - And, Or (1..n children), Not (exactly 1).
//   - IsEqualTo, IsNotEqualTo, IsGreaterThan, IsGreaterThanOrEqualTo, IsLessThan, IsLessThanOrEqualTo: a path,
//     then t:FieldURIOrConstant holding a t:Constant or a second path.
//   - Contains with every ContainmentMode (FullString, Prefixed, Substring, PrefixOnWords, ExactPhrase) and
//     ContainmentComparison (Exact, IgnoreCase, IgnoreNonSpacingCharacters, IgnoreCaseAndNonSpacingCharacters
//     and the deprecated Loose* values, which behave like their non-Loose counterparts).
//   - Excludes (a bitmask over an integer property), Exists.
//
// Semantics that follow Exchange (MAPI restrictions):
//   - String comparisons by IsEqualTo ... IsLessThanOrEqualTo ignore case.
//   - A comparison or Contains on a property the item does not have is false, even IsNotEqualTo; only Not and
//     Exists see a missing property.
//   - On a multi-valued property (item:Categories, the name and address of a mailbox) a comparison or Contains
//     holds when it holds for one of the values; IsNotEqualTo holds when no value is equal.
//
// The whole tree is checked on every evaluation (no short-circuit), so an unsupported path or a malformed
// expression fails the same way whatever the data is.

// propType is the type of a property that a restriction reads.
type propType uint8

const (
	tString  propType = iota + 1 // one string
	tStrings                     // several strings: categories, or a mailbox's address and name
	tBool
	tInt
	tTime
)

// prop is the value of one property of an item or folder.
type prop struct {
	typ     propType
	present bool
	strs    []string
	b       bool
	i       int64
	t       time.Time
}

// pathRef is a property path from a request: t:FieldURI, t:IndexedFieldURI or t:ExtendedFieldURI.
type pathRef struct {
	uri      string
	index    string
	extended bool
}

func (p pathRef) String() string {
	if p.index != "" {
		return p.uri + "[" + p.index + "]"
	}
	return p.uri
}

// propSource returns the value of a property path for one item or folder, or an error for a path it cannot
// filter on.
type propSource func(p pathRef) (prop, *errorCode)

// Error codes of restriction failures.
func errInvalidRestriction(detail string) *errorCode {
	return &errorCode{"ErrorInvalidRestriction", "The restriction is invalid: " + detail}
}

func errUnsupportedPath(p pathRef) *errorCode {
	return &errorCode{"ErrorUnsupportedPathForQuery", "The property " + p.String() + " can not be used in a restriction."}
}

func errInvalidValue(p pathRef, v string) *errorCode {
	return &errorCode{"ErrorInvalidValueForProperty", "The value " + strconv.Quote(v) + " is not valid for property " + p.String() + "."}
}

// evalRestriction evaluates a search expression (or an m:Restriction element holding one) over an item. loc is
// the time zone of the request, used for constants without a zone (a bare date "2024-05-01" is midnight there);
// nil means UTC. An expression the server cannot evaluate returns a *restrictionError; handlers answer with
// r.failure(errorCodeOf(err), err.Error(), ...): ErrorInvalidRestriction, ErrorUnsupportedPathForQuery or
// ErrorInvalidValueForProperty.
func evalRestriction(n *node, it *Item, loc *time.Location) (bool, error) {
	ok, ec := evalExpr(n, itemProps(it), loc)
	if ec != nil {
		return false, &restrictionError{code: ec.code, msg: ec.text}
	}
	return ok, nil
}

// restrictionError is a restriction the server cannot evaluate: code is the ResponseCode to answer with, and
// Error the MessageText.
type restrictionError struct{ code, msg string }

func (e *restrictionError) Error() string { return e.msg }

// errorCodeOf returns the ResponseCode for an error of evalRestriction.
func errorCodeOf(err error) string {
	var re *restrictionError
	if errors.As(err, &re) {
		return re.code
	}
	return "ErrorInvalidRestriction"
}

// checkRestriction reports the error a restriction gives whatever the items are; handlers call it once before
// walking a folder so that an empty folder fails like a full one.
func checkRestriction(n *node, loc *time.Location) error {
	_, err := evalRestriction(n, &Item{}, loc)
	return err
}

func evalExpr(n *node, src propSource, loc *time.Location) (bool, *errorCode) {
	if n == nil {
		return false, errInvalidRestriction("missing search expression")
	}
	if loc == nil {
		loc = time.UTC
	}
	if n.Name.Local == "Restriction" {
		if len(n.Children) != 1 {
			return false, errInvalidRestriction("Restriction must hold exactly one search expression")
		}
		n = n.Children[0]
	}
	switch op := n.Name.Local; op {
	case "And", "Or":
		if len(n.Children) == 0 {
			return false, errInvalidRestriction(op + " has no search expression")
		}
		result := op == "And"
		for _, c := range n.Children {
			v, ec := evalExpr(c, src, loc)
			if ec != nil {
				return false, ec
			}
			if op == "And" {
				result = result && v
			} else {
				result = result || v
			}
		}
		return result, nil
	case "Not":
		if len(n.Children) != 1 {
			return false, errInvalidRestriction("Not must hold exactly one search expression")
		}
		v, ec := evalExpr(n.Children[0], src, loc)
		return !v, ec
	case "IsEqualTo", "IsNotEqualTo", "IsGreaterThan", "IsGreaterThanOrEqualTo", "IsLessThan", "IsLessThanOrEqualTo":
		return evalCompare(n, src, loc)
	case "Contains":
		return evalContains(n, src)
	case "Excludes":
		return evalExcludes(n, src)
	case "Exists":
		_, left, ec := leftOperand(n, src, 1)
		if ec != nil {
			return false, ec
		}
		return left.present, nil
	}
	return false, errInvalidRestriction("unknown search expression " + n.Name.Local)
}

// leftOperand reads the path that is the first child of a search expression, and checks the expression has
// want children.
func leftOperand(n *node, src propSource, want int) (pathRef, prop, *errorCode) {
	if len(n.Children) != want {
		return pathRef{}, prop{}, errInvalidRestriction(n.Name.Local + " has " + strconv.Itoa(len(n.Children)) + " children, want " + strconv.Itoa(want))
	}
	p, ok := pathOf(n.Children[0])
	if !ok {
		return pathRef{}, prop{}, errInvalidRestriction(n.Name.Local + " must start with a property path")
	}
	v, ec := src(p)
	return p, v, ec
}

func pathOf(n *node) (pathRef, bool) {
	switch n.Name.Local {
	case "FieldURI":
		return pathRef{uri: n.attr("FieldURI")}, n.attr("FieldURI") != ""
	case "IndexedFieldURI":
		return pathRef{uri: n.attr("FieldURI"), index: n.attr("FieldIndex")}, n.attr("FieldURI") != "" && n.attr("FieldIndex") != ""
	case "ExtendedFieldURI":
		return pathRef{uri: "ExtendedFieldURI", extended: true}, true
	}
	return pathRef{}, false
}

func evalCompare(n *node, src propSource, loc *time.Location) (bool, *errorCode) {
	op := n.Name.Local
	p, left, ec := leftOperand(n, src, 2)
	if ec != nil {
		return false, ec
	}
	rhs := n.Children[1]
	if rhs.Name.Local != "FieldURIOrConstant" || len(rhs.Children) != 1 {
		return false, errInvalidRestriction(op + " needs a FieldURIOrConstant with one child after the path")
	}
	inner := rhs.Children[0]
	var right prop
	if inner.Name.Local == "Constant" {
		if right, ec = constant(p, left.typ, inner.attr("Value"), loc); ec != nil {
			return false, ec
		}
	} else {
		q, ok := pathOf(inner)
		if !ok {
			return false, errInvalidRestriction("FieldURIOrConstant must hold a Constant or a property path")
		}
		if right, ec = src(q); ec != nil {
			return false, ec
		}
		if right.typ != left.typ && !(isText(right.typ) && isText(left.typ)) {
			return false, errInvalidRestriction(p.String() + " and " + q.String() + " have different types")
		}
		if !right.present {
			return false, nil
		}
	}
	if !left.present {
		return false, nil
	}
	if isText(left.typ) {
		return compareTexts(op, left.strs, right.strs), nil
	}
	var c int
	switch left.typ {
	case tBool:
		c = cmpBool(left.b, right.b)
	case tInt:
		c = cmpInt(left.i, right.i)
	case tTime:
		c = left.t.Compare(right.t)
	}
	return holds(op, c), nil
}

func isText(t propType) bool { return t == tString || t == tStrings }

// constant parses the Value of a t:Constant as the type of the property it is compared with.
func constant(p pathRef, typ propType, v string, loc *time.Location) (prop, *errorCode) {
	out := prop{typ: typ, present: true}
	switch typ {
	case tString, tStrings:
		out.strs = []string{v}
	case tBool:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			out.b = true
		case "false", "0":
		default:
			return prop{}, errInvalidValue(p, v)
		}
	case tInt:
		i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return prop{}, errInvalidValue(p, v)
		}
		out.i = i
	case tTime:
		t, ok := parseTimeConstant(v, loc)
		if !ok {
			return prop{}, errInvalidValue(p, v)
		}
		out.t = t
	}
	return out, nil
}

// parseTimeConstant reads an xs:dateTime or xs:date; a value without a zone is in loc.
func parseTimeConstant(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// compareTexts applies a comparison between the values of a (possibly multi-valued) text property and the
// right-hand values, ignoring case.
func compareTexts(op string, left, right []string) bool {
	anyHolds := func(op string) bool {
		for _, l := range left {
			for _, r := range right {
				if holds(op, strings.Compare(strings.ToLower(l), strings.ToLower(r))) {
					return true
				}
			}
		}
		return false
	}
	if op == "IsNotEqualTo" {
		return !anyHolds("IsEqualTo")
	}
	return anyHolds(op)
}

func holds(op string, c int) bool {
	switch op {
	case "IsEqualTo":
		return c == 0
	case "IsNotEqualTo":
		return c != 0
	case "IsGreaterThan":
		return c > 0
	case "IsGreaterThanOrEqualTo":
		return c >= 0
	case "IsLessThan":
		return c < 0
	case "IsLessThanOrEqualTo":
		return c <= 0
	}
	return false
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func evalContains(n *node, src propSource) (bool, *errorCode) {
	p, left, ec := leftOperand(n, src, 2)
	if ec != nil {
		return false, ec
	}
	c := n.Children[1]
	if c.Name.Local != "Constant" {
		return false, errInvalidRestriction("Contains needs a Constant after the path")
	}
	if !isText(left.typ) {
		return false, errUnsupportedPath(p)
	}
	fold, ec := containmentFold(n.attr("ContainmentComparison"))
	if ec != nil {
		return false, ec
	}
	match, ec := containmentMatch(n.attr("ContainmentMode"))
	if ec != nil {
		return false, ec
	}
	if !left.present {
		return false, nil
	}
	want := fold(c.attr("Value"))
	for _, s := range left.strs {
		if match(fold(s), want) {
			return true, nil
		}
	}
	return false, nil
}

// containmentFold returns the normalization a ContainmentComparison applies to both sides.
func containmentFold(cmp string) (func(string) string, *errorCode) {
	identity := func(s string) string { return s }
	lower := strings.ToLower
	both := func(s string) string { return strings.ToLower(stripNonSpacing(s)) }
	switch cmp {
	case "", "Exact", "Loose":
		return identity, nil
	case "IgnoreCase", "LooseAndIgnoreCase":
		return lower, nil
	case "IgnoreNonSpacingCharacters", "LooseAndIgnoreNonSpace":
		return stripNonSpacing, nil
	case "IgnoreCaseAndNonSpacingCharacters", "LooseAndIgnoreCaseAndIgnoreNonSpace":
		return both, nil
	}
	return nil, errInvalidRestriction("unknown ContainmentComparison " + strconv.Quote(cmp))
}

// containmentMatch returns the test a ContainmentMode makes of a value v against the constant c. Without the
// attribute Exchange matches substrings.
func containmentMatch(mode string) (func(v, c string) bool, *errorCode) {
	switch mode {
	case "FullString":
		return func(v, c string) bool { return v == c }, nil
	case "Prefixed":
		return strings.HasPrefix, nil
	case "", "Substring":
		return strings.Contains, nil
	case "PrefixOnWords":
		return func(v, c string) bool { return matchAtWord(v, c, false) }, nil
	case "ExactPhrase":
		return func(v, c string) bool { return matchAtWord(v, c, true) }, nil
	}
	return nil, errInvalidRestriction("unknown ContainmentMode " + strconv.Quote(mode))
}

// matchAtWord reports whether c occurs in v at the start of a word and, if whole, also ending at the end of one.
func matchAtWord(v, c string, whole bool) bool {
	if c == "" {
		return true
	}
	for i := 0; i <= len(v)-len(c); {
		j := strings.Index(v[i:], c)
		if j < 0 {
			return false
		}
		at := i + j
		before, _ := utf8.DecodeLastRuneInString(v[:at])
		after, _ := utf8.DecodeRuneInString(v[at+len(c):])
		if (at == 0 || !isWordRune(before)) && (!whole || at+len(c) == len(v) || !isWordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(v[at:])
		i = at + size
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func evalExcludes(n *node, src propSource) (bool, *errorCode) {
	p, left, ec := leftOperand(n, src, 2)
	if ec != nil {
		return false, ec
	}
	b := n.Children[1]
	if b.Name.Local != "Bitmask" {
		return false, errInvalidRestriction("Excludes needs a Bitmask after the path")
	}
	if left.typ != tInt {
		return false, errUnsupportedPath(p)
	}
	mask, err := strconv.ParseInt(strings.TrimSpace(b.attr("Value")), 0, 64)
	if err != nil {
		return false, errInvalidValue(p, b.attr("Value"))
	}
	if !left.present {
		return false, nil
	}
	return left.i&mask == 0, nil
}
