package soap

import "encoding/xml"

// CreateItem is the m:CreateItem request (CreateItemType). Items holds *Message, *CalendarItem or *Contact
// values (or response objects such as *AcceptItem).
type CreateItem struct {
	XMLName                xml.Name      `xml:"m:CreateItem"`
	MessageDisposition     string        `xml:"MessageDisposition,attr,omitempty"`     // SaveOnly, SendOnly, SendAndSaveCopy
	SendMeetingInvitations string        `xml:"SendMeetingInvitations,attr,omitempty"` // SendToNone, SendOnlyToAll, SendToAllAndSaveCopy
	SavedItemFolderID      *TargetFolder `xml:"m:SavedItemFolderId,omitempty"`
	Items                  ItemList      `xml:"m:Items"`
}

// ItemList is a list of request items, each written as its own element.
type ItemList []any

// MarshalXML implements xml.Marshaler.
func (l ItemList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, it := range l {
		if err := e.Encode(it); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// CreateItemResponse is the m:CreateItemResponse body.
type CreateItemResponse struct {
	ResponseMessages []ItemInfoResponseMessage `xml:"ResponseMessages>CreateItemResponseMessage"`
}

// ReferenceItemID points a response object at the item it answers.
type ReferenceItemID struct {
	ID        string `xml:"Id,attr"`
	ChangeKey string `xml:"ChangeKey,attr,omitempty"`
}

// AcceptItem, TentativelyAcceptItem and DeclineItem answer a meeting request (created with CreateItem).
type AcceptItem struct {
	XMLName         xml.Name        `xml:"t:AcceptItem"`
	Body            *Body           `xml:"t:Body,omitempty"`
	ReferenceItemID ReferenceItemID `xml:"t:ReferenceItemId"`
}

// TentativelyAcceptItem tentatively accepts a meeting request.
type TentativelyAcceptItem struct {
	XMLName         xml.Name        `xml:"t:TentativelyAcceptItem"`
	Body            *Body           `xml:"t:Body,omitempty"`
	ReferenceItemID ReferenceItemID `xml:"t:ReferenceItemId"`
}

// DeclineItem declines a meeting request.
type DeclineItem struct {
	XMLName         xml.Name        `xml:"t:DeclineItem"`
	Body            *Body           `xml:"t:Body,omitempty"`
	ReferenceItemID ReferenceItemID `xml:"t:ReferenceItemId"`
}

// CancelCalendarItem cancels a meeting the user organizes and notifies the attendees.
type CancelCalendarItem struct {
	XMLName         xml.Name        `xml:"t:CancelCalendarItem"`
	Body            *Body           `xml:"t:Body,omitempty"`
	ReferenceItemID ReferenceItemID `xml:"t:ReferenceItemId"`
}

// Op names CreateItem: it is not retried once it could have reached the server.
func (*CreateItem) Op() Op { return Op{Name: "CreateItem", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item.
func (r *CreateItem) Messages() int { return len(r.Items) }

// NewResponse returns an empty CreateItemResponse.
func (*CreateItem) NewResponse() *CreateItemResponse { return new(CreateItemResponse) }

// Len is the number of response messages.
func (r *CreateItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *CreateItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
