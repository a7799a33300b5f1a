package soap

import "encoding/xml"

// SmartResponse is a t:ReplyToItem, t:ReplyAllToItem or t:ForwardItem in a CreateItem (SmartResponseType):
// Subject, Body, ToRecipients, CcRecipients, BccRecipients, ReferenceItemId, NewBodyContent in schema order.
// The server adds the original message (quoted, or attached for a forward) after NewBodyContent.
type SmartResponse struct {
	XMLName         xml.Name
	Subject         string          `xml:"t:Subject,omitempty"`
	ToRecipients    *Recipients     `xml:"t:ToRecipients,omitempty"`
	CcRecipients    *Recipients     `xml:"t:CcRecipients,omitempty"`
	BccRecipients   *Recipients     `xml:"t:BccRecipients,omitempty"`
	ReferenceItemID ReferenceItemID `xml:"t:ReferenceItemId"`
	NewBodyContent  *Body           `xml:"t:NewBodyContent,omitempty"`
}

// Names of the smart responses.
var (
	ReplyToItemName    = xml.Name{Local: "t:ReplyToItem"}
	ReplyAllToItemName = xml.Name{Local: "t:ReplyAllToItem"}
	ForwardItemName    = xml.Name{Local: "t:ForwardItem"}
)
