package ews

import (
	"strings"

	"github.com/ewsgo/ews/internal/graph"
)

// Graph compares text ignoring case, so a case-sensitive lookup (exact, contains, startswith) cannot be sent to
// it as it is. When such lookups are conditions of the query's top level (the query is one, or an and of
// conditions that holds them), the graph backend sends their case-insensitive forms, whose results hold every
// message the query matches, and checks the case of each message Graph returns in Go: the same messages as over
// EWS. Inside an or or a not, the superset argument fails, and the query stays refused.

// graphText returns the text of a message that a case check compares, and whether the field has one.
func graphText(m *graph.Message, field string) (string, bool) {
	addr := func(r *graph.Recipient) string {
		if r == nil {
			return ""
		}
		return r.EmailAddress.Address
	}
	switch field {
	case "subject":
		return m.Subject, true
	case "body":
		if m.Body == nil {
			return "", true
		}
		return m.Body.Content, true
	case "sender":
		return addr(m.Sender), true
	case "from", "author":
		return addr(m.From), true
	case "message_id":
		return m.InternetMessageID, true
	}
	return "", false
}

// caseLookups maps a case-sensitive lookup to its case-insensitive form.
var caseLookups = map[string]string{lookupExact: lookupIExact, lookupContains: lookupIContains, lookupStartsWith: lookupIStartsWith}

// caseChecked returns q with its top-level case-sensitive text lookups in their case-insensitive forms, and the
// check of their case on a message. ok is false when q has none, or has one where the check cannot stand in
// (inside or, not, or on a field without text).
func (q Q) caseChecked() (server Q, check func(*graph.Message) bool, ok bool) {
	if q.n == nil || q.n.kind == qErr || q.n.kind == qNever {
		return q, nil, false
	}
	conj := []*qnode{q.n}
	if q.n.kind == qAnd {
		conj = q.n.children
	}
	var checks []*qnode
	out := make([]*qnode, len(conj))
	for i, c := range conj {
		out[i] = c
		if c.kind == qLeaf {
			if il, cs := caseLookups[c.lookup]; cs {
				if _, text := graphText(&graph.Message{}, c.path.def.name); !text || c.path.def.typ == ftStringList {
					return q, nil, false
				}
				n := *c
				n.lookup = il
				out[i] = &n
				checks = append(checks, c)
			}
			continue
		}
		if hasCaseLookup(c) {
			return q, nil, false
		}
	}
	if len(checks) == 0 {
		return q, nil, false
	}
	server = Q{out[0]}
	if len(out) > 1 {
		server = Q{combine(qAnd, out)}
	}
	return server, func(m *graph.Message) bool {
		for _, c := range checks {
			s, _ := graphText(m, c.path.def.name)
			v := c.val.wire
			switch c.lookup {
			case lookupExact:
				if s != v {
					return false
				}
			case lookupContains:
				if !strings.Contains(s, v) {
					return false
				}
			case lookupStartsWith:
				if !strings.HasPrefix(s, v) {
					return false
				}
			}
		}
		return true
	}, true
}

func hasCaseLookup(n *qnode) bool {
	if n.kind == qLeaf {
		_, cs := caseLookups[n.lookup]
		return cs
	}
	for _, c := range n.children {
		if hasCaseLookup(c) {
			return true
		}
	}
	return false
}
