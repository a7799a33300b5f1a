package soap

import "encoding/xml"

// Notification event types (NotificationEventTypeType).
const (
	EventCopied          = "CopiedEvent"
	EventCreated         = "CreatedEvent"
	EventDeleted         = "DeletedEvent"
	EventModified        = "ModifiedEvent"
	EventMoved           = "MovedEvent"
	EventNewMail         = "NewMailEvent"
	EventFreeBusyChanged = "FreeBusyChangedEvent"
	// EventStatus is sent by the server only, when there is nothing else to report.
	EventStatus = "StatusEvent"
)

// Subscribe is the m:Subscribe request (SubscribeType): exactly one of Pull and Streaming is set.
type Subscribe struct {
	XMLName   xml.Name                      `xml:"m:Subscribe"`
	Pull      *PullSubscriptionRequest      `xml:"m:PullSubscriptionRequest,omitempty"`
	Streaming *StreamingSubscriptionRequest `xml:"m:StreamingSubscriptionRequest,omitempty"`
}

// PullSubscriptionRequest asks for a pull subscription (GetEvents). Children in schema order: FolderIds,
// EventTypes, Watermark, Timeout.
type PullSubscriptionRequest struct {
	SubscribeToAllFolders *bool      `xml:"SubscribeToAllFolders,attr,omitempty"`
	FolderIDs             FolderList `xml:"t:FolderIds,omitempty"`
	EventTypes            []string   `xml:"t:EventTypes>t:EventType"`
	// Watermark resumes the events of an earlier subscription from this bookmark.
	Watermark string `xml:"t:Watermark,omitempty"`
	// Timeout is the minutes (1 to 1440) the subscription lives without a GetEvents call.
	Timeout int `xml:"t:Timeout"`
}

// StreamingSubscriptionRequest asks for a streaming subscription (GetStreamingEvents; Exchange 2010 SP1 and
// later).
type StreamingSubscriptionRequest struct {
	SubscribeToAllFolders *bool      `xml:"SubscribeToAllFolders,attr,omitempty"`
	FolderIDs             FolderList `xml:"t:FolderIds,omitempty"`
	EventTypes            []string   `xml:"t:EventTypes>t:EventType"`
}

// SubscribeResponse is the m:SubscribeResponse body.
type SubscribeResponse struct {
	ResponseMessages []SubscribeResponseMessage `xml:"ResponseMessages>SubscribeResponseMessage"`
}

// SubscribeResponseMessage is the response message of Subscribe.
type SubscribeResponseMessage struct {
	ResponseMessage
	SubscriptionID string `xml:"SubscriptionId"`
	// Watermark is the starting bookmark of a pull subscription (streaming subscriptions have none).
	Watermark string `xml:"Watermark"`
}

// Unsubscribe is the m:Unsubscribe request: it ends a pull or streaming subscription.
type Unsubscribe struct {
	XMLName        xml.Name `xml:"m:Unsubscribe"`
	SubscriptionID string   `xml:"m:SubscriptionId"`
}

// UnsubscribeResponse is the m:UnsubscribeResponse body.
type UnsubscribeResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>UnsubscribeResponseMessage"`
}

// Op names Subscribe: it may be retried.
func (*Subscribe) Op() Op { return Op{Name: "Subscribe", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*Subscribe) Messages() int { return 1 }

// NewResponse returns an empty SubscribeResponse.
func (*Subscribe) NewResponse() *SubscribeResponse { return new(SubscribeResponse) }

// Len is the number of response messages.
func (r *SubscribeResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *SubscribeResponse) Result(i int) Result { return &r.ResponseMessages[i] }

// Op names Unsubscribe: it may be retried.
func (*Unsubscribe) Op() Op { return Op{Name: "Unsubscribe", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*Unsubscribe) Messages() int { return 1 }

// NewResponse returns an empty UnsubscribeResponse.
func (*Unsubscribe) NewResponse() *UnsubscribeResponse { return new(UnsubscribeResponse) }

// Len is the number of response messages.
func (r *UnsubscribeResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *UnsubscribeResponse) Result(i int) Result { return &r.ResponseMessages[i] }
