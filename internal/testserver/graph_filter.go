package testserver

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// The $filter subset of Graph's OData that the fake server evaluates over messages: eq, ne, gt, ge, lt, le on
// the properties below, contains() and startswith() on text, categories/any(c:c eq '...'), and, or, not and
// parentheses. Text compares ignoring case, as Exchange does. Anything else is refused with 400, as Graph
// refuses a property it cannot filter on.

// odataProps maps a $filter property path to the value of an item.
var odataProps = map[string]func(*Item) any{
	"subject":                     func(it *Item) any { return it.Subject },
	"importance":                  func(it *Item) any { return strings.ToLower(orDefault(it.Importance, "Normal")) },
	"isRead":                      func(it *Item) any { return it.IsRead },
	"isDraft":                     func(it *Item) any { return it.IsDraft },
	"hasAttachments":              func(it *Item) any { return it.HasAttachments() },
	"isReadReceiptRequested":      func(it *Item) any { return it.IsReadReceiptRequested },
	"receivedDateTime":            func(it *Item) any { return it.DateTimeReceived },
	"sentDateTime":                func(it *Item) any { return it.DateTimeSent },
	"createdDateTime":             func(it *Item) any { return it.DateTimeCreated },
	"lastModifiedDateTime":        func(it *Item) any { return it.LastModifiedTime },
	"internetMessageId":           func(it *Item) any { return it.InternetMessageID },
	"conversationId":              func(it *Item) any { return it.ConversationID },
	"parentFolderId":              func(it *Item) any { return it.FolderID },
	"from/emailAddress/address":   func(it *Item) any { return it.From.Email },
	"from/emailAddress/name":      func(it *Item) any { return it.From.Name },
	"sender/emailAddress/address": func(it *Item) any { return it.Sender.Email },
	"sender/emailAddress/name":    func(it *Item) any { return it.Sender.Name },
}

type otok struct {
	kind string // "id", "str", "lit", "(", ")", ",", ":"
	text string
}

func lexOData(s string) ([]otok, error) {
	var out []otok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '(' || c == ')' || c == ',' || c == ':':
			out = append(out, otok{kind: string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string literal at %d", i)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, otok{kind: "str", text: b.String()})
			i = j + 1
		default:
			j := i
			stop := " (),:'"
			if unicode.IsDigit(rune(c)) {
				stop = " (),'" // a DateTimeOffset literal holds colons
			}
			for j < len(s) && !strings.ContainsRune(stop, rune(s[j])) {
				j++
			}
			w := s[i:j]
			kind := "id"
			if unicode.IsDigit(rune(w[0])) || w == "true" || w == "false" || w == "null" {
				kind = "lit"
			}
			out = append(out, otok{kind: kind, text: w})
			i = j
		}
	}
	return out, nil
}

type oparser struct {
	toks []otok
	pos  int
}

func (p *oparser) peek() otok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return otok{kind: "eof"}
}

func (p *oparser) next() otok { t := p.peek(); p.pos++; return t }

func (p *oparser) expect(kind string) error {
	if t := p.next(); t.kind != kind {
		return fmt.Errorf("expected %q, found %q", kind, t.text+t.kind)
	}
	return nil
}

