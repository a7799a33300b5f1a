package soap

import "encoding/xml"

// SyncFolderItems is the m:SyncFolderItems request (SyncFolderItemsType). Children in schema order: ItemShape,
// SyncFolderId, SyncState, Ignore, MaxChangesReturned, SyncScope.
type SyncFolderItems struct {
	XMLName      xml.Name     `xml:"m:SyncFolderItems"`
	ItemShape    ItemShape    `xml:"m:ItemShape"`
	SyncFolderID TargetFolder `xml:"m:SyncFolderId"`
	// SyncState is the state a previous response returned; empty asks for every item of the folder.
	SyncState string `xml:"m:SyncState,omitempty"`
	// Ignore lists items whose changes are not to be returned.
	Ignore ItemIDList `xml:"m:Ignore,omitempty"`
	// MaxChangesReturned is 1 to 512 (required).
	MaxChangesReturned int `xml:"m:MaxChangesReturned"`
	// SyncScope is NormalItems (the default) or NormalAndAssociatedItems.
	SyncScope string `xml:"m:SyncScope,omitempty"`
}

// SyncFolderItemsResponse is the m:SyncFolderItemsResponse body.
type SyncFolderItemsResponse struct {
	ResponseMessages []SyncFolderItemsResponseMessage `xml:"ResponseMessages>SyncFolderItemsResponseMessage"`
}

// SyncFolderItemsResponseMessage is the response message of SyncFolderItems.
type SyncFolderItemsResponseMessage struct {
	ResponseMessage
	SyncState               string      `xml:"SyncState"`
	IncludesLastItemInRange bool        `xml:"IncludesLastItemInRange"`
	Changes                 SyncChanges `xml:"Changes"`
}

// SyncChanges is the t:Changes of a SyncFolderItems response, in the server's order.
type SyncChanges struct {
	Changes []SyncChange `xml:",any"`
}

// Kinds of SyncChange (the element names of SyncFolderItemsChangesType).
const (
	SyncCreate         = "Create"
	SyncUpdate         = "Update"
	SyncDelete         = "Delete"
	SyncReadFlagChange = "ReadFlagChange"
)

// SyncChange is one t:Create, t:Update, t:Delete or t:ReadFlagChange; XMLName.Local tells which.
type SyncChange struct {
	XMLName xml.Name
	// ItemID is set for Delete and ReadFlagChange.
	ItemID *ID `xml:"ItemId"`
	// IsRead is the new read flag of a ReadFlagChange.
	IsRead bool `xml:"IsRead"`
	// Items holds the one item (t:Message, t:CalendarItem, ...) of a Create or Update.
	Items []Item `xml:",any"`
}

// Kind returns the change's element name: SyncCreate, SyncUpdate, SyncDelete or SyncReadFlagChange.
func (c *SyncChange) Kind() string { return c.XMLName.Local }

// Item returns the item of a Create or Update, or nil.
func (c *SyncChange) Item() *Item {
	if len(c.Items) == 0 {
		return nil
	}
	return &c.Items[0]
}

// ID returns the id of the changed item, whatever the kind of change (nil if the server sent none).
func (c *SyncChange) ID() *ID {
	if c.ItemID != nil {
		return c.ItemID
	}
	if it := c.Item(); it != nil {
		return it.ItemID
	}
	return nil
}

// ItemIDList is a list of item references (m:Ignore); an empty list is omitted.
type ItemIDList []ItemID

// MarshalXML implements xml.Marshaler.
func (l ItemIDList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, id := range l {
		if err := id.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Op names SyncFolderItems: it may be retried.
func (*SyncFolderItems) Op() Op { return Op{Name: "SyncFolderItems", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*SyncFolderItems) Messages() int { return 1 }

// NewResponse returns an empty SyncFolderItemsResponse.
func (*SyncFolderItems) NewResponse() *SyncFolderItemsResponse { return new(SyncFolderItemsResponse) }

// Len is the number of response messages.
func (r *SyncFolderItemsResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *SyncFolderItemsResponse) Result(i int) Result { return &r.ResponseMessages[i] }
