package soap

import "encoding/xml"

// UpdateInboxRules is the m:UpdateInboxRules request (UpdateInboxRulesRequestType): MailboxSmtpAddress,
// RemoveOutlookRuleBlob, Operations.
type UpdateInboxRules struct {
	XMLName               xml.Name        `xml:"m:UpdateInboxRules"`
	MailboxSmtpAddress    string          `xml:"m:MailboxSmtpAddress,omitempty"`
	RemoveOutlookRuleBlob *bool           `xml:"m:RemoveOutlookRuleBlob,omitempty"`
	Operations            []RuleOperation `xml:"m:Operations>x"`
}

// RuleOperation is a t:SetRuleOperation (Set), t:CreateRuleOperation (Create) or t:DeleteRuleOperation
// (DeleteID).
type RuleOperation struct {
	Set      *RuleRequest
	Create   *RuleRequest
	DeleteID string
}

// RuleRequest is a t:Rule in a request: RuleId, DisplayName, Priority, IsEnabled, Conditions, Exceptions,
// Actions (IsNotSupported and IsInError are the server's to say).
type RuleRequest struct {
	RuleID      string   `xml:"t:RuleId,omitempty"`
	DisplayName string   `xml:"t:DisplayName"`
	Priority    int      `xml:"t:Priority"`
	IsEnabled   bool     `xml:"t:IsEnabled"`
	Conditions  *XMLNode `xml:"t:Conditions,omitempty"`
	Exceptions  *XMLNode `xml:"t:Exceptions,omitempty"`
	Actions     *XMLNode `xml:"t:Actions,omitempty"`
}

// MarshalXML implements xml.Marshaler.
func (o RuleOperation) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	switch {
	case o.Set != nil:
		return e.EncodeElement(struct {
			Rule *RuleRequest `xml:"t:Rule"`
		}{o.Set}, xml.StartElement{Name: xml.Name{Local: "t:SetRuleOperation"}})
	case o.Create != nil:
		return e.EncodeElement(struct {
			Rule *RuleRequest `xml:"t:Rule"`
		}{o.Create}, xml.StartElement{Name: xml.Name{Local: "t:CreateRuleOperation"}})
	}
	return e.EncodeElement(struct {
		RuleID string `xml:"t:RuleId"`
	}{o.DeleteID}, xml.StartElement{Name: xml.Name{Local: "t:DeleteRuleOperation"}})
}

// UpdateInboxRulesResponse is the m:UpdateInboxRulesResponse body, itself the one response message.
type UpdateInboxRulesResponse struct {
	Messages []UpdateInboxRulesResponseMessage
}

// UpdateInboxRulesResponseMessage holds the fields of UpdateInboxRulesResponseType.
type UpdateInboxRulesResponseMessage struct {
	ResponseMessage
	RuleOperationErrors []RuleOperationError `xml:"RuleOperationErrors>RuleOperationError"`
}

// RuleOperationError says why one operation of an UpdateInboxRules failed.
type RuleOperationError struct {
	OperationIndex   int                   `xml:"OperationIndex"`
	ValidationErrors []RuleValidationError `xml:"ValidationErrors>Error"`
}

// RuleValidationError is one t:Error of a RuleOperationError.
type RuleValidationError struct {
	FieldURI     string `xml:"FieldURI"`
	ErrorCode    string `xml:"ErrorCode"`
	ErrorMessage string `xml:"ErrorMessage"`
	FieldValue   string `xml:"FieldValue"`
}

// UnmarshalXML decodes the response element into its one message.
func (r *UpdateInboxRulesResponse) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var m UpdateInboxRulesResponseMessage
	if err := d.DecodeElement(&m, &start); err != nil {
		return err
	}
	r.Messages = []UpdateInboxRulesResponseMessage{m}
	return nil
}

// Op names UpdateInboxRules: setting rules may be retried; creating or deleting one is not retried once it could
// have reached the server.
func (r *UpdateInboxRules) Op() Op {
	idem := true
	for _, o := range r.Operations {
		idem = idem && o.Set != nil
	}
	return Op{Name: "UpdateInboxRules", Idempotent: idem}
}

// Messages is the number of response messages of a complete answer: the response itself.
func (r *UpdateInboxRules) Messages() int { return 1 }

// NewResponse returns an empty UpdateInboxRulesResponse.
func (*UpdateInboxRules) NewResponse() *UpdateInboxRulesResponse {
	return new(UpdateInboxRulesResponse)
}

// Len is the number of response messages.
func (r *UpdateInboxRulesResponse) Len() int { return len(r.Messages) }

// Result returns the i-th response message.
func (r *UpdateInboxRulesResponse) Result(i int) Result { return &r.Messages[i] }
