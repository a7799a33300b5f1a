package soap

import "encoding/xml"

// GetInboxRules is the m:GetInboxRules request (GetInboxRulesRequestType): MailboxSmtpAddress.
type GetInboxRules struct {
	XMLName            xml.Name `xml:"m:GetInboxRules"`
	MailboxSmtpAddress string   `xml:"m:MailboxSmtpAddress,omitempty"`
}

// GetInboxRulesResponse is the m:GetInboxRulesResponse body, which is itself the one response message
// (GetInboxRulesResponseType); it is decoded into Messages so that it is judged like every other response.
type GetInboxRulesResponse struct {
	Messages []GetInboxRulesResponseMessage
}

// GetInboxRulesResponseMessage holds the fields of GetInboxRulesResponseType.
type GetInboxRulesResponseMessage struct {
	ResponseMessage
	OutlookRuleBlobExists bool   `xml:"OutlookRuleBlobExists"`
	InboxRules            []Rule `xml:"InboxRules>Rule"`
}

// UnmarshalXML decodes the response element into its one message.
func (r *GetInboxRulesResponse) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var m GetInboxRulesResponseMessage
	if err := d.DecodeElement(&m, &start); err != nil {
		return err
	}
	r.Messages = []GetInboxRulesResponseMessage{m}
	return nil
}

// Rule is a t:Rule (RuleType) in a response or a request: RuleId, DisplayName, Priority, IsEnabled,
// IsNotSupported, IsInError, Conditions, Exceptions, Actions. Conditions, Exceptions and Actions are kept whole,
// so that a rule written back (to disable it) keeps every condition and action.
type Rule struct {
	RuleID         string   `xml:"RuleId"`
	DisplayName    string   `xml:"DisplayName"`
	Priority       int      `xml:"Priority"`
	IsEnabled      bool     `xml:"IsEnabled"`
	IsNotSupported bool     `xml:"IsNotSupported"`
	IsInError      bool     `xml:"IsInError"`
	Conditions     *XMLNode `xml:"Conditions"`
	Exceptions     *XMLNode `xml:"Exceptions"`
	Actions        *XMLNode `xml:"Actions"`
}

// Op names GetInboxRules: it may be retried.
func (*GetInboxRules) Op() Op { return Op{Name: "GetInboxRules", Idempotent: true} }

// Messages is the number of response messages of a complete answer: the response itself.
func (r *GetInboxRules) Messages() int { return 1 }

// NewResponse returns an empty GetInboxRulesResponse.
func (*GetInboxRules) NewResponse() *GetInboxRulesResponse { return new(GetInboxRulesResponse) }

// Len is the number of response messages.
func (r *GetInboxRulesResponse) Len() int { return len(r.Messages) }

// Result returns the i-th response message.
func (r *GetInboxRulesResponse) Result(i int) Result { return &r.Messages[i] }
