package ews

import (
	"strings"
	"time"
)

// The query builder rendered for Microsoft Graph: the same Q tree the EWS restriction renderer reads (query.go),
// as an OData $filter over message properties, or, when the query needs a lookup $filter cannot express (body
// contains, sender contains), as a KQL $search. Graph refuses $filter and $search together on messages, so a
// query is rendered wholly one way or the other; what neither can express is refused with a *NotSupportedError
// before any request is sent. Graph compares text ignoring case, so the case-sensitive lookups (exact, contains,
// startswith) are refused with a hint to use their i-forms.

// odataQuery is a query rendered for Graph: at most one of Filter and Search is set.
type odataQuery struct {
	Filter string // OData $filter
	Search string // KQL $search (without the enclosing double quotes)
}

// odataField is how Graph filters or searches one query field.
type odataField struct {
	path  string // $filter property path; "" when the field cannot be filtered
	kql   string // KQL property for $search; "" when it cannot be searched
	lower bool   // choice values are Graph's lower-case enum members
}

// odataFields are the query fields Graph can filter or search on messages.
var odataFields = map[string]odataField{
	"subject":                   {path: "subject", kql: "subject"},
	"body":                      {kql: "body"},
	"importance":                {path: "importance", kql: "importance", lower: true},
	"categories":                {path: "categories"},
	"datetime_received":         {path: "receivedDateTime"},
	"datetime_sent":             {path: "sentDateTime"},
	"datetime_created":          {path: "createdDateTime"},
	"last_modified_time":        {path: "lastModifiedDateTime"},
	"has_attachments":           {path: "hasAttachments", kql: "hasattachment"},
	"is_draft":                  {path: "isDraft"},
	"is_read":                   {path: "isRead"},
	"is_read_receipt_requested": {path: "isReadReceiptRequested"},
	"message_id":                {path: "internetMessageId"},
	"sender":                    {path: "sender/emailAddress/address"},
	"author":                    {path: "from/emailAddress/address", kql: "from"},
	"from":                      {path: "from/emailAddress/address", kql: "from"},
}

// odata renders q for Graph: the zero odataQuery for the empty query, matchesNothing for a query no item can
// match, the *QueryError of a query built with a mistake, or a *NotSupportedError for what Graph cannot express.
func (q Q) odata() (o odataQuery, matchesNothing bool, err error) {
	switch {
	case q.n == nil:
		return o, false, nil
	case q.n.kind == qErr:
		return o, false, q.n.err
	case q.n.kind == qNever:
		return o, true, nil
	}
	if q.n.needsSearch() {
		var b strings.Builder
		if err := q.n.kql(&b); err != nil {
			return o, false, err
		}
		return odataQuery{Search: b.String()}, false, nil
	}
	var b strings.Builder
	if err := q.n.filter(&b); err != nil {
		return o, false, err
	}
	return odataQuery{Filter: b.String()}, false, nil
}

// needsSearch reports whether a leaf of the tree can only be rendered as $search.
func (n *qnode) needsSearch() bool {
	if n.kind != qLeaf {
		for _, c := range n.children {
			if c.needsSearch() {
				return true
			}
		}
		return false
	}
	f := odataFields[n.path.def.name]
	if f.path == "" && f.kql != "" {
		return true
	}
	return n.path.def.typ == ftMailbox && f.kql != "" && (n.lookup == lookupIContains || n.lookup == lookupIStartsWith)
}

func graphRefusal(n *qnode, msg, hint string) error {
	key := n.path.key
	if n.lookup != lookupEq {
		key += "__" + n.lookup
	}
	return &NotSupportedError{Backend: "graph", What: key, Msg: msg, Hint: hint}
}

// caseRefusal refuses the case-sensitive lookups, which Graph cannot honour.
func caseRefusal(n *qnode) error {
	switch n.lookup {
	case lookupExact, lookupContains, lookupStartsWith:
		return graphRefusal(n, "Graph compares text ignoring case", "use "+n.path.key+"__i"+n.lookup+" and check the case in Go")
	}
	return nil
}

