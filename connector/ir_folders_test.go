package connector_test

import (
	"testing"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

func TestFolderOperations(t *testing.T) { overBackends(t, testFolderOperations) }

func testFolderOperations(t *testing.T, setup setupFunc) {
	// The service account reaches bob's mailbox by impersonation over EWS, with its app-only token over Graph.
	srv, cfg := setup(t, testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Secret-Passw0rd!",
		Email: "soc@example.com", CanImpersonate: true}))
	graph := cfg.Backend == "graph"
	if !graph {
		cfg.AccessType = "Impersonation"
	}
	bob := srv.AddMailbox("bob@example.com", "")

	var f connector.FolderOut
	execOK(t, cfg, "create_folder", `{"folder_name": "Quarantine", "mailbox": "bob@example.com"}`, &f)
	if f.Name != "Quarantine" || f.Path != "Inbox/Quarantine" || f.ID == "" || !sameID(bob.FolderID("Inbox/Quarantine"), f.ID) {
		t.Fatalf("create_folder = %+v", f)
	}
	if srv.Default().FolderID("Inbox/Quarantine") != "" {
		t.Errorf("the folder was created in the service account's mailbox")
	}
	execFail(t, cfg, "create_folder", `{"folder_name": "Quarantine", "mailbox": "bob@example.com"}`, "ErrorFolderExists", "")
	var again connector.FolderOut
	execOK(t, cfg, "create_folder", `{"folder_name": "quarantine", "exist_ok": true, "mailbox": "bob@example.com"}`, &again)
	if again.ID != f.ID {
		t.Errorf("exist_ok returned %+v, want %s", again, f.ID)
	}
	execOK(t, cfg, "create_folder", `{"folder_name": "2024", "parent_folder": "Inbox/Quarantine", "mailbox": "bob@example.com"}`, nil)
	execFail(t, cfg, "create_folder", `{"folder_name": "x", "parent_folder": "Inbox/Nope", "mailbox": "bob@example.com"}`, "ErrorFolderNotFound", "parent_folder")

	var found []connector.FolderOut
	execOK(t, cfg, "find_folders", `{"folder_name": "2024", "mailbox": "bob@example.com"}`, &found)
	if len(found) != 1 || found[0].Path != "Inbox/Quarantine/2024" {
		t.Fatalf("find_folders = %+v", found)
	}
	if graph {
		// Graph cannot list the Recoverable Items' folders.
		execFail(t, cfg, "find_folders", `{"folder_name": "deletions", "parent_folder": "Recoverable Items", "mailbox": "bob@example.com"}`, "NotSupportedByBackend", "")
	} else {
		execOK(t, cfg, "find_folders", `{"folder_name": "deletions", "parent_folder": "Recoverable Items", "mailbox": "bob@example.com"}`, &found)
		if len(found) != 1 || found[0].Name != "Deletions" {
			t.Errorf("find_folders in Recoverable Items = %+v", found)
		}
	}

	execOK(t, cfg, "rename_folder", `{"folder_name": "Inbox/Quarantine", "new_name": "Phish Quarantine", "mailbox": "bob@example.com"}`, &f)
	if f.Name != "Phish Quarantine" || f.Path != "Inbox/Phish Quarantine" || !sameID(bob.FolderID("Inbox/Phish Quarantine"), f.ID) {
		t.Errorf("rename_folder = %+v", f)
	}

	for i := 0; i < 2; i++ {
		bob.AddItem("Inbox/Phish Quarantine", testserver.Item{Subject: "phish", ItemClass: "IPM.Note"})
	}
	var del connector.FolderDeleted
	execOK(t, cfg, "empty_folder", `{"folder_name": "Inbox/Phish Quarantine", "delete_type": "hard delete", "mailbox": "bob@example.com"}`, &del)
	if del.DeleteType != "Hard Delete" || len(bob.Items("Inbox/Phish Quarantine")) != 0 || len(bob.Items("deleteditems")) != 0 {
		t.Errorf("empty_folder = %+v; left %d", del, len(bob.Items("Inbox/Phish Quarantine")))
	}
	if bob.FolderID("Inbox/Phish Quarantine/2024") == "" {
		t.Errorf("empty_folder deleted the subfolder without delete_subfolders")
	}
	execFail(t, cfg, "delete_folder", `{"folder_name": "Inbox", "mailbox": "bob@example.com"}`, "ErrorDeleteDistinguishedFolder", "")
	execFail(t, cfg, "delete_folder", `{"folder_name": "Inbox/Phish Quarantine", "delete_type": "Shred"}`, "InvalidParameter", "delete_type")
	execOK(t, cfg, "delete_folder", `{"folder_name": "Inbox/Phish Quarantine", "mailbox": "bob@example.com"}`, &del)
	if bob.FolderID("Inbox/Phish Quarantine") != "" || bob.FolderID("Deleted Items/Phish Quarantine") == "" {
		t.Errorf("delete_folder (Move To Trash) did not move the folder below Deleted Items")
	}
}
