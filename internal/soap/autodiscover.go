package soap

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Namespaces and actions of SOAP Autodiscover (https://<host>/autodiscover/autodiscover.svc).
const (
	// NSAutodiscover is the namespace of the SOAP Autodiscover messages and of its RequestedServerVersion header.
	NSAutodiscover = "http://schemas.microsoft.com/exchange/2010/Autodiscover"
	// NSAddressing is WS-Addressing 1.0, whose Action and To headers SOAP Autodiscover requires.
	NSAddressing = "http://www.w3.org/2005/08/addressing"
	// ActionGetUserSettings is the wsa:Action of a GetUserSettings request.
	ActionGetUserSettings = NSAutodiscover + "/Autodiscover/GetUserSettings"
	// ActionGetUserSettingsResponse is the wsa:Action of its response.
	ActionGetUserSettingsResponse = ActionGetUserSettings + "Response"
	// AutodiscoverVersion is the RequestedServerVersion sent with GetUserSettings; every server with SOAP
	// Autodiscover (Exchange 2010 and later, Exchange Online) accepts it.
	AutodiscoverVersion = "Exchange2010"
)

// User settings that GetUserSettings can return (the subset the SDK asks for).
const (
	SettingExternalEwsURL          = "ExternalEwsUrl"
	SettingInternalEwsURL          = "InternalEwsUrl"
	SettingEwsSupportedSchemas     = "EwsSupportedSchemas"
	SettingAutoDiscoverSMTPAddress = "AutoDiscoverSMTPAddress"
)

// GetUserSettingsRequestMessage is the body of a GetUserSettings request. Children are in the order of
// Microsoft's Autodiscover messages.xsd: Users, RequestedSettings, RequestedVersion.
type GetUserSettingsRequestMessage struct {
	XMLName xml.Name               `xml:"a:GetUserSettingsRequestMessage"`
	Request GetUserSettingsRequest `xml:"a:Request"`
}

// GetUserSettingsRequest names the users and the settings wanted.
type GetUserSettingsRequest struct {
	Users             []AutodiscoverUser `xml:"a:Users>a:User"`
	RequestedSettings []string           `xml:"a:RequestedSettings>a:Setting"`
	RequestedVersion  string             `xml:"a:RequestedVersion,omitempty"`
}

// AutodiscoverUser is one user of a GetUserSettings request, by SMTP address.
type AutodiscoverUser struct {
	Mailbox string `xml:"a:Mailbox"`
}

// WriteGetUserSettings writes a complete GetUserSettings SOAP request for the endpoint to (the wsa:To header)
// asking the settings of the given mailbox.
func WriteGetUserSettings(out io.Writer, to, mailbox string, settings []string) error {
	bw := bufio.NewWriter(out)
	w := &writer{w: bw}
	w.str(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<soap:Envelope xmlns:soap="` + NSSoap + `" xmlns:a="` + NSAutodiscover + `" xmlns:wsa="` + NSAddressing +
		`" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<soap:Header><a:RequestedServerVersion>` + AutodiscoverVersion + `</a:RequestedServerVersion>` +
		`<wsa:Action>` + ActionGetUserSettings + `</wsa:Action><wsa:To>`)
	w.text(to)
	w.str(`</wsa:To></soap:Header><soap:Body>`)
	if w.err != nil {
		return w.err
	}
	body := GetUserSettingsRequestMessage{Request: GetUserSettingsRequest{
		Users:             []AutodiscoverUser{{Mailbox: mailbox}},
		RequestedSettings: settings,
	}}
	enc := xml.NewEncoder(bw)
	if err := enc.Encode(body); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	w.str(`</soap:Body></soap:Envelope>`)
	if w.err != nil {
		return w.err
	}
	return bw.Flush()
}

// AutodiscoverServerVersion is the ServerVersionInfo header of a SOAP Autodiscover response. Unlike EWS's, its
// values are child elements.
type AutodiscoverServerVersion struct {
	MajorVersion     int    `xml:"MajorVersion"`
	MinorVersion     int    `xml:"MinorVersion"`
	MajorBuildNumber int    `xml:"MajorBuildNumber"`
	MinorBuildNumber int    `xml:"MinorBuildNumber"`
	Version          string `xml:"Version"`
}

// GetUserSettingsResponse is the Response element of a GetUserSettingsResponseMessage.
type GetUserSettingsResponse struct {
	// ErrorCode applies to the whole request: NoError, ServerBusy, InvalidRequest, ...
	ErrorCode     string         `xml:"ErrorCode"`
	ErrorMessage  string         `xml:"ErrorMessage"`
	UserResponses []UserResponse `xml:"UserResponses>UserResponse"`
}

// UserResponse is the answer for one user.
type UserResponse struct {
	// ErrorCode is NoError, RedirectAddress, RedirectUrl, InvalidUser, InvalidDomain, ServerBusy, ...
	ErrorCode         string             `xml:"ErrorCode"`
	ErrorMessage      string             `xml:"ErrorMessage"`
	RedirectTarget    string             `xml:"RedirectTarget"`
	UserSettingErrors []UserSettingError `xml:"UserSettingErrors>UserSettingError"`
	UserSettings      []UserSetting      `xml:"UserSettings>UserSetting"`
}

// UserSettingError tells why one requested setting was not returned.
type UserSettingError struct {
	ErrorCode    string `xml:"ErrorCode"`
	ErrorMessage string `xml:"ErrorMessage"`
	SettingName  string `xml:"SettingName"`
}

// UserSetting is one returned setting. Only StringSetting values are read; collection settings have an empty
// Value.
type UserSetting struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

// Setting returns the value of the named setting, or "".
func (u *UserResponse) Setting(name string) string {
	for _, s := range u.UserSettings {
		if s.Name == name {
			return strings.TrimSpace(s.Value)
		}
	}
	return ""
}

type autodiscoverEnvelope struct {
	Header struct {
		ServerVersionInfo *AutodiscoverServerVersion `xml:"ServerVersionInfo"`
	} `xml:"Header"`
	Body struct {
		Message *struct {
			Response *GetUserSettingsResponse `xml:"Response"`
		} `xml:"GetUserSettingsResponseMessage"`
		Fault *Fault `xml:"Fault"`
	} `xml:"Body"`
}

// DecodeGetUserSettings reads a GetUserSettings response envelope. It returns the ServerVersionInfo header (nil
// when absent) and the Response; a soap:Fault body is returned as a *Fault error, anything else that is not a
// GetUserSettings response as an error wrapping ErrMalformed.
func DecodeGetUserSettings(r io.Reader) (*AutodiscoverServerVersion, *GetUserSettingsResponse, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	root, err := firstElement(d)
	if err != nil {
		return nil, nil, err
	}
	if root.Name.Local != "Envelope" || !isSOAPNamespace(root.Name.Space) {
		return nil, nil, fmt.Errorf("%w: root element is <%s>, want soap:Envelope", ErrMalformed, root.Name.Local)
	}
	var env autodiscoverEnvelope
	if err := d.DecodeElement(&env, &root); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if env.Body.Fault != nil {
		return env.Header.ServerVersionInfo, nil, env.Body.Fault
	}
	if env.Body.Message == nil || env.Body.Message.Response == nil {
		return env.Header.ServerVersionInfo, nil, fmt.Errorf("%w: no GetUserSettingsResponseMessage/Response in soap:Body", ErrMalformed)
	}
	return env.Header.ServerVersionInfo, env.Body.Message.Response, nil
}

// firstElement returns the document's root start element.
func firstElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}
