package testserver

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure the server injects into authenticated EWS requests, to test how a client copes with
// throttling, broken connections and broken answers. Make one with a constructor (ServerBusy, ResetAfter, ...),
// narrow it with Every, For and Times, and install it with WithFaults or Server.AddFault. Each fault counts the
// requests it applies to on its own, from 1; when several hit the same request, the first installed wins.
// Requests records every faulted request with its Fault name, and Unhandled set when the fault answered before
// the server carried the request out.
type Fault struct {
	kind       string
	after      bool // the request is carried out before the fault answers
	every      int
	op         string
	times      int
	code       string
	backOff    time.Duration
	retryAfter string
	status     int
	delay      time.Duration
	n          int
	charset    string

	seen, hits int // state of the installed copy, under Server.mu
}

// Every makes the fault hit every n-th request it applies to (the n-th, 2n-th, ...); the default is every one.
func (f Fault) Every(n int) Fault { f.every = n; return f }

// For limits the fault to requests of one operation, e.g. "FindItem".
func (f Fault) For(operation string) Fault { f.op = operation; return f }

// Times stops the fault after it hit n times; the default is no limit.
func (f Fault) Times(n int) Fault { f.times = n; return f }

// Name returns the fault's name, as RequestInfo.Fault shows it.
func (f Fault) Name() string { return f.kind }

// ServerBusy answers with the SOAP fault Exchange sends when it throttles a caller: HTTP 500, ResponseCode
// ErrorServerBusy and a MessageXml value BackOffMilliseconds. The request is not carried out.
func ServerBusy(backOff time.Duration) Fault {
	return Fault{kind: "ServerBusy", code: "ErrorServerBusy", backOff: backOff}
}

// ErrorCode answers with a SOAP fault carrying an EWS ResponseCode such as ErrorExceededConnectionCount,
// ErrorTooManyObjectsOpened or ErrorInternalServerTransientError. The request is not carried out.
func ErrorCode(code string) Fault { return Fault{kind: code, code: code} }

// Unavailable answers 503 Service Unavailable with IIS's HTML page and, unless retryAfter is empty, a
// Retry-After header (seconds or an HTTP date). The request is not carried out.
func Unavailable(retryAfter string) Fault {
	return Fault{kind: "Unavailable", status: http.StatusServiceUnavailable, retryAfter: retryAfter}
}

// TooManyRequests answers 429 Too Many Requests, with a Retry-After header unless retryAfter is empty. The
// request is not carried out.
func TooManyRequests(retryAfter string) Fault {
	return Fault{kind: "TooManyRequests", status: http.StatusTooManyRequests, retryAfter: retryAfter}
}

// HTMLPage answers with a proxy's HTML error page with the given status (502, 504, 500, or 200 for a captive
// portal). The request is not carried out.
func HTMLPage(status int) Fault { return Fault{kind: "HTMLPage", status: status} }

// ResetBefore resets the connection (TCP RST) without carrying the request out.
func ResetBefore() Fault { return Fault{kind: "ResetBefore"} }

// ResetAfter carries the request out, then resets the connection instead of answering.
func ResetAfter() Fault { return Fault{kind: "ResetAfter", after: true} }

// DropBefore closes the connection (TCP FIN) without carrying the request out or answering.
func DropBefore() Fault { return Fault{kind: "DropBefore"} }

// DropAfter carries the request out, then closes the connection without answering.
func DropAfter() Fault { return Fault{kind: "DropAfter", after: true} }

// Delay waits d before carrying the request out and answering; the wait ends early when the client goes away
// (the request is then not carried out).
func Delay(d time.Duration) Fault { return Fault{kind: "Delay", delay: d} }

// Truncate carries the request out, announces the whole answer in Content-Length, sends its first n bytes and
// closes the connection.
func Truncate(n int) Fault { return Fault{kind: "Truncate", after: true, n: n} }

// Malformed carries the request out and answers 200 with the first half of the answer followed by a mismatched
// closing tag: a complete HTTP response whose XML is broken.
func Malformed() Fault { return Fault{kind: "Malformed", after: true} }

// Empty carries the request out and answers 200 with an empty body.
func Empty() Fault { return Fault{kind: "Empty", after: true} }

// Charset carries the request out and answers with the XML declaration and Content-Type naming another charset
// (e.g. "iso-8859-1"), the body otherwise unchanged.
func Charset(charset string) Fault { return Fault{kind: "Charset", after: true, charset: charset} }

