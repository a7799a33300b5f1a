package soap

import "encoding/xml"

// DeleteItem is the m:DeleteItem request (DeleteItemType).
type DeleteItem struct {
	XMLName                  xml.Name `xml:"m:DeleteItem"`
	DeleteType               string   `xml:"DeleteType,attr"` // HardDelete, SoftDelete, MoveToDeletedItems
	SendMeetingCancellations string   `xml:"SendMeetingCancellations,attr,omitempty"`
	AffectedTaskOccurrences  string   `xml:"AffectedTaskOccurrences,attr,omitempty"`
	SuppressReadReceipts     *bool    `xml:"SuppressReadReceipts,attr,omitempty"`
	ItemIDs                  []ItemID `xml:"m:ItemIds>x"`
}

// DeleteItemResponse is the m:DeleteItemResponse body.
type DeleteItemResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>DeleteItemResponseMessage"`
}
