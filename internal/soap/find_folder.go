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
