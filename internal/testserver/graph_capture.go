package testserver

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// GraphCaptureDir is the subdirectory of CaptureEnv's directory where the Graph endpoint writes one example of
// each distinct exchange it serves (graph-<METHOD>-<hash>.json: the method, the path, the status, the request's
// JSON body and the answer's JSON body; a $batch's sub-requests each as their own exchange too). The CI step
// .ci/graphschema checks them against Microsoft Graph's v1.0 metadata (internal/graphschema).
const GraphCaptureDir = "graph"

// GraphExchange is one captured Graph request and its answer (see GraphCaptureDir).
type GraphExchange struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"` // escaped, under /v1.0
	Query    string          `json:"query,omitempty"`
	Status   int             `json:"status"`
	Batch    bool            `json:"batch,omitempty"` // a sub-request of a $batch
	Request  json.RawMessage `json:"request,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
}

// captureGraph records an exchange of the Graph endpoint when CaptureEnv is set.
func (s *Server) captureGraph(x GraphExchange, req []byte, resp any) {
	dir := os.Getenv(CaptureEnv)
	if dir == "" || s.noCapture {
		return
	}
	if len(req) > 0 && json.Valid(req) {
		x.Request = req
	}
	switch r := resp.(type) {
	case nil:
	case []byte:
		if json.Valid(r) {
			x.Response = r
		}
	default:
		b, err := json.Marshal(r)
		if err != nil {
			return
		}
		x.Response = b
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s %s %d %v\n", x.Method, pathShape(x.Path), x.Status, x.Batch)
	jsonShape(h, x.Request)
	jsonShape(h, x.Response)
	name := fmt.Sprintf("graph-%s-%016x.json", x.Method, h.Sum64())
	dir = filepath.Join(dir, GraphCaptureDir)
	if _, loaded := captured.LoadOrStore(filepath.Join(dir, name), struct{}{}); loaded {
		return
	}
	b, err := json.MarshalIndent(x, "", " ")
	if err != nil {
		return
	}
	_ = os.MkdirAll(dir, 0o755)
	// Test binaries of several packages run at once and may capture the same shape: each writes its own
	// temporary file and renames it into place, so a reader never sees two writes mixed.
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_ = f.Chmod(0o644)
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), filepath.Join(dir, name)) != nil {
		_ = os.Remove(f.Name())
	}
}

// pathShape is a path with its ids and addresses left out, so the exchanges of one route share a shape.
func pathShape(p string) string {
	seg := strings.Split(p, "/")
	for i, s := range seg {
		if strings.ContainsAny(s, "@%=-_") || strings.ContainsFunc(s, unicode.IsDigit) || len(s) > 24 {
			seg[i] = "{}"
		}
	}
	return strings.Join(seg, "/")
}

// jsonShape writes the structure of a JSON value (member names and kinds, not values) to w; the items of an
// array count once per distinct shape.
func jsonShape(w io.Writer, raw json.RawMessage) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		fmt.Fprint(w, "-")
		return
	}
	writeShape(w, v)
}

func writeShape(w io.Writer, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, "{")
		for _, k := range keys {
			fmt.Fprintf(w, "%q:", k)
			writeShape(w, x[k])
		}
		fmt.Fprint(w, "}")
	case []any:
		seen := map[string]bool{}
		fmt.Fprint(w, "[")
		for _, e := range x {
			var b strings.Builder
			writeShape(&b, e)
			if !seen[b.String()] {
				seen[b.String()] = true
				fmt.Fprint(w, b.String())
			}
		}
		fmt.Fprint(w, "]")
	case string:
		// Enum members and the @odata.type of derived types are part of the shape; other strings are not.
		if strings.HasPrefix(x, "#microsoft.graph.") || len(x) < 32 && x != "" && unicode.IsLower(rune(x[0])) &&
			!strings.ContainsFunc(x, func(r rune) bool { return !unicode.IsLetter(r) }) {
			fmt.Fprintf(w, "%q", x)
		} else {
			fmt.Fprint(w, "s")
		}
	default:
		fmt.Fprintf(w, "%T", v)
	}
}
