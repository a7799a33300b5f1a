package ews

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestFindByMessageIDEveryMailFolder(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	for _, f := range [][2]string{{"inbox", "Phishing"}, {"Inbox/Phishing", "2024"}, {"msgfolderroot", "Cases"}} {
		if _, err := mb.AddFolder(f[0], f[1], ""); err != nil {
			t.Fatal(err)
		}
	}
	it := testserver.Item{Subject: "campaign", InternetMessageID: "<c1@evil.example>"}
	want := []string{
		srv.AddMessage("inbox", it),
		srv.AddMessage("Inbox/Phishing/2024", it),
		srv.AddMessage("Cases", it),
		srv.AddMessage("deleteditems", it),
	}
	srv.AddMessage("inbox", testserver.Item{Subject: "other", InternetMessageID: "<c2@evil.example>"})
	// A calendar item with the same Message-ID is not mail and is not searched.
	mb.AddItem("calendar", testserver.Item{Subject: "meeting", InternetMessageID: "<c1@evil.example>"})
	msgs, err := c.Mail().FindByMessageID(testCtx(t), "c1@evil.example")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		if m.InternetMessageID != "<c1@evil.example>" || m.Subject != "campaign" {
			t.Errorf("found %+v", m)
		}
		got = append(got, m.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("found %v, want %v", got, want)
	}
	if o := mailOps(srv); !slices.Equal(o, []string{"FindFolder", "FindItem", "GetItem"}) {
		t.Errorf("operations = %v", o)
	}
	if b := mailLastBody(t, srv, "FindFolder"); !hasText(b, `Traversal="Deep"`) || !hasText(b, `Id="msgfolderroot"`) {
		t.Errorf("FindFolder request: %s", b)
	}
	// One FindItem, one level deep, over every mail folder at once (not the calendar).
	fi := mailLastBody(t, srv, "FindItem")
	n := len(regexp.MustCompile(`<t:FolderId `).FindAll(fi, -1))
	if !hasText(fi, `Traversal="Shallow"`) || n < 10 || hasText(fi, mb.FolderID("calendar")) || !hasText(fi, mb.FolderID("Inbox/Phishing/2024")) {
		t.Errorf("FindItem over %d folders: %s", n, fi)
	}
}

func TestFindByMessageIDInFolders(t *testing.T) {
	srv, c := setup(t)
	it := testserver.Item{Subject: "x", InternetMessageID: "<m@example.com>"}
	a := srv.AddMessage("inbox", it)
	srv.AddMessage("junkemail", it)
	msgs, err := c.Mail().FindByMessageID(testCtx(t), "<m@example.com>", Inbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != a {
		t.Errorf("found %+v", msgs)
	}
	if o := mailOps(srv); !slices.Equal(o, []string{"FindItem", "GetItem"}) {
		t.Errorf("operations = %v", o)
	}
	none, err := c.Mail().FindByMessageID(testCtx(t), "<nothing@example.com>")
	if err != nil || len(none) != 0 {
		t.Errorf("no match: %v %v", none, err)
	}
}

// More folders than one FindItem searches are split over several requests.
func TestFindByMessageIDManyFolders(t *testing.T) {
	srv, c := setup(t)
	mb := srv.Default()
	var last string
	for i := range 70 {
		id, err := mb.AddFolder("inbox", fmt.Sprintf("case %02d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		last = id
	}
	want := mb.AddItem(last, testserver.Item{ItemClass: "IPM.Note", Subject: "x", InternetMessageID: "<deep@example.com>"})
	msgs, err := c.Mail().FindByMessageID(testCtx(t), "<deep@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != want {
		t.Errorf("found %+v", msgs)
	}
	if n := mailCountOp(srv, "FindItem"); n != 2 {
		t.Errorf("%d FindItem requests for more than %d folders, want 2", n, foldersPerFind)
	}
}

func TestFindByMessageIDBadInput(t *testing.T) {
	srv, c := setup(t)
	for _, bad := range []string{"", "<>", "  ", "no-at", "<a b@c>"} {
		_, err := c.Mail().FindByMessageID(testCtx(t), bad)
		wantInputErr(t, err, "messageID")
	}
	noRequests(t, srv, 0)
}
