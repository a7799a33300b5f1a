package soap

import "encoding/xml"

// GetFolder is the m:GetFolder request (GetFolderType in messages.xsd).
type GetFolder struct {
	XMLName     xml.Name    `xml:"m:GetFolder"`
	FolderShape FolderShape `xml:"m:FolderShape"`
	FolderIDs   []FolderRef `xml:"m:FolderIds>x"`
}

// GetFolderResponse is the m:GetFolderResponse body.
type GetFolderResponse struct {
	ResponseMessages []FolderInfoResponseMessage `xml:"ResponseMessages>GetFolderResponseMessage"`
}

// FolderInfoResponseMessage is the response message of GetFolder, CreateFolder, UpdateFolder and friends.
type FolderInfoResponseMessage struct {
	ResponseMessage
	Folders Folders `xml:"Folders"`
}
