package ews

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on the text ParseQuery reads, so that hostile input costs little.
const (
	maxQueryText  = 1 << 20
	maxQueryDepth = 64
)

// ParseQuery reads a query in one of the text forms SOAR playbooks carry, all in exchangelib's vocabulary:
//
//   - A Python dict literal, or JSON: {'subject__icontains': '365', 'datetime_received__gt': '2018-01-20T18:30:00.000Z'}.
//     Single or double quotes, True/False/None (or true/false/null), numbers, lists and tuples for in and range,
//     trailing commas. The keys are combined with And.
//   - Keyword arguments: subject__iexact='foo', is_read=False.
//   - exchangelib Q expressions combined with & (and), | (or), ~ (not) and parentheses:
//     Q(subject__icontains='365') | ~Q(sender='a@example.com'). Q.String writes this form.
//
// Errors are *QueryError values (errors.Is(err, ErrInvalidQuery)) with the byte offset of the problem and what
// was expected. An empty text is an error; {} is the empty query, which matches every item.
//
// ParseQuery does not read AQS (the QueryString of EWS, "subject:365 received>=2018-01-20"); that is a separate
// option of the search, never guessed from the text.
func ParseQuery(text string) (Q, error) {
	if len(text) > maxQueryText {
		return Q{}, &QueryError{Pos: maxQueryText, Msg: fmt.Sprintf("the query is longer than %d bytes", maxQueryText)}
	}
	if !utf8.ValidString(text) {
		i := 0
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return Q{}, &QueryError{Pos: i, Msg: "the query is not valid UTF-8"}
	}
	p := &parser{src: text}
	p.space()
	var n *qnode
	var err error
	switch {
	case p.eof():
		return Q{}, &QueryError{Pos: 0, Msg: "the query is empty; write {} to match every item"}
	case p.peek() == '{':
		n, err = p.dict()
	case p.startsExpr():
		n, err = p.orExpr()
	default:
		n, err = p.kwargs(0)
	}
	if err != nil {
		return Q{}, err
	}
	p.space()
	if !p.eof() {
		return Q{}, p.errorf("expected the end of the query, found %s", p.found())
	}
	return Q{n}, nil
}

