// Command gen writes internal/graphschema/v1.0.xml: the subset of Microsoft Graph's published v1.0 CSDL
// metadata (github.com/microsoftgraph/msgraph-metadata, clean_v10_metadata/cleanMetadata.xml) that the SDK's
// Graph wire and the fake server's Graph endpoint use: the entity, complex and enum types reachable from the
// roots below, and the bound actions whose request bodies the SDK sends.
//
//	git clone https://github.com/microsoftgraph/msgraph-metadata /tmp/msgraph-metadata
//	go run ./internal/graphschema/gen -metadata /tmp/msgraph-metadata/clean_v10_metadata/cleanMetadata.xml \
//	    -commit $(git -C /tmp/msgraph-metadata rev-parse HEAD) > internal/graphschema/v1.0.xml
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// roots are the types the SDK and the fake server put on the wire; their base types, property types and the
// targets of navigation properties that are themselves kept follow.
var roots = []string{
	"message", "eventMessage", "eventMessageRequest", "eventMessageResponse", "mailFolder", "mailSearchFolder",
	"attachment", "fileAttachment", "itemAttachment", "referenceAttachment", "attachmentItem",
	"messageRule", "mailboxSettings", "automaticRepliesSetting", "uploadSession",
	"event", "calendar", "contact", "contactFolder", "person", "user",
	"itemBody", "recipient", "emailAddress", "dateTimeTimeZone", "attendee", "internetMessageHeader",
	"followupFlag", "convertIdResult", "outlookItem",
}

// actions are the bound actions (by name) whose parameters the SDK sends as a request body.
var actions = map[string]bool{
	"sendMail": true, "send": true, "reply": true, "replyAll": true, "forward": true, "move": true, "copy": true,
	"permanentDelete": true, "createUploadSession": true, "accept": true, "decline": true,
	"tentativelyAccept": true, "cancel": true, "translateExchangeIds": true,
}

type edmx struct {
	XMLName xml.Name `xml:"Edmx"`
	Schemas []schema `xml:"DataServices>Schema"`
}

type schema struct {
	Namespace string       `xml:"Namespace,attr"`
	Enums     []enumType   `xml:"EnumType"`
	Complex   []structType `xml:"ComplexType"`
	Entities  []structType `xml:"EntityType"`
	Actions   []action     `xml:"Action"`
}

type enumType struct {
	Name    string   `xml:"Name,attr"`
	IsFlags string   `xml:"IsFlags,attr,omitempty"`
	Members []member `xml:"Member"`
}

