package ews

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// graphPaths returns the Graph requests' paths (and methods) received since from.
func graphPaths(srv *testserver.Server, from int) []string {
	var out []string
	for _, r := range srv.GraphRequests()[from:] {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// translations counts the translateExchangeIds requests among srv's Graph requests since from.
func translations(srv *testserver.Server, from int) int {
	n := 0
	for _, p := range graphPaths(srv, from) {
		if strings.HasSuffix(p, "/translateExchangeIds") {
			n++
		}
	}
	return n
}

// TestGraphTakesStoredEWSIDs: ids a program stored over EWS (ItemIds, FolderIds: standard base64 with "+" and
// "/", which Graph refuses as malformed) keep working after its backend becomes graph: get, mark, move and delete
// of messages, a folder by id, an event and a contact. With an app-only token (which translateExchangeIds does not
// take) the SDK asks once, then translates them as Office.js's convertToRestId does; what it returns are Graph ids.
func TestGraphTakesStoredEWSIDs(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	mb := srv.Default()
	ctx := testCtx(t)
	ewsC, gr := newTestClient(t, srv, nil), newGraphClient(t, srv, nil)
	seedInbox(mb, testserver.Item{Subject: "one"}, testserver.Item{Subject: "two"}, testserver.Item{Subject: "three"})
	fid, err := mb.AddFolder("inbox", "Phishing", "")
	if err != nil {
		t.Fatal(err)
	}
	// The ids as a playbook stored them: from the EWS backend.
	var stored []string
	for m, err := range ewsC.Mail().Search(ctx, SearchOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, m.ID)
	}
	folder, err := ewsC.GetFolder(ctx, FolderByPath("Inbox/Phishing"))
	if err != nil || folder.ID != fid {
		t.Fatalf("EWS folder: %+v, %v", folder, err)
	}
	if len(stored) != 3 || !graph.IsEWSID(stored[0]) {
		t.Fatalf("stored EWS ids %q", stored)
	}
	from := len(srv.GraphRequests())

	ms, err := gr.Mail().Get(ctx, stored...)
	if err != nil || len(ms) != 3 {
		t.Fatalf("Get over Graph by EWS ids: %v, %v", ms, err)
	}
	for i, m := range ms {
		if !sameID(m.ID, stored[i]) || graph.IsEWSID(m.ID) || m.ID == stored[i] {
			t.Errorf("message %d: id %q for stored %q (want the Graph id of the same message)", i, m.ID, stored[i])
		}
	}
	if err := gr.Mail().MarkRead(ctx, stored[0]); err != nil {
		t.Fatal(err)
	}
	if it, _ := srv.Item(stored[0]); !it.IsRead {
		t.Error("MarkRead by the EWS id did not mark the message")
	}
	moved, err := gr.Mail().Move(ctx, FolderByID(folder.ID), stored[1])
	if err != nil || len(moved) != 1 || !sameID(moved[0].NewID, stored[1]) || graph.IsEWSID(moved[0].NewID) {
		t.Fatalf("Move by EWS ids = %+v, %v", moved, err)
	}
	if it, _ := srv.Item(stored[1]); it.FolderID != fid {
		t.Errorf("moved message is in %q, want %q", it.FolderID, fid)
	}
	if err := gr.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, stored[2]); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Item(stored[2]); ok {
		t.Error("Delete by the EWS id left the message")
	}
	// Search in a folder given by its EWS id.
	var found []string
	for m, err := range gr.Mail().Search(ctx, SearchOptions{Folder: FolderByID(fid)}) {
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m.Subject)
	}
	if !slices.Equal(found, []string{"two"}) {
		t.Errorf("Search of the folder by EWS id = %v", found)
	}
	// Every Graph request named the objects with Graph ids; translateExchangeIds was refused once (app-only) and
	// not asked again.
	for _, p := range graphPaths(srv, from) {
		for _, id := range append(stored, fid) {
			if strings.Contains(p, id) {
				t.Errorf("request %s holds the EWS id %s", p, id)
			}
		}
	}
	if n := translations(srv, from); n != 1 {
		t.Errorf("%d translateExchangeIds requests, want 1 (refused to app-only tokens, then translated locally)", n)
	}

	// An event and a contact stored over EWS.
	evID, err := ewsC.Calendar().Create(ctx, NewEvent{Subject: "sync", Start: backendsBase, End: backendsBase.Add(time.Hour)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := gr.Calendar().Get(ctx, evID)
	if err != nil || ev.Subject != "sync" || !sameID(ev.ID, evID) || graph.IsEWSID(ev.ID) {
		t.Fatalf("Calendar().Get by EWS id = %+v, %v", ev, err)
	}
	if err := gr.Calendar().Delete(ctx, DeleteOptions{}, evID); err != nil {
		t.Fatal(err)
	}
	if it, _ := srv.Item(evID); it.FolderID != mb.FolderID("deleteditems") {
		t.Errorf("deleted event is in %q", it.FolderID)
	}
	ctID := mb.AddContact(testserver.Item{DisplayName: "Old", GivenName: "Old"})
	name := "New"
	if err := gr.Contacts().Update(ctx, ctID, ContactChanges{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	if ct, err := gr.Contacts().Get(ctx, ctID); err != nil || ct.DisplayName != "New" || !sameID(ct.ID, ctID) {
		t.Errorf("Contacts().Get by EWS id = %+v, %v", ct, err)
	}
	if err := gr.Contacts().Delete(ctx, DeleteOptions{}, ctID); err != nil {
		t.Fatal(err)
	}
	if it, _ := srv.Item(ctID); it.FolderID != mb.FolderID("deleteditems") {
		t.Errorf("deleted contact is in %q", it.FolderID)
	}
	// An EWS id of nothing (the message deleted above): Graph's not-found, as for any id.
	if _, err := gr.Mail().Get(ctx, stored[2]); !errors.Is(err, ErrItemNotFound) {
		t.Errorf("Get of an EWS id of nothing: %v, want ErrItemNotFound", err)
	}
}

// TestGraphTranslatesEWSIDsDelegated: with a delegated token the SDK translates EWS ids with translateExchangeIds
// (one request for the ids of a call, to REST immutable ids), keeps the translations, and the requests name the
// messages by the ids Graph gave.
func TestGraphTranslatesEWSIDsDelegated(t *testing.T) {
	srv := testserver.New(t, testserver.WithToken("delegated", testserver.DefaultEmail), testserver.WithGraphApp(testGraphApp))
	ids := seedInbox(srv.Default(), testserver.Item{Subject: "a"}, testserver.Item{Subject: "b"}, testserver.Item{Subject: "c"})
	gr := newGraphClient(t, srv, func(c *Config) {
		c.App = nil
		c.Auth = AuthOAuth2
		c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "delegated"})
	})
	ctx := testCtx(t)
	// A translation that fails for a while (500) fails the call, before any change: the SDK does not guess.
	srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "/translateExchangeIds", Status: 500, Times: 1})
	if err := gr.Mail().MarkRead(ctx, ids[0]); err == nil {
		t.Fatal("MarkRead with a failing translateExchangeIds: no error")
	} else if oe := (*OpError)(nil); !errors.As(err, &oe) || oe.Op != "translateExchangeIds" {
		t.Errorf("error %v, want an *OpError of translateExchangeIds", err)
	}
	if it, _ := srv.Item(ids[0]); it.IsRead {
		t.Error("marked read although the translation failed")
	}
	from := len(srv.GraphRequests())
	if err := gr.Mail().MarkRead(ctx, ids...); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if it, _ := srv.Item(id); !it.IsRead {
			t.Errorf("%s not marked read", it.Subject)
		}
	}
	if n := translations(srv, from); n != 1 {
		t.Errorf("%d translateExchangeIds requests for 3 ids, want 1", n)
	}
	var patched []string
	for _, p := range graphPaths(srv, from) {
		if strings.HasPrefix(p, "PATCH ") {
			patched = append(patched, p[strings.LastIndexByte(p, '/')+1:])
		}
	}
	want := []string{testserver.GraphID(ids[0]), testserver.GraphID(ids[1]), testserver.GraphID(ids[2])}
	slices.Sort(patched)
	slices.Sort(want)
	if !slices.Equal(patched, want) {
		t.Errorf("PATCHed %q, want the immutable ids %q", patched, want)
	}
	// Kept: the same ids again need no translation.
	from = len(srv.GraphRequests())
	if _, err := gr.Mail().Get(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if n := translations(srv, from); n != 0 {
		t.Errorf("%d translateExchangeIds requests for a translated id, want 0", n)
	}
}

