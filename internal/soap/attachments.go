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
