package soap

import "encoding/xml"

// FindItem is the m:FindItem request (FindItemType). Children in schema order: ItemShape, one paging view,
// Restriction, SortOrder, ParentFolderIds, QueryString.
type FindItem struct {
	XMLName         xml.Name         `xml:"m:FindItem"`
	Traversal       string           `xml:"Traversal,attr"`
	ItemShape       ItemShape        `xml:"m:ItemShape"`
	IndexedPageView *IndexedPageView `xml:"m:IndexedPageItemView,omitempty"`
	CalendarView    *CalendarView    `xml:"m:CalendarView,omitempty"`
	ContactsView    *ContactsView    `xml:"m:ContactsView,omitempty"`
	Restriction     *Restriction     `xml:"m:Restriction,omitempty"`
	SortOrder       SortOrder        `xml:"m:SortOrder,omitempty"`
	ParentFolderIDs []FolderRef      `xml:"m:ParentFolderIds>x"`
	QueryString     string           `xml:"m:QueryString,omitempty"`
}

// CalendarView asks for the occurrences of a calendar between two times (recurring series expanded).
type CalendarView struct {
	MaxEntriesReturned int    `xml:"MaxEntriesReturned,attr,omitempty"`
	StartDate          string `xml:"StartDate,attr"`
	EndDate            string `xml:"EndDate,attr"`
}

// ContactsView pages contacts by name.
type ContactsView struct {
	MaxEntriesReturned int    `xml:"MaxEntriesReturned,attr,omitempty"`
	InitialName        string `xml:"InitialName,attr,omitempty"`
	FinalName          string `xml:"FinalName,attr,omitempty"`
}

// FindItemResponse is the m:FindItemResponse body.
type FindItemResponse struct {
	ResponseMessages []FindItemResponseMessage `xml:"ResponseMessages>FindItemResponseMessage"`
}

// FindItemResponseMessage is one response message of FindItem.
type FindItemResponseMessage struct {
	ResponseMessage
	RootFolder FindItemParent `xml:"RootFolder"`
}

// FindItemParent is the m:RootFolder of a FindItem response.
type FindItemParent struct {
	IndexedPagingOffset     int   `xml:"IndexedPagingOffset,attr"`
	TotalItemsInView        int   `xml:"TotalItemsInView,attr"`
	IncludesLastItemInRange bool  `xml:"IncludesLastItemInRange,attr"`
	Items                   Items `xml:"Items"`
}

// SortOrder is the content of m:SortOrder; an empty order is omitted.
type SortOrder []FieldOrder

// MarshalXML implements xml.Marshaler.
func (o SortOrder) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, f := range o {
		if err := f.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Op names FindItem: it may be retried.
func (*FindItem) Op() Op { return Op{Name: "FindItem", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per parent folder.
func (r *FindItem) Messages() int { return len(r.ParentFolderIDs) }

// NewResponse returns an empty FindItemResponse.
func (*FindItem) NewResponse() *FindItemResponse { return new(FindItemResponse) }

// Len is the number of response messages.
func (r *FindItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *FindItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
