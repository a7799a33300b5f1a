package soap

import "encoding/xml"

// GetEvents is the m:GetEvents request: the events of a pull subscription since Watermark.
type GetEvents struct {
	XMLName        xml.Name `xml:"m:GetEvents"`
	SubscriptionID string   `xml:"m:SubscriptionId"`
	Watermark      string   `xml:"m:Watermark"`
}

// GetEventsResponse is the m:GetEventsResponse body.
type GetEventsResponse struct {
	ResponseMessages []GetEventsResponseMessage `xml:"ResponseMessages>GetEventsResponseMessage"`
}

// GetEventsResponseMessage is the response message of GetEvents.
type GetEventsResponseMessage struct {
	ResponseMessage
	Notification *Notification `xml:"Notification"`
}

// Notification is a NotificationType: the events of one subscription, oldest first.
type Notification struct {
	SubscriptionID    string `xml:"SubscriptionId"`
	PreviousWatermark string `xml:"PreviousWatermark"`
	// MoreEvents tells that the server has more events than it sent; ask again at once.
	MoreEvents bool    `xml:"MoreEvents"`
	Events     []Event `xml:",any"`
}

// Event is one event of a notification (CreatedEvent, NewMailEvent, ModifiedEvent, MovedEvent, CopiedEvent,
// DeletedEvent, FreeBusyChangedEvent or StatusEvent); XMLName.Local tells which.
type Event struct {
	XMLName        xml.Name
	Watermark      string   `xml:"Watermark"`
	TimeStamp      DateTime `xml:"TimeStamp"`
	FolderID       *ID      `xml:"FolderId"`
	ItemID         *ID      `xml:"ItemId"`
	ParentFolderID *ID      `xml:"ParentFolderId"`
	// OldFolderID, OldItemID and OldParentFolderID are set for MovedEvent and CopiedEvent.
	OldFolderID       *ID `xml:"OldFolderId"`
	OldItemID         *ID `xml:"OldItemId"`
	OldParentFolderID *ID `xml:"OldParentFolderId"`
	// UnreadCount is the folder's unread count in a ModifiedEvent of a folder.
	UnreadCount *int `xml:"UnreadCount"`
}

// Kind returns the event's element name, e.g. EventNewMail.
func (e *Event) Kind() string { return e.XMLName.Local }

// Op names GetEvents: it may be retried.
func (*GetEvents) Op() Op { return Op{Name: "GetEvents", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*GetEvents) Messages() int { return 1 }

// NewResponse returns an empty GetEventsResponse.
func (*GetEvents) NewResponse() *GetEventsResponse { return new(GetEventsResponse) }

// Len is the number of response messages.
func (r *GetEventsResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *GetEventsResponse) Result(i int) Result { return &r.ResponseMessages[i] }
