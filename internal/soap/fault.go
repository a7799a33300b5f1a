package soap

import "strings"

// Fault is a SOAP 1.1 fault. EWS sends one for requests it cannot parse or validate and for some server errors;
// its detail then carries an EWS ResponseCode.
type Fault struct {
	Code   string      `xml:"faultcode"`
	String string      `xml:"faultstring"`
	Actor  string      `xml:"faultactor"`
	Detail FaultDetail `xml:"detail"`
}

// FaultDetail is the detail of an EWS SOAP fault.
type FaultDetail struct {
	ResponseCode string     `xml:"ResponseCode"`
	Message      string     `xml:"Message"`
	MessageXML   MessageXML `xml:"MessageXml"`
	// ErrorCode is the element some servers use instead of ResponseCode (e:ResponseCode in Exchange 2007).
	ErrorCode string `xml:"ErrorCode"`
}

// Error implements error.
func (f *Fault) Error() string {
	var b strings.Builder
	b.WriteString("soap fault")
	if code := f.ResponseCode(); code != "" {
		b.WriteString(" ")
		b.WriteString(code)
	} else if f.Code != "" {
		b.WriteString(" ")
		b.WriteString(strings.TrimSpace(f.Code))
	}
	if s := strings.TrimSpace(f.String); s != "" {
		b.WriteString(": ")
		b.WriteString(s)
	}
	return b.String()
}

// ResponseCode is the EWS ResponseCode carried in the fault's detail, if any.
func (f *Fault) ResponseCode() string {
	if f.Detail.ResponseCode != "" {
		return strings.TrimSpace(f.Detail.ResponseCode)
	}
	return strings.TrimSpace(f.Detail.ErrorCode)
}
