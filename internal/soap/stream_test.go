package soap

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const streamHead = `<?xml version="1.0" encoding="utf-8"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/">` +
	`<soap11:Header xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><ServerVersionInfo xmlns="http://schemas.microsoft.com/exchange/services/2006/types" MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6"/></soap11:Header>` +
	`<soap11:Body xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><m:GetStreamingEventsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>`

const streamTail = `</m:ResponseMessages></m:GetStreamingEventsResponse></soap11:Body></Envelope>`

func envelope(msg string) string { return streamHead + msg + streamTail }

var (
	keepAlive = envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>OK</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`)
	newMail   = envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Notifications><t:Notification>` +
		`<t:SubscriptionId>sub-1</t:SubscriptionId><t:PreviousWatermark>W0</t:PreviousWatermark><t:MoreEvents>false</t:MoreEvents>` +
		`<t:CreatedEvent><t:Watermark>W1</t:Watermark><t:TimeStamp>2024-05-01T10:00:00Z</t:TimeStamp><t:ItemId Id="I1" ChangeKey="C1"/><t:ParentFolderId Id="F1" ChangeKey="FC"/></t:CreatedEvent>` +
		`<t:NewMailEvent><t:Watermark>W2</t:Watermark><t:TimeStamp>2024-05-01T10:00:00Z</t:TimeStamp><t:ItemId Id="I1" ChangeKey="C1"/><t:ParentFolderId Id="F1" ChangeKey="FC"/></t:NewMailEvent>` +
		`<t:MovedEvent><t:Watermark>W3</t:Watermark><t:TimeStamp>2024-05-01T10:00:01Z</t:TimeStamp><t:ItemId Id="I2"/><t:ParentFolderId Id="F2"/><t:OldItemId Id="I1"/><t:OldParentFolderId Id="F1"/></t:MovedEvent>` +
		`</t:Notification></m:Notifications></m:GetStreamingEventsResponseMessage>`)
	closed = envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`)
)

// TestEnvelopeStreamYieldsEachEnvelopeAsItArrives writes a stream a few bytes at a time through a pipe, and
// writes the next envelope only after the reader has decoded the previous one: Next must not wait for more
// than one envelope's bytes.
func TestEnvelopeStreamYieldsEachEnvelopeAsItArrives(t *testing.T) {
	pr, pw := io.Pipe()
	decoded := make(chan struct{})
	go func() {
		for _, env := range []string{keepAlive, newMail, "\r\n" + keepAlive, closed} {
			for i := 0; i < len(env); i += 7 {
				if _, err := pw.Write([]byte(env[i:min(i+7, len(env))])); err != nil {
					return
				}
			}
			if _, ok := <-decoded; !ok {
				return
			}
		}
		pw.Close()
	}()
	s := DecodeStream(pr, 0)
	var got []string
	for {
		var r GetStreamingEventsResponse
		svi, err := s.Next(&r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next after %v: %v", got, err)
		}
		if svi == nil || svi.MajorVersion != 15 || svi.MajorBuildNumber != 2507 {
			t.Errorf("ServerVersionInfo = %+v", svi)
		}
		if len(r.ResponseMessages) != 1 || r.ResponseMessages[0].Err() != nil {
			t.Fatalf("messages = %+v", r.ResponseMessages)
		}
		m := r.ResponseMessages[0]
		desc := m.ConnectionStatus
		for _, n := range m.Notifications {
			desc += n.SubscriptionID + "@" + n.PreviousWatermark + ":"
			for _, e := range n.Events {
				desc += e.Kind() + "(" + e.ItemID.ID + " in " + e.ParentFolderID.ID + " " + e.Watermark + ")"
				if e.OldItemID != nil {
					desc += "<-" + e.OldItemID.ID + " in " + e.OldParentFolderID.ID
				}
			}
			if n.Events[0].TimeStamp.Year() != 2024 {
				t.Errorf("TimeStamp = %v", n.Events[0].TimeStamp)
			}
		}
		got = append(got, desc)
		decoded <- struct{}{}
	}
	close(decoded)
	want := []string{"OK", "sub-1@W0:CreatedEvent(I1 in F1 W1)NewMailEvent(I1 in F1 W2)MovedEvent(I2 in F2 W3)<-I1 in F1", "OK", "Closed"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("envelopes:\n got %q\nwant %q", got, want)
	}
	if _, err := s.Next(nil); err != io.EOF {
		t.Errorf("Next after the end = %v, want io.EOF", err)
	}
}

type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestEnvelopeStreamErrors(t *testing.T) {
	// A connection dropped inside an envelope: the transport's error, not a malformed response.
	s := DecodeStream(&failingReader{data: keepAlive + newMail[:300], err: io.ErrUnexpectedEOF}, 0)
	if _, err := s.Next(nil); err != nil {
		t.Fatalf("first envelope: %v", err)
	}
	_, err := s.Next(&GetStreamingEventsResponse{})
	if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrMalformed) {
		t.Errorf("dropped connection: %v", err)
	}

	// A stream that ends cleanly in the middle of an envelope is malformed.
	s = DecodeStream(strings.NewReader(keepAlive+newMail[:300]), 0)
	_, _ = s.Next(nil)
	if _, err := s.Next(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated stream: %v", err)
	}

	// A fault inside the stream is returned as *Fault, and the stream goes on.
	fault := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>a:ErrorInternalServerError</faultcode><faultstring>boom</faultstring>` +
		`<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorInternalServerError</e:ResponseCode></detail></s:Fault></s:Body></s:Envelope>`
	s = DecodeStream(strings.NewReader(fault+closed), 0)
	var f *Fault
	if _, err := s.Next(&GetStreamingEventsResponse{}); !errors.As(err, &f) || f.ResponseCode() != "ErrorInternalServerError" {
		t.Errorf("fault: %v", err)
	}
	var r GetStreamingEventsResponse
	if _, err := s.Next(&r); err != nil || r.ResponseMessages[0].ConnectionStatus != ConnectionClosed {
		t.Errorf("after the fault: %v %+v", err, r)
	}

	// The size limit applies to each envelope, not to the whole stream.
	big := envelope(`<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:MessageText>` + strings.Repeat("x", 40<<10) +
		`</m:MessageText><m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>OK</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`)
	s = DecodeStream(strings.NewReader(strings.Repeat(keepAlive, 40)+big), 20<<10)
	for i := 0; i < 40; i++ {
		if _, err := s.Next(nil); err != nil {
			t.Fatalf("keep-alive %d: %v", i, err)
		}
	}
	if _, err := s.Next(nil); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("oversized envelope: %v", err)
	}
}