// TestPollStateByFolderIDAcrossBackends: a poller state kept in a FileStateStore for a folder given by its EWS
// FolderId moves between the backends: the same key, the folder id translated over Graph, every message
// delivered once.
func TestPollStateByFolderIDAcrossBackends(t *testing.T) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp))
	mb := srv.Default()
	fid, err := mb.AddFolder("inbox", "Reports", "")
	if err != nil {
		t.Fatal(err)
	}
	ews, gr := newTestClient(t, srv, nil), newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "poll.json")
	mb.AddItem("Inbox/Reports", testserver.Item{Subject: "old", ItemClass: "IPM.Note"})
	var got eventCollector
	poll := func(c *Client) {
		t.Helper()
		p, err := c.NewPoller(PollerOptions{Store: newTestFileStore(t, path), Folders: []FolderRef{FolderByID(fid)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Poll(ctx, got.handle); err != nil {
			t.Fatalf("Poll (%s): %v", c.Backend(), err)
		}
	}
	poll(ews)
	mb.AddItem("Inbox/Reports", testserver.Item{Subject: "r1", ItemClass: "IPM.Note"})
	poll(ews)
	mb.AddItem("Inbox/Reports", testserver.Item{Subject: "r2", ItemClass: "IPM.Note"})
	poll(gr)
	mb.AddItem("Inbox/Reports", testserver.Item{Subject: "r3", ItemClass: "IPM.Note"})
	poll(gr)
	mb.AddItem("Inbox/Reports", testserver.Item{Subject: "r4", ItemClass: "IPM.Note"})
	poll(ews)
	if want := []string{"created:r1", "created:r2", "created:r3", "created:r4"}; !slices.Equal(got.subjects(), want) {
		t.Errorf("delivered %v, want %v", got.subjects(), want)
	}
	for _, ev := range got.events {
		if !slices.ContainsFunc(mb.Items("Inbox/Reports"), func(it testserver.Item) bool { return sameID(it.ID, ev.ItemID) }) {
			t.Errorf("event %s has the id %s of no message of the folder", ev.Subject, ev.ItemID)
		}
	}
}