// WrongNamespace carries the request out and answers with the SOAP envelope in a foreign namespace.
func WrongNamespace() Fault { return Fault{kind: "WrongNamespace", after: true} }

// HugeAttribute carries the request out and answers with an n-byte Version attribute in ServerVersionInfo (added
// where the release writes none).
func HugeAttribute(n int) Fault { return Fault{kind: "HugeAttribute", after: true, n: n} }

// ExpireSession forgets the authentication of the request's connection (as IIS does when its session ends)
// and answers 401 with the server's challenge. The request is not carried out.
func ExpireSession() Fault { return Fault{kind: "ExpireSession"} }

// WithFaults installs faults when the server starts (see Fault).
func WithFaults(faults ...Fault) Option {
	return func(s *Server) { s.faults = append(s.faults, faults...) }
}

// AddFault installs a fault (see Fault).
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Handled returns how many requests of an operation the server has carried out (faulted ones included when
// the fault struck after handling).
func (s *Server) Handled(operation string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Operation == operation && !r.Unhandled {
			n++
		}
	}
	return n
}

// SetPassword changes the password of the account named username (as WithUser named it). Connections already
// authenticated stay so, as with IIS, until their session ends (see ExpireSession).
func (s *Server) SetPassword(username, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Username == username {
			u.Password = password
		}
	}
}

// MaxInFlight returns the largest number of authenticated EWS requests the server has had in progress at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Delayed returns how many requests a Delay fault is holding right now.
func (s *Server) Delayed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delaying
}

// track counts a request in progress; the returned function ends it.
func (s *Server) track() func() {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}

// injectFault applies the first fault that hits this request. It returns false when none does.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, user *User, scheme string, body []byte) bool {
	s.mu.Lock()
	if len(s.faults) == 0 {
		s.mu.Unlock()
		return false
	}
	op := operationOf(body)
	var hit *Fault
	for i := range s.faults {
		f := &s.faults[i]
		if f.op != "" && f.op != op {
			continue
		}
		f.seen++
		if f.seen%max(1, f.every) == 0 && (f.times == 0 || f.hits < f.times) && hit == nil {
			f.hits++
			c := *f
			hit = &c
		}
	}
	s.mu.Unlock()
	if hit == nil {
		return false
	}
	f := hit
	if f.after {
		resp, _ := s.answer(user, scheme, body, f.kind)
		f.answerAfter(w, resp)
		return true
	}
	info := RequestInfo{Operation: op, AuthScheme: scheme, User: user.Username, Body: body, Fault: f.kind, Unhandled: true}
	switch f.kind {
	case "Delay":
		s.mu.Lock()
		s.delaying++
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.delaying--
			s.mu.Unlock()
		}()
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
			resp, status := s.answer(user, scheme, body, f.kind)
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write(resp)
		case <-r.Context().Done():
			s.record(info)
		}
	case "ResetBefore", "DropBefore":
		s.record(info)
		closeConn(w, f.kind == "ResetBefore")
	case "ExpireSession":
		if cs, _ := r.Context().Value(connKey{}).(*connState); cs != nil {
			cs.mu.Lock()
			cs.user, cs.ntlm = nil, ntlmConn{}
			cs.mu.Unlock()
		}
		s.record(info)
		s.challenge(w)
	case "Unavailable", "TooManyRequests", "HTMLPage":
		s.record(info)
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = w.Write(htmlPage(f.status))
	default: // an EWS error code
		s.record(info)
		resp := s.ewsFault(f.code, f.backOff)
		if p := s.personality; p == nil || p.schema == nil {
			// A personality with an older schema never judged this request: it is no evidence for that schema.
			s.capture("req", op, body)
		}
		s.capture("resp", op, resp)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(resp)
	}
	return true
}

