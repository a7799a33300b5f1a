package soap

import (
	"bytes"
	"strings"
	"testing"
)

// A rule read from a server (in the form Microsoft's GetInboxRules example has: the rule in the types namespace
// by default) is written back whole: conditions and actions the SDK does not model survive a SetRuleOperation.
func TestRuleRoundTrip(t *testing.T) {
	resp := `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<GetInboxRulesResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
<ResponseCode>NoError</ResponseCode><OutlookRuleBlobExists>true</OutlookRuleBlobExists><InboxRules>
<Rule xmlns="http://schemas.microsoft.com/exchange/services/2006/types"><RuleId>AQAAAAAAAAE=</RuleId><DisplayName>big mail &amp; co</DisplayName>
<Priority>1</Priority><IsEnabled>true</IsEnabled><IsNotSupported>false</IsNotSupported><IsInError>false</IsInError>
<Conditions><ContainsSubjectStrings><String>invoice</String></ContainsSubjectStrings><WithinSizeRange><MinimumSize>10</MinimumSize><MaximumSize>2000</MaximumSize></WithinSizeRange></Conditions>
<Exceptions><IsAutomaticReply>true</IsAutomaticReply></Exceptions>
<Actions><AssignCategories><String>Finance</String></AssignCategories><ForwardToRecipients><Address><Name>Drop</Name><EmailAddress>drop@evil.example</EmailAddress><RoutingType>SMTP</RoutingType></Address></ForwardToRecipients><MoveToFolder><FolderId Id="AAMkF=" ChangeKey="AQAA"/></MoveToFolder></Actions>
</Rule></InboxRules></GetInboxRulesResponse></s:Body></s:Envelope>`
	var r GetInboxRulesResponse
	if _, err := DecodeResponse(strings.NewReader(resp), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Messages) != 1 || r.Messages[0].Err() != nil || !r.Messages[0].OutlookRuleBlobExists || len(r.Messages[0].InboxRules) != 1 {
		t.Fatalf("decoded %+v", r)
	}
	rule := r.Messages[0].InboxRules[0]
	if rule.DisplayName != "big mail & co" || rule.Actions.Child("ForwardToRecipients").Child("Address").Child("EmailAddress").Text != "drop@evil.example" {
		t.Fatalf("rule = %+v", rule)
	}
	var b bytes.Buffer
	if err := WriteRequest(&b, plain, &UpdateInboxRules{Operations: []RuleOperation{{Set: &RuleRequest{RuleID: rule.RuleID,
		DisplayName: rule.DisplayName, Priority: rule.Priority, IsEnabled: false, Conditions: rule.Conditions,
		Exceptions: rule.Exceptions, Actions: rule.Actions}}}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"<t:WithinSizeRange><t:MinimumSize>10</t:MinimumSize><t:MaximumSize>2000</t:MaximumSize></t:WithinSizeRange>",
		"<t:Exceptions><t:IsAutomaticReply>true</t:IsAutomaticReply></t:Exceptions>",
		"<t:AssignCategories><t:String>Finance</t:String></t:AssignCategories>",
		`<t:MoveToFolder><t:FolderId Id="AAMkF=" ChangeKey="AQAA"></t:FolderId></t:MoveToFolder>`,
		"<t:DisplayName>big mail &amp; co</t:DisplayName>", "<t:IsEnabled>false</t:IsEnabled>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the rule written back lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "xmlns=") {
		t.Errorf("namespace declarations of the response leaked into the request:\n%s", out)
	}
	// The shape is kept in testdata, which CI validates against Microsoft's schema.
	golden(t, "updateinboxrules-roundtrip", plain, &UpdateInboxRules{Operations: []RuleOperation{{Set: &RuleRequest{RuleID: rule.RuleID,
		DisplayName: rule.DisplayName, Priority: rule.Priority, IsEnabled: false, Conditions: rule.Conditions,
		Exceptions: rule.Exceptions, Actions: rule.Actions}}}})
}
