package ews

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// mailOps returns the EWS operations the server received, in order (authentication handshakes and requests
// refused for their RequestServerVersion during negotiation left out).
func mailOps(srv *testserver.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Operation != "" && !refusedForVersion(srv, r) {
			out = append(out, r.Operation)
		}
	}
	return out
}

// mailCountOp counts the requests of one operation.
func mailCountOp(srv *testserver.Server, op string) int {
	n := 0
	for _, o := range mailOps(srv) {
		if o == op {
			n++
		}
	}
	return n
}

// mailBodies returns the raw request bodies of one operation.
func mailBodies(srv *testserver.Server, op string) [][]byte {
	var out [][]byte
	for _, r := range srv.Requests() {
		if r.Operation == op && !refusedForVersion(srv, r) {
			out = append(out, r.Body)
		}
	}
	return out
}

// mailLastBody returns the body of the last request of op.
func mailLastBody(t *testing.T, srv *testserver.Server, op string) []byte {
	t.Helper()
	b := mailBodies(srv, op)
	if len(b) == 0 {
		t.Fatalf("no %s request was sent", op)
	}
	return b[len(b)-1]
}

// wantInputErr checks that err is an *InputError about field.
func wantInputErr(t *testing.T, err error, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v (%T), want an *InputError about %s", err, err, field)
	}
	if ie.Field != field {
		t.Fatalf("InputError.Field = %q, want %q (%v)", ie.Field, field, err)
	}
}

// noRequests checks that the server saw no EWS request since before (a count of ops).
func noRequests(t *testing.T, srv *testserver.Server, before int) {
	t.Helper()
	if got := mailOps(srv); len(got) != before {
		t.Fatalf("requests were sent: %v", got[before:])
	}
}

func hasText(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

// failOperation makes the server answer every request of op with one error response message of code (payload is
// the empty element the schema requires in it, if any), without acting on it. Such requests do not show in
// srv.Requests; the returned counter counts them.
func failOperation(srv *testserver.Server, op, code, payload string) *atomic.Int32 {
	var n atomic.Int32
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:"+op+">")) && !bytes.Contains(body, []byte("<m:"+op+" ")) {
			return false
		}
		if payload != "" {
			payload = "<" + payload + "/>"
		}
		n.Add(1)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`+
			`<m:%[1]sResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">`+
			`<m:ResponseMessages><m:%[1]sResponseMessage ResponseClass="Error"><m:MessageText>injected failure</m:MessageText>`+
			`<m:ResponseCode>%[2]s</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>%[3]s</m:%[1]sResponseMessage>`+
			`</m:ResponseMessages></m:%[1]sResponse></s:Body></s:Envelope>`, op, code, payload)
		return true
	})
	return &n
}

// faultOperation makes the server answer every request of op with a SOAP fault of code.
func faultOperation(srv *testserver.Server, op, code string) *atomic.Int32 {
	var n atomic.Int32
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:"+op+">")) && !bytes.Contains(body, []byte("<m:"+op+" ")) {
			return false
		}
		n.Add(1)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>`+
			`<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:%[1]s</faultcode>`+
			`<faultstring xml:lang="en-US">injected fault</faultstring><detail>`+
			`<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">%[1]s</e:ResponseCode>`+
			`<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">injected fault</e:Message>`+
			`</detail></s:Fault></s:Body></s:Envelope>`, code)
		return true
	})
	return &n
}
