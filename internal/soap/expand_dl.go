package soap

import "encoding/xml"

// ExpandDL is the m:ExpandDL request (ExpandDLType): list the members of a distribution list. Mailbox names the
// list by EmailAddress (a public list in the directory).
type ExpandDL struct {
	XMLName xml.Name `xml:"m:ExpandDL"`
	Mailbox Mailbox  `xml:"m:Mailbox"`
}

// ExpandDLResponse is the m:ExpandDLResponse body.
type ExpandDLResponse struct {
	ResponseMessages []ExpandDLResponseMessage `xml:"ResponseMessages>ExpandDLResponseMessage"`
}

// ExpandDLResponseMessage is one response message of ExpandDL. The paging attributes may be on the message, on
// its DLExpansion, or both.
type ExpandDLResponseMessage struct {
	ResponseMessage
	IncludesLastItemInRange *bool       `xml:"IncludesLastItemInRange,attr"`
	TotalItemsInView        int         `xml:"TotalItemsInView,attr"`
	DLExpansion             DLExpansion `xml:"DLExpansion"`
}

// DLExpansion is the m:DLExpansion of an ExpandDL response (ArrayOfDLExpansionType).
type DLExpansion struct {
	IncludesLastItemInRange *bool         `xml:"IncludesLastItemInRange,attr"`
	TotalItemsInView        int           `xml:"TotalItemsInView,attr"`
	Mailboxes               []MailboxResp `xml:"Mailbox"`
}

// Complete reports whether the expansion holds every member: neither the message nor the DLExpansion says
// IncludesLastItemInRange="false".
func (m *ExpandDLResponseMessage) Complete() bool {
	for _, p := range []*bool{m.IncludesLastItemInRange, m.DLExpansion.IncludesLastItemInRange} {
		if p != nil && !*p {
			return false
		}
	}
	return true
}

// Op names ExpandDL: it may be retried.
func (*ExpandDL) Op() Op { return Op{Name: "ExpandDL", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*ExpandDL) Messages() int { return 1 }

// NewResponse returns an empty ExpandDLResponse.
func (*ExpandDL) NewResponse() *ExpandDLResponse { return new(ExpandDLResponse) }

// Len is the number of response messages.
func (r *ExpandDLResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *ExpandDLResponse) Result(i int) Result { return &r.ResponseMessages[i] }
