package ews

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
)

// bigFile is n pseudo-random bytes (so a shifted or repeated chunk would not compare equal).
func bigFile(n int) []byte {
	r := rand.New(rand.NewPCG(7, 11))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func newUploadServer(t *testing.T) (*testserver.Server, *testserver.Mailbox) {
	srv := testserver.New(t, testserver.WithGraphApp(testGraphApp), testserver.WithPersonality(testserver.Exchange2019))
	return srv, srv.AddMailbox("bob@corp.example", "Bob")
}

func uploadRequests(srv *testserver.Server) []testserver.GraphRequest {
	var out []testserver.GraphRequest
	for _, r := range srv.GraphRequests() {
		if strings.HasPrefix(r.Path, "/upload/") {
			out = append(out, r)
		}
	}
	return out
}

func TestGraphSendLargeAttachmentUploads(t *testing.T) {
	srv, bob := newUploadServer(t)
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	big := bigFile(7 << 20)
	small := []byte("small attachment")
	sent, err := c.Mail().Send(ctx, Draft{To: []string{"bob@corp.example"}, Subject: "Evidence", Body: "see attached",
		Attachments: []Attachment{{Name: "memory.dmp", ContentType: "application/octet-stream", Content: big},
			{Name: "note.txt", ContentType: "text/plain", Content: small}}})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := bob.Items("inbox")
	if len(got) != 1 || got[0].Subject != "Evidence" || got[0].InternetMessageID != sent.InternetMessageID {
		t.Fatalf("bob's inbox = %+v", got)
	}
	byName := map[string][]byte{}
	for _, a := range got[0].Attachments {
		byName[a.Name] = a.Content
	}
	if len(byName) != 2 || !bytes.Equal(byName["memory.dmp"], big) || !bytes.Equal(byName["note.txt"], small) {
		t.Fatalf("delivered %d attachments; big equal %v, small equal %v", len(byName), bytes.Equal(byName["memory.dmp"], big), bytes.Equal(byName["note.txt"], small))
	}
	// The copy is in Sent Items, and the draft is gone from Drafts.
	if sent.ID == "" || len(srv.Mailbox(srv.Email()).Items("sentitems")) != 1 || len(srv.Mailbox(srv.Email()).Items("drafts")) != 0 {
		t.Fatalf("sent %+v; sent items %d, drafts %d", sent, len(srv.Mailbox(srv.Email()).Items("sentitems")), len(srv.Mailbox(srv.Email()).Items("drafts")))
	}
	// The chunks: 3 MiB + 3.125 MiB... in order, multiples of 320 KiB, no Authorization header.
	ups := uploadRequests(srv)
	want := (len(big) + graph.UploadChunk - 1) / graph.UploadChunk
	if len(ups) != want {
		t.Fatalf("%d upload requests, want %d", len(ups), want)
	}
	for i, r := range ups {
		if r.Method != "PUT" || r.Auth != "" || (i < len(ups)-1 && r.Status != 200) || (i == len(ups)-1 && r.Status != 201) {
			t.Fatalf("upload request %d = %+v", i, r)
		}
	}
	var paths []string
	for _, r := range srv.GraphRequests() {
		if !strings.HasPrefix(r.Path, "/upload/") {
			paths = append(paths, r.Method+" "+r.Path[strings.LastIndex(r.Path, "/")+1:])
		}
	}
	if s := strings.Join(paths, ","); !strings.HasPrefix(s, "POST messages,POST createUploadSession,POST send") {
		t.Fatalf("graph requests = %s", s)
	}
}

// The fake upload URL checks what Graph checks: ranges in order, the total, and no Authorization header.
func TestGraphUploadSessionRefusesBadChunks(t *testing.T) {
	srv, _ := newUploadServer(t)
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	g := c.graph // the internal client with the app's token
	draft, err := g.CreateDraft(ctx, &graph.Message{Subject: "d", ToRecipients: []graph.Recipient{{EmailAddress: graph.EmailAddress{Address: "bob@corp.example"}}}})
	if err != nil {
		t.Fatal(err)
	}
	us, err := g.CreateUploadSession(ctx, draft.ID, graph.Attachment{Name: "f.bin"}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	put := func(rng string, n int, auth bool) int {
		req, _ := newPut(ctx, us.UploadURL, rng, make([]byte, n))
		if auth {
			req.Header.Set("Authorization", "Bearer x")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		rng  string
		n    int
		auth bool
		want int
	}{
		{"bytes 0-327679/1048576", 327680, true, 401},       // pre-authenticated URL
		{"bytes 327680-655359/1048576", 327680, false, 416}, // out of order
		{"bytes 0-99999/1048576", 100000, false, 400},       // not a multiple of 320 KiB
		{"bytes 0-327679/2000000", 327680, false, 400},      // wrong total
		{"bytes 0-327679/1048576", 327680, false, 200},
		{"bytes 327680-1048575/1048576", 720896, false, 201},
	} {
		if got := put(tc.rng, tc.n, tc.auth); got != tc.want {
			t.Errorf("PUT %s (auth %v) = %d, want %d", tc.rng, tc.auth, got, tc.want)
		}
	}
	if m := srv.Mailbox(srv.Email()).Items("drafts"); len(m) != 1 || len(m[0].Attachments) != 1 || len(m[0].Attachments[0].Content) != 1<<20 {
		t.Fatalf("drafts = %+v", m)
	}
}

func TestGraphSendLargeAttachmentRetriesChunk(t *testing.T) {
	srv, bob := newUploadServer(t)
	srv.AddGraphFault(testserver.GraphFault{Method: "PUT", PathContains: "/upload/", Status: 503, RetryAfter: "0", Times: 1})
	c := newGraphClient(t, srv, nil)
	big := bigFile(4 << 20)
	if _, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@corp.example"}, Subject: "retry",
		Attachments: []Attachment{{Name: "a.bin", Content: big}}}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := bob.Items("inbox"); len(got) != 1 || len(got[0].Attachments) != 1 || !bytes.Equal(got[0].Attachments[0].Content, big) {
		t.Fatalf("bob's inbox = %+v", got)
	}
	// After the 503 the client asks the session where to go on (GET), then sends the chunk again.
	if got := uploadTrail(srv); got != "PUT 503,GET 200,PUT 200,PUT 201" {
		t.Fatalf("upload requests = %s", got)
	}
}

// uploadTrail is the method and status of each request to an upload URL, in order.
func uploadTrail(srv *testserver.Server) string {
	var out []string
	for _, r := range uploadRequests(srv) {
		out = append(out, fmt.Sprintf("%s %d", r.Method, r.Status))
	}
	return strings.Join(out, ",")
}

// A chunk taken by the server whose answer is lost (504 after the work, or a 416 after it) is not sent again
// from the client's idea of the offset: the upload goes on from the session's nextExpectedRanges, and the
// attachment holds the file exactly once.
func TestGraphUploadResumesFromServerRange(t *testing.T) {
	put := func(status int, after bool, times int) testserver.GraphFault {
		return testserver.GraphFault{Method: "PUT", PathContains: "/upload/", Status: status, After: after, RetryAfter: "0", Times: times}
	}
	for _, tc := range []struct {
		name   string
		faults []testserver.GraphFault
		trail  string
	}{
		{"answer lost after the chunk was taken", []testserver.GraphFault{put(504, true, 1)}, "PUT 504,GET 200,PUT 200,PUT 201"},
		{"416 after the chunk was taken", []testserver.GraphFault{put(416, true, 1)}, "PUT 416,GET 200,PUT 200,PUT 201"},
		{"416 without taking it", []testserver.GraphFault{put(416, false, 1)}, "PUT 416,GET 200,PUT 200,PUT 200,PUT 201"},
		{"two lost answers in a row", []testserver.GraphFault{put(502, true, 2)}, "PUT 502,GET 200,PUT 502,GET 200,PUT 201"},
		// A service that does not answer the status: the chunk is sent again, as before resuming existed.
		{"no status", []testserver.GraphFault{put(503, false, 1), {Method: "GET", PathContains: "/upload/", Status: 405}},
			"PUT 503,GET 405,PUT 200,PUT 200,PUT 201"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, bob := newUploadServer(t)
			for _, f := range tc.faults {
				srv.AddGraphFault(f)
			}
			c := newGraphClient(t, srv, nil)
			big := bigFile(2*graph.UploadChunk + 1000) // three chunks
			if _, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@corp.example"}, Subject: "resume",
				Attachments: []Attachment{{Name: "a.bin", Content: big}}}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := uploadTrail(srv); got != tc.trail {
				t.Errorf("upload requests = %s, want %s", got, tc.trail)
			}
			if got := bob.Items("inbox"); len(got) != 1 || len(got[0].Attachments) != 1 || !bytes.Equal(got[0].Attachments[0].Content, big) {
				t.Fatalf("bob's inbox = %d messages", len(got))
			}
		})
	}
}