// odataLiteral renders a leaf's value as an OData literal.
func (n *qnode) odataLiteral(f odataField) string {
	switch n.path.def.typ {
	case ftBool:
		if n.val.wire == "1" {
			return "true"
		}
		return "false"
	case ftDateTime, ftDateOrTime, ftDate:
		return n.val.t.UTC().Format(time.RFC3339Nano)
	case ftInt:
		return n.val.wire
	}
	v := n.val.wire
	if f.lower {
		v = strings.ToLower(v)
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// boolSyntax is how a query language writes and, or and not.
type boolSyntax struct {
	and, or, not string
	notParens    bool // the operand of not always in parentheses; otherwise only an and or an or
}

var (
	odataSyntax = boolSyntax{and: " and ", or: " or ", not: "not ", notParens: true}
	kqlSyntax   = boolSyntax{and: " AND ", or: " OR ", not: "NOT "}
)

// writeBool writes an and, or or not node in syntax s, its operands with write (an operand that is itself an
// and or an or in parentheses).
func (n *qnode) writeBool(b *strings.Builder, s boolSyntax, write func(*qnode, *strings.Builder) error) error {
	operand := func(c *qnode, paren bool) error {
		paren = paren || c.kind == qAnd || c.kind == qOr
		if paren {
			b.WriteByte('(')
		}
		if err := write(c, b); err != nil {
			return err
		}
		if paren {
			b.WriteByte(')')
		}
		return nil
	}
	if n.kind == qNot {
		b.WriteString(s.not)
		return operand(n.children[0], s.notParens)
	}
	op := s.and
	if n.kind == qOr {
		op = s.or
	}
	for i, c := range n.children {
		if i > 0 {
			b.WriteString(op)
		}
		if err := operand(c, false); err != nil {
			return err
		}
	}
	return nil
}

// filter writes the node as an OData $filter expression.
func (n *qnode) filter(b *strings.Builder) error {
	switch n.kind {
	case qAnd, qOr, qNot:
		return n.writeBool(b, odataSyntax, (*qnode).filter)
	}
	f := odataFields[n.path.def.name]
	if f.path == "" {
		return graphRefusal(n, "Graph cannot filter messages on "+n.path.def.name, "")
	}
	if err := caseRefusal(n); err != nil {
		return err
	}
	if n.lookup == lookupExists {
		return graphRefusal(n, "Graph's $filter has no test for a property being set", "")
	}
	lit := n.odataLiteral(f)
	if n.path.def.typ == ftStringList { // categories
		if n.lookup != lookupEq && n.lookup != lookupIExact {
			return graphRefusal(n, "Graph matches categories only by equality of one category",
				"use categories__contains with a list, or categories=...")
		}
		b.WriteString("categories/any(c:c eq " + lit + ")")
		return nil
	}
	switch n.lookup {
	case lookupEq, lookupIExact:
		b.WriteString(f.path + " eq " + lit)
	case lookupNot:
		b.WriteString(f.path + " ne " + lit)
	case lookupGt, lookupGte, lookupLt, lookupLte:
		if t := n.path.def.typ; t != ftDateTime && t != ftDateOrTime && t != ftDate && t != ftInt {
			return graphRefusal(n, "Graph orders only dates and numbers in $filter", "")
		}
		op := map[string]string{lookupGt: " gt ", lookupGte: " ge ", lookupLt: " lt ", lookupLte: " le "}[n.lookup]
		b.WriteString(f.path + op + lit)
	case lookupIContains:
		b.WriteString("contains(" + f.path + "," + lit + ")")
	case lookupIStartsWith:
		b.WriteString("startswith(" + f.path + "," + lit + ")")
	default:
		return graphRefusal(n, "no $filter rendering", "")
	}
	return nil
}

// kql writes the node as a KQL $search expression.
func (n *qnode) kql(b *strings.Builder) error {
	switch n.kind {
	case qAnd, qOr, qNot:
		return n.writeBool(b, kqlSyntax, (*qnode).kql)
	}
	f := odataFields[n.path.def.name]
	hint := "a query with a body or sender text lookup is sent as Graph's $search, which cannot also hold this lookup; filter it in Go"
	if f.kql == "" {
		return graphRefusal(n, "Graph's $search has no property for "+n.path.def.name, hint)
	}
	if err := caseRefusal(n); err != nil {
		return err
	}
	switch n.path.def.typ {
	case ftBool, ftEnum:
		if n.lookup != lookupEq {
			return graphRefusal(n, "Graph's $search tests "+n.path.def.name+" only for equality", hint)
		}
		b.WriteString(f.kql + ":" + strings.Trim(n.odataLiteral(f), "'"))
		return nil
	}
	if n.lookup != lookupIContains {
		return graphRefusal(n, "Graph's $search matches words, so it renders only icontains", hint)
	}
	v := strings.TrimSpace(n.val.wire)
	if v == "" || strings.ContainsAny(v, "\"\\") {
		return graphRefusal(n, "Graph's $search cannot hold an empty value or one with a double quote or backslash", "")
	}
	b.WriteString(f.kql + `:"` + v + `"`)
	return nil
}
