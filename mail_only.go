package ews

import (
	"slices"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// onlyFields are the message properties SearchOptions.Only can name, by exchangelib's field names.
var onlyFields = map[string]soap.PathList{
	"subject":                   {{FieldURI: "item:Subject"}},
	"body":                      {{FieldURI: "item:Body"}},
	"text_body":                 {{FieldURI: "item:TextBody"}},
	"item_class":                {{FieldURI: "item:ItemClass"}},
	"parent_folder_id":          {{FieldURI: "item:ParentFolderId"}},
	"conversation_id":           {{FieldURI: "item:ConversationId"}},
	"importance":                {{FieldURI: "item:Importance"}},
	"categories":                {{FieldURI: "item:Categories"}},
	"in_reply_to":               {{FieldURI: "item:InReplyTo"}},
	"datetime_received":         {{FieldURI: "item:DateTimeReceived"}},
	"datetime_sent":             {{FieldURI: "item:DateTimeSent"}},
	"size":                      {{FieldURI: "item:Size"}},
	"has_attachments":           {{FieldURI: "item:HasAttachments"}},
	"attachments":               {{FieldURI: "item:Attachments"}},
	"is_draft":                  {{FieldURI: "item:IsDraft"}},
	"headers":                   {{FieldURI: "item:InternetMessageHeaders"}, transportHeadersPath},
	"sender":                    {{FieldURI: "message:Sender"}},
	"author":                    {{FieldURI: "message:From"}},
	"from":                      {{FieldURI: "message:From"}},
	"to_recipients":             {{FieldURI: "message:ToRecipients"}},
	"cc_recipients":             {{FieldURI: "message:CcRecipients"}},
	"bcc_recipients":            {{FieldURI: "message:BccRecipients"}},
	"reply_to":                  {{FieldURI: "message:ReplyTo"}},
	"is_read":                   {{FieldURI: "message:IsRead"}},
	"is_read_receipt_requested": {{FieldURI: "message:IsReadReceiptRequested"}},
	"message_id":                {{FieldURI: "message:InternetMessageId"}},
	"references":                {{FieldURI: "message:References"}},
}

// onlyShape returns the ItemShape that fetches the named properties (and the id), or an *InputError naming
// field.
func onlyShape(field string, names []string) (soap.ItemShape, error) {
	shape := soap.ItemShape{BaseShape: "IdOnly", BodyType: "Best"}
	seen := map[string]bool{}
	for _, n := range names {
		paths, ok := onlyFields[n]
		if !ok {
			known := make([]string, 0, len(onlyFields))
			for k := range onlyFields {
				known = append(known, k)
			}
			slices.Sort(known)
			return shape, inputErr(field, "%q is not a message field (use %s)", n, strings.Join(known, ", "))
		}
		for _, p := range paths {
			key := p.FieldURI
			if p.Extended != nil {
				key = "extended:" + p.Extended.PropertyTag
			}
			if !seen[key] {
				seen[key] = true
				shape.AdditionalProperties = append(shape.AdditionalProperties, p)
			}
		}
	}
	return shape, nil
}
