package ews

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
)

// personality is how a real Exchange version answers a RequestServerVersion newer than its own.
type personality struct {
	build   testserver.ServerVersion
	newest  string // newest RequestServerVersion it accepts
	code    string // the fault's ResponseCode for a newer version
	withSVI bool   // the fault carries ServerVersionInfo (2013 and later do; 2010 and 2007 do not)
	schema  string // directory under the schema root whose XSDs every accepted request must satisfy ("" = newest)
}

var (
	exchange2007SP1 = personality{testserver.ServerVersion{MajorVersion: 8, MinorVersion: 3, MajorBuildNumber: 83, MinorBuildNumber: 6},
		"Exchange2007_SP1", "ErrorSchemaValidation", false, "exchange2007sp1"}
	exchange2010SP2 = personality{testserver.ServerVersion{MajorVersion: 14, MinorVersion: 3, MajorBuildNumber: 123, MinorBuildNumber: 4},
		"Exchange2010_SP2", "ErrorInvalidServerVersion", false, "exchange2010sp2"}
	exchange2013CU3 = personality{testserver.ServerVersion{MajorVersion: 15, MinorVersion: 0, MajorBuildNumber: 775, MinorBuildNumber: 38},
		"Exchange2013", "ErrorInvalidServerVersion", true, ""}
)

var versionAttr = regexp.MustCompile(`RequestServerVersion Version="([^"]+)"`)

// olderServer starts a fake server that answers as p does: a request whose RequestServerVersion is newer than
// p.newest gets p's fault (with or without ServerVersionInfo); the others are carried out. When the test ends,
// every request the server carried out is validated against p's schema.
func olderServer(t *testing.T, p personality) *testserver.Server {
	t.Helper()
	srv := testserver.New(t, testserver.WithVersion(p.build))
	var mu sync.Mutex
	refused := 0
	srv.AddHook(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		m := versionAttr.FindSubmatch(body)
		if m == nil || versionIndex(string(m[1])) <= versionIndex(p.newest) {
			return false
		}
		mu.Lock()
		refused++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		hdr := ""
		if p.withSVI {
			b := p.build
			hdr = fmt.Sprintf(`<s:Header><h:ServerVersionInfo MajorVersion="%d" MinorVersion="%d" MajorBuildNumber="%d" MinorBuildNumber="%d" xmlns:h="%s"/></s:Header>`,
				b.MajorVersion, b.MinorVersion, b.MajorBuildNumber, b.MinorBuildNumber, soap.NSTypes)
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">%s<s:Body><s:Fault>`+
			`<faultcode xmlns:a="%s">a:%s</faultcode><faultstring xml:lang="en-US">The specified server version is invalid.</faultstring>`+
			`<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">%s</e:ResponseCode>`+
			`<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The specified server version is invalid.</e:Message></detail>`+
			`</s:Fault></s:Body></s:Envelope>`, hdr, soap.NSTypes, p.code, p.code)
		return true
	})
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		validateAgainst(t, p.schema, srv.Requests())
	})
	return srv
}

// schemaRoot finds ../shared/ews-schema (EWS_SCHEMA_DIR overrides it).
func schemaRoot() string {
	for _, d := range []string{os.Getenv("EWS_SCHEMA_DIR"), "../shared/ews-schema", "/work/shared/ews-schema"} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "validate")); err == nil {
			return d
		}
	}
	return ""
}

