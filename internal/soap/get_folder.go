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

// Op names GetFolder: it may be retried.
func (*GetFolder) Op() Op { return Op{Name: "GetFolder", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per folder id.
func (r *GetFolder) Messages() int { return len(r.FolderIDs) }

// NewResponse returns an empty GetFolderResponse.
func (*GetFolder) NewResponse() *GetFolderResponse { return new(GetFolderResponse) }

// Len is the number of response messages.
func (r *GetFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *GetFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
