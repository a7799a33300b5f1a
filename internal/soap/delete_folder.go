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

// Op names DeleteFolder: it is not retried once it could have reached the server.
func (*DeleteFolder) Op() Op { return Op{Name: "DeleteFolder", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per folder.
func (r *DeleteFolder) Messages() int { return len(r.FolderIDs) }

// NewResponse returns an empty DeleteFolderResponse.
func (*DeleteFolder) NewResponse() *DeleteFolderResponse { return new(DeleteFolderResponse) }

// Len is the number of response messages.
func (r *DeleteFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *DeleteFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
