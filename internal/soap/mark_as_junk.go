package soap

import "encoding/xml"

// MarkAsJunk is the m:MarkAsJunk request (MarkAsJunkType, Exchange 2013 and later): ItemIds, with the required
// IsJunk and MoveItem attributes.
type MarkAsJunk struct {
	XMLName  xml.Name `xml:"m:MarkAsJunk"`
	IsJunk   bool     `xml:"IsJunk,attr"`
	MoveItem bool     `xml:"MoveItem,attr"`
	ItemIDs  []ItemID `xml:"m:ItemIds>x"`
}

// MarkAsJunkResponse is the m:MarkAsJunkResponse body.
type MarkAsJunkResponse struct {
	ResponseMessages []MarkAsJunkResponseMessage `xml:"ResponseMessages>MarkAsJunkResponseMessage"`
}

// MarkAsJunkResponseMessage is one response message of MarkAsJunk: the moved item's id.
type MarkAsJunkResponseMessage struct {
	ResponseMessage
	MovedItemID *ID `xml:"MovedItemId"`
}

// Op names MarkAsJunk: it is not retried once it could have reached the server.
func (*MarkAsJunk) Op() Op { return Op{Name: "MarkAsJunk", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item.
func (r *MarkAsJunk) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty MarkAsJunkResponse.
func (*MarkAsJunk) NewResponse() *MarkAsJunkResponse { return new(MarkAsJunkResponse) }

// Len is the number of response messages.
func (r *MarkAsJunkResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *MarkAsJunkResponse) Result(i int) Result { return &r.ResponseMessages[i] }
