package testserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

var h13 = soap.Header{Version: "Exchange2013_SP1"}

// syncPage sends one SyncFolderItems and returns its response message (failing the test on a transport error).
func syncPage(t *testing.T, c *soap.Client, folder soap.FolderRef, state string, max int) *soap.SyncFolderItemsResponseMessage {
	t.Helper()
	var resp soap.SyncFolderItemsResponse
	_, err := c.Do(context.Background(), h13, &soap.SyncFolderItems{
		ItemShape:    soap.ItemShape{BaseShape: "IdOnly", AdditionalProperties: soap.PathList{{FieldURI: "item:Subject"}, {FieldURI: "message:IsRead"}}},
		SyncFolderID: soap.TargetFolder{Folder: folder}, SyncState: state, MaxChangesReturned: max,
	}, &resp)
	if err != nil || len(resp.ResponseMessages) != 1 {
		t.Fatalf("SyncFolderItems: %v %+v", err, resp)
	}
	return &resp.ResponseMessages[0]
}

// describe lists a page's changes as "Kind:subject-or-id".
func describe(srv *Server, m *soap.SyncFolderItemsResponseMessage) []string {
	var out []string
	for _, c := range m.Changes.Changes {
		switch c.Kind() {
		case soap.SyncCreate, soap.SyncUpdate:
			out = append(out, c.Kind()+":"+c.Item().Subject)
		case soap.SyncReadFlagChange:
			it, _ := srv.Item(c.ItemID.ID)
			out = append(out, fmt.Sprintf("ReadFlagChange:%s=%v", it.Subject, c.IsRead))
		case soap.SyncDelete:
			out = append(out, "Delete:"+c.ItemID.ID)
		}
	}
	return out
}

func TestSyncFolderItemsStates(t *testing.T) {
	srv := New(t)
	c := wire(t, srv)
	ctx := context.Background()
	inbox := soap.FolderRef{Distinguished: "inbox"}
	ids := map[string]string{}
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		ids[s] = srv.AddMessage("inbox", Item{Subject: s})
	}
	// The first sync pages through every item as a Create, oldest first.
	var pages [][]string
	state := ""
	var states []string
	for {
		m := syncPage(t, c, inbox, state, 2)
		if err := m.Err(); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, describe(srv, m))
		state = m.SyncState
		states = append(states, state)
		if m.IncludesLastItemInRange {
			break
		}
	}
	if got := fmt.Sprint(pages); got != "[[Create:a Create:b] [Create:c Create:d] [Create:e]]" {
		t.Fatalf("initial sync pages = %s", got)
	}
	if m := syncPage(t, c, inbox, state, 10); len(m.Changes.Changes) != 0 || !m.IncludesLastItemInRange {
		t.Fatalf("sync with nothing new = %v", describe(srv, m))
	}

	// Changes of every kind.
	upd := func(id string, u soap.Update) {
		var r soap.UpdateItemResponse
		if _, err := c.Do(ctx, h13, &soap.UpdateItem{ConflictResolution: "AlwaysOverwrite", MessageDisposition: "SaveOnly",
			ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: id}, Updates: []soap.Update{u}}}}, &r); err != nil || r.ResponseMessages[0].Err() != nil {
			t.Fatalf("UpdateItem: %v %+v", err, r)
		}
	}
	tr := true
	upd(ids["a"], soap.Update{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: &tr}})
	upd(ids["b"], soap.Update{Path: soap.Path{FieldURI: "item:Subject"}, Item: &soap.Message{Subject: "b2"}})
	var dr soap.DeleteItemResponse
	if _, err := c.Do(ctx, h13, &soap.DeleteItem{DeleteType: "HardDelete", ItemIDs: []soap.ItemID{{ID: ids["c"]}}}, &dr); err != nil || dr.ResponseMessages[0].Err() != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	var mr soap.MoveItemResponse
	if _, err := c.Do(ctx, h13, &soap.MoveItem{ToFolderID: soap.FolderRef{Distinguished: "junkemail"}, ItemIDs: []soap.ItemID{{ID: ids["d"]}}}, &mr); err != nil || mr.ResponseMessages[0].Err() != nil {
		t.Fatalf("MoveItem: %v", err)
	}
	srv.AddMessage("inbox", Item{Subject: "f"})
	srv.AddMessage("junkemail", Item{Subject: "g"})

	m := syncPage(t, c, inbox, state, 512)
	got := describe(srv, m)
	want := []string{"Delete:" + ids["c"], "Delete:" + ids["d"], "ReadFlagChange:a=true", "Update:b2", "Create:f"}
	if strings.Join(got, "|") != strings.Join(want, "|") || !m.IncludesLastItemInRange {
		t.Errorf("incremental sync:\n got %v\nwant %v", got, want)
	}
	// The same old state gives the same answer (a client restarting from a saved state).
	if again := describe(srv, syncPage(t, c, inbox, state, 512)); strings.Join(again, "|") != strings.Join(want, "|") {
		t.Errorf("sync from the same state again = %v", again)
	}
	// An older state still works: everything since then.
	// An older state still works: everything since then (it knew a and b only).
	older := describe(srv, syncPage(t, c, inbox, states[0], 512))
	if fmt.Sprint(older) != "[Create:e ReadFlagChange:a=true Update:b2 Create:f]" {
		t.Errorf("sync from the first page's state = %v", older)
	}
	// The moved item shows up in its new folder.
	junk := describe(srv, syncPage(t, c, soap.FolderRef{Distinguished: "junkemail"}, "", 512))
	if fmt.Sprint(junk) != "[Create:d Create:g]" {
		t.Errorf("junk sync = %v", junk)
	}

	// Invalid states: expired, garbage, or another folder's.
	final := m.SyncState
	for name, st := range map[string]string{
		"garbage":        "H4sIAAAAAAAEAGNgYGcAAotqE0tH",
		"another folder": syncPage(t, c, soap.FolderRef{Distinguished: "sentitems"}, "", 1).SyncState,
		"tampered":       final[:len(final)-8] + "AAAAAA==",
	} {
		var re *soap.ResponseError
		if err := syncPage(t, c, inbox, st, 10).Err(); !errors.As(err, &re) || re.Code != "ErrorInvalidSyncStateData" {
			t.Errorf("%s state: %v", name, err)
		}
	}
	if err := syncPage(t, c, inbox, final, 10).Err(); err != nil {
		t.Fatalf("valid state refused: %v", err)
	}
	srv.ExpireSyncStates()
	var re *soap.ResponseError
	if err := syncPage(t, c, inbox, final, 10).Err(); !errors.As(err, &re) || re.Code != "ErrorInvalidSyncStateData" {
		t.Errorf("expired state: %v", err)
	}
	if got := describe(srv, syncPage(t, c, inbox, "", 512)); fmt.Sprint(got) != "[Create:e Create:a Create:b2 Create:f]" {
		t.Errorf("full re-sync after expiry = %v", got)
	}

	// MaxChangesReturned out of range is a schema error.
	var resp soap.SyncFolderItemsResponse
	_, err := c.Do(ctx, h13, &soap.SyncFolderItems{ItemShape: soap.ItemShape{BaseShape: "IdOnly"}, SyncFolderID: soap.TargetFolder{Folder: inbox}, MaxChangesReturned: 513}, &resp)
	var f *soap.Fault
	if !errors.As(err, &f) || f.ResponseCode() != "ErrorSchemaValidation" {
		t.Errorf("MaxChangesReturned 513: %v", err)
	}
}
