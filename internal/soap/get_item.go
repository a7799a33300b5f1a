package soap

import "encoding/xml"

// GetItem is the m:GetItem request (GetItemType).
type GetItem struct {
	XMLName   xml.Name  `xml:"m:GetItem"`
	ItemShape ItemShape `xml:"m:ItemShape"`
	ItemIDs   []ItemID  `xml:"m:ItemIds>x"`
}

// GetItemResponse is the m:GetItemResponse body: one message per requested id, in request order.
type GetItemResponse struct {
	ResponseMessages []ItemInfoResponseMessage `xml:"ResponseMessages>GetItemResponseMessage"`
}
