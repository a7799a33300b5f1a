package ews

import (
	"errors"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestMarkReadAndUnread(t *testing.T) {
	srv, c := setup(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	var ids []string
	for range 5 {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: "s", IsReadReceiptRequested: true,
			From: testserver.Address{Email: "bob@example.com"}}))
	}
	ctx := testCtx(t)
	if err := c.Mail().WithBatch(BatchOptions{Size: 2}).MarkRead(ctx, ids...); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if it, _ := srv.Item(id); !it.IsRead {
			t.Errorf("%s is unread after MarkRead", id)
		}
	}
	if n := mailCountOp(srv, "UpdateItem"); n != 3 {
		t.Errorf("%d UpdateItem requests for 5 ids in batches of 2, want 3", n)
	}
	sent := 0
	for _, r := range srv.Requests() {
		if r.Operation == "UpdateItem" {
			sent++
		}
	}
	if want := 3 + negotiationRefusals(srv); sent != want {
		t.Errorf("%d UpdateItem requests sent (negotiation included), want %d", sent, want)
	}
	// Exchange 2013 SP1 and later suppress the read receipts; older releases lack SuppressReadReceipts and send them.
	suppress := suppressesReadReceipts(srv)
	b := mailLastBody(t, srv, "UpdateItem")
	if hasText(b, `SuppressReadReceipts="true"`) != suppress || !hasText(b, `MessageDisposition="SaveOnly"`) || !hasText(b, `FieldURI="message:IsRead"`) {
		t.Errorf("UpdateItem request (SuppressReadReceipts wanted: %v): %s", suppress, b)
	}
	wantReceipts := 0
	if !suppress {
		wantReceipts = 5
	}
	if n := len(bob.Items("inbox")); n != wantReceipts {
		t.Errorf("the sender got %d read receipts, want %d", n, wantReceipts)
	}
	if err := c.Mail().MarkUnread(ctx, ids[1], ids[3]); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if it, _ := srv.Item(id); it.IsRead == (i == 1 || i == 3) {
			t.Errorf("message %d: IsRead = %v after MarkUnread of 1 and 3", i, it.IsRead)
		}
	}
}

// Exchange 2010 has no SuppressReadReceipts: the attribute is not sent, and the server sends the receipt.
func TestMarkReadExchange2010(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(exchange2010))
	bob := srv.AddMailbox("bob@example.com", "Bob")
	id := srv.AddMessage("inbox", testserver.Item{Subject: "please confirm", IsReadReceiptRequested: true,
		From: testserver.Address{Email: "bob@example.com"}})
	knowVersion(t, c)
	if err := c.Mail().MarkRead(testCtx(t), id); err != nil {
		t.Fatal(err)
	}
	if b := mailLastBody(t, srv, "UpdateItem"); hasText(b, "SuppressReadReceipts") {
		t.Errorf("UpdateItem for Exchange 2010 carries SuppressReadReceipts: %s", b)
	}
	if in := bob.Items("inbox"); len(in) != 1 || in[0].Subject != "Read: please confirm" {
		t.Errorf("sender's inbox = %+v, want the read receipt Exchange 2010 sends", in)
	}
}

func TestMarkReadPartialFailureAndMessageID(t *testing.T) {
	srv, c := setup(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a", InternetMessageID: "<a@example.com>"})
	b := srv.AddMessage("Sent Items", testserver.Item{Subject: "a copy", InternetMessageID: "<a@example.com>"})
	gone := srv.AddMessage("inbox", testserver.Item{Subject: "gone"})
	if err := c.Mail().Delete(testCtx(t), DeleteOptions{How: HardDelete}, gone); err != nil {
		t.Fatal(err)
	}
	err := c.Mail().MarkRead(testCtx(t), gone, "<a@example.com>")
	var be *BatchError
	if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed[0].Ref != gone || !errors.Is(err, ErrItemNotFound) {
		t.Fatalf("err = %v", err)
	}
	for _, id := range []string{a, b} {
		if it, _ := srv.Item(id); !it.IsRead {
			t.Errorf("copy %s of the Message-ID is unread", id)
		}
	}
}

func TestMarkReadBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	id := srv.AddMessage("inbox", testserver.Item{Subject: "s"})
	wantInputErr(t, c.Mail().MarkRead(testCtx(t), id, "bad id"), "ids[1]")
	wantInputErr(t, c.Mail().MarkUnread(testCtx(t)), "ids")
	noRequests(t, srv, 0)
	if it, _ := srv.Item(id); it.IsRead {
		t.Error("message marked read")
	}
}

// Parallel batches to a server whose version the client does not know yet negotiate it once: the first batch
// goes alone and settles the version, the others then carry the version the server takes, so no batch but the
// first is refused.
func TestParallelBatchesNegotiateOnce(t *testing.T) {
	for _, p := range []testserver.Personality{testserver.Exchange2007SP1, testserver.Exchange2010SP2, testserver.Exchange2013, testserver.Exchange2019} {
		t.Run(p.Name(), func(t *testing.T) {
			srv, c := setup(t, testserver.WithPersonality(p))
			var ids []string
			for range 8 {
				ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: "s"}))
			}
			if err := c.Mail().WithBatch(BatchOptions{Size: 1, Concurrency: 4}).MarkRead(testCtx(t), ids...); err != nil {
				t.Fatal(err)
			}
			sent, refused := 0, 0
			for _, r := range srv.Requests() {
				if r.Operation == "UpdateItem" {
					sent++
					if !p.Accepts(r.Version) {
						refused++
					}
				}
			}
			if want := negotiationRefusals(srv); sent != 8+want || refused != want {
				t.Errorf("%d UpdateItem sent, %d refused for their version; want %d and %d", sent, refused, 8+want, want)
			}
			for _, id := range ids {
				if it, _ := srv.Item(id); !it.IsRead {
					t.Errorf("%s is unread", id)
				}
			}
		})
	}
}
