package testserver

import (
	"encoding/xml"
	"io"
	"strings"
)

// node is one element of a parsed request, with namespace-resolved names.
type node struct {
	Name     xml.Name
	Attrs    []xml.Attr
	Children []*node
	Text     string
}

// parseXML reads a whole XML document into a tree. It rejects documents nested deeper than maxDepth or with
// more than maxNodes elements, so hostile input cannot exhaust the server.
func parseXML(r io.Reader) (*node, error) {
	const maxDepth, maxNodes = 64, 1 << 20
	d := xml.NewDecoder(r)
	var stack []*node
	var root *node
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if root == nil || len(stack) != 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if len(stack) >= maxDepth || count > maxNodes {
				return nil, errTooDeep
			}
			n := &node{Name: t.Name, Attrs: t.Copy().Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
}

type parseError string

func (e parseError) Error() string { return string(e) }

const errTooDeep = parseError("document too deep or too large")

// child returns the first child with the given local name, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name.Local == local {
			return c
		}
	}
	return nil
}

// all returns the children with the given local name.
func (n *node) all(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.Children {
		if c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// path follows a chain of child names.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// attr returns the value of the attribute with the given local name.
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// text returns the trimmed text of the child with the given local name.
func (n *node) textOf(local string) string {
	return strings.TrimSpace(n.child(local).textOrEmpty())
}

func (n *node) textOrEmpty() string {
	if n == nil {
		return ""
	}
	return n.Text
}

// kids returns n's children; nil-safe.
func (n *node) kids() []*node {
	if n == nil {
		return nil
	}
	return n.Children
}

func lower(s string) string { return strings.ToLower(s) }

// xsTrue reports whether s is a true xs:boolean: "true" or "1" (schema validation collapses the whitespace).
func xsTrue(s string) bool {
	s = strings.TrimSpace(s)
	return s == "true" || s == "1"
}

// xsFalse reports whether s is a false xs:boolean: "false" or "0".
func xsFalse(s string) bool {
	s = strings.TrimSpace(s)
	return s == "false" || s == "0"
}
