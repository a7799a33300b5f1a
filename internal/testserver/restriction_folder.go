package testserver

import "strings"

// evalStrings evaluates a search expression over string-valued properties, enough for FindFolder restrictions
// on folder names and classes. get returns the value of a FieldURI.
func evalStrings(n *node, get func(uri string) string) bool {
	switch n.Name.Local {
	case "And":
		for _, c := range n.Children {
			if !evalStrings(c, get) {
				return false
			}
		}
		return true
	case "Or":
		for _, c := range n.Children {
			if evalStrings(c, get) {
				return true
			}
		}
		return false
	case "Not":
		return len(n.Children) == 1 && !evalStrings(n.Children[0], get)
	case "IsEqualTo", "IsNotEqualTo":
		v := get(n.child("FieldURI").attr("FieldURI"))
		eq := v == n.path("FieldURIOrConstant", "Constant").attr("Value")
		return eq == (n.Name.Local == "IsEqualTo")
	case "Contains":
		v := get(n.child("FieldURI").attr("FieldURI"))
		c := n.child("Constant").attr("Value")
		if n.attr("ContainmentComparison") == "IgnoreCase" || n.attr("ContainmentComparison") == "IgnoreCaseAndNonSpacingCharacters" {
			v, c = strings.ToLower(v), strings.ToLower(c)
		}
		switch n.attr("ContainmentMode") {
		case "FullString":
			return v == c
		case "Prefixed":
			return strings.HasPrefix(v, c)
		default:
			return strings.Contains(v, c)
		}
	case "Exists":
		return get(n.child("FieldURI").attr("FieldURI")) != ""
	}
	return false
}
