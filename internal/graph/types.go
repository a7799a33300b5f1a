package graph

import (
	"encoding/json"
	"time"
)

// EmailAddress is Graph's emailAddress resource.
type EmailAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
}

// Recipient is Graph's recipient resource.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress"`
}

// ItemBody is Graph's itemBody resource; ContentType is "text" or "html".
type ItemBody struct {
	ContentType string `json:"contentType,omitempty"`
	Content     string `json:"content"`
}

// InternetMessageHeader is one Internet header of a message.
type InternetMessageHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Message is Graph's message resource: the properties the services read and write. Pointers are properties a
// PATCH or a sendMail may leave out.
type Message struct {
	ID                     string                  `json:"id,omitempty"`
	ChangeKey              string                  `json:"changeKey,omitempty"`
	CreatedDateTime        *time.Time              `json:"createdDateTime,omitempty"`
	LastModifiedDateTime   *time.Time              `json:"lastModifiedDateTime,omitempty"`
	ReceivedDateTime       *time.Time              `json:"receivedDateTime,omitempty"`
	SentDateTime           *time.Time              `json:"sentDateTime,omitempty"`
	Categories             []string                `json:"categories,omitempty"`
	HasAttachments         *bool                   `json:"hasAttachments,omitempty"`
	InternetMessageID      string                  `json:"internetMessageId,omitempty"`
	InternetMessageHeaders []InternetMessageHeader `json:"internetMessageHeaders,omitempty"`
	Subject                string                  `json:"subject,omitempty"`
	BodyPreview            string                  `json:"bodyPreview,omitempty"`
	Importance             string                  `json:"importance,omitempty"`
	ParentFolderID         string                  `json:"parentFolderId,omitempty"`
	ConversationID         string                  `json:"conversationId,omitempty"`
	IsReadReceiptRequested *bool                   `json:"isReadReceiptRequested,omitempty"`
	IsRead                 *bool                   `json:"isRead,omitempty"`
	IsDraft                *bool                   `json:"isDraft,omitempty"`
	Body                   *ItemBody               `json:"body,omitempty"`
	Sender                 *Recipient              `json:"sender,omitempty"`
	From                   *Recipient              `json:"from,omitempty"`
	ToRecipients           []Recipient             `json:"toRecipients,omitempty"`
	CcRecipients           []Recipient             `json:"ccRecipients,omitempty"`
	BccRecipients          []Recipient             `json:"bccRecipients,omitempty"`
	ReplyTo                []Recipient             `json:"replyTo,omitempty"`
	Attachments            []Attachment            `json:"attachments,omitempty"`
	Flag                   *FollowupFlag           `json:"flag,omitempty"`
}

// FollowupFlag is Graph's followupFlag resource; FlagStatus is "notFlagged", "flagged" or "complete".
type FollowupFlag struct {
	FlagStatus string `json:"flagStatus"`
}

// Attachment is Graph's fileAttachment or itemAttachment resource (ODataType tells which).
type Attachment struct {
	ODataType    string `json:"@odata.type,omitempty"`
	ID           string `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
	Size         int    `json:"size,omitempty"`
	IsInline     bool   `json:"isInline"`
	ContentID    string `json:"contentId,omitempty"`
	ContentBytes []byte `json:"contentBytes,omitempty"` // base64 in JSON, as Graph's Edm.Binary
	// LastModifiedDateTime is when the attachment last changed (read only).
	LastModifiedDateTime *time.Time `json:"lastModifiedDateTime,omitempty"`
}

// FileAttachmentType is the @odata.type of a file attachment.
const FileAttachmentType = "#microsoft.graph.fileAttachment"

// MailFolder is Graph's mailFolder resource.
type MailFolder struct {
	ID               string `json:"id"`
	DisplayName      string `json:"displayName"`
	ParentFolderID   string `json:"parentFolderId,omitempty"`
	ChildFolderCount int    `json:"childFolderCount"`
	UnreadItemCount  int    `json:"unreadItemCount"`
	TotalItemCount   int    `json:"totalItemCount"`
	IsHidden         bool   `json:"isHidden"`
}

// Page is one page of a collection: its values and the link to the next page ("" on the last).
type Page[T any] struct {
	Context  string `json:"@odata.context,omitempty"`
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink,omitempty"`
}

// errorBody is Graph's error response: {"error": {"code": ..., "message": ..., "innerError": {...}}}.
type errorBody struct {
	Error struct {
		Code       string          `json:"code"`
		Message    string          `json:"message"`
		InnerError json.RawMessage `json:"innerError,omitempty"`
	} `json:"error"`
}
