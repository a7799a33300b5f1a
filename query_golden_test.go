package ews

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

var updateQueryGolden = flag.Bool("update-query", false, "rewrite internal/soap/testdata/query-*.xml")

// findItemRequest is a shallow FindItem of item ids in a folder, restricted by r.
func findItemRequest(r *soap.Restriction, folder string) *soap.FindItem {
	return &soap.FindItem{
		Traversal:       "Shallow",
		ItemShape:       soap.ItemShape{BaseShape: "IdOnly"},
		IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: 100, Offset: 0, BasePoint: "Beginning"},
		Restriction:     r,
		ParentFolderIDs: []soap.FolderRef{{Distinguished: folder}},
	}
}

// findItemEnvelope returns the SOAP request of a shallow FindItem in the inbox restricted by q.
func findItemEnvelope(t *testing.T, q Q) []byte {
	t.Helper()
	r, never, err := q.restriction()
	if err != nil || never || r == nil {
		t.Fatalf("%s: restriction() = %v, %v, %v", q, r, never, err)
	}
	var b bytes.Buffer
	err = soap.WriteRequest(&b, soap.Header{Version: "Exchange2013_SP1"}, findItemRequest(r, "inbox"))
	if err != nil {
		t.Fatalf("%s: WriteRequest: %v", q, err)
	}
	return b.Bytes()
}

// validator returns the path of Microsoft's schema validator script, or skips the test when it is not there.
func validator(t *testing.T) string {
	t.Helper()
	dirs := []string{os.Getenv("EWS_SCHEMA_DIR"), "../shared/ews-schema", "/work/shared/ews-schema"}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "validate")
		if _, err := os.Stat(p); err == nil {
			if _, err := exec.LookPath("xmllint"); err != nil {
				t.Skip("xmllint is not installed")
			}
			return p
		}
	}
	t.Skip("the EWS schema validator is not available (set EWS_SCHEMA_DIR)")
	return ""
}

// TestQueryRequestsValidate puts the restriction of every table query into a FindItem request and validates all
// of them against Microsoft's schema.
func TestQueryRequestsValidate(t *testing.T) {
	validate := validator(t)
	dir := t.TempDir()
	var files []string
	for i, tc := range queryCases {
		q := tc.q(t)
		if r, _, _ := q.restriction(); r == nil {
			continue
		}
		f := filepath.Join(dir, "query-"+strconv.Itoa(i)+".xml")
		if err := os.WriteFile(f, findItemEnvelope(t, q), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out, err := exec.Command(validate, append([]string{"-q"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%d requests, validation failed: %v\n%s", len(files), err, out)
	}
	t.Logf("%d FindItem requests with restrictions are schema-valid", len(files))
}

// goldenQueries are written to internal/soap/testdata, which CI validates against the schema.
var goldenQueries = []struct {
	name string
	text string
}{
	{"query-dict-and", `{'subject__icontains': '365', 'datetime_received__gt': '2018-01-20T18:30:00.000Z', 'is_read': False}`},
	{"query-or-not-in", `Q(importance__in=['High', 'Low']) | ~Q(categories__contains=['Red', 'Blue']) | Q(sender__not='a@example.com')`},
	{"query-contains-modes", `Q(subject__exact='A', body__iexact='b', item_class__startswith='IPM.Note', display_to__istartswith='al', message_id__contains='<x>', subject__icontains='</t:Constant>"&')`},
	{"query-comparisons", `Q(size__gt=1, size__range=(10, 20), datetime_sent__lt='2018-01-20T18:30:00+02:00', start__gte='2024-05-01', birthday='1990-03-04', subject__exists=False)`},
	{"query-indexed-contacts", `Q(email_addresses__EmailAddress2__icontains='contoso', phone_numbers__MobilePhone__startswith='+41', physical_addresses__Business__city__iexact='zürich')`},
}

func TestQueryGolden(t *testing.T) {
	for _, g := range goldenQueries {
		got := findItemEnvelope(t, mustParse(t, g.text))
		path := filepath.Join("internal", "soap", "testdata", g.name+".xml")
		if *updateQueryGolden {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestQueryGolden -update-query to create it)", g.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: request differs from %s:\n got: %s\nwant: %s", g.name, path, got, want)
		}
		if !strings.Contains(string(got), "<m:Restriction>") {
			t.Errorf("%s: no restriction in %s", g.name, got)
		}
	}
}
