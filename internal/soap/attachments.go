package soap

import "encoding/xml"

// CreateAttachment is the m:CreateAttachment request: adds attachments to an existing item.
type CreateAttachment struct {
	XMLName      xml.Name        `xml:"m:CreateAttachment"`
	ParentItemID ReferenceItemID `xml:"m:ParentItemId"`
	Attachments  Attachments     `xml:"m:Attachments"`
}

// CreateAttachmentResponse is the m:CreateAttachmentResponse body.
type CreateAttachmentResponse struct {
	ResponseMessages []AttachmentInfoResponseMessage `xml:"ResponseMessages>CreateAttachmentResponseMessage"`
}

// AttachmentInfoResponseMessage is the response message of CreateAttachment and GetAttachment.
type AttachmentInfoResponseMessage struct {
	ResponseMessage
	Attachments AttachmentsResp `xml:"Attachments"`
}

// AttachmentShape is an AttachmentResponseShapeType.
type AttachmentShape struct {
	IncludeMimeContent   *bool    `xml:"t:IncludeMimeContent,omitempty"`
	BodyType             string   `xml:"t:BodyType,omitempty"`
	AdditionalProperties PathList `xml:"t:AdditionalProperties,omitempty"`
}

// AttachmentID names an attachment in a request.
type AttachmentID struct {
	ID string `xml:"Id,attr"`
}

// GetAttachment is the m:GetAttachment request.
type GetAttachment struct {
	XMLName         xml.Name         `xml:"m:GetAttachment"`
	AttachmentShape *AttachmentShape `xml:"m:AttachmentShape,omitempty"`
	AttachmentIDs   []AttachmentID   `xml:"m:AttachmentIds>t:AttachmentId"`
}

// GetAttachmentResponse is the m:GetAttachmentResponse body.
type GetAttachmentResponse struct {
	ResponseMessages []AttachmentInfoResponseMessage `xml:"ResponseMessages>GetAttachmentResponseMessage"`
}

// DeleteAttachment is the m:DeleteAttachment request.
type DeleteAttachment struct {
	XMLName       xml.Name       `xml:"m:DeleteAttachment"`
	AttachmentIDs []AttachmentID `xml:"m:AttachmentIds>t:AttachmentId"`
}

// DeleteAttachmentResponse is the m:DeleteAttachmentResponse body.
type DeleteAttachmentResponse struct {
	ResponseMessages []ResponseMessage `xml:"ResponseMessages>DeleteAttachmentResponseMessage"`
}

// Op names CreateAttachment: it is not retried once it could have reached the server.
func (*CreateAttachment) Op() Op { return Op{Name: "CreateAttachment", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per attachment.
func (r *CreateAttachment) Messages() int { return len(r.Attachments.Attachments) }

// NewResponse returns an empty CreateAttachmentResponse.
func (*CreateAttachment) NewResponse() *CreateAttachmentResponse {
	return new(CreateAttachmentResponse)
}

// Len is the number of response messages.
func (r *CreateAttachmentResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *CreateAttachmentResponse) Result(i int) Result { return &r.ResponseMessages[i] }

// Op names GetAttachment: it may be retried.
func (*GetAttachment) Op() Op { return Op{Name: "GetAttachment", Idempotent: true} }

// Messages is the number of response messages of a complete answer, one per attachment id.
func (r *GetAttachment) Messages() int { return len(r.AttachmentIDs) }

// NewResponse returns an empty GetAttachmentResponse.
func (*GetAttachment) NewResponse() *GetAttachmentResponse { return new(GetAttachmentResponse) }

// Len is the number of response messages.
func (r *GetAttachmentResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *GetAttachmentResponse) Result(i int) Result { return &r.ResponseMessages[i] }

// Op names DeleteAttachment: it is not retried once it could have reached the server.
func (*DeleteAttachment) Op() Op { return Op{Name: "DeleteAttachment", Idempotent: false} }

// Messages is the number of response messages of a complete answer, one per attachment id.
func (r *DeleteAttachment) Messages() int { return len(r.AttachmentIDs) }

// NewResponse returns an empty DeleteAttachmentResponse.
func (*DeleteAttachment) NewResponse() *DeleteAttachmentResponse {
	return new(DeleteAttachmentResponse)
}

// Len is the number of response messages.
func (r *DeleteAttachmentResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *DeleteAttachmentResponse) Result(i int) Result { return &r.ResponseMessages[i] }