type parser struct {
	src   string
	pos   int
	depth int
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) space() {
	for !p.eof() {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) *QueryError {
	return &QueryError{Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

// found describes what is at the current position, for errors.
func (p *parser) found() string {
	if p.eof() {
		return "the end of the query"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *parser) expect(c byte, what string) error {
	p.space()
	if p.peek() != c {
		return p.errorf("expected %q %s, found %s", c, what, p.found())
	}
	p.pos++
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxQueryDepth {
		return p.errorf("the query is nested more than %d levels deep", maxQueryDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func (p *parser) ident() string {
	start := p.pos
	if p.eof() || !isIdentStart(p.src[p.pos]) {
		return ""
	}
	for !p.eof() && isIdentByte(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// startsExpr reports whether the text at the position is a Q expression: "~", "(" or "Q(".
func (p *parser) startsExpr() bool {
	switch p.peek() {
	case '~', '(':
		return true
	case 'Q':
		i := p.pos + 1
		for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
			i++
		}
		return i < len(p.src) && p.src[i] == '('
	}
	return false
}

// kwarg is one "key=value" or "'key': value" of the text, with the offsets of its key and value.
type kwarg struct {
	key              string
	value            any
	keyPos, valuePos int
}

// build combines keyword arguments with And as exchangelib's Q(**kwargs) does, and places errors at the key or
// value they concern.
func build(args []kwarg) (*qnode, error) {
	var children []*qnode
	seen := map[string]int{}
	for _, a := range args {
		if first, dup := seen[a.key]; dup {
			return nil, &QueryError{Field: a.key, Pos: a.keyPos, Msg: fmt.Sprintf("the key is given twice (first at offset %d)", first)}
		}
		seen[a.key] = a.keyPos
		ns, err := kwargNodes(a.key, a.value)
		if err != nil {
			if qe, ok := err.(*QueryError); ok {
				c := *qe
				c.Pos = a.keyPos
				if c.valueErr {
					c.Pos = a.valuePos
				}
				return nil, &c
			}
			return nil, err
		}
		children = append(children, ns...)
	}
	return combine(qAnd, children), nil
}

// dict reads a Python dict or JSON object of lookups.
func (p *parser) dict() (*qnode, error) {
	if err := p.expect('{', "to start the dict"); err != nil {
		return nil, err
	}
	var args []kwarg
	for {
		p.space()
		if p.peek() == '}' {
			p.pos++
			break
		}
		keyPos := p.pos
		if c := p.peek(); c != '\'' && c != '"' && !(c == 'u' || c == 'r') {
			return nil, p.errorf("expected a quoted key such as 'subject__icontains' or '}', found %s", p.found())
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.expect(':', "after the key"); err != nil {
			return nil, err
		}
		p.space()
		valuePos := p.pos
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		args = append(args, kwarg{key, v, keyPos, valuePos})
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("expected ',' or '}' after the value, found %s", p.found())
		}
	}
	return build(args)
}

// kwargs reads name=value pairs separated by commas until the end of the text (end 0) or the byte end.
func (p *parser) kwargs(end byte) (*qnode, error) {
	var args []kwarg
	for {
		p.space()
		if p.eof() || end != 0 && p.peek() == end {
			break
		}
		a, err := p.kwarg()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		p.space()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if p.eof() || end != 0 && p.peek() == end {
			break
		}
		return nil, p.errorf("expected ',' between arguments, found %s", p.found())
	}
	return build(args)
}

func (p *parser) kwarg() (kwarg, error) {
	keyPos := p.pos
	key := p.ident()
	if key == "" {
		return kwarg{}, p.errorf("expected a lookup such as subject__icontains='365', found %s", p.found())
	}
	p.space()
	if strings.HasPrefix(p.src[p.pos:], "==") {
		return kwarg{}, p.errorf("expected '=' after %s: keyword arguments take one '=' (write %s='...')", key, key)
	}
	if err := p.expect('=', "after "+key); err != nil {
		return kwarg{}, err
	}
	p.space()
	valuePos := p.pos
	v, err := p.value()
	if err != nil {
		return kwarg{}, err
	}
	return kwarg{key, v, keyPos, valuePos}, nil
}

// orExpr reads "a | b | ...", andExpr "a & b & ...": a chain is one Or or And node; parentheses nest.
func (p *parser) orExpr() (*qnode, error) {
	return p.chain('|', qOr, p.andExpr)
}

func (p *parser) andExpr() (*qnode, error) {
	return p.chain('&', qAnd, p.unary)
}

func (p *parser) chain(op byte, kind qkind, next func() (*qnode, error)) (*qnode, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	operands := []*qnode{first}
	for {
		p.space()
		if p.peek() != op {
			break
		}
		p.pos++
		n, err := next()
		if err != nil {
			return nil, err
		}
		operands = append(operands, n)
	}
	if len(operands) == 1 {
		return first, nil
	}
	return combine(kind, operands), nil
}

func (p *parser) unary() (*qnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.space()
	switch {
	case p.peek() == '~':
		p.pos++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return negate(n), nil
	case p.peek() == '(':
		p.pos++
		n, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')', "to close the parenthesis"); err != nil {
			return nil, err
		}
		return n, nil
	case p.startsExpr():
		p.pos++ // Q
		return p.qcall()
	}
	return nil, p.errorf("expected Q(...), ~ or '(', found %s", p.found())
}

// qcall reads the arguments of Q(...): positional Q expressions, then keyword arguments, all combined with And.
func (p *parser) qcall() (*qnode, error) {
	if err := p.expect('(', "after Q"); err != nil {
		return nil, err
	}
	var positional []*qnode
	for {
		p.space()
		if !p.startsExpr() {
			break
		}
		n, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		positional = append(positional, n)
		p.space()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if p.peek() != ')' {
			return nil, p.errorf("expected ',' or ')' after the argument of Q, found %s", p.found())
		}
		break
	}
	named, err := p.kwargs(')')
	if err != nil {
		return nil, err
	}
	if err := p.expect(')', "to close Q("); err != nil {
		return nil, err
	}
	return combine(qAnd, append(positional, named)), nil
}

// value reads a literal: a string, a number, True/False/None (true/false/null), or a list or tuple of values.
func (p *parser) value() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.space()
	c := p.peek()
	switch {
	case c == '\'' || c == '"':
		return p.str()
	case c == '[':
		p.pos++
		return p.items(']')
	case c == '(':
		return p.tuple()
	case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
		return p.number()
	case c == '{':
		return nil, p.errorf("a dict is not a value")
	case isIdentStart(c):
		start := p.pos
		word := p.ident()
		if (word == "u" || word == "r" || word == "U" || word == "R") && (p.peek() == '\'' || p.peek() == '"') {
			p.pos = start
			return p.str()
		}
		switch word {
		case "True", "true":
			return true, nil
		case "False", "false":
			return false, nil
		case "None", "null":
			return nil, nil
		}
		p.space()
		if p.peek() == '(' {
			p.pos = start
			return nil, p.errorf("calls such as %s(...) are not supported; write times as text like '2018-01-20T18:30:00Z'", word)
		}
		p.pos = start
		return nil, p.errorf("expected a value (a quoted string, a number, True, False, None or a list), found %s", quoteValue(word))
	}
	return nil, p.errorf("expected a value (a quoted string, a number, True, False, None or a list), found %s", p.found())
}

// items reads values up to the closing byte, with an optional trailing comma.
func (p *parser) items(end byte) ([]any, error) {
	list := []any{}
	for {
		p.space()
		if p.peek() == end {
			p.pos++
			return list, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case end:
		default:
			return nil, p.errorf("expected ',' or %q in the list, found %s", end, p.found())
		}
	}
}

// tuple reads "(a, b)", "(a,)" or "()" as a list, and "(a)" as the value a, as Python does.
func (p *parser) tuple() (any, error) {
	p.pos++ // (
	p.space()
	if p.peek() == ')' {
		p.pos++
		return []any{}, nil
	}
	first, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	switch p.peek() {
	case ')':
		p.pos++
		return first, nil
	case ',':
		p.pos++
		rest, err := p.items(')')
		if err != nil {
			return nil, err
		}
		return append([]any{first}, rest...), nil
	}
	return nil, p.errorf("expected ',' or ')' in the tuple, found %s", p.found())
}

// number reads an integer (int64) or a number with a fraction or exponent (float64).
func (p *parser) number() (any, error) {
	start := p.pos
	if c := p.peek(); c == '-' || c == '+' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for !p.eof() && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	n := digits()
	isFloat := false
	if p.peek() == '.' {
		isFloat = true
		p.pos++
		n += digits()
	}
	if n == 0 {
		p.pos = start
		return nil, p.errorf("expected a number, found %s", p.found())
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		isFloat = true
		p.pos++
		if c := p.peek(); c == '-' || c == '+' {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("expected the digits of an exponent, found %s", p.found())
		}
	}
	text := p.src[start:p.pos]
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			p.pos = start
			return nil, p.errorf("the number %s is out of range", text)
		}
		return f, nil
	}
	i, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.pos = start
		return nil, p.errorf("the number %s is out of range", truncateText(text))
	}
	return i, nil
}

// str reads a Python or JSON string literal: single or double quotes, an optional u or r prefix, and the
// escapes \\ \' \" \/ \n \r \t \b \f \v \a \0 \xHH \uHHHH (JSON surrogate pairs too) \UHHHHHHHH.
func (p *parser) str() (string, error) {
	raw := false
	switch p.peek() {
	case 'u', 'U':
		p.pos++
	case 'r', 'R':
		raw = true
		p.pos++
	}
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("expected a quoted string, found %s", p.found())
	}
	start := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			p.pos = start
			return "", p.errorf("the string is not closed")
		}
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\n' || c == '\r':
			p.pos = start
			return "", p.errorf("the string is not closed before the end of the line")
		case c == '\\' && raw:
			// A raw string keeps the backslash, and \' does not end it.
			b.WriteByte(c)
			p.pos++
			if !p.eof() && (p.src[p.pos] == q || p.src[p.pos] == '\\') {
				b.WriteByte(p.src[p.pos])
				p.pos++
			}
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteRune(r)
			p.pos += size
		}
	}
}

