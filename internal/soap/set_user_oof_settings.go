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
