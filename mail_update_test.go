package ews

import (
	"errors"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestUpdateMessage(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	id := srv.AddMessage("inbox", testserver.Item{Subject: "triage me", Categories: []string{"Old"}})
	other := srv.AddMessage("inbox", testserver.Item{Subject: "me too", IsRead: true})

	// The follow-up flag needs Exchange 2013 (TestUpdateFlagNeedsExchange2013): older releases leave it out.
	upd := MessageUpdate{Categories: []string{"Phish", "Triaged"}, Flag: FlagFlagged, Importance: ImportanceHigh, IsRead: Ptr(true)}
	wantFlag := "Flagged"
	if !serverPersonality(srv).Accepts("Exchange2013") {
		upd.Flag, wantFlag = "", ""
	}
	err := c.Mail().Update(ctx, upd, id, other)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []string{id, other} {
		it, _ := srv.Item(x)
		if diff := cmp.Diff([]string{"Phish", "Triaged"}, it.Categories); diff != "" || it.FlagStatus != wantFlag || it.Importance != "High" || !it.IsRead {
			t.Errorf("%s after Update: categories %v flag %q importance %q read %v", it.Subject, it.Categories, it.FlagStatus, it.Importance, it.IsRead)
		}
	}
	if n := mailCountOp(srv, "UpdateItem"); n != 1 {
		t.Errorf("%d UpdateItem requests for 2 messages, want 1", n)
	}
	// The client reads the flag back (item:Flag, Exchange 2013 and later; older servers are not asked for it).
	got, err := c.Mail().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := FlagStatus(wantFlag); got[0].Flag != want || got[0].Importance != ImportanceHigh {
		t.Errorf("Get after Update: flag %q importance %q, want %q and High", got[0].Flag, got[0].Importance, want)
	}
	// An empty list removes the categories; other properties are left alone.
	if err := c.Mail().Update(ctx, MessageUpdate{Categories: []string{}, IsRead: Ptr(false)}, id); err != nil {
		t.Fatal(err)
	}
	if it, _ := srv.Item(id); len(it.Categories) != 0 || it.IsRead || it.FlagStatus != wantFlag {
		t.Errorf("after clearing: %v read %v flag %q", it.Categories, it.IsRead, it.FlagStatus)
	}

	before := len(mailOps(srv))
	wantInputErr(t, c.Mail().Update(ctx, MessageUpdate{}, id), "MessageUpdate")
	wantInputErr(t, c.Mail().Update(ctx, MessageUpdate{Importance: "Urgent"}, id), "MessageUpdate.Importance")
	wantInputErr(t, c.Mail().Update(ctx, MessageUpdate{Categories: []string{"ok", " "}}, id), "MessageUpdate.Categories[1]")
	noRequests(t, srv, before)

	var be *BatchError
	if err := c.Mail().Update(ctx, MessageUpdate{IsRead: Ptr(true)}, id, "<gone@example.com>"); !errors.As(err, &be) {
		t.Errorf("Update with a missing message: %v, want a *BatchError", err)
	}
}

func TestUpdateFlagNeedsExchange2013(t *testing.T) {
	srv, c := setup(t, testserver.WithVersion(exchange2010))
	id := srv.AddMessage("inbox", testserver.Item{Subject: "x"})
	err := c.Mail().Update(testCtx(t), MessageUpdate{Flag: FlagFlagged}, id)
	if !errors.Is(err, ErrInvalidServerVersion) || !hasText([]byte(err.Error()), "Exchange 2013") {
		t.Fatalf("Update(Flag) on Exchange 2010: %v", err)
	}
	if n := mailCountOp(srv, "UpdateItem"); n != 0 {
		t.Errorf("UpdateItem sent to Exchange 2010 with a flag")
	}
}
