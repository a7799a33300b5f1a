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
