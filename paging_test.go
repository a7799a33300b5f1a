package ews

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

// eachPage asks for the pages in order, starts where it is told, moves on when a server names an offset behind
// the page just read, and stops at the last or an empty page, on stop, or on an error.
func TestEachPage(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		start int
		pages []page // the answers, in order
		stop  int    // the page (1-based) whose fetch stops; 0: none
		fail  int    // the page (1-based) whose fetch fails; 0: none
		want  string // the offsets asked for
	}{
		{"until the last page", 0, []page{{next: 10, count: 10}, {next: 20, count: 10}, {next: 25, count: 5, last: true}}, 0, 0, "[0 10 20]"},
		{"until an empty page", 0, []page{{next: 10, count: 10}, {next: 10, count: 0}}, 0, 0, "[0 10]"},
		{"from an offset", 30, []page{{next: 40, count: 10, last: true}}, 0, 0, "[30]"},
		{"an offset behind is taken as the one after the page", 0, []page{{next: 10, count: 10}, {next: 5, count: 10}, {count: 1, last: true}}, 0, 0, "[0 10 20]"},
		{"stop", 0, []page{{next: 10, count: 10}, {next: 20, count: 10}}, 2, 0, "[0 10]"},
		{"an error", 0, []page{{next: 10, count: 10}, {next: 20, count: 10}}, 0, 2, "[0 10]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var asked []int
			err := eachPage(context.Background(), 10, tc.start, func(_ context.Context, v *soap.IndexedPageView) (page, bool, error) {
				asked = append(asked, v.Offset)
				if v.MaxEntriesReturned != 10 || v.BasePoint != "Beginning" {
					t.Errorf("view %+v", v)
				}
				n := len(asked)
				if n > len(tc.pages) {
					t.Fatalf("page %d asked for, after the end", n)
				}
				if n == tc.fail {
					return page{}, false, boom
				}
				return tc.pages[n-1], n == tc.stop, nil
			})
			if got := fmt.Sprint(asked); got != tc.want {
				t.Errorf("offsets %s, want %s", got, tc.want)
			}
			if (tc.fail != 0) != errors.Is(err, boom) {
				t.Errorf("err = %v", err)
			}
		})
	}
}
