package soap

import "encoding/xml"

// MoveItem is the m:MoveItem request (BaseMoveCopyItemType): ToFolderId, ItemIds, ReturnNewItemIds.
type MoveItem struct {
	XMLName          xml.Name  `xml:"m:MoveItem"`
	ToFolderID       FolderRef `xml:"m:ToFolderId>x"`
	ItemIDs          []ItemID  `xml:"m:ItemIds>x"`
	ReturnNewItemIDs *bool     `xml:"m:ReturnNewItemIds,omitempty"`
}

// MoveItemResponse is the m:MoveItemResponse body.
type MoveItemResponse struct {
	ResponseMessages []ItemInfoResponseMessage `xml:"ResponseMessages>MoveItemResponseMessage"`
}

// CopyItem is the m:CopyItem request, the same shape as MoveItem.
type CopyItem struct {
	XMLName          xml.Name  `xml:"m:CopyItem"`
	ToFolderID       FolderRef `xml:"m:ToFolderId>x"`
	ItemIDs          []ItemID  `xml:"m:ItemIds>x"`
	ReturnNewItemIDs *bool     `xml:"m:ReturnNewItemIds,omitempty"`
}

// CopyItemResponse is the m:CopyItemResponse body.
type CopyItemResponse struct {
	ResponseMessages []ItemInfoResponseMessage `xml:"ResponseMessages>CopyItemResponseMessage"`
}

// Op names MoveItem: it is not retried once it could have reached the server.
func (*MoveItem) Op() Op { return Op{Name: "MoveItem", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item id.
func (r *MoveItem) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty MoveItemResponse.
func (*MoveItem) NewResponse() *MoveItemResponse { return new(MoveItemResponse) }

// Len is the number of response messages.
func (r *MoveItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *MoveItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }

// Op names CopyItem: it is not retried once it could have reached the server.
func (*CopyItem) Op() Op { return Op{Name: "CopyItem", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item id.
func (r *CopyItem) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty CopyItemResponse.
func (*CopyItem) NewResponse() *CopyItemResponse { return new(CopyItemResponse) }

// Len is the number of response messages.
func (r *CopyItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *CopyItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
