package soap

import "encoding/xml"

// FolderRef is a reference to a folder in a request: a FolderId (ID set) or a DistinguishedFolderId
// (Distinguished set, optionally in another Mailbox). It encodes as t:FolderId or t:DistinguishedFolderId.
type FolderRef struct {
	ID            string
	ChangeKey     string
	Distinguished string
	// Mailbox is the SMTP address of another mailbox, for a distinguished folder of a delegate mailbox.
	Mailbox string
}

// MarshalXML implements xml.Marshaler.
func (f FolderRef) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	if f.ID != "" {
		start := xml.StartElement{Name: xml.Name{Local: "t:FolderId"}, Attr: []xml.Attr{{Name: xml.Name{Local: "Id"}, Value: f.ID}}}
		if f.ChangeKey != "" {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "ChangeKey"}, Value: f.ChangeKey})
		}
		return e.EncodeElement("", start)
	}
	start := xml.StartElement{Name: xml.Name{Local: "t:DistinguishedFolderId"}, Attr: []xml.Attr{{Name: xml.Name{Local: "Id"}, Value: f.Distinguished}}}
	if f.ChangeKey != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "ChangeKey"}, Value: f.ChangeKey})
	}
	if f.Mailbox == "" {
		return e.EncodeElement("", start)
	}
	return e.EncodeElement(struct {
		Mailbox Mailbox `xml:"t:Mailbox"`
	}{Mailbox{EmailAddress: f.Mailbox}}, start)
}

// ItemRef is a reference to an item in a request; it encodes as t:ItemId.
type ItemRef struct {
	ID        string `xml:"Id,attr"`
	ChangeKey string `xml:"ChangeKey,attr,omitempty"`
}

// Mailbox is an EmailAddressType in a request.
type Mailbox struct {
	Name         string `xml:"t:Name,omitempty"`
	EmailAddress string `xml:"t:EmailAddress,omitempty"`
	RoutingType  string `xml:"t:RoutingType,omitempty"`
	MailboxType  string `xml:"t:MailboxType,omitempty"`
}

// Path is a property path: t:FieldURI, t:IndexedFieldURI (FieldIndex set) or t:ExtendedFieldURI (Extended set).
type Path struct {
	FieldURI   string
	FieldIndex string
	Extended   *ExtendedFieldURI
}

// ExtendedFieldURI identifies a MAPI property.
type ExtendedFieldURI struct {
	DistinguishedPropertySetID string `xml:"DistinguishedPropertySetId,attr,omitempty"`
	PropertySetID              string `xml:"PropertySetId,attr,omitempty"`
	PropertyTag                string `xml:"PropertyTag,attr,omitempty"`
	PropertyName               string `xml:"PropertyName,attr,omitempty"`
	PropertyID                 string `xml:"PropertyId,attr,omitempty"`
	PropertyType               string `xml:"PropertyType,attr"`
}

// MarshalXML implements xml.Marshaler.
func (p Path) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	switch {
	case p.Extended != nil:
		return e.EncodeElement(p.Extended, xml.StartElement{Name: xml.Name{Local: "t:ExtendedFieldURI"}})
	case p.FieldIndex != "":
		return e.EncodeElement("", xml.StartElement{Name: xml.Name{Local: "t:IndexedFieldURI"}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "FieldURI"}, Value: p.FieldURI},
			{Name: xml.Name{Local: "FieldIndex"}, Value: p.FieldIndex},
		}})
	default:
		return e.EncodeElement("", xml.StartElement{Name: xml.Name{Local: "t:FieldURI"}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "FieldURI"}, Value: p.FieldURI},
		}})
	}
}

// FolderShape is a FolderResponseShapeType.
type FolderShape struct {
	BaseShape            string   `xml:"t:BaseShape"`
	AdditionalProperties PathList `xml:"t:AdditionalProperties,omitempty"`
}

// PathList is the content of t:AdditionalProperties; an empty list is omitted.
type PathList []Path

// MarshalXML implements xml.Marshaler.
func (l PathList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, p := range l {
		if err := p.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// IndexedPageView is an IndexedPageItemView or IndexedPageFolderView (same attributes).
type IndexedPageView struct {
	MaxEntriesReturned int    `xml:"MaxEntriesReturned,attr,omitempty"`
	Offset             int    `xml:"Offset,attr"`
	BasePoint          string `xml:"BasePoint,attr"`
}

// ID is an ItemId or FolderId in a response.
type ID struct {
	ID        string `xml:"Id,attr"`
	ChangeKey string `xml:"ChangeKey,attr"`
}

// MailboxResp is an EmailAddressType in a response.
type MailboxResp struct {
	Name         string `xml:"Name"`
	EmailAddress string `xml:"EmailAddress"`
	RoutingType  string `xml:"RoutingType"`
	MailboxType  string `xml:"MailboxType"`
	ItemID       *ID    `xml:"ItemId"`
}

// Folder is any folder type in a response (Folder, CalendarFolder, ContactsFolder, SearchFolder, TasksFolder);
// XMLName tells which.
type Folder struct {
	XMLName          xml.Name
	FolderID         ID     `xml:"FolderId"`
	ParentFolderID   *ID    `xml:"ParentFolderId"`
	FolderClass      string `xml:"FolderClass"`
	DisplayName      string `xml:"DisplayName"`
	TotalCount       int    `xml:"TotalCount"`
	ChildFolderCount int    `xml:"ChildFolderCount"`
	UnreadCount      int    `xml:"UnreadCount"`
}

// Folders is the content of an m:Folders or t:Folders element.
type Folders struct {
	Folders []Folder `xml:",any"`
}

// TargetFolder wraps a folder reference in an element such as m:SavedItemFolderId.
type TargetFolder struct {
	Folder FolderRef `xml:"x"`
}

// FolderList is a list of folder references that an operation names as one element, such as Subscribe's
// t:FolderIds or ResolveNames' m:ParentFolderIds; with omitempty an empty list is omitted.
type FolderList []FolderRef

// MarshalXML implements xml.Marshaler.
func (l FolderList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, f := range l {
		if err := f.MarshalXML(e, xml.StartElement{}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}