// When the answer to the last chunk is lost and the session is gone, the draft is checked: the attachment
// was made, so the message is sent, once, with it.
func TestGraphUploadLastChunkAnswerLost(t *testing.T) {
	srv, bob := newUploadServer(t)
	srv.AddGraphFault(testserver.GraphFault{Method: "PUT", PathContains: "/upload/", Status: 504, After: true, Times: 1})
	c := newGraphClient(t, srv, nil)
	big := bigFile(3<<20 + 1) // one chunk
	if _, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@corp.example"}, Subject: "last",
		Attachments: []Attachment{{Name: "a.bin", Content: big}}}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	for _, r := range srv.GraphRequests() {
		t.Logf("%s %s %d", r.Method, r.Path, r.Status)
	}
	if got := uploadTrail(srv); got != "PUT 504,GET 404" {
		t.Errorf("upload requests = %s", got)
	}
	if got := bob.Items("inbox"); len(got) != 1 || len(got[0].Attachments) != 1 || !bytes.Equal(got[0].Attachments[0].Content, big) {
		t.Fatalf("bob's inbox = %d messages", len(got))
	}
}

// The status GET of an upload session, as the fake serves it: where the next chunk starts, no token needed
// beyond the URL's, 404 once the session is gone.
func TestGraphUploadSessionStatus(t *testing.T) {
	srv, _ := newUploadServer(t)
	c := newGraphClient(t, srv, nil)
	ctx := testCtx(t)
	d, err := c.graph.CreateDraft(ctx, &graph.Message{Subject: "d"})
	if err != nil {
		t.Fatal(err)
	}
	us, err := c.graph.CreateUploadSession(ctx, d.ID, graph.Attachment{Name: "x.bin"}, 2*320<<10)
	if err != nil {
		t.Fatal(err)
	}
	status := func() (int, string) {
		resp, err := srv.Client().Get(us.UploadURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct{ NextExpectedRanges []string }
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, strings.Join(b.NextExpectedRanges, ",")
	}
	if code, next := status(); code != 200 || next != "0" {
		t.Fatalf("status = %d %q", code, next)
	}
	req, _ := newPut(ctx, us.UploadURL, fmt.Sprintf("bytes 0-%d/%d", 320<<10-1, 2*320<<10), make([]byte, 320<<10))
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT = %v, %v", resp, err)
	}
	resp.Body.Close()
	if code, next := status(); code != 200 || next != strconv.Itoa(320<<10) {
		t.Fatalf("status = %d %q", code, next)
	}
	req, _ = newPut(ctx, us.UploadURL, fmt.Sprintf("bytes 0-%d/%d", 320<<10-1, 2*320<<10), make([]byte, 320<<10))
	if resp, err = srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("PUT of a chunk taken = %v, %v", resp, err)
	}
	resp.Body.Close()
}

