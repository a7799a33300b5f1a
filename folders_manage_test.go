package ews

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestFolderLifecycle(t *testing.T) { backends(t, testFolderLifecycle) }

// sent counts the requests of c's backend that srv has seen.
func sent(srv *testserver.Server, c *Client) int {
	if c.Backend() == BackendGraph {
		return len(srv.GraphRequests())
	}
	return len(mailOps(srv))
}

func testFolderLifecycle(t *testing.T, srv *testserver.Server, c *Client) {
	ctx := testCtx(t)
	mb := srv.Default()

	q, err := c.CreateFolder(ctx, Inbox, "Quarantine")
	if err != nil {
		t.Fatal(err)
	}
	if q.DisplayName != "Quarantine" || q.Class != "IPF.Note" || !sameID(q.ID, mb.FolderID("Inbox/Quarantine")) {
		t.Fatalf("created %+v; server has %q", q, mb.FolderID("Inbox/Quarantine"))
	}
	if _, err := c.CreateFolder(ctx, Inbox, "quarantine"); !errors.Is(err, ErrFolderExists) {
		t.Errorf("second CreateFolder: %v, want ErrorFolderExists", err)
	}
	sub, err := c.CreateFolder(ctx, FolderByPath("Inbox/Quarantine"), "2024")
	if err != nil {
		t.Fatal(err)
	}

	// Found anywhere in the tree, with its path.
	found, err := c.FindFolders(ctx, "quar", FolderFindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Path != "Inbox/Quarantine" || found[0].ID != q.ID {
		t.Fatalf("FindFolders = %+v", found)
	}
	found, err = c.FindFolders(ctx, "2024", FolderFindOptions{Exact: true, Parent: Inbox})
	if err != nil || len(found) != 1 || found[0].Path != "Inbox/Quarantine/2024" || found[0].ID != sub.ID {
		t.Fatalf("FindFolders exact = %+v, %v", found, err)
	}

	// Rename: the server has the new name, and the old path no longer resolves from the client's cache.
	if _, err := c.GetFolder(ctx, FolderByPath("Inbox/Quarantine/2024")); err != nil {
		t.Fatal(err)
	}
	r, err := c.RenameFolder(ctx, FolderByPath("Inbox/Quarantine"), "Phish Quarantine")
	if err != nil || r.DisplayName != "Phish Quarantine" {
		t.Fatalf("RenameFolder = %+v, %v", r, err)
	}
	if !sameID(mb.FolderID("Inbox/Phish Quarantine"), q.ID) || mb.FolderID("Inbox/Quarantine") != "" {
		t.Errorf("server after rename: %q %q", mb.FolderID("Inbox/Phish Quarantine"), mb.FolderID("Inbox/Quarantine"))
	}
	if _, err := c.GetFolder(ctx, FolderByPath("Inbox/Quarantine/2024")); !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("old path after rename: %v", err)
	}

	// Empty: messages go to Deleted Items; with SubFolders the subfolder goes too.
	for i := 0; i < 3; i++ {
		mb.AddItem("Inbox/Phish Quarantine", testserver.Item{Subject: "phish", ItemClass: "IPM.Note"})
	}
	mb.AddItem("Inbox/Phish Quarantine/2024", testserver.Item{Subject: "older phish", ItemClass: "IPM.Note"})
	// exchange2007 is an EWS client of Exchange 2007 SP1, which has no EmptyFolder and keeps its dumpster out of EWS.
	exchange2007 := c.Backend() != BackendGraph && !serverPersonality(srv).Accepts("Exchange2010_SP1")
	if exchange2007 {
		// Refused before sending, nothing deleted.
		wantOpRefused(t, srv, c.EmptyFolder(ctx, FolderByID(q.ID), FolderEmptyOptions{}), "EmptyFolder")
		if n := len(mb.Items("Inbox/Phish Quarantine")); n != 3 {
			t.Errorf("%d messages left after a refused EmptyFolder, want 3", n)
		}
	} else {
		if err := c.EmptyFolder(ctx, FolderByID(q.ID), FolderEmptyOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := len(mb.Items("Inbox/Phish Quarantine")); n != 0 {
			t.Errorf("%d messages left after EmptyFolder", n)
		}
		if n := len(mb.Items("deleteditems")); n != 3 {
			t.Errorf("Deleted Items holds %d, want 3", n)
		}
		if len(mb.Items("Inbox/Phish Quarantine/2024")) != 1 {
			t.Errorf("the subfolder was emptied without SubFolders")
		}
		if err := c.EmptyFolder(ctx, FolderByID(q.ID), FolderEmptyOptions{How: HardDelete, SubFolders: true}); err != nil {
			t.Fatal(err)
		}
		if mb.FolderID("Inbox/Phish Quarantine/2024") != "" {
			t.Errorf("subfolder survived EmptyFolder with SubFolders")
		}
		if err := c.EmptyFolder(ctx, Root, FolderEmptyOptions{}); !errors.Is(err, ErrCannotEmptyFolder) {
			t.Errorf("EmptyFolder(root): %v", err)
		}
	}

	// Delete: well-known folders are refused; ours is soft-deleted to the Recoverable Items (over EWS; Graph
	// cannot, and says so before any request, and deletes to Deleted Items).
	if err := c.DeleteFolder(ctx, Inbox, DeleteOptions{How: HardDelete}); !errors.Is(err, ErrDeleteDistinguishedFolder) {
		t.Errorf("DeleteFolder(Inbox): %v", err)
	}
	how, below := SoftDelete, RecoverableItemsRoot
	if c.Backend() == BackendGraph {
		before := sent(srv, c)
		if err := c.DeleteFolder(ctx, FolderByID(q.ID), DeleteOptions{How: SoftDelete}); !errors.Is(err, ErrNotSupportedByBackend) {
			t.Errorf("SoftDelete over Graph: %v", err)
		}
		if sent(srv, c) != before {
			t.Errorf("the refused SoftDelete sent a request")
		}
		how, below = MoveToDeletedItems, DeletedItems
	}
	if err := c.DeleteFolder(ctx, FolderByID(q.ID), DeleteOptions{How: how}); err != nil {
		t.Fatal(err)
	}
	if mb.FolderID("Inbox/Phish Quarantine") != "" {
		t.Errorf("folder still below the Inbox after DeleteFolder")
	}
	if exchange2007 {
		if _, err := c.FindFolders(ctx, "Phish Quarantine", FolderFindOptions{Parent: below}); !errors.Is(err, ErrInvalidServerVersion) {
			t.Errorf("FindFolders in Recoverable Items on %s: %v", serverPersonality(srv), err)
		}
	} else if got, _ := c.FindFolders(ctx, "Phish Quarantine", FolderFindOptions{Parent: below}); len(got) != 1 {
		t.Errorf("deleted folder not below %v: %+v", below, got)
	}
	if _, err := c.CreateFolder(ctx, Inbox, "Taken"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateFolder(ctx, Inbox, "Renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RenameFolder(ctx, FolderByPath("Inbox/Renamed"), "taken"); !errors.Is(err, ErrFolderExists) {
		t.Errorf("RenameFolder onto a sibling's name: %v, want ErrorFolderExists", err)
	}
	if mb.FolderID("Inbox/Renamed") == "" {
		t.Errorf("the refused rename changed the folder")
	}
	if _, err := c.RenameFolder(ctx, FolderByPath("Inbox/Gone"), "x"); !errors.Is(err, ErrFolderNotFound) {
		t.Errorf("RenameFolder of a missing folder: %v", err)
	}

	// HardDelete removes a folder and its content for good.
	gone, err := c.CreateFolder(ctx, Inbox, "Gone")
	if err != nil {
		t.Fatal(err)
	}
	mb.AddItem("Inbox/Gone", testserver.Item{Subject: "x", ItemClass: "IPM.Note"})
	if err := c.DeleteFolder(ctx, FolderByID(gone.ID), DeleteOptions{How: HardDelete}); err != nil {
		t.Fatal(err)
	}
	if mb.FolderID("Inbox/Gone") != "" {
		t.Errorf("folder survived HardDelete")
	}
	if _, err := c.GetFolder(ctx, FolderByID(gone.ID)); !errors.Is(err, ErrFolderNotFound) && !errors.Is(err, ErrItemNotFound) {
		t.Errorf("GetFolder after HardDelete: %v", err)
	}
	if err := c.DeleteFolder(ctx, FolderByID(gone.ID), DeleteOptions{}); !errors.Is(err, ErrFolderNotFound) && !errors.Is(err, ErrItemNotFound) {
		t.Errorf("DeleteFolder of a deleted folder: %v", err)
	}

	if c.Backend() == BackendGraph {
		// Graph's mailFolder requests, as its v1.0 reference has them.
		seen := map[string]bool{}
		for _, r := range srv.GraphRequests() {
			parts := strings.Split(r.Path, "/")
			seen[r.Method+" "+parts[len(parts)-1]] = true
			if r.Method == "DELETE" && strings.Contains(r.Path, "/mailFolders/") && len(parts) != 5 {
				t.Errorf("DELETE %s is not DELETE /users/{id}/mailFolders/{id}", r.Path)
			}
		}
		for _, want := range []string{"POST childFolders", "PATCH " + q.ID, "DELETE " + q.ID, "POST permanentDelete"} {
			if !seen[want] {
				t.Errorf("no %s request was sent", want)
			}
		}
	}

	// Bad input is refused before any request.
	before := sent(srv, c)
	_, err = c.CreateFolder(ctx, Inbox, " ")
	wantInputErr(t, err, "name")
	wantInputErr(t, c.DeleteFolder(ctx, Inbox, DeleteOptions{How: "Shred"}), "DeleteOptions.How")
	_, err = c.RenameFolder(ctx, Inbox, "bad\x01name")
	wantInputErr(t, err, "name")
	if sent(srv, c) != before {
		t.Errorf("bad input sent requests")
	}
}

// TestFolderListPaged lists more children than one page of Graph's childFolders holds (10 by default).
func TestFolderListPaged(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		for i := range 23 {
			if _, err := c.CreateFolder(ctx, Inbox, fmt.Sprintf("Case %02d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.CreateFolder(ctx, FolderByPath("Inbox/Case 22"), "Evidence"); err != nil {
			t.Fatal(err)
		}
		kids, err := c.ListFolders(ctx, Inbox, false)
		if err != nil || len(kids) != 23 {
			t.Fatalf("ListFolders = %d folders, %v; want 23", len(kids), err)
		}
		found, err := c.FindFolders(ctx, "evidence", FolderFindOptions{})
		if err != nil || len(found) != 1 || found[0].Path != "Inbox/Case 22/Evidence" {
			t.Fatalf("FindFolders = %+v, %v", found, err)
		}
	})
}
