package soap

import "encoding/xml"

// SendItem is the m:SendItem request: sends saved drafts.
type SendItem struct {
	XMLName           xml.Name      `xml:"m:SendItem"`
	SaveItemToFolder  bool          `xml:"SaveItemToFolder,attr"`
	ItemIDs           []ItemID      `xml:"m:ItemIds>x"`
	SavedItemFolderID *TargetFolder `xml:"m:SavedItemFolderId,omitempty"`
}

// SendItemResponse is the m:SendItemResponse body.
type SendItemResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>SendItemResponseMessage"`
}

// Op names SendItem: it is not retried once it could have reached the server.
func (*SendItem) Op() Op { return Op{Name: "SendItem", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per item id.
func (r *SendItem) Messages() int { return len(r.ItemIDs) }

// NewResponse returns an empty SendItemResponse.
func (*SendItem) NewResponse() *SendItemResponse { return new(SendItemResponse) }

// Len is the number of response messages.
func (r *SendItemResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *SendItemResponse) Result(i int) Result { return &r.ResponseMessages[i] }