// parseOData parses a $filter expression into a predicate over messages.
func parseOData(s string) (func(*Item) bool, error) {
	toks, err := lexOData(s)
	if err != nil {
		return nil, err
	}
	p := &oparser{toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return f, nil
}

// predicate is a parsed $filter or $search: whether an item matches.
type predicate = func(*Item) bool

// joined parses operand (op operand)..., where more reports (consuming it) whether an operator follows, and
// joins the operands' predicates with and (all) or or (any); the $filter and $search parsers share it.
func joined(operand func() (predicate, error), more func() bool, all bool) (predicate, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for more() {
		r, err := operand()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		if all {
			l = func(it *Item) bool { return a(it) && b(it) }
		} else {
			l = func(it *Item) bool { return a(it) || b(it) }
		}
	}
	return l, nil
}

// negated parses the operand of a not.
func negated(operand func() (predicate, error)) (predicate, error) {
	f, err := operand()
	if err != nil {
		return nil, err
	}
	return func(it *Item) bool { return !f(it) }, nil
}

// keyword consumes the OData keyword w if it comes next.
func (p *oparser) keyword(w string) bool {
	if t := p.peek(); t.kind == "id" && t.text == w {
		p.next()
		return true
	}
	return false
}

func (p *oparser) or() (predicate, error) {
	return joined(p.and, func() bool { return p.keyword("or") }, false)
}

func (p *oparser) and() (predicate, error) {
	return joined(p.unary, func() bool { return p.keyword("and") }, true)
}

func (p *oparser) unary() (func(*Item) bool, error) {
	t := p.peek()
	switch {
	case t.kind == "id" && t.text == "not":
		p.next()
		return negated(p.unary)
	case t.kind == "(":
		p.next()
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		return f, p.expect(")")
	case t.kind == "id" && (t.text == "contains" || t.text == "startswith"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		prop := p.next()
		get := odataProps[prop.text]
		if prop.kind != "id" || get == nil {
			return nil, fmt.Errorf("could not find a property named '%s' on type 'microsoft.graph.message'", prop.text)
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		v := p.next()
		if v.kind != "str" {
			return nil, fmt.Errorf("%s needs a string literal", t.text)
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		want, match := strings.ToLower(v.text), strings.HasPrefix
		if t.text == "contains" {
			match = strings.Contains
		}
		return func(it *Item) bool { s, _ := get(it).(string); return match(strings.ToLower(s), want) }, nil
	case t.kind == "id" && strings.HasPrefix(t.text, "categories/any"):
		// categories/any(c:c eq 'x')
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		v := p.next()
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if x := p.next(); x.text != v.text {
			return nil, fmt.Errorf("the lambda variable %q is not %q", x.text, v.text)
		}
		if op := p.next(); op.text != "eq" {
			return nil, fmt.Errorf("categories/any takes eq")
		}
		lit := p.next()
		if lit.kind != "str" {
			return nil, fmt.Errorf("categories/any needs a string literal")
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return func(it *Item) bool {
			for _, c := range it.Categories {
				if strings.EqualFold(c, lit.text) {
					return true
				}
			}
			return false
		}, nil
	case t.kind == "id":
		p.next()
		get := odataProps[t.text]
		if get == nil {
			return nil, fmt.Errorf("could not find a property named '%s' on type 'microsoft.graph.message'", t.text)
		}
		op := p.next()
		lit := p.next()
		if lit.kind != "str" && lit.kind != "lit" {
			return nil, fmt.Errorf("expected a literal after %s %s", t.text, op.text)
		}
		cmp := map[string]func(int) bool{"eq": func(c int) bool { return c == 0 }, "ne": func(c int) bool { return c != 0 },
			"gt": func(c int) bool { return c > 0 }, "ge": func(c int) bool { return c >= 0 },
			"lt": func(c int) bool { return c < 0 }, "le": func(c int) bool { return c <= 0 }}[op.text]
		if cmp == nil {
			return nil, fmt.Errorf("unknown operator %q", op.text)
		}
		return func(it *Item) bool {
			c, ok := compareOData(get(it), lit)
			return ok && cmp(c)
		}, nil
	}
	return nil, fmt.Errorf("unexpected %q", t.text+t.kind)
}

// compareOData compares an item's value with a literal; ok is false when the types do not fit.
func compareOData(v any, lit otok) (int, bool) {
	switch v := v.(type) {
	case string:
		if lit.kind != "str" {
			return 0, false
		}
		return strings.Compare(strings.ToLower(v), strings.ToLower(lit.text)), true
	case bool:
		if lit.text != "true" && lit.text != "false" {
			return 0, false
		}
		b := lit.text == "true"
		if v == b {
			return 0, true
		}
		if v {
			return 1, true
		}
		return -1, true
	case time.Time:
		t, err := time.Parse(time.RFC3339, lit.text)
		if err != nil {
			return 0, false
		}
		return v.Compare(t), true
	}
	return 0, false
}

// parseKQL parses the $search subset the SDK sends: terms "prop:value" (subject, body, from, to, cc,
// participants) or a bare value (subject, body and sender), joined by AND (also implied), OR and NOT, with
// parentheses; the whole query in double quotes, values optionally in double quotes inside it (\" escaped).
// A value matches a text that has it at the start of a word, ignoring case, as Exchange's index matches.
func parseKQL(s string) (func(*Item) bool, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	s = strings.ReplaceAll(s, `\"`, "\x00")
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '(' && s[j] != ')' {
				if s[j] == '\x00' { // a quoted value: up to the closing quote
					k := strings.IndexByte(s[j+1:], '\x00')
					if k < 0 {
						return nil, fmt.Errorf("unterminated quoted value")
					}
					j += k + 2
					continue
				}
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	p := &kparser{toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(toks) {
		return nil, fmt.Errorf("unexpected %q", toks[p.pos])
	}
	return f, nil
}

type kparser struct {
	toks []string
	pos  int
}

func (p *kparser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *kparser) or() (predicate, error) {
	return joined(p.and, func() bool {
		if p.peek() == "OR" {
			p.pos++
			return true
		}
		return false
	}, false)
}

// and parses terms joined by AND or by nothing (KQL's implied AND).
func (p *kparser) and() (predicate, error) {
	return joined(p.unary, func() bool {
		switch p.peek() {
		case "", "OR", ")":
			return false
		case "AND":
			p.pos++
		}
		return true
	}, true)
}

func (p *kparser) unary() (func(*Item) bool, error) {
	t := p.peek()
	p.pos++
	switch t {
	case "":
		return nil, fmt.Errorf("unexpected end of query")
	case "NOT":
		return negated(p.unary)
	case "(":
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.pos++
		return f, nil
	}
	prop, val, ok := strings.Cut(t, ":")
	if !ok {
		prop, val = "", t
	}
	val = strings.ToLower(strings.ReplaceAll(strings.Trim(val, "\x00"), "\x00", ""))
	texts := map[string]func(*Item) []string{
		"":             func(it *Item) []string { return []string{it.Subject, it.Body, it.From.Email, it.From.Name} },
		"subject":      func(it *Item) []string { return []string{it.Subject} },
		"body":         func(it *Item) []string { return []string{bodyText(it)} },
		"from":         func(it *Item) []string { return []string{it.From.Email, it.From.Name} },
		"to":           func(it *Item) []string { return addrTexts(it.To) },
		"cc":           func(it *Item) []string { return addrTexts(it.Cc) },
		"participants": func(it *Item) []string { return addrTexts(append(append([]Address{it.From}, it.To...), it.Cc...)) },
	}[strings.ToLower(prop)]
	if texts == nil {
		return nil, fmt.Errorf("unsupported property %q", prop)
	}
	return func(it *Item) bool {
		for _, s := range texts(it) {
			if wordPrefix(strings.ToLower(s), val) {
				return true
			}
		}
		return false
	}, nil
}

func bodyText(it *Item) string {
	if it.BodyType == "HTML" {
		return htmlToText(it.Body)
	}
	return it.Body
}

func addrTexts(as []Address) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Email, a.Name)
	}
	return out
}

// wordPrefix reports whether val occurs in s at the start of a word.
func wordPrefix(s, val string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], val)
		if k < 0 {
			return false
		}
		at := i + k
		if at == 0 || !isWordRune(rune(s[at-1])) {
			return true
		}
		i = at + 1
	}
}
