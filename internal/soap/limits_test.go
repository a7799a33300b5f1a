package soap

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readAllLimited(s string, limit int64) error {
	_, err := io.Copy(io.Discard, newLimitReader(strings.NewReader(s), limit))
	return err
}

func TestLimitReader(t *testing.T) {
	const limit = 1 << 20
	deep := strings.Repeat("<a>", MaxDepth+1)
	flat := strings.Repeat("<a></a><b/><c x='>'/>", 10000) // many elements, none deep
	for _, tc := range []struct {
		name, body string
		what       string // "" for no error
	}{
		{"flat", "<r>" + flat + "</r>", ""},
		{"depth at the limit", strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth), ""},
		{"too deep", deep, "nesting"},
		{"self-closing does not nest", strings.Repeat("<a/>", 10*MaxDepth), ""},
		{"comment and CDATA with tags inside", "<r><!-- <a><a> --><![CDATA[<a><a>]]>" + "</r>", ""},
		{"long text", "<r>" + strings.Repeat("x", limit/2+1) + "</r>", "text"},
		{"long CDATA", "<r><![CDATA[" + strings.Repeat("x", limit/2+1) + "]]></r>", "text"},
		{"long texts between tags", "<r>" + strings.Repeat(strings.Repeat("x", 1000)+"<b/>", 2000) + "</r>", ""},
		{"long tag", "<r a='" + strings.Repeat("x", limit/2) + "'/>", "tag"},
		{"tag within the limit", "<r a='" + strings.Repeat("x", limit/4) + "'/>", ""},
	} {
		err := readAllLimited(tc.body, limit)
		var le *LimitError
		switch {
		case tc.what == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.what != "" && (!errors.As(err, &le) || le.What != tc.what || !errors.Is(err, ErrResponseTooLarge)):
			t.Errorf("%s: err = %v, want a %s limit", tc.name, err, tc.what)
		}
	}
	// Every recorded answer of real servers passes.
	files, _ := filepath.Glob("../../../shared/ews-schema/recorded/*.xml")
	if len(files) == 0 {
		files, _ = filepath.Glob("/work/shared/ews-schema/recorded/*.xml")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := readAllLimited(string(b), DefaultMaxResponseBytes); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
	if len(files) == 0 {
		t.Log("no recorded responses found")
	}
}

func TestBudgetShared(t *testing.T) {
	b := NewBudget(100)
	if err := b.take(150, 0); err != nil {
		t.Fatalf("a response alone is bounded by its own limit only: %v", err)
	}
	if err := b.take(10, 0); err == nil {
		t.Fatal("a second response past the budget was let through")
	}
	b.give(150)
	if err := b.take(60, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.take(30, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.take(20, 60); err == nil {
		t.Fatal("two responses together past the budget")
	}
}
