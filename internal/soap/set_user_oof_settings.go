package soap

import "encoding/xml"

// SetUserOofSettings is the m:SetUserOofSettingsRequest request: t:Mailbox, t:UserOofSettings.
type SetUserOofSettings struct {
	XMLName         xml.Name           `xml:"m:SetUserOofSettingsRequest"`
	Mailbox         OofMailbox         `xml:"t:Mailbox"`
	UserOofSettings UserOofSettingsReq `xml:"t:UserOofSettings"`
}

// UserOofSettingsReq is a t:UserOofSettings in a request: OofState, ExternalAudience, Duration, InternalReply,
// ExternalReply.
type UserOofSettingsReq struct {
	OofState         string       `xml:"t:OofState"`
	ExternalAudience string       `xml:"t:ExternalAudience"`
	Duration         *OofDuration `xml:"t:Duration,omitempty"`
	InternalReply    *ReplyBody   `xml:"t:InternalReply,omitempty"`
	ExternalReply    *ReplyBody   `xml:"t:ExternalReply,omitempty"`
}

// OofDuration is a t:Duration: StartTime, EndTime (xs:dateTime).
type OofDuration struct {
	StartTime string `xml:"t:StartTime"`
	EndTime   string `xml:"t:EndTime"`
}

// ReplyBody is a t:ReplyBody: Message.
type ReplyBody struct {
	Message string `xml:"t:Message"`
}

// SetUserOofSettingsResponse is the m:SetUserOofSettingsResponse body.
type SetUserOofSettingsResponse struct {
	Messages []OofResponseMessage `xml:"ResponseMessage"`
}

// Op names SetUserOofSettings: it may be retried.
func (*SetUserOofSettings) Op() Op { return Op{Name: "SetUserOofSettings", Idempotent: true} }

// Messages is the number of response messages of a complete answer, its m:ResponseMessage.
func (r *SetUserOofSettings) Messages() int { return 1 }

// NewResponse returns an empty SetUserOofSettingsResponse.
func (*SetUserOofSettings) NewResponse() *SetUserOofSettingsResponse {
	return new(SetUserOofSettingsResponse)
}

// Len is the number of response messages.
func (r *SetUserOofSettingsResponse) Len() int { return len(r.Messages) }

// Result returns the i-th response message.
func (r *SetUserOofSettingsResponse) Result(i int) Result { return &r.Messages[i] }
