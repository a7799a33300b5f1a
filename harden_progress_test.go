package ews

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const hostileEnv = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body>%s</s:Body></s:Envelope>`

const hostileNS = `xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"`

// hostile is a server that answers each operation with what answer returns, counting requests.
func hostile(t *testing.T, answer func(op string, n int) string) (*Client, *atomic.Int64) {
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		op := ""
		for _, o := range []string{"FindItem", "GetItem", "SyncFolderItems", "GetFolder"} {
			if strings.Contains(string(b), "<m:"+o+" ") || strings.Contains(string(b), "<m:"+o+">") {
				op = o
			}
		}
		n := int(count.Add(1))
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprintf(w, hostileEnv, answer(op, n))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Host: srv.URL + "/EWS/Exchange.asmx", Username: "u", Password: "pass-word", EmailAddress: "a@example.com",
		Auth: AuthBasic, Version: "Exchange2016"})
	if err != nil {
		t.Fatal(err)
	}
	return c, &count
}

func syncAnswer(state string, changes string) string {
	return `<m:SyncFolderItemsResponse ` + hostileNS + `><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>` +
		state + `</m:SyncState><m:IncludesLastItemInRange>false</m:IncludesLastItemInRange><m:Changes>` + changes + `</m:Changes></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`
}

const oneCreate = `<t:Create><t:Message><t:ItemId Id="AAMkSame" ChangeKey="CK"/><t:Subject>same</t:Subject><t:DateTimeReceived>2024-05-06T08:00:00Z</t:DateTimeReceived></t:Message></t:Create>`

// Paging and sync loops against servers that never make progress stop with ErrNoProgress after a few requests.
func TestNoProgressLoopsStop(t *testing.T) {
	defer func(d time.Duration) { idlePause = d }(idlePause)
	idlePause = time.Millisecond
	cases := []struct {
		name   string
		answer func(op string, n int) string
		run    func(c *Client) error
	}{
		{"FindItem same page forever", func(op string, n int) string {
			if op == "GetItem" {
				return `<m:GetItemResponse ` + hostileNS + `><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="AAMkSame" ChangeKey="CK"/><t:Subject>same</t:Subject></t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>`
			}
			return `<m:FindItemResponse ` + hostileNS + `><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1000000" IncludesLastItemInRange="false"><t:Items><t:Message><t:ItemId Id="AAMkSame" ChangeKey="CK"/></t:Message></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`
		}, func(c *Client) error {
			n := 0
			for _, err := range c.Mail().Search(testCtx(t), SearchOptions{Folder: Inbox}) {
				if err != nil {
					return err
				}
				n++
			}
			return fmt.Errorf("search ended without an error after %d messages", n)
		}},
		{"SyncFolderItems new state, no changes, forever", func(op string, n int) string {
			return syncAnswer(fmt.Sprintf("S%d", n), "")
		}, func(c *Client) error {
			_, err := c.pollMemory(t)
			return err
		}},
		{"SyncFolderItems same change and state forever", func(op string, n int) string {
			return syncAnswer("S1", oneCreate)
		}, func(c *Client) error {
			_, err := c.pollMemory(t)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, count := hostile(t, tc.answer)
			err := tc.run(c)
			if !errors.Is(err, ErrNoProgress) {
				t.Fatalf("err = %v, want ErrNoProgress", err)
			}
			if n := count.Load(); n > 3*maxIdlePages {
				t.Errorf("%d requests before giving up", n)
			}
		})
	}
}

func (c *Client) pollMemory(t *testing.T) (int, error) {
	p, err := c.NewPoller(PollerOptions{Folders: []FolderRef{Inbox}, Store: &MemoryStateStore{}, IncludeExisting: true, SummaryOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = p.Poll(testCtx(t), func(_ context.Context, ev *MailEvent) error { n++; return nil })
	return n, err
}
