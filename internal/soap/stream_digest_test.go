package soap

import (
	"errors"
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
