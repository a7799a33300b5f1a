package soap

import "encoding/xml"

// SendItem is the m:SendItem request: sends saved drafts.
type SendItem struct {
	XMLName           xml.Name      `xml:"m:SendItem"`
	SaveItemToFolder  bool          `xml:"SaveItemToFolder,attr"`
	ItemIDs           []ItemID      `xml:"m:ItemIds>x"`
	SavedItemFolderID *TargetFolder `xml:"m:SavedItemFolderId,omitempty"`
}

// SendItemResponse is the m:SendItemResponse body.
type SendItemResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>SendItemResponseMessage"`
}