// escape reads one backslash escape into b.
func (p *parser) escape(b *strings.Builder) error {
	at := p.pos
	p.pos++ // backslash
	if p.eof() {
		p.pos = at
		return p.errorf("the string ends in the middle of an escape")
	}
	c := p.src[p.pos]
	p.pos++
	simple := map[byte]string{'\\': `\`, '\'': `'`, '"': `"`, '/': `/`, 'n': "\n", 'r': "\r", 't': "\t",
		'b': "\b", 'f': "\f", 'v': "\v", 'a': "\a", '0': "\x00"}
	if s, ok := simple[c]; ok {
		b.WriteString(s)
		return nil
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if width == 0 {
		// Python keeps unknown escapes as written.
		b.WriteByte('\\')
		p.pos--
		return nil
	}
	r, ok := p.hex(width)
	if !ok {
		p.pos = at
		return p.errorf("the escape \\%c needs %d hexadecimal digits", c, width)
	}
	if c == 'u' && r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(p.src[p.pos:], `\u`) {
		// A JSON surrogate pair.
		save := p.pos
		p.pos += 2
		if lo, ok := p.hex(4); ok && lo >= 0xDC00 && lo < 0xE000 {
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		} else {
			p.pos = save
		}
	}
	if r > utf8.MaxRune || r >= 0xD800 && r < 0xE000 {
		p.pos = at
		return p.errorf("the escape is not a valid Unicode character")
	}
	b.WriteRune(r)
	return nil
}

func (p *parser) hex(width int) (rune, bool) {
	if p.pos+width > len(p.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+width], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += width
	return rune(v), true
}
