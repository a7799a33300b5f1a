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

// Op names GetItem: it may be retried.
func (*GetItem) Op() Op { return Op{Name: "GetItem", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per item id.
func (r *GetItem) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty GetItemResponse.
func (*GetItem) NewResponse() *GetItemResponse { return new(GetItemResponse) }

// Len is the number of response messages.
func (r *GetItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *GetItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
