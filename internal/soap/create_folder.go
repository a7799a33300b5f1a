package soap

import "encoding/xml"

// CreateFolder is the m:CreateFolder request (CreateFolderType): ParentFolderId, Folders.
type CreateFolder struct {
	XMLName        xml.Name       `xml:"m:CreateFolder"`
	ParentFolderID TargetFolder   `xml:"m:ParentFolderId"`
	Folders        []FolderCreate `xml:"m:Folders>t:Folder"`
}

// FolderCreate is a t:Folder in a request (FolderType): FolderClass, DisplayName in schema order.
type FolderCreate struct {
	FolderClass string `xml:"t:FolderClass,omitempty"`
	DisplayName string `xml:"t:DisplayName,omitempty"`
}

// CreateFolderResponse is the m:CreateFolderResponse body.
type CreateFolderResponse struct {
	ResponseMessages []FolderInfoResponseMessage `xml:"ResponseMessages>CreateFolderResponseMessage"`
}
