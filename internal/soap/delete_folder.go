package soap

import "encoding/xml"

// DeleteFolder is the m:DeleteFolder request (DeleteFolderType): FolderIds; DeleteType is HardDelete,
// SoftDelete or MoveToDeletedItems.
type DeleteFolder struct {
	XMLName    xml.Name    `xml:"m:DeleteFolder"`
	DeleteType string      `xml:"DeleteType,attr"`
	FolderIDs  []FolderRef `xml:"m:FolderIds>x"`
}

// DeleteFolderResponse is the m:DeleteFolderResponse body.
type DeleteFolderResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>DeleteFolderResponseMessage"`
}
