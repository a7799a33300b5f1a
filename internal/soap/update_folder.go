package soap

import "encoding/xml"

// UpdateFolder is the m:UpdateFolder request (UpdateFolderType): FolderChanges.
type UpdateFolder struct {
	XMLName       xml.Name       `xml:"m:UpdateFolder"`
	FolderChanges []FolderChange `xml:"m:FolderChanges>t:FolderChange"`
}

// FolderChange is a t:FolderChange: the folder, then its updates (t:SetFolderField only).
type FolderChange struct {
	FolderID FolderRef        `xml:"x"`
	Updates  []SetFolderField `xml:"t:Updates>t:SetFolderField"`
}

// SetFolderField sets one property: the property's path, then a t:Folder holding only its new value.
type SetFolderField struct {
	Path   Path         `xml:"x"`
	Folder FolderCreate `xml:"t:Folder"`
}

// UpdateFolderResponse is the m:UpdateFolderResponse body.
type UpdateFolderResponse struct {
	ResponseMessages []FolderInfoResponseMessage `xml:"ResponseMessages>UpdateFolderResponseMessage"`
}