type member struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:"Value,attr,omitempty"`
}

type structType struct {
	Name     string     `xml:"Name,attr"`
	BaseType string     `xml:"BaseType,attr,omitempty"`
	Abstract string     `xml:"Abstract,attr,omitempty"`
	OpenType string     `xml:"OpenType,attr,omitempty"`
	Props    []property `xml:"Property"`
	Navs     []property `xml:"NavigationProperty"`
}

type property struct {
	Name           string `xml:"Name,attr"`
	Type           string `xml:"Type,attr"`
	Nullable       string `xml:"Nullable,attr,omitempty"`
	ContainsTarget string `xml:"ContainsTarget,attr,omitempty"`
}

type action struct {
	Name       string     `xml:"Name,attr"`
	IsBound    string     `xml:"IsBound,attr,omitempty"`
	Params     []property `xml:"Parameter"`
	ReturnType *struct {
		Type string `xml:"Type,attr"`
	} `xml:"ReturnType"`
}

func main() {
	meta := flag.String("metadata", "", "Graph's v1.0 CSDL (clean_v10_metadata/cleanMetadata.xml of msgraph-metadata)")
	commit := flag.String("commit", "", "the msgraph-metadata commit the file is from")
	flag.Parse()
	if *meta == "" || *commit == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -metadata cleanMetadata.xml -commit SHA > v1.0.xml")
		os.Exit(2)
	}
	src, err := os.ReadFile(*meta)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := trim(src, *commit, roots, actions)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, _ = os.Stdout.Write(out)
}

// local strips the namespace (or its alias) of a type reference in microsoft.graph, and Collection().
func local(t string) string {
	t = strings.TrimSuffix(strings.TrimPrefix(t, "Collection("), ")")
	if s, ok := strings.CutPrefix(t, "graph."); ok {
		return s
	}
	if s, ok := strings.CutPrefix(t, "microsoft.graph."); ok && !strings.Contains(s, ".") {
		return s
	}
	return t
}

// trim returns the subset of the metadata src holding the types reachable from roots and the bound actions
// named in actions whose binding type is kept.
func trim(src []byte, commit string, roots []string, actions map[string]bool) ([]byte, error) {
	var doc edmx
	if err := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))).Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse metadata: %w", err)
	}
	var g *schema
	for i := range doc.Schemas {
		if doc.Schemas[i].Namespace == "microsoft.graph" {
			g = &doc.Schemas[i]
		}
	}
	if g == nil {
		return nil, fmt.Errorf("no microsoft.graph schema")
	}
	enums := map[string]*enumType{}
	structs := map[string]*structType{}
	entity := map[string]bool{}
	for i := range g.Enums {
		enums[g.Enums[i].Name] = &g.Enums[i]
	}
	for i := range g.Complex {
		structs[g.Complex[i].Name] = &g.Complex[i]
	}
	for i := range g.Entities {
		structs[g.Entities[i].Name] = &g.Entities[i]
		entity[g.Entities[i].Name] = true
	}
	keep := map[string]bool{}
	var add func(string) error
	add = func(t string) error {
		t = local(t)
		if strings.HasPrefix(t, "Edm.") || keep[t] {
			return nil
		}
		if enums[t] != nil {
			keep[t] = true
			return nil
		}
		st := structs[t]
		if st == nil {
			return fmt.Errorf("type %s is not in microsoft.graph", t)
		}
		keep[t] = true
		if st.BaseType != "" {
			if err := add(st.BaseType); err != nil {
				return err
			}
		}
		for _, p := range st.Props {
			if err := add(p.Type); err != nil {
				return fmt.Errorf("%s.%s: %w", t, p.Name, err)
			}
		}
		return nil
	}
	for _, r := range roots {
		if err := add(r); err != nil {
			return nil, err
		}
	}
	var acts []action
	for _, a := range g.Actions {
		if !actions[a.Name] || a.IsBound != "true" || len(a.Params) == 0 || !keep[local(a.Params[0].Type)] {
			continue
		}
		for _, p := range a.Params[1:] {
			if err := add(p.Type); err != nil {
				return nil, fmt.Errorf("action %s: %w", a.Name, err)
			}
		}
		if a.ReturnType != nil {
			if err := add(a.ReturnType.Type); err != nil {
				return nil, fmt.Errorf("action %s: %w", a.Name, err)
			}
		}
		acts = append(acts, a)
	}
	out := schema{Namespace: "microsoft.graph", Actions: acts}
	names := make([]string, 0, len(keep))
	for n := range keep {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e := enums[n]; e != nil {
			out.Enums = append(out.Enums, *e)
			continue
		}
		st := *structs[n]
		var navs []property
		for _, p := range st.Navs {
			if keep[local(p.Type)] { // navigation properties to types kept (attachments, childFolders, ...)
				navs = append(navs, p)
			}
		}
		st.Navs = navs
		if entity[n] {
			out.Entities = append(out.Entities, st)
		} else {
			out.Complex = append(out.Complex, st)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	fmt.Fprintf(&b, "<!-- Generated by internal/graphschema/gen; DO NOT EDIT.\n")
	fmt.Fprintf(&b, "     A subset of Microsoft Graph's v1.0 metadata: github.com/microsoftgraph/msgraph-metadata\n")
	fmt.Fprintf(&b, "     commit %s, clean_v10_metadata/cleanMetadata.xml (MIT License). -->\n", commit)
	fmt.Fprintf(&b, "<Edmx Version=\"4.0\" Source=\"msgraph-metadata@%s\">\n<DataServices>\n", commit)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(struct {
		XMLName xml.Name `xml:"Schema"`
		schema
	}{schema: out}); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "\n</DataServices>\n</Edmx>\n")
	return b.Bytes(), nil
}
