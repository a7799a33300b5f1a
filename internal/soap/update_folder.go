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

// Op names UpdateFolder: it may be retried.
func (*UpdateFolder) Op() Op { return Op{Name: "UpdateFolder", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per folder change.
func (r *UpdateFolder) Messages() int { return len(r.FolderChanges) }

// NewResponse returns an empty UpdateFolderResponse.
func (*UpdateFolder) NewResponse() *UpdateFolderResponse { return new(UpdateFolderResponse) }

// Len is the number of response messages.
func (r *UpdateFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *UpdateFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
