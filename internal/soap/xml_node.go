package soap

import (
	"encoding/xml"
	"strings"
)

// XMLNode is an element of the types namespace kept as it came, to be sent back unchanged: the conditions,
// exceptions and actions of an inbox rule, whose many kinds the SDK reads only in part but must not lose when
// it writes a rule back.
type XMLNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []XMLNode  `xml:",any"`
}

// Child returns the first child named local, or nil.
func (n *XMLNode) Child(local string) *XMLNode {
	if n == nil {
		return nil
	}
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == local {
			return &n.Nodes[i]
		}
	}
	return nil
}

// MarshalXML writes the element in the types namespace (t: prefix), under start's name when it has one.
func (n XMLNode) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	name := start.Name.Local
	if name == "" {
		name = "t:" + n.XMLName.Local
	}
	out := xml.StartElement{Name: xml.Name{Local: name}}
	for _, a := range n.Attrs {
		if a.Name.Space == "" && a.Name.Local != "xmlns" {
			out.Attr = append(out.Attr, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
		}
	}
	if err := e.EncodeToken(out); err != nil {
		return err
	}
	if len(n.Nodes) == 0 {
		if err := e.EncodeToken(xml.CharData(n.Text)); err != nil {
			return err
		}
	} else if t := strings.TrimSpace(n.Text); t != "" {
		if err := e.EncodeToken(xml.CharData(t)); err != nil {
			return err
		}
	}
	for _, c := range n.Nodes {
		if err := c.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
	}
	return e.EncodeToken(out.End())
}
