package ews

import (
	"errors"
	"slices"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestMoveReturnsNewIDs(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	if _, err := mb.AddFolder("inbox", "Phishing", ""); err != nil {
		t.Fatal(err)
	}
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	b := srv.AddMessage("inbox", testserver.Item{Subject: "b", InternetMessageID: "<b@evil.example>"})
	keep := srv.AddMessage("inbox", testserver.Item{Subject: "keep"})
	// b is named twice (by Message-ID and by id) and moved once.
	moved, err := c.Mail().WithBatch(BatchOptions{Size: 1}).Move(testCtx(t), FolderByPath("Inbox/Phishing"), a, "<b@evil.example>", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 2 || moved[0].Ref != a || moved[0].ID != a || moved[1].Ref != "<b@evil.example>" || moved[1].ID != b {
		t.Fatalf("moved = %+v", moved)
	}
	in := mb.Items("Inbox/Phishing")
	if len(in) != 2 || in[0].ID != moved[0].NewID || in[1].ID != moved[1].NewID || in[0].Subject != "a" || in[1].Subject != "b" {
		t.Errorf("Phishing holds %+v, moved = %+v", in, moved)
	}
	if rest := mb.Items("inbox"); len(rest) != 1 || rest[0].ID != keep {
		t.Errorf("inbox holds %+v", rest)
	}
	if _, ok := srv.Item(a); ok {
		t.Error("old id still exists after the move")
	}
	if n := mailCountOp(srv, "MoveItem"); n != 2 {
		t.Errorf("%d MoveItem requests with batch size 1, want 2", n)
	}
	// ReturnNewItemIds exists from Exchange 2010 SP1 on; older releases must not get it.
	wantReturn := serverPersonality(srv).Accepts("Exchange2010_SP1")
	if body := mailLastBody(t, srv, "MoveItem"); hasText(body, "<m:ReturnNewItemIds>true</m:ReturnNewItemIds>") != wantReturn {
		t.Errorf("MoveItem request (ReturnNewItemIds wanted: %v): %s", wantReturn, body)
	}
}

func TestCopyKeepsOriginals(t *testing.T) {
	srv, c := setup(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "evidence", Body: "b"})
	copies, err := c.Mail().Copy(testCtx(t), archiveRef(srv), a)
	if err != nil {
		t.Fatal(err)
	}
	arch := srv.Default().Items("archive")
	if len(copies) != 1 || len(arch) != 1 || arch[0].ID != copies[0].NewID || arch[0].Subject != "evidence" || copies[0].NewID == a {
		t.Fatalf("copies = %+v, archive = %+v", copies, arch)
	}
	if _, ok := srv.Item(a); !ok {
		t.Error("original gone after Copy")
	}
}

func TestMoveExchange2010RTMHasNoNewIDs(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(testserver.ServerVersion{MajorVersion: 14, MinorVersion: 0, MajorBuildNumber: 639, MinorBuildNumber: 21}))
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	knowVersion(t, c)
	moved, err := c.Mail().Move(testCtx(t), JunkEmail, a)
	if err != nil {
		t.Fatal(err)
	}
	if body := mailLastBody(t, srv, "MoveItem"); hasText(body, "ReturnNewItemIds") {
		t.Errorf("ReturnNewItemIds sent to Exchange 2010 RTM: %s", body)
	}
	if len(moved) != 1 || moved[0].ID != a || len(srv.Default().Items("junkemail")) != 1 {
		t.Errorf("moved = %+v", moved)
	}
}

func TestMovePartialFailure(t *testing.T) {
	srv, c := setup(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	gone := srv.AddMessage("inbox", testserver.Item{Subject: "gone"})
	if err := c.Mail().Delete(testCtx(t), DeleteOptions{How: HardDelete}, gone); err != nil {
		t.Fatal(err)
	}
	moved, err := c.Mail().Move(testCtx(t), DeletedItems, gone, a)
	var be *BatchError
	if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed[0].Ref != gone || !errors.Is(err, ErrItemNotFound) {
		t.Fatalf("err = %v", err)
	}
	if len(moved) != 1 || moved[0].ID != a || len(srv.Default().Items("deleteditems")) != 1 {
		t.Errorf("moved = %+v", moved)
	}
}

func TestMoveBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	ctx := testCtx(t)
	_, err := c.Mail().Move(ctx, DistinguishedFolder("nosuch"), a)
	if !errors.Is(err, ErrInvalidFolder) {
		t.Errorf("unknown folder: %v", err)
	}
	_, err = c.Mail().Move(ctx, FolderByID(""), a)
	if !errors.Is(err, ErrInvalidFolder) {
		t.Errorf("empty folder id: %v", err)
	}
	_, err = c.Mail().Copy(ctx, JunkEmail, "%%%")
	wantInputErr(t, err, "ids[0]")
	_, err = c.Mail().Move(ctx, JunkEmail)
	wantInputErr(t, err, "ids")
	noRequests(t, srv, 0)
	// A path that does not exist is looked up (FindFolder) and nothing is moved.
	_, err = c.Mail().Move(ctx, FolderByPath("Inbox/No Such"), a)
	if !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("unknown path: %v", err)
	}
	if got := mailOps(srv); slices.Contains(got, "MoveItem") {
		t.Errorf("operations = %v", got)
	}
	if _, ok := srv.Item(a); !ok {
		t.Error("message moved")
	}
}

