package testserver

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

// wire returns a soap client logged in to srv with Basic auth (over plain http, for brevity).
func wire(t *testing.T, srv *Server) *soap.Client {
	t.Helper()
	return &soap.Client{URL: srv.URL, HTTP: soap.NewHTTPClient(soap.TransportConfig{Method: soap.AuthBasic, Username: srv.Username(), Password: srv.Password()})}
}

func bp(b bool) *bool { return &b }

func TestItemsRoundTrip(t *testing.T) {
	srv := New(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c := wire(t, srv)
	ctx := context.Background()
	h := soap.Header{Version: "Exchange2013_SP1"}

	var cr soap.CreateItemResponse
	_, err := c.Do(ctx, h, &soap.CreateItem{MessageDisposition: "SendAndSaveCopy", Items: soap.ItemList{&soap.Message{
		Subject: "hello </t:Subject>]]>", Body: &soap.Body{BodyType: "HTML", Text: "<p>hi</p>"},
		ToRecipients: &soap.Recipients{Mailboxes: []soap.Mailbox{{EmailAddress: "bob@example.com"}}},
		Attachments:  &soap.Attachments{Attachments: []any{&soap.FileAttachment{Name: "a.txt", Content: "aGk="}}},
	}}}, &cr)
	if err != nil || len(cr.ResponseMessages) != 1 || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem: %v %+v", err, cr)
	}
	inbox := bob.Items("inbox")
	if len(inbox) != 1 || inbox[0].Subject != "hello </t:Subject>]]>" || inbox[0].IsRead || len(inbox[0].Attachments) != 1 || string(inbox[0].Attachments[0].Content) != "hi" {
		t.Fatalf("bob's inbox = %+v", inbox)
	}
	if sent := srv.Default().Items("sentitems"); len(sent) != 1 || sent[0].From.Email != srv.Email() {
		t.Fatalf("sent items = %+v", sent)
	}

	for i := 0; i < 25; i++ {
		srv.AddMessage("inbox", Item{Subject: fmt.Sprintf("m%02d", i), IsRead: i%2 == 0})
	}
	seen := map[string]bool{}
	offset := 0
	for page := 0; ; page++ {
		var fr soap.FindItemResponse
		_, err := c.Do(ctx, h, &soap.FindItem{Traversal: "Shallow", ItemShape: soap.ItemShape{BaseShape: "IdOnly"},
			IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: 10, Offset: offset, BasePoint: "Beginning"},
			SortOrder:       soap.SortOrder{{Order: "Ascending", Path: soap.Path{FieldURI: "item:Subject"}}},
			ParentFolderIDs: []soap.FolderRef{{Distinguished: "inbox"}}}, &fr)
		if err != nil {
			t.Fatal(err)
		}
		rf := fr.ResponseMessages[0].RootFolder
		if rf.TotalItemsInView != 25 {
			t.Fatalf("TotalItemsInView = %d", rf.TotalItemsInView)
		}
		for _, it := range rf.Items.Items {
			if seen[it.ItemID.ID] {
				t.Fatalf("duplicate %s", it.ItemID.ID)
			}
			seen[it.ItemID.ID] = true
		}
		if rf.IncludesLastItemInRange {
			break
		}
		offset = rf.IndexedPagingOffset
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 25 {
		t.Fatalf("paged %d items, want 25", len(seen))
	}

	sent := srv.Default().Items("sentitems")[0]
	var gr soap.GetItemResponse
	_, err = c.Do(ctx, h, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "AllProperties", IncludeMimeContent: bp(true)},
		ItemIDs: []soap.ItemID{{ID: sent.ID}, {ID: "garbage"}, {ID: inbox[0].ID}}}, &gr)
	if err != nil || len(gr.ResponseMessages) != 3 {
		t.Fatalf("GetItem: %v %+v", err, gr)
	}
	got := gr.ResponseMessages[0].Items.Items[0]
	if got.Subject != inbox[0].Subject || got.Body.BodyType != "HTML" || !got.HasAttachments || got.MimeContent == nil || len(got.ToRecipients) != 1 {
		t.Errorf("GetItem item = %+v", got)
	}
	var re *soap.ResponseError
	if err := gr.ResponseMessages[1].Err(); err == nil || !asRE(err, &re) || re.Code != "ErrorInvalidIdMalformed" {
		t.Errorf("malformed id: %v", err)
	}
	if err := gr.ResponseMessages[2].Err(); err == nil || !asRE(err, &re) || re.Code != "ErrorAccessDenied" {
		t.Errorf("another mailbox's item without delegate rights: %v", err)
	}
}

func asRE(err error, re **soap.ResponseError) bool {
	r, ok := err.(*soap.ResponseError)
	*re = r
	return ok
}

func TestUnknownOperationIsFault(t *testing.T) {
	srv := New(t)
	c := wire(t, srv)
	_, err := c.DoRaw(context.Background(), []byte(`<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><s:Body><m:FrobnicateItem/></s:Body></s:Envelope>`), nil)
	f, ok := err.(*soap.Fault)
	if !ok || f.ResponseCode() != "ErrorInvalidRequest" {
		t.Fatalf("err = %#v, want a fault with ErrorInvalidRequest", err)
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated GET: status %d, want 401", resp.StatusCode)
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<html><body><p>Dear customer,</p><p>your invoice &amp; receipt.</p></body></html>", "Dear customer,\r\n\r\nyour invoice & receipt."},
		{"line one<br>line two<BR/>three", "line one\r\nline two\r\nthree"},
		{"<b>bold</b> and <i>italic</i>", "bold and italic"},
		{"a &lt;tag&gt; in text", "a <tag> in text"},
	}
	for _, tt := range tests {
		if got := htmlToText(tt.in); got != tt.want {
			t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
