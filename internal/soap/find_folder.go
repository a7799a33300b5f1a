package soap

import "encoding/xml"

// FindFolder is the m:FindFolder request (FindFolderType in messages.xsd). Children in schema order:
// FolderShape, IndexedPageFolderView, Restriction, ParentFolderIds.
type FindFolder struct {
	XMLName         xml.Name         `xml:"m:FindFolder"`
	Traversal       string           `xml:"Traversal,attr"`
	FolderShape     FolderShape      `xml:"m:FolderShape"`
	IndexedPageView *IndexedPageView `xml:"m:IndexedPageFolderView,omitempty"`
	Restriction     *Restriction     `xml:"m:Restriction,omitempty"`
	ParentFolderIDs []FolderRef      `xml:"m:ParentFolderIds>x"`
}

// FindFolderResponse is the m:FindFolderResponse body.
type FindFolderResponse struct {
	ResponseMessages []FindFolderResponseMessage `xml:"ResponseMessages>FindFolderResponseMessage"`
}

// FindFolderResponseMessage is one response message of FindFolder.
type FindFolderResponseMessage struct {
	ResponseMessage
	RootFolder FindFolderParent `xml:"RootFolder"`
}

// FindFolderParent is the m:RootFolder of a FindFolder response (FindFolderParentType).
type FindFolderParent struct {
	IndexedPagingOffset     int     `xml:"IndexedPagingOffset,attr"`
	TotalItemsInView        int     `xml:"TotalItemsInView,attr"`
	IncludesLastItemInRange bool    `xml:"IncludesLastItemInRange,attr"`
	Folders                 Folders `xml:"Folders"`
}

// Op names FindFolder: it may be retried.
func (*FindFolder) Op() Op { return Op{Name: "FindFolder", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per parent folder.
func (r *FindFolder) Messages() int { return len(r.ParentFolderIDs) }

// NewResponse returns an empty FindFolderResponse.
func (*FindFolder) NewResponse() *FindFolderResponse { return new(FindFolderResponse) }

// Len is the number of response messages.
func (r *FindFolderResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *FindFolderResponse) Result(i int) Result { return &r.ResponseMessages[i] }
