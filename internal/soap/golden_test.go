package soap

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares the envelope of body with testdata/name.xml (rewriting it with -update). CI validates every
// testdata file against Microsoft's schema, so each shape here is proven valid.
func golden(t *testing.T, name string, h Header, body any) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteRequest(&b, h, body); err != nil {
		t.Fatalf("%s: WriteRequest: %v", name, err)
	}
	path := filepath.Join("testdata", name+".xml")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test ./soap -update to create it)", name, err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s: request differs from %s:\n got: %s\nwant: %s", name, path, b.Bytes(), want)
	}
}

var plain = Header{Version: "Exchange2013_SP1"}

func TestGoldenFolders(t *testing.T) {
	golden(t, "getfolder-distinguished", Header{Version: "Exchange2016", TimeZoneID: "W. Europe Standard Time"},
		&GetFolder{FolderShape: FolderShape{BaseShape: "Default"}, FolderIDs: []FolderRef{{Distinguished: "inbox"}}})
	golden(t, "getfolder-impersonation", Header{Version: "Exchange2013_SP1", Impersonation: &ConnectingSID{PrimarySmtpAddress: "bob@example.com"}},
		&GetFolder{FolderShape: FolderShape{BaseShape: "Default"}, FolderIDs: []FolderRef{{ID: "AAMkAGI2=", ChangeKey: "AQAAAA=="}}})
	golden(t, "getfolder-delegate-mailbox", plain,
		&GetFolder{FolderShape: FolderShape{BaseShape: "IdOnly", AdditionalProperties: []Path{{FieldURI: "folder:DisplayName"}}},
			FolderIDs: []FolderRef{{Distinguished: "inbox", Mailbox: "bob@example.com"}}})
	golden(t, "findfolder-restriction-paged", plain, &FindFolder{
		Traversal:       "Deep",
		FolderShape:     FolderShape{BaseShape: "IdOnly", AdditionalProperties: []Path{{FieldURI: "folder:DisplayName"}, {FieldURI: "folder:FolderClass"}}},
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 500, Offset: 0, BasePoint: "Beginning"},
		Restriction: &Restriction{Expr: Expr{Op: OpContains, Path: Path{FieldURI: "folder:DisplayName"}, Value: `Phish</t:Constant>"&`,
			ContainmentMode: "FullString", ContainmentComparison: "IgnoreCase"}},
		ParentFolderIDs: []FolderRef{{Distinguished: "msgfolderroot"}},
	})
	golden(t, "header-impersonation-sid", Header{Version: "Exchange2010_SP2", Impersonation: &ConnectingSID{SID: "S-1-5-21-1"}},
		&GetFolder{FolderShape: FolderShape{BaseShape: "IdOnly"}, FolderIDs: []FolderRef{{Distinguished: "root"}}})
}
