package soap

import "encoding/xml"

// GetUserOofSettings is the m:GetUserOofSettingsRequest request: t:Mailbox (t:EmailAddress: Name, Address,
// RoutingType).
type GetUserOofSettings struct {
	XMLName xml.Name   `xml:"m:GetUserOofSettingsRequest"`
	Mailbox OofMailbox `xml:"t:Mailbox"`
}

// OofMailbox is the t:Mailbox (EmailAddress type) of the out-of-office requests.
type OofMailbox struct {
	Name    string `xml:"t:Name,omitempty"`
	Address string `xml:"t:Address"`
}

// GetUserOofSettingsResponse is the m:GetUserOofSettingsResponse body: ResponseMessage, OofSettings,
// AllowExternalOof.
type GetUserOofSettingsResponse struct {
	Messages         []OofResponseMessage `xml:"ResponseMessage"`
	OofSettings      *UserOofSettings     `xml:"OofSettings"`
	AllowExternalOof string               `xml:"AllowExternalOof"`
}

// OofResponseMessage is the m:ResponseMessage of the out-of-office responses.
type OofResponseMessage struct {
	ResponseMessage
}

// UserOofSettings is a UserOofSettings in a response (t:OofSettings).
type UserOofSettings struct {
	OofState         string   `xml:"OofState"`
	ExternalAudience string   `xml:"ExternalAudience"`
	StartTime        DateTime `xml:"Duration>StartTime"`
	EndTime          DateTime `xml:"Duration>EndTime"`
	InternalReply    string   `xml:"InternalReply>Message"`
	ExternalReply    string   `xml:"ExternalReply>Message"`
}
