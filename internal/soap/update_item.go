package soap

import "encoding/xml"

// UpdateItem is the m:UpdateItem request (UpdateItemType).
type UpdateItem struct {
	XMLName                               xml.Name     `xml:"m:UpdateItem"`
	ConflictResolution                    string       `xml:"ConflictResolution,attr"` // NeverOverwrite, AutoResolve, AlwaysOverwrite
	MessageDisposition                    string       `xml:"MessageDisposition,attr,omitempty"`
	SendMeetingInvitationsOrCancellations string       `xml:"SendMeetingInvitationsOrCancellations,attr,omitempty"`
	SuppressReadReceipts                  *bool        `xml:"SuppressReadReceipts,attr,omitempty"`
	SavedItemFolderID                     *FolderRef   `xml:"m:SavedItemFolderId,omitempty"`
	ItemChanges                           []ItemChange `xml:"m:ItemChanges>t:ItemChange"`
}

// ItemChange is the set of updates of one item.
type ItemChange struct {
	ItemID  ItemID   `xml:"x"`
	Updates []Update `xml:"t:Updates>x"`
}

// Update is one t:SetItemField (Item set), t:AppendToItemField (Item set, Append true) or t:DeleteItemField
// (Item nil). Item is a request item (*Message, *CalendarItem, *Contact) holding only the field to set.
type Update struct {
	Path   Path
	Item   any
	Append bool
}

// MarshalXML implements xml.Marshaler.
func (u Update) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	name := "t:SetItemField"
	switch {
	case u.Item == nil:
		name = "t:DeleteItemField"
	case u.Append:
		name = "t:AppendToItemField"
	}
	start := xml.StartElement{Name: xml.Name{Local: name}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := u.Path.MarshalXML(e, xml.StartElement{}); err != nil {
		return err
	}
	if u.Item != nil {
		if err := e.Encode(u.Item); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// UpdateItemResponse is the m:UpdateItemResponse body.
type UpdateItemResponse struct {
	ResponseMessages []UpdateItemResponseMessage `xml:"ResponseMessages>UpdateItemResponseMessage"`
}

// UpdateItemResponseMessage is one response message of UpdateItem.
type UpdateItemResponseMessage struct {
	ItemInfoResponseMessage
	ConflictResults struct {
		Count int `xml:"Count"`
	} `xml:"ConflictResults"`
}

// Op names UpdateItem: see idempotent.
func (r *UpdateItem) Op() Op { return Op{Name: "UpdateItem", Idempotent: r.idempotent()} }

// Messages is the number of response messages of a complete answer, one per item change.
func (r *UpdateItem) Messages() int { return len(r.ItemChanges) }

// NewResponse returns an empty UpdateItemResponse.
func (*UpdateItem) NewResponse() *UpdateItemResponse { return new(UpdateItemResponse) }

// Len is the number of response messages.
func (r *UpdateItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *UpdateItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }

// idempotent reports whether sending r twice has the effect of sending it once: it sets or deletes fields and
// neither sends anything (MessageDisposition SaveOnly, no meeting updates) nor appends to a field.
func (r *UpdateItem) idempotent() bool {
	if r.MessageDisposition != "" && r.MessageDisposition != "SaveOnly" ||
		r.SendMeetingInvitationsOrCancellations != "" && r.SendMeetingInvitationsOrCancellations != "SendToNone" {
		return false
	}
	for _, c := range r.ItemChanges {
		for _, u := range c.Updates {
			if u.Append {
				return false
			}
		}
	}
	return true
}
