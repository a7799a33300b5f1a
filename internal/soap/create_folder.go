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

// Op names CreateFolder: it is not retried once it could have reached the server.
func (*CreateFolder) Op() Op { return Op{Name: "CreateFolder", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per folder.
func (r *CreateFolder) Messages() int { return len(r.Folders) }

// NewResponse returns an empty CreateFolderResponse.
func (*CreateFolder) NewResponse() *CreateFolderResponse { return new(CreateFolderResponse) }

// Len is the number of response messages.
func (r *CreateFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *CreateFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
