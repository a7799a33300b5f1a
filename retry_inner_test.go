package ews

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// innerBusy is the throttling answer Microsoft documents for EWS in Exchange Online: HTTP 200, a response
// message ErrorInternalServerError whose MessageXml names ErrorServerBusy as the inner error, with the back-off.
const innerBusy = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">` +
	`<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="7452" MinorBuildNumber="22" Version="V2018_01_08" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>` +
	`<s:Body><m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
	`<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>An internal server error occurred. The operation failed.</m:MessageText>` +
	`<m:ResponseCode>ErrorInternalServerError</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml>` +
	`<t:Value Name="InnerErrorMessageText">The server cannot service this request right now. Try again later.</t:Value>` +
	`<t:Value Name="InnerErrorResponseCode">ErrorServerBusy</t:Value><t:Value Name="InnerErrorDescriptiveLinkKey">0</t:Value>` +
	`<t:Value Name="BackOffMilliseconds">3000</t:Value></m:MessageXml></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`

// TestInnerServerBusyRetried: an HTTP 200 ErrorInternalServerError with an inner ErrorServerBusy is waited out
// (BackOffMilliseconds) and retried; when it lasts, the error matches ErrServerBusy and carries the back-off.
func TestInnerServerBusyRetried(t *testing.T) {
	srv := testserver.New(t)
	var busy atomic.Int32
	busy.Store(2)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetFolder>")) || r.Header.Get("Authorization") == "" || busy.Add(-1) < 0 {
			return false
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = io.WriteString(w, innerBusy)
		return true
	})
	clk := newFakeClock()
	c := retryClient(t, srv, clk, func(cfg *Config) { cfg.Auth = AuthBasic })
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil || f.DisplayName == "" {
		t.Fatalf("GetFolder = %+v, %v", f, err)
	}
	if s := clk.Sleeps(); len(s) != 2 || s[0] != 3*time.Second || s[1] != 3*time.Second {
		t.Errorf("waits %v, want two of 3s", s)
	}

	busy.Store(100)
	c = retryClient(t, srv, newFakeClock(), func(cfg *Config) { cfg.Auth = AuthBasic; cfg.Retry.MaxAttempts = 2 })
	_, err = c.GetFolder(testCtx(t), Inbox)
	var e *Error
	if !errors.Is(err, ErrServerBusy) || !errors.As(err, &e) || e.BackOff() != 3*time.Second {
		t.Errorf("lasting inner ErrorServerBusy: %v", err)
	}
}
