package main

import (
	"strings"
	"testing"
)

const sample = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="importance"><Member Name="low" Value="0" /><Member Name="high" Value="2" /></EnumType>
  <EnumType Name="unused"><Member Name="x" Value="0" /></EnumType>
  <ComplexType Name="itemBody"><Property Name="content" Type="Edm.String" /></ComplexType>
  <ComplexType Name="notReached"><Property Name="x" Type="Edm.String" /></ComplexType>
  <EntityType Name="entity" Abstract="true"><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
  <EntityType Name="message" BaseType="graph.entity" OpenType="true">
    <Property Name="body" Type="graph.itemBody" /><Property Name="importance" Type="graph.importance" />
    <NavigationProperty Name="attachments" Type="Collection(graph.attachment)" ContainsTarget="true" />
    <NavigationProperty Name="extensions" Type="Collection(graph.extension)" ContainsTarget="true" />
  </EntityType>
  <EntityType Name="attachment" BaseType="graph.entity" Abstract="true"><Property Name="name" Type="Edm.String" /></EntityType>
  <EntityType Name="extension" BaseType="graph.entity" />
  <Action Name="move" IsBound="true"><Parameter Name="bindingParameter" Type="graph.message" /><Parameter Name="DestinationId" Type="Edm.String" Nullable="false" /><ReturnType Type="graph.message" /></Action>
  <Action Name="move" IsBound="true"><Parameter Name="bindingParameter" Type="graph.extension" /></Action>
  <Action Name="other" IsBound="true"><Parameter Name="bindingParameter" Type="graph.message" /></Action>
</Schema>
<Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="message" /></Schema>
</edmx:DataServices></edmx:Edmx>`

// trim keeps the roots, their base and property types, navigation properties to kept types and the named
// actions bound to kept types; nothing else.
func TestTrim(t *testing.T) {
	out, err := trim([]byte("\xef\xbb\xbf"+sample), "0123456789012345678901234567890123456789",
		[]string{"message", "attachment"}, map[string]bool{"move": true})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{`Source="msgraph-metadata@0123456789012345678901234567890123456789"`,
		`<EnumType Name="importance">`, `<ComplexType Name="itemBody">`, `<EntityType Name="entity" Abstract="true">`,
		`<EntityType Name="message" BaseType="graph.entity" OpenType="true">`, `<NavigationProperty Name="attachments"`,
		`<Parameter Name="DestinationId" Type="Edm.String" Nullable="false">`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	for _, not := range []string{"unused", "notReached", `Name="extensions"`, `Name="extension"`, `Name="other"`, "callRecords"} {
		if strings.Contains(got, not) {
			t.Errorf("%s kept in\n%s", not, got)
		}
	}
	if strings.Count(got, `<Action Name="move"`) != 1 {
		t.Errorf("want the one move bound to message:\n%s", got)
	}
	if _, err := trim([]byte(sample), "c", []string{"nosuch"}, nil); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("a missing root: %v", err)
	}
}
