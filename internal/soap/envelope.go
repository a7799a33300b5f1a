// Package soap is the wire layer of the ews module: the SOAP envelope and headers, the request and response
// structs of each EWS operation (named and ordered as in Microsoft's types.xsd and messages.xsd), the decoding of
// ResponseMessages and SOAP faults, and the HTTP transport.
//
// Request structs carry literal "m:" and "t:" prefixes in their XML tags, so that they encode exactly as
// Microsoft's examples show; response structs use local names, so that they decode whatever prefixes a server
// chooses. The public package ews never exposes these types.
package soap

import (
	"bufio"
	"encoding/xml"
	"io"
)

// Namespaces of the SOAP envelope and of EWS.
const (
	NSSoap     = "http://schemas.xmlsoap.org/soap/envelope/"
	NSTypes    = "http://schemas.microsoft.com/exchange/services/2006/types"
	NSMessages = "http://schemas.microsoft.com/exchange/services/2006/messages"
)

// Header holds the EWS SOAP headers of one request.
type Header struct {
	// Version is the RequestServerVersion Version attribute, e.g. "Exchange2013_SP1". Required.
	Version string
	// Impersonation, when set, adds an ExchangeImpersonation header.
	Impersonation *ConnectingSID
	// TimeZoneID, when set, adds a TimeZoneContext header with this Windows time zone id.
	TimeZoneID string
}

// ConnectingSID identifies the account to impersonate. Exactly one field must be set.
type ConnectingSID struct {
	PrincipalName      string
	SID                string
	PrimarySmtpAddress string
	SmtpAddress        string
}

// writer collects the first error of a sequence of writes.
type writer struct {
	w   *bufio.Writer
	err error
}

func (w *writer) str(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

func (w *writer) text(s string) {
	if w.err == nil {
		w.err = xml.EscapeText(w.w, []byte(s))
	}
}

// WriteRequest writes a complete SOAP 1.1 request envelope with the headers h and body as the single child of
// soap:Body. body must be a request struct of this package (its XML name carries the "m:" prefix).
func WriteRequest(out io.Writer, h Header, body any) error {
	bw, ok := out.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(out)
	}
	w := &writer{w: bw}
	w.str(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<s:Envelope xmlns:s="` + NSSoap + `" xmlns:m="` + NSMessages + `" xmlns:t="` + NSTypes + `">` +
		`<s:Header><t:RequestServerVersion Version="`)
	w.text(h.Version)
	w.str(`"/>`)
	if im := h.Impersonation; im != nil {
		w.str(`<t:ExchangeImpersonation><t:ConnectingSID>`)
		switch {
		case im.PrincipalName != "":
			w.str(`<t:PrincipalName>`)
			w.text(im.PrincipalName)
			w.str(`</t:PrincipalName>`)
		case im.SID != "":
			w.str(`<t:SID>`)
			w.text(im.SID)
			w.str(`</t:SID>`)
		case im.SmtpAddress != "":
			w.str(`<t:SmtpAddress>`)
			w.text(im.SmtpAddress)
			w.str(`</t:SmtpAddress>`)
		default:
			w.str(`<t:PrimarySmtpAddress>`)
			w.text(im.PrimarySmtpAddress)
			w.str(`</t:PrimarySmtpAddress>`)
		}
		w.str(`</t:ConnectingSID></t:ExchangeImpersonation>`)
	}
	if h.TimeZoneID != "" {
		w.str(`<t:TimeZoneContext><t:TimeZoneDefinition Id="`)
		w.text(h.TimeZoneID)
		w.str(`"/></t:TimeZoneContext>`)
	}
	w.str(`</s:Header><s:Body>`)
	if w.err != nil {
		return w.err
	}
	enc := xml.NewEncoder(bw)
	if err := enc.Encode(body); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	w.str(`</s:Body></s:Envelope>`)
	if w.err != nil {
		return w.err
	}
	return bw.Flush()
}
