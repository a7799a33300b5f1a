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

// Op names GetUserOofSettings (whose request element is GetUserOofSettingsRequest): it may be retried.
func (*GetUserOofSettings) Op() Op { return Op{Name: "GetUserOofSettings", Idempotent: true} }

// Messages is the number of response messages of a complete answer, its m:ResponseMessage.
func (r *GetUserOofSettings) Messages() int { return 1 }

// NewResponse returns an empty GetUserOofSettingsResponse.
func (*GetUserOofSettings) NewResponse() *GetUserOofSettingsResponse {
	return new(GetUserOofSettingsResponse)
}

// Len is the number of response messages.
func (r *GetUserOofSettingsResponse) Len() int { return len(r.Messages) }

// Result returns the i-th response message.
func (r *GetUserOofSettingsResponse) Result(i int) Result { return &r.Messages[i] }