// validateAgainst validates every recorded request body with the schema's validate script.
func validateAgainst(t *testing.T, schema string, reqs []testserver.RequestInfo) {
	t.Helper()
	root := schemaRoot()
	if root == "" {
		t.Log("no ews-schema directory: requests not validated")
		return
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Log("no xmllint: requests not validated")
		return
	}
	dir := t.TempDir()
	var files []string
	for i, r := range reqs {
		if len(r.Body) == 0 || r.Operation == "" {
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("req-%03d-%s.xml", i, r.Operation))
		if err := os.WriteFile(f, r.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return
	}
	out, err := exec.Command(filepath.Join(root, schema, "validate"), append([]string{"-q"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("requests are not valid against the %s schema: %v\n%s", schema, err, out)
	}
}

// TestDefaultConfigOnOlderServers runs mail, contacts and calendar operations with the default Config against
// servers that refuse newer RequestServerVersions as Exchange 2007 SP1, 2010 SP2 and 2013 CU3 do, and checks
// the version the client settles on, the results, and every request against that version's schema.
func TestDefaultConfigOnOlderServers(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    personality
		want string
	}{
		{"2007SP1", exchange2007SP1, "Exchange2007_SP1"},
		{"2010SP2", exchange2010SP2, "Exchange2010_SP2"},
		{"2013CU3", exchange2013CU3, "Exchange2013"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := olderServer(t, tc.p)
			c := newTestClient(t, srv, nil)
			ctx := testCtx(t)
			received := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
			id := srv.AddMessage("inbox", testserver.Item{Subject: "first", Body: "<p>hi</p>", BodyType: "HTML",
				DateTimeReceived: received, From: testserver.Address{Email: "a@example.com"}, To: []testserver.Address{{Email: srv.Email()}}})
			id2 := srv.AddMessage("inbox", testserver.Item{Subject: "second", DateTimeReceived: received.Add(time.Minute)})

			// The first request of all: GetItem with the default shape, refused and sent again.
			msgs, err := c.Mail().Get(ctx, id)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if len(msgs) != 1 || msgs[0].Subject != "first" {
				t.Fatalf("Get = %+v", msgs)
			}
			if v, known := c.currentVersion(); v != tc.want || !known && tc.p.withSVI {
				t.Errorf("version = %s (known %v), want %s", v, known, tc.want)
			}
			n := 0
			for m, err := range c.Mail().Search(ctx, SearchOptions{Folder: Inbox}) {
				if err != nil {
					t.Fatalf("Search: %v", err)
				}
				_ = m
				n++
			}
			if n != 2 {
				t.Errorf("Search found %d messages, want 2", n)
			}
			if err := c.Mail().MarkRead(ctx, id); err != nil {
				t.Fatalf("MarkRead: %v", err)
			}
			if it, _ := srv.Item(id); !it.IsRead {
				t.Error("MarkRead did not mark the message read")
			}
			moved, err := c.Mail().Move(ctx, DeletedItems, id2)
			if err != nil || len(moved) != 1 {
				t.Fatalf("Move = %v, %v", moved, err)
			}
			if _, err := c.Contacts().ResolveNames(ctx, "alice", ResolveOptions{ContactData: true}); err != nil && !strings.Contains(err.Error(), "NameResolutionNoResults") {
				t.Fatalf("ResolveNames: %v", err)
			}
			start := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
			evID, err := c.Calendar().Create(ctx, NewEvent{Subject: "sync", Start: start, End: start.Add(time.Hour)}, EventCreateOptions{})
			if err != nil {
				t.Fatalf("CreateEvent: %v", err)
			}
			ev, err := c.Calendar().Get(ctx, evID)
			if err != nil || ev.Subject != "sync" || !ev.Start.Equal(start) {
				t.Fatalf("GetEvent = %+v, %v", ev, err)
			}
			if len(srv.Requests()) < 8 {
				t.Errorf("only %d requests carried out", len(srv.Requests()))
			}
			for _, r := range srv.Requests() {
				if r.Operation != "" && r.Version != tc.want {
					t.Errorf("%s was carried out with %s, want %s", r.Operation, r.Version, tc.want)
				}
			}
		})
	}
}

// TestVersionNegotiationConcurrent sends the first requests of a client from many goroutines at once to a
// 2010 SP2 server: every one succeeds and the client steps down to Exchange2010_SP2 only once per version.
func TestVersionNegotiationConcurrent(t *testing.T) {
	srv := olderServer(t, exchange2010SP2)
	c := newTestClient(t, srv, nil)
	id := srv.AddMessage("inbox", testserver.Item{Subject: "x"})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Mail().Get(testCtx(t), id)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if v := c.versionInUse(); v != "Exchange2010_SP2" {
		t.Errorf("version = %s", v)
	}
}

// TestConfigVersionIsNotSteppedDown: a version set in Config is the user's choice; a refusal is returned.
func TestConfigVersionIsNotSteppedDown(t *testing.T) {
	srv := olderServer(t, exchange2010SP2)
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Version = "Exchange2016" })
	id := srv.AddMessage("inbox", testserver.Item{Subject: "x"})
	_, err := c.Mail().Get(testCtx(t), id)
	if !errors.Is(err, ErrInvalidServerVersion) {
		t.Fatalf("err = %v, want ErrInvalidServerVersion", err)
	}
}