// answerAfter sends the broken answer of a fault that strikes after the request was carried out.
func (f *Fault) answerAfter(w http.ResponseWriter, resp []byte) {
	ctype := "text/xml; charset=utf-8"
	switch f.kind {
	case "ResetAfter", "DropAfter":
		closeConn(w, f.kind == "ResetAfter")
		return
	case "Truncate":
		conn := hijack(w)
		if conn == nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(resp))
		_, _ = conn.Write(resp[:min(f.n, len(resp))])
		return
	case "Malformed":
		resp = append(resp[:len(resp)/2:len(resp)/2], "</t:NotTheOpenElement>"...)
	case "Empty":
		resp = nil
	case "Charset":
		resp = bytes.Replace(resp, []byte(`encoding="utf-8"`), []byte(`encoding="`+f.charset+`"`), 1)
		ctype = "text/xml; charset=" + f.charset
	case "WrongNamespace":
		resp = bytes.ReplaceAll(resp, []byte(nsSoap), []byte("http://example.com/not-soap/"))
	case "HugeAttribute":
		i := bytes.Index(resp, []byte(` Version="`))
		if i >= 0 {
			i += len(` Version="`)
			j := i + bytes.IndexByte(resp[i:], '"')
			resp = append(append(append([]byte{}, resp[:i]...), bytes.Repeat([]byte("V"), f.n)...), resp[j:]...)
		} else if i = bytes.Index(resp, []byte(`ServerVersionInfo `)); i >= 0 {
			// Exchange 2007 writes no Version: the huge attribute is one more.
			i += len(`ServerVersionInfo `)
			attr := append(append([]byte(`Version="`), bytes.Repeat([]byte("V"), f.n)...), `" `...)
			resp = append(append(append([]byte{}, resp[:i]...), attr...), resp[i:]...)
		}
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(resp)
}

func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return nil
	}
	return conn
}

// closeConn closes the request's connection without an answer: with a TCP RST when reset is set, else with a
// FIN.
func closeConn(w http.ResponseWriter, reset bool) {
	conn := hijack(w)
	if conn == nil {
		return
	}
	if reset {
		nc := conn
		if tc, ok := nc.(interface{ NetConn() net.Conn }); ok {
			nc = tc.NetConn()
		}
		if tcp, ok := nc.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}

// ewsFault is the SOAP fault Exchange answers with for an EWS error code, with BackOffMilliseconds when
// backOff is set, byte for byte in Exchange's form; Exchange 2013 and later personalities put ServerVersionInfo
// in its header.
func (s *Server) ewsFault(code string, backOff time.Duration) []byte {
	text := faultTexts[code]
	if text == "" {
		text = "The request failed: " + code + "."
	}
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("s:Envelope", "xmlns:s", nsSoap)
	if s.faultsCarryVersion() {
		w.open("s:Header")
		s.writeVersionInfo(&w)
		w.close()
	}
	w.open("s:Body").open("s:Fault")
	w.open("faultcode", "xmlns:a", nsTypes).raw("a:" + code).close()
	w.open("faultstring", "xml:lang", "en-US").raw(escape(text)).close()
	w.open("detail")
	w.open("e:ResponseCode", "xmlns:e", nsErrors).raw(code).close()
	w.open("e:Message", "xmlns:e", nsErrors).raw(escape(text)).close()
	if backOff > 0 {
		w.open("t:MessageXml", "xmlns:t", nsTypes)
		w.open("t:Value", "Name", "BackOffMilliseconds").raw(strconv.FormatInt(backOff.Milliseconds(), 10)).close()
		w.close()
	}
	w.close().close().close().close()
	return w.buf.Bytes()
}

var faultTexts = map[string]string{
	"ErrorServerBusy":                   "The server cannot service this request right now. Try again later.",
	"ErrorExceededConnectionCount":      "You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.",
	"ErrorTooManyObjectsOpened":         "Too many concurrent connections opened.",
	"ErrorInternalServerTransientError": "An internal server error occurred. Try again later.",
	"ErrorMailboxStoreUnavailable":      "The mailbox database is temporarily unavailable.",
}

// htmlPage is the HTML error page IIS or a proxy sends with a status.
func htmlPage(status int) []byte {
	text := http.StatusText(status)
	if status == http.StatusServiceUnavailable {
		return []byte(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">` + "\r\n" +
			`<HTML><HEAD><TITLE>Service Unavailable</TITLE>` + "\r\n" +
			`<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>` + "\r\n" +
			`<BODY><h2>Service Unavailable</h2>` + "\r\n" + `<hr><p>HTTP Error 503. The service is unavailable.</p>` + "\r\n" +
			`</BODY></HTML>` + "\r\n")
	}
	return fmt.Appendf(nil, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		status, text, status, text)
}

// operationOf returns the local name of the element in a request's soap:Body, or "".
func operationOf(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if t, ok := tok.(xml.StartElement); ok {
			if inBody {
				return t.Name.Local
			}
			inBody = t.Name.Local == "Body" && (t.Name.Space == nsSoap || t.Name.Space == nsSoap12)
		}
	}
}
