package ews

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// A server's error names the operation that failed, for a whole request and for one item of a batch, and still
// matches its sentinel.
func TestOpErrorNamesTheOperation(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	_, err := c.GetFolder(ctx, FolderByID("AAMkAGIAAAAAAA=="))
	var oe *OpError
	if !errors.As(err, &oe) || oe.Op != "GetFolder" || !strings.HasPrefix(err.Error(), "ews: GetFolder: Error") {
		t.Errorf("GetFolder of an unknown folder: err = %v, want an *OpError of GetFolder", err)
	}
	id := srv.AddMessage("inbox", testserver.Item{Subject: "x"})
	if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.Mail().Move(ctx, JunkEmail, id)
	var be *BatchError
	if !errors.As(err, &be) || len(be.Failed) != 1 || !errors.Is(err, ErrItemNotFound) ||
		!strings.Contains(be.Failed[0].Error(), "ews: MoveItem: ErrorItemNotFound") {
		t.Errorf("Move of a deleted message: err = %v, want its item's error to read \"ews: MoveItem: ErrorItemNotFound...\"", err)
	}
}

// An answer with another number of response messages than the request asked for is malformed, whatever the
// operation: one check in do.
func TestResponseMessageCount(t *testing.T) {
	srv, c := setup(t)
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("<m:GetFolder>")) {
			return false
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		msg := `<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="a" ChangeKey="b"/></t:Folder></m:Folders></m:GetFolderResponseMessage>`
		io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`+
			`<m:GetFolderResponse xmlns:m="`+soap.NSMessages+`" xmlns:t="`+soap.NSTypes+`"><m:ResponseMessages>`+msg+msg+
			`</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`)
		return true
	})
	_, err := c.GetFolder(testCtx(t), Inbox)
	if !errors.Is(err, ErrMalformedResponse) || err.Error() != "ews: GetFolder: malformed EWS response: 2 response messages, want 1" {
		t.Errorf("two answers to one folder: err = %v", err)
	}
}
