package soap

import "encoding/xml"

// EmptyFolder is the m:EmptyFolder request (EmptyFolderType): FolderIds, with the required DeleteType and
// DeleteSubFolders attributes.
type EmptyFolder struct {
	XMLName          xml.Name    `xml:"m:EmptyFolder"`
	DeleteType       string      `xml:"DeleteType,attr"`
	DeleteSubFolders bool        `xml:"DeleteSubFolders,attr"`
	FolderIDs        []FolderRef `xml:"m:FolderIds>x"`
}

// EmptyFolderResponse is the m:EmptyFolderResponse body.
type EmptyFolderResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>EmptyFolderResponseMessage"`
}
