// Package graphschema checks Microsoft Graph v1.0 JSON against Graph's published metadata (CSDL): every
// property declared on the entity or complex type or its base types, the JSON type of each value matching its
// EDM type, enum members, nested and derived (@odata.type) types, collections and nullability. It is used by
// tests and by the CI step .ci/graphschema, which checks every Graph request the SDK sent and every answer the
// fake server gave in the test suite (see Check and internal/testserver's capture).
//
// v1.0.xml is a generated subset of Microsoft's metadata (go generate; see gen/main.go for the source and its
// commit).
package graphschema

//go:generate sh -c "go run ./gen -metadata $GRAPH_METADATA -commit $GRAPH_METADATA_COMMIT > v1.0.xml"

import (
	_ "embed"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
)

//go:embed v1.0.xml
var metadata []byte

// Schema is the set of Graph types and bound actions of the embedded metadata.
type Schema struct {
	// Source names the upstream metadata: "msgraph-metadata@<commit>".
	Source  string
	types   map[string]*Type
	enums   map[string]*Enum
	actions map[string][]*Action // by name
}

// Type is an entity or complex type.
type Type struct {
	Name     string
	Base     *Type
	Entity   bool
	Abstract bool
	props    map[string]*Property
}

// Property is a structural or navigation property, or an action's parameter.
type Property struct {
	Name       string
	Type       string // without Collection(): "Edm.String", "message"
	Collection bool
	Nullable   bool
}

// Enum is an enum type: its member names, and whether a value may combine them ("a,b").
type Enum struct {
	Name    string
	Flags   bool
	Members map[string]bool
}

// Action is a bound action: its binding type and parameters (Graph matches their names without case).
type Action struct {
	Name    string
	Binding string
	Params  []*Property
}

type xmlProp struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable string `xml:"Nullable,attr"`
}

type xmlStruct struct {
	Name     string    `xml:"Name,attr"`
	BaseType string    `xml:"BaseType,attr"`
	Abstract string    `xml:"Abstract,attr"`
	Props    []xmlProp `xml:"Property"`
	Navs     []xmlProp `xml:"NavigationProperty"`
}

var (
	loadOnce sync.Once
	loaded   *Schema
	loadErr  error
)

// Load returns the embedded schema (parsed once).
func Load() (*Schema, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(metadata) })
	return loaded, loadErr
}

func localName(t string) (name string, collection bool) {
	if s, ok := strings.CutPrefix(t, "Collection("); ok {
		t, collection = strings.TrimSuffix(s, ")"), true
	}
	if s, ok := strings.CutPrefix(t, "graph."); ok {
		return s, collection
	}
	if s, ok := strings.CutPrefix(t, "microsoft.graph."); ok {
		return s, collection
	}
	return t, collection
}

func newProp(p xmlProp) *Property {
	t, c := localName(p.Type)
	return &Property{Name: p.Name, Type: t, Collection: c, Nullable: p.Nullable != "false"}
}

func parse(b []byte) (*Schema, error) {
	var doc struct {
		Source string `xml:"Source,attr"`
		Schema struct {
			Enums []struct {
				Name    string `xml:"Name,attr"`
				IsFlags string `xml:"IsFlags,attr"`
				Members []struct {
					Name string `xml:"Name,attr"`
				} `xml:"Member"`
			} `xml:"EnumType"`
			Complex  []xmlStruct `xml:"ComplexType"`
			Entities []xmlStruct `xml:"EntityType"`
			Actions  []struct {
				Name   string    `xml:"Name,attr"`
				Params []xmlProp `xml:"Parameter"`
			} `xml:"Action"`
		} `xml:"DataServices>Schema"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("graphschema: %w", err)
	}
	s := &Schema{Source: doc.Source, types: map[string]*Type{}, enums: map[string]*Enum{}, actions: map[string][]*Action{}}
	for _, e := range doc.Schema.Enums {
		en := &Enum{Name: e.Name, Flags: e.IsFlags == "true", Members: map[string]bool{}}
		for _, m := range e.Members {
			en.Members[m.Name] = true
		}
		s.enums[e.Name] = en
	}
	bases := map[string]string{}
	add := func(list []xmlStruct, entity bool) {
		for _, x := range list {
			t := &Type{Name: x.Name, Entity: entity, Abstract: x.Abstract == "true", props: map[string]*Property{}}
			for _, p := range append(append([]xmlProp(nil), x.Props...), x.Navs...) {
				t.props[p.Name] = newProp(p)
			}
			s.types[x.Name] = t
			if x.BaseType != "" {
				bases[x.Name], _ = localName(x.BaseType)
			}
		}
	}
	add(doc.Schema.Complex, false)
	add(doc.Schema.Entities, true)
	for n, b := range bases {
		if s.types[b] == nil {
			return nil, fmt.Errorf("graphschema: base type %s of %s is missing", b, n)
		}
		s.types[n].Base = s.types[b]
	}
	for _, a := range doc.Schema.Actions {
		if len(a.Params) == 0 {
			continue
		}
		bind, _ := localName(a.Params[0].Type)
		act := &Action{Name: a.Name, Binding: bind}
		for _, p := range a.Params[1:] {
			act.Params = append(act.Params, newProp(p))
		}
		s.actions[a.Name] = append(s.actions[a.Name], act)
	}
	for _, t := range s.types {
		for _, p := range t.props {
			if !s.known(p.Type) {
				return nil, fmt.Errorf("graphschema: %s.%s has the unknown type %s", t.Name, p.Name, p.Type)
			}
		}
	}
	return s, nil
}

func (s *Schema) known(t string) bool {
	return strings.HasPrefix(t, "Edm.") || s.types[t] != nil || s.enums[t] != nil
}

// Type returns the entity or complex type of that name ("message" or "microsoft.graph.message"), or nil.
func (s *Schema) Type(name string) *Type {
	n, _ := localName(name)
	return s.types[n]
}

// Action returns the bound action of that name whose binding type is binding (or one of its base types; a
// collection-bound action's binding is its element type), or nil.
func (s *Schema) Action(binding, name string) *Action {
	for t := s.types[binding]; t != nil; t = t.Base {
		for _, a := range s.actions[name] {
			if a.Binding == t.Name {
				return a
			}
		}
	}
	return nil
}

// Property returns the property of that name declared on t or a base type, or nil.
func (t *Type) Property(name string) *Property {
	for ; t != nil; t = t.Base {
		if p := t.props[name]; p != nil {
			return p
		}
	}
	return nil
}

// derives reports whether t is base or derives from it.
func (t *Type) derives(base *Type) bool {
	for ; t != nil; t = t.Base {
		if t == base {
			return true
		}
	}
	return false
}