// TestClientStream reads a chunked HTTP response that the server flushes envelope by envelope and ends early.
func TestClientStream(t *testing.T) {
	step := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), "<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>sub-1</t:SubscriptionId>") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if strings.Contains(string(body), "<m:ConnectionTimeout>2<") {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "<html>maintenance</html>")
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		for _, env := range []string{keepAlive, newMail} {
			_, _ = io.WriteString(w, env)
			w.(http.Flusher).Flush()
			<-step
		}
		// Hijack and close: the connection drops without the terminating chunk.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	c := &Client{URL: srv.URL, HTTP: srv.Client(), MaxResponseBytes: 1 << 20}
	ctx := context.Background()
	s, err := c.Stream(ctx, plain, &GetStreamingEvents{SubscriptionIDs: []string{"sub-1"}, ConnectionTimeout: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 2; i++ {
		var r GetStreamingEventsResponse
		if _, err := s.Next(&r); err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		if i == 1 && len(r.ResponseMessages[0].Notifications) != 1 {
			t.Errorf("second envelope = %+v", r)
		}
		step <- struct{}{}
	}
	if _, err := s.Next(nil); err == nil || err == io.EOF || errors.Is(err, ErrMalformed) {
		t.Errorf("dropped stream: %v, want a transport error", err)
	}

	_, err = c.Stream(ctx, plain, &GetStreamingEvents{SubscriptionIDs: []string{"sub-1"}, ConnectionTimeout: 2})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable || !strings.Contains(he.Excerpt, "maintenance") {
		t.Errorf("503: %v", err)
	}
}
