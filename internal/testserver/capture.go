package testserver

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// CaptureEnv names the environment variable that, when set to a directory, makes every server write one
// example of each distinct request shape it receives, and of each response shape it sends, to that directory
// (req-<Operation>-<hash>.xml and resp-<Operation>-<hash>.xml). CI validates them against Microsoft's schema, so
// every request the SDK sends in any test, and every answer of the fake server, is checked. Requests sent to a
// personality with an older schema (Exchange 2007 SP1, 2010 SP2) go to a subdirectory named after that schema
// (exchange2007sp1/, exchange2010sp2/; see Personality.Schema), which CI validates against that version's schema.
const CaptureEnv = "EWS_CAPTURE_DIR"

var captured sync.Map // file name -> struct{}

// capture records a request or response shape of this server (see CaptureEnv).
func (s *Server) capture(kind, op string, body []byte) {
	if s.noCapture {
		return
	}
	sub := ""
	if s.personality != nil && kind == "req" {
		sub = s.personality.Schema()
	}
	captureIn(sub, kind, op, body)
}

func captureIn(sub, kind, op string, body []byte) {
	dir := os.Getenv(CaptureEnv)
	if dir == "" || op == "" {
		return
	}
	if sub != "" {
		dir = filepath.Join(dir, sub)
	}
	n, err := parseXML(bytes.NewReader(body))
	if err != nil {
		return
	}
	h := fnv.New64a()
	shape(h, n)
	name := fmt.Sprintf("%s-%s-%016x.xml", kind, op, h.Sum64())
	if _, loaded := captured.LoadOrStore(filepath.Join(sub, name), struct{}{}); loaded {
		return
	}
	_ = os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return
	}
	_ = os.WriteFile(path, body, 0o644)
}

// shape writes the structure of n (element and attribute names, not values) to w.
func shape(w interface{ Write([]byte) (int, error) }, n *node) {
	fmt.Fprintf(w, "<%s %s", n.Name.Space, n.Name.Local)
	attrs := make([]string, 0, len(n.Attrs))
	for _, a := range n.Attrs {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			continue
		}
		attrs = append(attrs, a.Name.Local)
	}
	sort.Strings(attrs)
	fmt.Fprint(w, strings.Join(attrs, ","))
	prev := ""
	for _, c := range n.Children {
		// Runs of the same element count once, so 1 and 100 items have the same shape.
		key := c.Name.Space + " " + c.Name.Local
		if key == prev && len(c.Children) == 0 {
			continue
		}
		prev = key
		shape(w, c)
	}
	fmt.Fprint(w, ">")
}
