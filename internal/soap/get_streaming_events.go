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

// StreamingDigest is one envelope of a GetStreamingEvents stream read for what a watcher needs of it: its first
// response message, with its notifications counted, not kept, and the number of response messages. A watcher
// synchronises on any notification (what it delivers comes from SyncFolderItems), so nothing is lost, and what
// decoding an envelope costs does not grow with the notifications or messages a server puts in it.
type StreamingDigest struct {
	// First is the first response message; nil when there is none.
	First *StreamingMessageDigest
	// Messages is the number of response messages.
	Messages int
}

// StreamingMessageDigest is a GetStreamingEventsResponseMessage with its notifications counted.
type StreamingMessageDigest struct {
	ResponseMessage
	// Notifications is the number of notifications.
	Notifications Count `xml:"Notifications>Notification"`
	// ConnectionStatus is OK or Closed, when the message tells.
	ConnectionStatus string `xml:"ConnectionStatus"`
}

// Count counts the elements it is decoded from, skipping their contents.
type Count int

// UnmarshalXML counts start and skips its element.
func (n *Count) UnmarshalXML(d *xml.Decoder, _ xml.StartElement) error {
	*n++
	return d.Skip()
}

// UnmarshalXML decodes a GetStreamingEventsResponse: the first of its ResponseMessages, and their number.
func (g *StreamingDigest) UnmarshalXML(d *xml.Decoder, _ xml.StartElement) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Local != "ResponseMessages" {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			if err := g.messages(d); err != nil {
				return err
			}
		}
	}
}

// messages reads the children of ResponseMessages.
func (g *StreamingDigest) messages(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			g.Messages++
			if g.First == nil {
				g.First = new(StreamingMessageDigest)
				if err := d.DecodeElement(g.First, &t); err != nil {
					return err
				}
				continue
			}
			if err := d.Skip(); err != nil {
				return err
			}
		}
	}
}