func TestDeleteTypes(t *testing.T) {
	srv, c := setup(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	mb := srv.Default()
	ctx := testCtx(t)
	unread := testserver.Item{Subject: "phish", IsReadReceiptRequested: true, From: testserver.Address{Email: "bob@example.com"}}

	hard := srv.AddMessage("inbox", unread)
	if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, hard); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Item(hard); ok || len(mb.Items("recoverableitemsdeletions")) != 0 || len(mb.Items("deleteditems")) != 0 {
		t.Error("HardDelete left the message somewhere")
	}

	soft := srv.AddMessage("inbox", unread)
	if err := c.Mail().Delete(ctx, DeleteOptions{How: SoftDelete}, soft); err != nil {
		t.Fatal(err)
	}
	if rec := mb.Items("recoverableitemsdeletions"); len(rec) != 1 || rec[0].Subject != "phish" || len(mb.Items("inbox")) != 0 {
		t.Errorf("SoftDelete: recoverable items = %+v", rec)
	}

	moved := srv.AddMessage("inbox", unread)
	if err := c.Mail().Delete(ctx, DeleteOptions{How: MoveToDeletedItems}, moved); err != nil {
		t.Fatal(err)
	}
	if del := mb.Items("deleteditems"); len(del) != 1 || del[0].Subject != "phish" || len(mb.Items("inbox")) != 0 {
		t.Errorf("MoveToDeletedItems: deleted items = %+v", del)
	}
	// Deleting unread mail must not tell the sender where the server can suppress the receipt (Exchange 2013 SP1
	// and later); older releases lack SuppressReadReceipts and send a "Not read" receipt for each of the three.
	suppress := suppressesReadReceipts(srv)
	in := bob.Items("inbox")
	if suppress && len(in) != 0 {
		t.Errorf("the sender got %+v", in)
	}
	if !suppress {
		if len(in) != 3 {
			t.Errorf("the sender got %d receipts, want 3 (the server cannot suppress them)", len(in))
		}
		for _, r := range in {
			if r.ItemClass != "REPORT.IPM.Note.IPNNRN" {
				t.Errorf("the sender got %s, want a not-read receipt", r.ItemClass)
			}
		}
	}
	for _, b := range mailBodies(srv, "DeleteItem") {
		if hasText(b, `SuppressReadReceipts="true"`) != suppress {
			t.Errorf("DeleteItem (SuppressReadReceipts wanted: %v): %s", suppress, b)
		}
	}
}

func TestDeleteBatchedByMessageID(t *testing.T) {
	srv, c := setup(t)
	var ids []string
	for range 5 {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: "spam", InternetMessageID: "<campaign@evil.example>"}))
	}
	other := srv.AddMessage("inbox", testserver.Item{Subject: "keep"})
	if err := c.Mail().WithBatch(BatchOptions{Size: 2}).Delete(testCtx(t), DeleteOptions{How: MoveToDeletedItems}, "<campaign@evil.example>"); err != nil {
		t.Fatal(err)
	}
	if n := mailCountOp(srv, "DeleteItem"); n != 3 {
		t.Errorf("%d DeleteItem requests for 5 items in batches of 2", n)
	}
	if del := srv.Default().Items("deleteditems"); len(del) != 5 {
		t.Errorf("deleted items holds %d", len(del))
	}
	for _, id := range ids {
		if _, ok := srv.Item(id); ok {
			t.Errorf("%s still in place", id)
		}
	}
	if in := srv.Default().Items("inbox"); len(in) != 1 || in[0].ID != other {
		t.Errorf("inbox = %+v", in)
	}
}

func TestDeleteBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	a := srv.AddMessage("inbox", testserver.Item{Subject: "a"})
	wantInputErr(t, c.Mail().Delete(testCtx(t), DeleteOptions{How: "Soft"}, a), "DeleteOptions.How")
	wantInputErr(t, c.Mail().Delete(testCtx(t), DeleteOptions{How: HardDelete}, a, "<>"), "ids[1]")
	noRequests(t, srv, 0)
	if _, ok := srv.Item(a); !ok {
		t.Error("message deleted")
	}
}

// A request that fails as a whole stops the batches after it; their items are reported as not attempted.
func TestDeleteStopsAfterFailedRequest(t *testing.T) {
	srv, c := setup(t)
	var ids []string
	for range 4 {
		ids = append(ids, srv.AddMessage("inbox", testserver.Item{Subject: "x"}))
	}
	faults := faultOperation(srv, "DeleteItem", "ErrorAccessDenied")
	err := c.Mail().WithBatch(BatchOptions{Size: 2}).Delete(testCtx(t), DeleteOptions{How: HardDelete}, ids...)
	var be *BatchError
	if !errors.As(err, &be) || be.Total != 4 || len(be.Failed) != 4 {
		t.Fatalf("err = %v", err)
	}
	for i, f := range be.Failed {
		if f.Ref != ids[i] {
			t.Errorf("failure %d is about %s, want %s", i, f.Ref, ids[i])
		}
		if i < 2 && !errors.Is(f.Err, ErrAccessDenied) || i >= 2 && !errors.Is(f.Err, ErrNotAttempted) {
			t.Errorf("failure %d = %v", i, f.Err)
		}
	}
	if faults.Load() != 1 || mailCountOp(srv, "DeleteItem") != 0 {
		t.Errorf("%d DeleteItem requests reached the server after the fault", mailCountOp(srv, "DeleteItem"))
	}
	if n := len(srv.Default().Items("inbox")); n != 4 {
		t.Errorf("%d messages left, want 4", n)
	}
}
