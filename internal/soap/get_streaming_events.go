package soap

import "encoding/xml"

// GetStreamingEvents is the m:GetStreamingEvents request (Exchange 2010 SP1 and later). The server answers with
// one HTTP response that stays open up to ConnectionTimeout minutes and carries a sequence of SOAP envelopes,
// each a GetStreamingEventsResponse: read them with Client.Stream.
type GetStreamingEvents struct {
	XMLName         xml.Name `xml:"m:GetStreamingEvents"`
	SubscriptionIDs []string `xml:"m:SubscriptionIds>t:SubscriptionId"`
	// ConnectionTimeout is the minutes (1 to 30) the server keeps the connection open.
	ConnectionTimeout int `xml:"m:ConnectionTimeout"`
}

// GetStreamingEventsResponse is one envelope's body of a GetStreamingEvents stream.
type GetStreamingEventsResponse struct {
	ResponseMessages []GetStreamingEventsResponseMessage `xml:"ResponseMessages>GetStreamingEventsResponseMessage"`
}

// Connection statuses of a streaming response.
const (
	ConnectionOK     = "OK"
	ConnectionClosed = "Closed"
)

// GetStreamingEventsResponseMessage is a response message of a GetStreamingEvents stream: notifications, a
// keep-alive (ConnectionStatus OK and nothing else), the end of the connection (ConnectionStatus Closed), or an
// error naming the subscriptions that failed.
type GetStreamingEventsResponseMessage struct {
	ResponseMessage
	Notifications        []Notification `xml:"Notifications>Notification"`
	ErrorSubscriptionIDs []string       `xml:"ErrorSubscriptionIds>SubscriptionId"`
	ConnectionStatus     string         `xml:"ConnectionStatus"`
}

// Op names GetStreamingEvents. It is read with Client.Stream, which does not retry.
func (*GetStreamingEvents) Op() Op { return Op{Name: "GetStreamingEvents", Idempotent: true} }
