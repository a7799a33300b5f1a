// Command graphcheck checks the Graph exchanges the test suite captured (internal/testserver's GraphCaptureDir
// under EWS_CAPTURE_DIR) against Microsoft Graph's v1.0 metadata: every request body the SDK sent and every
// answer of the fake server. It prints each mismatch and exits 1 if there is any.
//
//	EWS_CAPTURE_DIR=/tmp/c go test ./... && go run ./internal/graphschema/cmd/graphcheck /tmp/c/graph
package main

import (
	"fmt"
	"os"

	"github.com/ewsgo/ews/internal/graphschema"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: graphcheck DIR")
		os.Exit(2)
	}
	s, err := graphschema.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n, errs := s.CheckDir(os.Args[1])
	for _, e := range errs {
		fmt.Println(e)
	}
	fmt.Printf("checked %d Graph exchanges against Graph v1.0 metadata (%s): %d mismatches\n", n, s.Source, len(errs))
	if n == 0 {
		fmt.Println("no Graph exchange captured: the capture hook is broken")
		os.Exit(1)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
}
