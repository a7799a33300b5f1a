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

// Op names DeleteItem: it is not retried once it could have reached the server.
func (*DeleteItem) Op() Op { return Op{Name: "DeleteItem", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item id.
func (r *DeleteItem) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty DeleteItemResponse.
func (*DeleteItem) NewResponse() *DeleteItemResponse { return new(DeleteItemResponse) }

// Len is the number of response messages.
func (r *DeleteItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *DeleteItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
