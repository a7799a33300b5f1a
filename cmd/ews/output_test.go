package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
)

// testEmails returns n emails with bodies of about size bytes, characters JSON escapes included.
func testEmails(n, size int) []*connector.Email {
	es := make([]*connector.Email, n)
	for i := range es {
		body := strings.Repeat(fmt.Sprintf("<p class=\"x\">line %d \\ é\t</p>\n", i), size/30+1)
		es[i] = &connector.Email{ID: fmt.Sprintf("AAMk%d=", i), MessageID: fmt.Sprintf("<%d@example.com>", i), Subject: fmt.Sprintf("s & <%d>", i),
			From: &connector.Person{Name: "Bob", Email: "bob@example.com"}, To: []connector.Person{{Email: "soc@example.com"}},
			Received: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC).Add(time.Duration(i) * time.Minute), BodyHTML: body, Body: body[:size/2],
			Categories: []string{"a"}, Headers: []connector.Header{{Name: "X-A", Value: "v"}}, Size: int64(i)}
	}
	return es
}

// A json list is written once, whole and exactly as the result marshalled at once, whether it stayed in memory or
// went to a temporary file past spillAt; the file is gone once the result is written or the operation failed,
// and a failure writes nothing.
func TestOutputJSONList(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, tc := range []struct {
		name  string
		n     int
		spill bool
	}{{"empty", 0, false}, {"one", 1, false}, {"in memory", 50, false}, {"spilled", 400, true}} {
		t.Run(tc.name, func(t *testing.T) {
			es := testEmails(tc.n, 6000)
			want, err := marshal(connector.Success(es))
			if err != nil {
				t.Fatal(err)
			}
			if (len(want) > spillAt+100) != tc.spill {
				t.Fatalf("the result is %d bytes: the case does not test what it says (spillAt %d)", len(want), spillAt)
			}
			var got bytes.Buffer
			o := newOutput(&got, false, true)
			for _, e := range es {
				if err := o.Write(e); err != nil {
					t.Fatal(err)
				}
			}
			if got.Len() != 0 {
				t.Fatalf("%d bytes written before the operation ended", got.Len())
			}
			if spilled := o.items.f != nil; spilled != tc.spill {
				t.Errorf("spilled to a file: %v, want %v", spilled, tc.spill)
			}
			if err := o.Flush(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), append(want, '\n')) {
				t.Errorf("result differs from json.Marshal's (%d bytes, want %d):\n%.300s", got.Len(), len(want)+1, got.String())
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}

			// A failure: nothing written, the file gone.
			got.Reset()
			o = newOutput(&got, false, true)
			for _, e := range es {
				if err := o.Write(e); err != nil {
					t.Fatal(err)
				}
			}
			o.abort()
			if left, _ := os.ReadDir(tmp); got.Len() != 0 || len(left) != 0 {
				t.Errorf("after abort: %d bytes written, temporary files %v; want none", got.Len(), left)
			}
		})
	}
}
