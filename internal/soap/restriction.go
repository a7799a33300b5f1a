package soap

import (
	"encoding/xml"
	"fmt"
)

// Search expression operators (the substitution group t:SearchExpression in types.xsd).
const (
	OpAnd                  = "And"
	OpOr                   = "Or"
	OpNot                  = "Not"
	OpIsEqualTo            = "IsEqualTo"
	OpIsNotEqualTo         = "IsNotEqualTo"
	OpIsGreaterThan        = "IsGreaterThan"
	OpIsGreaterThanOrEqual = "IsGreaterThanOrEqualTo"
	OpIsLessThan           = "IsLessThan"
	OpIsLessThanOrEqual    = "IsLessThanOrEqualTo"
	OpContains             = "Contains"
	OpExcludes             = "Excludes"
	OpExists               = "Exists"
)

// Restriction is the content of an m:Restriction element: exactly one search expression.
type Restriction struct {
	Expr Expr
}

// MarshalXML implements xml.Marshaler.
func (r Restriction) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := r.Expr.MarshalXML(e, xml.StartElement{}); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// Expr is one node of a search expression tree.
//
//   - And, Or: Children (1..n).
//   - Not: Children (exactly 1).
//   - IsEqualTo ... IsLessThanOrEqualTo: Path, then Value as t:FieldURIOrConstant/t:Constant (or ValuePath
//     as t:FieldURIOrConstant/<path> to compare two properties).
//   - Contains: Path, then Value as a bare t:Constant, with ContainmentMode and ContainmentComparison.
//   - Excludes: Path, then Value as t:Bitmask.
//   - Exists: Path only.
type Expr struct {
	Op                    string
	Path                  Path
	Value                 string
	ValuePath             *Path
	ContainmentMode       string
	ContainmentComparison string
	Children              []Expr
}

// MarshalXML implements xml.Marshaler; the start element passed in is ignored.
func (x Expr) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "t:" + x.Op}}
	switch x.Op {
	case OpAnd, OpOr, OpNot:
		if len(x.Children) == 0 || x.Op == OpNot && len(x.Children) != 1 {
			return fmt.Errorf("soap: %s with %d children", x.Op, len(x.Children))
		}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		for _, c := range x.Children {
			if err := c.MarshalXML(e, xml.StartElement{}); err != nil {
				return err
			}
		}
		return e.EncodeToken(start.End())
	case OpIsEqualTo, OpIsNotEqualTo, OpIsGreaterThan, OpIsGreaterThanOrEqual, OpIsLessThan, OpIsLessThanOrEqual:
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := x.Path.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
		or := xml.StartElement{Name: xml.Name{Local: "t:FieldURIOrConstant"}}
		if err := e.EncodeToken(or); err != nil {
			return err
		}
		if x.ValuePath != nil {
			if err := x.ValuePath.MarshalXML(e, xml.StartElement{}); err != nil {
				return err
			}
		} else if err := encodeConstant(e, "t:Constant", x.Value); err != nil {
			return err
		}
		if err := e.EncodeToken(or.End()); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	case OpContains:
		if x.ContainmentMode != "" {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "ContainmentMode"}, Value: x.ContainmentMode})
		}
		if x.ContainmentComparison != "" {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "ContainmentComparison"}, Value: x.ContainmentComparison})
		}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := x.Path.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
		if err := encodeConstant(e, "t:Constant", x.Value); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	case OpExcludes:
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := x.Path.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
		if err := encodeConstant(e, "t:Bitmask", x.Value); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	case OpExists:
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := x.Path.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	}
	return fmt.Errorf("soap: unknown search expression %q", x.Op)
}

func encodeConstant(e *xml.Encoder, name, value string) error {
	return e.EncodeElement("", xml.StartElement{Name: xml.Name{Local: name}, Attr: []xml.Attr{{Name: xml.Name{Local: "Value"}, Value: value}}})
}
