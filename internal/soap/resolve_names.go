package soap

import "encoding/xml"

// ResolveNames is the m:ResolveNames request (ResolveNamesType): resolve one ambiguous name or address against
// the directory and contact folders. Children in schema order: ParentFolderIds, UnresolvedEntry.
type ResolveNames struct {
	XMLName xml.Name `xml:"m:ResolveNames"`
	// ReturnFullContactData asks for the directory's contact data of directory entries (required attribute).
	ReturnFullContactData bool `xml:"ReturnFullContactData,attr"`
	// SearchScope is ActiveDirectory, ActiveDirectoryContacts (the server's default), Contacts or
	// ContactsActiveDirectory.
	SearchScope string `xml:"SearchScope,attr,omitempty"`
	// ContactDataShape is IdOnly, Default or AllProperties (Exchange 2010 SP2 and later).
	ContactDataShape string `xml:"ContactDataShape,attr,omitempty"`
	// ParentFolderIDs holds at most one contacts folder; without it the default Contacts folder is searched.
	ParentFolderIDs FolderList `xml:"m:ParentFolderIds,omitempty"`
	UnresolvedEntry string     `xml:"m:UnresolvedEntry"`
}

// ResolveNamesResponse is the m:ResolveNamesResponse body.
type ResolveNamesResponse struct {
	ResponseMessages []ResolveNamesResponseMessage `xml:"ResponseMessages>ResolveNamesResponseMessage"`
}

// CodeMultipleResults is the ResponseCode of a ResolveNames answer with several candidates. It comes with
// ResponseClass Warning and a ResolutionSet holding the candidates: it is a result, not a failure.
const CodeMultipleResults = "ErrorNameResolutionMultipleResults"

// ResolveNamesResponseMessage is one response message of ResolveNames.
type ResolveNamesResponseMessage struct {
	ResponseMessage
	ResolutionSet *ResolutionSet `xml:"ResolutionSet"`
}

// Err is like ResponseMessage.Err, except that the Warning ErrorNameResolutionMultipleResults is a success.
func (m *ResolveNamesResponseMessage) Err() error {
	if m.ResponseClass == ClassWarning && m.ResponseCode == CodeMultipleResults {
		return nil
	}
	return m.ResponseMessage.Err()
}

// ResolutionSet is the m:ResolutionSet of a ResolveNames response (ArrayOfResolutionType): at most 100
// candidates.
type ResolutionSet struct {
	IndexedPagingOffset     int          `xml:"IndexedPagingOffset,attr"`
	TotalItemsInView        int          `xml:"TotalItemsInView,attr"`
	IncludesLastItemInRange bool         `xml:"IncludesLastItemInRange,attr"`
	Resolutions             []Resolution `xml:"Resolution"`
}

// Resolution is one candidate: a mailbox (directory entry, contact or distribution list) and, when the server
// has them, its contact data.
type Resolution struct {
	Mailbox MailboxResp `xml:"Mailbox"`
	Contact *Item       `xml:"Contact"`
}

// Op names ResolveNames: it may be retried.
func (*ResolveNames) Op() Op { return Op{Name: "ResolveNames", Idempotent: true} }

// Messages is the number of response messages of a complete answer: one.
func (*ResolveNames) Messages() int { return 1 }

// NewResponse returns an empty ResolveNamesResponse.
func (*ResolveNames) NewResponse() *ResolveNamesResponse { return new(ResolveNamesResponse) }

// Len is the number of response messages.
func (r *ResolveNamesResponse) Len() int { return len(r.ResponseMessages) }

// Result returns the i-th response message.
func (r *ResolveNamesResponse) Result(i int) Result { return &r.ResponseMessages[i] }
