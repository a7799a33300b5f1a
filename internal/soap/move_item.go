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
