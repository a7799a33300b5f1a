package soap

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Namespaces of POX ("plain old XML") Autodiscover, https://<host>/autodiscover/autodiscover.xml: the Outlook
// provider's request and response schemas of 2006, which every Exchange from 2007 on serves.
const (
	NSPoxRequest         = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	NSPoxResponse        = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	NSPoxOutlookResponse = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

// PoxRequest is a POX Autodiscover request. The children of Request are in the order of Microsoft's examples:
// EMailAddress, AcceptableResponseSchema.
type PoxRequest struct {
	XMLName                  xml.Name `xml:"Autodiscover"`
	Xmlns                    string   `xml:"xmlns,attr"`
	EMailAddress             string   `xml:"Request>EMailAddress"`
	AcceptableResponseSchema string   `xml:"Request>AcceptableResponseSchema"`
}

// WritePoxRequest writes a POX Autodiscover request for the mailbox, asking for the Outlook response schema.
func WritePoxRequest(out io.Writer, mailbox string) error {
	if _, err := io.WriteString(out, `<?xml version="1.0" encoding="utf-8"?>`+"\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(out)
	if err := enc.Encode(PoxRequest{Xmlns: NSPoxRequest, EMailAddress: mailbox, AcceptableResponseSchema: NSPoxOutlookResponse}); err != nil {
		return err
	}
	return enc.Close()
}

// PoxResponse is the Response element of a POX Autodiscover answer: either an Error, or a User and an Account.
type PoxResponse struct {
	Error   *PoxError   `xml:"Error"`
	User    *PoxUser    `xml:"User"`
	Account *PoxAccount `xml:"Account"`
}

// PoxError is a POX Autodiscover error: ErrorCode 500 (the address cannot be found), 501, 600 (invalid request),
// 601 (provider not available), 602, 603 (server error).
type PoxError struct {
	ErrorCode string `xml:"ErrorCode"`
	Message   string `xml:"Message"`
	DebugData string `xml:"DebugData"`
}

// Error implements error.
func (e *PoxError) Error() string {
	return "autodiscover error " + strings.TrimSpace(e.ErrorCode) + ": " + strings.TrimSpace(e.Message)
}

// PoxUser describes the mailbox's owner.
type PoxUser struct {
	DisplayName             string `xml:"DisplayName"`
	LegacyDN                string `xml:"LegacyDN"`
	AutoDiscoverSMTPAddress string `xml:"AutoDiscoverSMTPAddress"`
	DeploymentID            string `xml:"DeploymentId"`
}

// PoxAccount is the account part of the answer. Action is "settings" (the Protocol elements hold them),
// "redirectAddr" (ask again for RedirectAddr) or "redirectUrl" (ask RedirectUrl).
type PoxAccount struct {
	AccountType  string        `xml:"AccountType"`
	Action       string        `xml:"Action"`
	RedirectAddr string        `xml:"RedirectAddr"`
	RedirectURL  string        `xml:"RedirectUrl"`
	Protocols    []PoxProtocol `xml:"Protocol"`
}

// PoxProtocol is one protocol of the account: Type EXCH (inside the organisation), EXPR (Outlook Anywhere,
// outside), WEB, ...
type PoxProtocol struct {
	Type          string `xml:"Type"`
	Server        string `xml:"Server"`
	ServerVersion string `xml:"ServerVersion"`
	ASURL         string `xml:"ASUrl"`
	EwsURL        string `xml:"EwsUrl"`
}

// Protocol returns the protocol of the given type, or nil.
func (a *PoxAccount) Protocol(typ string) *PoxProtocol {
	for i := range a.Protocols {
		if strings.EqualFold(strings.TrimSpace(a.Protocols[i].Type), typ) {
			return &a.Protocols[i]
		}
	}
	return nil
}

// ParsePoxServerVersion decodes the hexadecimal ServerVersion of a POX Protocol element: bits 22-27 are the
// major version, 16-21 the minor version, 0-14 the build number.
func ParsePoxServerVersion(s string) (major, minor, build int, ok bool) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 16, 32)
	if err != nil || s == "" {
		return 0, 0, 0, false
	}
	return int(v>>22) & 0x3F, int(v>>16) & 0x3F, int(v) & 0x7FFF, true
}

// DecodePoxResponse reads a POX Autodiscover answer. Anything that is not an Autodiscover document with a
// Response is an error wrapping ErrMalformed.
func DecodePoxResponse(r io.Reader) (*PoxResponse, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	root, err := firstElement(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "Autodiscover" {
		return nil, fmt.Errorf("%w: root element is <%s>, want Autodiscover", ErrMalformed, root.Name.Local)
	}
	var doc struct {
		Response *PoxResponse `xml:"Response"`
	}
	if err := d.DecodeElement(&doc, &root); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if doc.Response == nil {
		return nil, fmt.Errorf("%w: Autodiscover has no Response", ErrMalformed)
	}
	return doc.Response, nil
}
