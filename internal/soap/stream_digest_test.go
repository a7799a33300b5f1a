package soap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestStreamingDigest: the digest of each envelope counts its notifications and response messages and keeps the
// first message's status and error.
func TestStreamingDigest(t *testing.T) {
	second := `<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:GetStreamingEventsResponseMessage>`
	twoNotifications := envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Notifications>` +
		`<m:Notification><t:SubscriptionId>a</t:SubscriptionId><t:NewMailEvent><t:Watermark>W</t:Watermark></t:NewMailEvent></m:Notification>` +
		`<m:Notification><t:SubscriptionId>b</t:SubscriptionId><t:StatusEvent><t:Watermark>W</t:Watermark></t:StatusEvent></m:Notification>` +
		`</m:Notifications></m:GetStreamingEventsResponseMessage>` + second + second)
	failed := envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Error"><m:MessageText>gone</m:MessageText><m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ErrorSubscriptionIds><m:SubscriptionId>a</m:SubscriptionId></m:ErrorSubscriptionIds></m:GetStreamingEventsResponseMessage>`)
	s := DecodeStream(strings.NewReader(keepAlive+newMail+twoNotifications+failed+closed), 0)
	type want struct {
		messages, notifications int
		status, code            string
	}
	for i, w := range []want{{1, 0, "OK", ""}, {1, 1, "", ""}, {3, 2, "", ""}, {1, 0, "", "ErrorSubscriptionNotFound"}, {1, 0, "Closed", ""}} {
		var d StreamingDigest
		if _, err := s.Next(&d); err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		var code string
		var re *ResponseError
		if err := d.First.Err(); errors.As(err, &re) {
			code = re.Code
		}
		got := want{d.Messages, int(d.First.Notifications), d.First.ConnectionStatus, code}
		if got != w {
			t.Errorf("envelope %d: %+v, want %+v", i, got, w)
		}
	}
	if _, err := s.Next(&StreamingDigest{}); err != io.EOF {
		t.Errorf("after the last envelope: %v, want io.EOF", err)
	}
}

// TestMessageXMLKeepsAFewDetails: a MessageXml with endless distinct details keeps the first
// maxMessageXMLValues, so that their number costs nothing.
func TestMessageXMLKeepsAFewDetails(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<MessageXml><Value Name="BackOffMilliseconds">500</Value>`)
	for i := range 10000 {
		fmt.Fprintf(&b, `<Value Name="n%d">v</Value>`, i)
	}
	b.WriteString(`<Value Name="BackOffMilliseconds">700</Value></MessageXml>`)
	var m MessageXML
	if err := xml.Unmarshal([]byte(b.String()), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Values) != maxMessageXMLValues || m.Values["BackOffMilliseconds"] != "700" {
		t.Errorf("%d details, BackOffMilliseconds %q; want %d and the last value of a name kept", len(m.Values), m.Values["BackOffMilliseconds"], maxMessageXMLValues)
	}
}