func TestRequestVersionForBuilds(t *testing.T) {
	for _, tc := range []struct {
		major, minor, build int
		want                string
	}{
		{8, 0, 685, "Exchange2007"}, {8, 1, 240, "Exchange2007_SP1"}, {8, 3, 83, "Exchange2007_SP1"},
		{14, 0, 639, "Exchange2010"}, {14, 1, 218, "Exchange2010_SP1"}, {14, 2, 247, "Exchange2010_SP2"},
		{14, 3, 123, "Exchange2010_SP2"}, {15, 0, 516, "Exchange2013"}, {15, 0, 775, "Exchange2013"},
		{15, 0, 846, "Exchange2013"}, {15, 0, 847, "Exchange2013_SP1"}, {15, 0, 1497, "Exchange2013_SP1"},
		{15, 1, 2507, "Exchange2016"}, {15, 2, 1544, "Exchange2016"}, {15, 20, 7452, "Exchange2016"},
	} {
		got := requestVersion(&soap.ServerVersionInfo{MajorVersion: tc.major, MinorVersion: tc.minor, MajorBuildNumber: tc.build})
		if got != tc.want {
			t.Errorf("%d.%d.%d -> %s, want %s", tc.major, tc.minor, tc.build, got, tc.want)
		}
	}
	var steps []string
	for v := defaultVersion; v != ""; v = stepDownFrom(v) {
		steps = append(steps, v)
	}
	if got := strings.Join(steps, " "); got != "Exchange2013_SP1 Exchange2013 Exchange2010_SP2 Exchange2010_SP1 Exchange2010 Exchange2007_SP1 Exchange2007" {
		t.Errorf("step-down order = %s", got)
	}
}

