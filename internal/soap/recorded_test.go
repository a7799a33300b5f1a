package soap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordedDir holds real responses of Exchange Online and Exchange 2019 (see its README), as seen from the main
// checkout; recordedDirs adds the place seen from a worktree under /work/wt.
const recordedDir = "../../shared/ews-schema/recorded"

var recordedDirs = []string{recordedDir, "../../../shared/ews-schema/recorded"}

// genericResponse reads the ResponseMessages of any operation.
type genericResponse struct {
	ResponseMessages struct {
		Messages []struct {
			ResponseMessage
			Items      Items           `xml:"Items"`
			Folders    Folders         `xml:"Folders"`
			RootFolder *FindItemParent `xml:"RootFolder"`
		} `xml:",any"`
	} `xml:"ResponseMessages"`
}

// TestDecodeRecordedResponses decodes every recorded real-server response with the structs of its operation
// and checks what the SDK reads from it.
func TestDecodeRecordedResponses(t *testing.T) {
	var files []string
	var err error
	for _, dir := range recordedDirs {
		if files, err = filepath.Glob(filepath.Join(dir, "*.xml")); err == nil && len(files) > 0 {
			break
		}
	}
	if err != nil || len(files) == 0 {
		t.Skipf("no recorded responses in %s", recordedDir)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			op := name[strings.LastIndex(strings.TrimSuffix(name, ".xml"), ".")+1 : len(name)-len("Response.xml")]
			var items []Item
			var msgs []ResponseMessage
			var svi *ServerVersionInfo
			collect := func(ms ...ItemInfoResponseMessage) {
				for _, m := range ms {
					msgs = append(msgs, m.ResponseMessage)
					items = append(items, m.Items.Items...)
				}
			}
			switch op {
			case "GetItem":
				var r GetItemResponse
				svi, err = DecodeResponse(f, &r)
				collect(r.ResponseMessages...)
			case "CreateItem":
				var r CreateItemResponse
				svi, err = DecodeResponse(f, &r)
				collect(r.ResponseMessages...)
			case "UpdateItem":
				var r UpdateItemResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages {
					collect(m.ItemInfoResponseMessage)
				}
			case "MoveItem":
				var r MoveItemResponse
				svi, err = DecodeResponse(f, &r)
				collect(r.ResponseMessages...)
			case "DeleteItem":
				var r DeleteItemResponse
				svi, err = DecodeResponse(f, &r)
				msgs = r.ResponseMessages
			case "FindItem":
				var r FindItemResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages {
					msgs = append(msgs, m.ResponseMessage)
					items = append(items, m.RootFolder.Items.Items...)
					if m.RootFolder.TotalItemsInView < len(m.RootFolder.Items.Items) {
						t.Errorf("TotalItemsInView %d < %d items", m.RootFolder.TotalItemsInView, len(m.RootFolder.Items.Items))
					}
				}
			case "GetFolder":
				var r GetFolderResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages {
					msgs = append(msgs, m.ResponseMessage)
					for _, fo := range m.Folders.Folders {
						if fo.FolderID.ID == "" || fo.DisplayName == "" {
							t.Errorf("folder without id or name: %+v", fo)
						}
					}
				}
			case "FindFolder":
				var r FindFolderResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages {
					msgs = append(msgs, m.ResponseMessage)
					for _, fo := range m.RootFolder.Folders.Folders {
						if fo.FolderID.ID == "" {
							t.Errorf("folder without id: %+v", fo)
						}
					}
				}
			case "SyncFolderItems":
				var r SyncFolderItemsResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages {
					msgs = append(msgs, m.ResponseMessage)
					if m.SyncState == "" || !m.IncludesLastItemInRange {
						t.Errorf("SyncState %q, IncludesLastItemInRange %v", m.SyncState, m.IncludesLastItemInRange)
					}
					for _, c := range m.Changes.Changes {
						switch c.Kind() {
						case SyncCreate, SyncUpdate:
							if c.Item() == nil {
								t.Errorf("%s without an item", c.Kind())
								continue
							}
							items = append(items, *c.Item())
						case SyncDelete, SyncReadFlagChange:
						default:
							t.Errorf("unknown change %q", c.Kind())
						}
						if id := c.ID(); id == nil || id.ID == "" {
							t.Errorf("%s change without an item id", c.Kind())
						}
					}
				}
			default:
				var r genericResponse
				svi, err = DecodeResponse(f, &r)
				for _, m := range r.ResponseMessages.Messages {
					msgs = append(msgs, m.ResponseMessage)
				}
			}
			if err != nil {
				t.Fatalf("decode %s: %v", op, err)
			}
			if svi == nil || svi.MajorVersion < 8 {
				t.Errorf("ServerVersionInfo = %+v", svi)
			}
			if len(msgs) == 0 {
				t.Fatalf("no response messages decoded")
			}
			for _, m := range msgs {
				if m.ResponseClass == "" {
					t.Errorf("response message without ResponseClass")
				}
				if err := m.Err(); m.ResponseClass == ClassError {
					var re *ResponseError
					if !errors.As(err, &re) || re.Code == "" || re.Message == "" {
						t.Errorf("error message decoded as %v", err)
					}
				} else if err != nil {
					t.Errorf("success message gave error %v", err)
				}
			}
			for _, it := range items {
				if it.ItemID == nil || it.ItemID.ID == "" {
					t.Errorf("%s item without ItemId", it.XMLName.Local)
				}
				if it.XMLName.Local == "CalendarItem" && op != "CreateItem" && op != "UpdateItem" && op != "MoveItem" && it.Start.IsZero() {
					t.Errorf("calendar item %q without Start", it.Subject)
				}
			}
		})
	}
}
