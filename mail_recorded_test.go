package ews

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// replay makes the server answer every request of op with the recorded response in file.
func replay(t *testing.T, srv *testserver.Server, op, file string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(recordedDir(t), file))
	if err != nil {
		t.Skipf("recorded responses not available: %v", err)
	}
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:"+op+">")) && !bytes.Contains(body, []byte("<m:"+op+" ")) {
			return false
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write(data)
		return true
	})
}

const someID = "AQMkADllMTlhYmUxLTg5MTctNDI4ZS1iNDdlLTM2NTk2Y2E5ODA0MwBGAAAD1ufEotoeQ0eOxEbIe+pv2QcAt9LrVfUJtU6eouetx7gQygAAAm5yAAAA"

func TestRecordedMoveItem(t *testing.T) {
	for _, file := range []string{"garethp.MailAPITest.testGetMailItems.08.MoveItemResponse.xml", "garethp.MailAPITest.testGetSingleMailItem.07.MoveItemResponse.xml"} {
		srv, c := setup(t)
		replay(t, srv, "MoveItem", file)
		moved, err := c.Mail().Move(testCtx(t), Inbox, someID)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(moved) != 1 || len(moved[0].NewID) < 100 || moved[0].NewID == someID || moved[0].ID != someID {
			t.Errorf("%s: moved = %+v", file, moved)
		}
		if v, ok := c.ServerVersion(); !ok || v.Major != 15 {
			t.Errorf("%s: server version %v", file, v)
		}
	}
}

func TestRecordedDeleteItem(t *testing.T) {
	srv, c := setup(t)
	replay(t, srv, "DeleteItem", "garethp.APITest.testDeleteItems.01.DeleteItemResponse.xml")
	if err := c.Mail().Delete(testCtx(t), DeleteOptions{How: SoftDelete}, someID); err != nil {
		t.Errorf("success response: %v", err)
	}
	srv, c = setup(t)
	replay(t, srv, "DeleteItem", "garethp.APITest.testDeleteItemsFail.02.DeleteItemResponse.xml")
	err := c.Mail().Delete(testCtx(t), DeleteOptions{How: SoftDelete}, someID)
	var be *BatchError
	var e *Error
	if !errors.As(err, &be) || !errors.As(err, &e) || e.Code != "ErrorItemNotFound" || !strings.Contains(e.Message, "not found in the store") {
		t.Errorf("error response: %v", err)
	}
}

func TestRecordedGetItem(t *testing.T) {
	srv, c := setup(t)
	replay(t, srv, "GetItem", "garethp.APITest.testGetItems.01.GetItemResponse.xml")
	msgs, err := c.Mail().Get(testCtx(t), someID)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if !strings.HasPrefix(m.ID, "AQMkAD") || m.ChangeKey == "" || m.FolderID == "" || m.Subject != "Test Get Items" ||
		!m.Received.Equal(time.Date(2020, 9, 10, 14, 15, 9, 0, time.UTC)) || m.Importance != ImportanceNormal || m.Size != 4294 {
		t.Errorf("message = %+v", m)
	}
}

// Every recorded FindItem, GetItem, CreateItem, MoveItem and UpdateItem response decodes into items the mail
// service can read.
func TestRecordedItemsConvert(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(recordedDir(t), "*.xml"))
	if len(files) == 0 {
		t.Skip("recorded responses not available")
	}
	n := 0
	for _, path := range files {
		var items []soap.Item
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(path, ".FindItemResponse.xml"):
			var r soap.FindItemResponse
			_, err = soap.DecodeResponse(bytes.NewReader(data), &r)
			for _, m := range r.ResponseMessages {
				items = append(items, m.RootFolder.Items.Items...)
			}
		case strings.HasSuffix(path, ".GetItemResponse.xml"), strings.HasSuffix(path, ".CreateItemResponse.xml"), strings.HasSuffix(path, ".MoveItemResponse.xml"):
			var generic struct {
				ResponseMessages struct {
					Messages []soap.ItemInfoResponseMessage `xml:",any"`
				} `xml:"ResponseMessages"`
			}
			_, err = soap.DecodeResponse(bytes.NewReader(data), &generic)
			for _, m := range generic.ResponseMessages.Messages {
				items = append(items, m.Items.Items...)
			}
		case strings.HasSuffix(path, ".UpdateItemResponse.xml"):
			var r soap.UpdateItemResponse
			_, err = soap.DecodeResponse(bytes.NewReader(data), &r)
			for _, m := range r.ResponseMessages {
				items = append(items, m.Items.Items...)
			}
		default:
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		for i := range items {
			m := messageFromWire(&items[i], time.UTC)
			if m.ID == "" || m.ChangeKey == "" {
				t.Errorf("%s: item %d without id", filepath.Base(path), i)
			}
			if _, _, err := parseRef("id", m.ID); err != nil {
				t.Errorf("%s: a real ItemId is refused: %v", filepath.Base(path), err)
			}
			n++
		}
	}
	if n < 16 {
		t.Errorf("only %d recorded items converted", n)
	}
}