// TestVersionTableMatchesSchemas checks the version table against Microsoft's schemas: the RequestServerVersion
// values and their order, and for the 2007 SP1 and 2010 SP2 schemas, each gated property path and element.
func TestVersionTableMatchesSchemas(t *testing.T) {
	root := schemaRoot()
	if root == "" {
		t.Skip("no ews-schema directory")
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	enum := func(types, name string) []string {
		m := regexp.MustCompile(`(?s)<xs:simpleType name="` + name + `">(.*?)</xs:simpleType>`).FindStringSubmatch(types)
		if m == nil {
			t.Fatalf("no %s", name)
		}
		var out []string
		for _, v := range regexp.MustCompile(`value="([^"]+)"`).FindAllStringSubmatch(m[1], -1) {
			out = append(out, v[1])
		}
		return out
	}
	var names []string
	for _, v := range versions {
		names = append(names, v.name)
	}
	if got, want := strings.Join(names, " "), strings.Join(enum(read("types.xsd"), "ExchangeVersionType"), " "); got != want {
		t.Errorf("versions = %s\nschema has %s", got, want)
	}
	for _, s := range []struct{ dir, version string }{{"exchange2007sp1", "Exchange2007_SP1"}, {"exchange2010sp2", "Exchange2010_SP2"}} {
		types, messages := read(s.dir+"/types.xsd"), read(s.dir+"/messages.xsd")
		uris := map[string]bool{}
		for _, u := range enum(types, "UnindexedFieldURIType") {
			uris[u] = true
		}
		for path, f := range pathFeatures {
			if has := versionHas(s.version, f); has != uris[path] {
				t.Errorf("%s: table says %s %v, schema %v", s.version, path, has, uris[path])
			}
		}
		for _, el := range []struct {
			f    feature
			text string
		}{
			{featSuppressReadReceipts, `name="SuppressReadReceipts"`}, {featReturnNewItemIDs, `name="ReturnNewItemIds"`},
			{featContactDataShape, `name="ContactDataShape"`}, {featStreaming, `name="StreamingSubscriptionRequest"`},
			{featAttachmentIsInline, `name="IsInline"`},
		} {
			if has, in := versionHas(s.version, el.f), strings.Contains(types+messages, el.text); has != in {
				t.Errorf("%s: table says %s %v, schema %v", s.version, el.text, has, in)
			}
		}
		if has, in := versionHas(s.version, featTimeZoneContext), strings.Contains(types, `name="TimeZoneContext"`); has != in {
			t.Errorf("%s: table says TimeZoneContext %v, schema %v", s.version, has, in)
		}
		for op, f := range opFeatures {
			if has, in := versionHas(s.version, f), strings.Contains(messages, `<xs:element name="`+op+`" `); has != in {
				t.Errorf("%s: table says operation %s %v, schema %v", s.version, op, has, in)
			}
		}
		names := map[string]bool{}
		for _, n := range enum(types, "DistinguishedFolderIdNameType") {
			names[n] = true
		}
		for _, name := range distinguishedNames {
			has := true
			if f, ok := folderFeatures[name]; ok {
				has = versionHas(s.version, f)
			}
			if has != names[name] {
				t.Errorf("%s: table says distinguished folder %s %v, schema %v", s.version, name, has, names[name])
			}
		}
	}
}

// TestGateRefusesFoldersTheVersionLacks checks that a request naming a distinguished folder its version's schema
// lacks, wherever the request names it, is refused (ErrInvalidServerVersion) and that newer versions carry it.
func TestGateRefusesFoldersTheVersionLacks(t *testing.T) {
	dumpster := soap.FolderRef{Distinguished: "recoverableitemsdeletions"}
	reqs := []soap.Operation{
		&soap.FindItem{ParentFolderIDs: []soap.FolderRef{{Distinguished: "inbox"}, dumpster}},
		&soap.GetFolder{FolderIDs: []soap.FolderRef{{Distinguished: "recoverableitemsroot"}}},
		&soap.MoveItem{ToFolderID: dumpster},
		&soap.CreateItem{SavedItemFolderID: &soap.TargetFolder{Folder: dumpster}},
		&soap.SyncFolderItems{SyncFolderID: soap.TargetFolder{Folder: dumpster}},
		&soap.Subscribe{Pull: &soap.PullSubscriptionRequest{FolderIDs: soap.FolderList{dumpster}}},
	}
	for _, req := range reqs {
		if _, err := gateRequest(req, "Exchange2007_SP1"); !errors.Is(err, ErrInvalidServerVersion) ||
			!strings.Contains(err.Error(), "Exchange 2010 SP1") {
			t.Errorf("%T on Exchange2007_SP1: %v", req, err)
		}
		if got, err := gateRequest(req, "Exchange2010_SP1"); err != nil || got != req {
			t.Errorf("%T on Exchange2010_SP1: %v", req, err)
		}
	}
	if _, err := gateRequest(&soap.GetFolder{FolderIDs: []soap.FolderRef{{Distinguished: "syncissues"}}}, "Exchange2010_SP2"); !errors.Is(err, ErrInvalidServerVersion) {
		t.Errorf("syncissues on Exchange2010_SP2: %v", err)
	}
	if _, err := gateRequest(&soap.GetFolder{FolderIDs: []soap.FolderRef{{Distinguished: "inbox"}, {ID: "AAA"}}}, "Exchange2007"); err != nil {
		t.Errorf("inbox on Exchange2007: %v", err)
	}
}
