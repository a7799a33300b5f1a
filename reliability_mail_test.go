package ews

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// Wire-level versions of the mail tests: they drive FindItem paging and a sending CreateItem through
// do, as the mail service does. The same tests through Mail().Search and Mail().Send are in
// mail_reliability_test.go.

// findAllMessages pages through a folder with FindItem, as a search iterator does, and returns the ids.
func findAllMessages(t *testing.T, c *Client, pageSize int) []string {
	t.Helper()
	var ids []string
	offset := 0
	for {
		req := &soap.FindItem{Traversal: "Shallow", ItemShape: soap.ItemShape{BaseShape: "IdOnly"},
			IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: pageSize, Offset: offset, BasePoint: "Beginning"},
			SortOrder:       soap.SortOrder{{Order: "Ascending", Path: soap.Path{FieldURI: "item:DateTimeReceived"}}},
			ParentFolderIDs: []soap.FolderRef{{Distinguished: "inbox"}}}
		var resp soap.FindItemResponse
		if err := doInto(testCtx(t), c, req, &resp); err != nil {
			t.Fatalf("FindItem at offset %d: %v", offset, err)
		}
		if len(resp.ResponseMessages) != 1 {
			t.Fatalf("FindItem: %d response messages", len(resp.ResponseMessages))
		}
		m := resp.ResponseMessages[0]
		if err := m.Err(); err != nil {
			t.Fatalf("FindItem: %v", err)
		}
		for _, it := range m.RootFolder.Items.Items {
			ids = append(ids, it.ItemID.ID)
		}
		if m.RootFolder.IncludesLastItemInRange || len(m.RootFolder.Items.Items) == 0 {
			return ids
		}
		offset = m.RootFolder.IndexedPagingOffset
	}
}

func TestMessageSearchUnderFaults(t *testing.T) {
	const n = 5000
	srv := testserver.New(t, testserver.WithFaults(
		testserver.ServerBusy(250*time.Millisecond).Every(3),
		testserver.ResetAfter().Every(7),
	))
	want := map[string]bool{}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		want[srv.AddMessage("inbox", testserver.Item{Subject: fmt.Sprintf("alert %04d", i), DateTimeReceived: start.Add(time.Duration(i) * time.Minute)})] = true
	}
	clk := newFakeClock()
	c := retryClient(t, srv, clk, nil)
	ids := findAllMessages(t, c, 1000)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !want[id] {
			t.Fatalf("message %s returned twice or not in the inbox", id)
		}
		seen[id] = true
	}
	if len(ids) != n {
		t.Fatalf("got %d messages, want %d", len(ids), n)
	}
	busy, resets := 0, 0
	for _, r := range srv.Requests() {
		switch r.Fault {
		case "ServerBusy":
			busy++
		case "ResetAfter":
			resets++
		}
	}
	busyWaits := 0
	for _, d := range clk.Sleeps() {
		if d == 250*time.Millisecond {
			busyWaits++
		}
	}
	if busy == 0 || resets == 0 || busyWaits != busy {
		t.Errorf("%d ServerBusy (%d waits of the server's 250ms), %d resets; want both faults hit and every back-off honoured", busy, busyWaits, resets)
	}
}

// sendReq is a CreateItem that sends a message to bob and saves a copy.
func sendReq(subject string) (*soap.CreateItem, *soap.CreateItemResponse) {
	return &soap.CreateItem{MessageDisposition: "SendAndSaveCopy", Items: soap.ItemList{&soap.Message{
		Subject:      subject,
		Body:         &soap.Body{BodyType: "Text", Text: "quarantined"},
		ToRecipients: &soap.Recipients{Mailboxes: []soap.Mailbox{{EmailAddress: "bob@example.com"}}},
	}}}, &soap.CreateItemResponse{}
}

func TestSendNotDuplicated(t *testing.T) {
	for _, tt := range []struct {
		fault   testserver.Fault
		unknown bool
	}{
		{testserver.ResetAfter(), true},
		{testserver.Truncate(100), true},
		{testserver.ServerBusy(time.Second), false},
		{testserver.Unavailable("2"), false},
	} {
		t.Run(tt.fault.Name(), func(t *testing.T) {
			srv := testserver.New(t, testserver.WithFaults(tt.fault.For("CreateItem").Times(1)))
			bob := srv.AddMailbox("bob@example.com", "Bob")
			clk := newFakeClock()
			c := retryClient(t, srv, clk, nil)
			settleVersion(t, srv, c) // the fault is for the send, not for a refusal of the RequestServerVersion
			req, resp := sendReq("phishing notice </t:Subject>]]>")
			err := doInto(testCtx(t), c, req, resp)
			if tt.unknown != errors.Is(err, ErrOutcomeUnknown) || !tt.unknown && err != nil {
				t.Fatalf("send under %s: err = %v, want outcome unknown = %v", tt.fault.Name(), err, tt.unknown)
			}
			if got := bob.Items("inbox"); len(got) != 1 || got[0].Subject != "phishing notice </t:Subject>]]>" {
				t.Errorf("bob received %d messages (%+v), want exactly one, subject verbatim", len(got), got)
			}
			if got := srv.Default().Items("sentitems"); len(got) != 1 {
				t.Errorf("sent items hold %d messages, want 1", len(got))
			}
		})
	}
}