func TestGraphSendLargeAttachmentFailureDeletesDraft(t *testing.T) {
	srv, bob := newUploadServer(t)
	srv.AddGraphFault(testserver.GraphFault{Method: "PUT", PathContains: "/upload/", Status: 400})
	c := newGraphClient(t, srv, nil)
	_, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@corp.example"}, Subject: "fails",
		Attachments: []Attachment{{Name: "a.bin", Content: bigFile(4 << 20)}}})
	if err == nil || !strings.Contains(err.Error(), "a.bin") {
		t.Fatalf("Send = %v, want the upload's error", err)
	}
	me := srv.Mailbox(srv.Email())
	if n := len(me.Items("drafts")) + len(me.Items("sentitems")) + len(bob.Items("inbox")); n != 0 {
		t.Fatalf("%d messages left (drafts %d)", n, len(me.Items("drafts")))
	}
}

func newPut(ctx context.Context, url, rng string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Range", rng)
	}
	return req, err
}

func TestGraphSendLargeAttachmentNoCopy(t *testing.T) {
	srv, bob := newUploadServer(t)
	c := newGraphClient(t, srv, nil)
	sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@corp.example"}, Subject: "nocopy", NoCopy: true,
		Attachments: []Attachment{{Name: "a.bin", Content: bigFile(3<<20 + 1)}}})
	if err != nil || sent.ID != "" {
		t.Fatalf("Send = %+v, %v", sent, err)
	}
	me := srv.Mailbox(srv.Email())
	if len(bob.Items("inbox")) != 1 || len(me.Items("sentitems")) != 0 || len(me.Items("drafts")) != 0 {
		t.Fatalf("inbox %d, sent items %d, drafts %d", len(bob.Items("inbox")), len(me.Items("sentitems")), len(me.Items("drafts")))
	}
}
