package soap

import (
	"encoding/xml"
	"strings"
)

// Response classes of a ResponseMessage.
const (
	ClassSuccess = "Success"
	ClassWarning = "Warning"
	ClassError   = "Error"
)

// ResponseMessage holds the fields every EWS *ResponseMessage has (ResponseMessageType in messages.xsd).
// Operation response messages embed it.
type ResponseMessage struct {
	ResponseClass      string     `xml:"ResponseClass,attr"`
	MessageText        string     `xml:"MessageText"`
	ResponseCode       string     `xml:"ResponseCode"`
	DescriptiveLinkKey int        `xml:"DescriptiveLinkKey"`
	MessageXML         MessageXML `xml:"MessageXml"`
}

// Err returns nil for a successful response message, and a *ResponseError otherwise. A Warning is treated
// as success unless its code is an error code other than NoError (EWS uses Warning for partial results such as
// ErrorBatchProcessingStopped, which is an error for that item).
func (m *ResponseMessage) Err() error {
	code := strings.TrimSpace(m.ResponseCode)
	if m.ResponseClass == ClassSuccess || (code == "" || code == "NoError") && m.ResponseClass != ClassError {
		return nil
	}
	if code == "" {
		code = "ErrorUnknown"
	}
	return &ResponseError{
		Class:   m.ResponseClass,
		Code:    code,
		Message: strings.TrimSpace(m.MessageText),
		Details: m.MessageXML.Values,
	}
}

// MessageXML holds the name/value details of a MessageXml element, such as BackOffMilliseconds for
// ErrorServerBusy or LineNumber/LinePosition/Violation for ErrorSchemaValidation. Elements without a Name
// attribute are stored under their local name.
type MessageXML struct {
	Values map[string]string
}

// maxMessageXMLValues bounds the details kept of one MessageXml (Exchange sends one to three): a server that sends
// endless ones costs no more than their count.
const maxMessageXMLValues = 32

// UnmarshalXML decodes any children into Values (the first maxMessageXMLValues names).
func (m *MessageXML) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var v struct {
				Name  string `xml:"Name,attr"`
				Inner string `xml:",chardata"`
			}
			if err := d.DecodeElement(&v, &t); err != nil {
				return err
			}
			key := v.Name
			if key == "" {
				key = t.Name.Local
			}
			if m.Values == nil {
				m.Values = make(map[string]string)
			}
			if _, ok := m.Values[key]; ok || len(m.Values) < maxMessageXMLValues {
				m.Values[key] = strings.TrimSpace(v.Inner)
			}
		case xml.EndElement:
			return nil
		}
	}
}

// ResponseError is a ResponseMessage whose class is Error (or a Warning with an error code).
type ResponseError struct {
	Class   string
	Code    string
	Message string
	Details map[string]string
}

// Error implements error.
func (e *ResponseError) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}
