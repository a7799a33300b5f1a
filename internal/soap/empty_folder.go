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

// Op names EmptyFolder: it is not retried once it could have reached the server.
func (*EmptyFolder) Op() Op { return Op{Name: "EmptyFolder", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per folder.
func (r *EmptyFolder) Messages() int { return len(r.FolderIDs) }

// NewResponse returns an empty EmptyFolderResponse.
func (*EmptyFolder) NewResponse() *EmptyFolderResponse { return new(EmptyFolderResponse) }

// Len is the number of response messages.
func (r *EmptyFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *EmptyFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
