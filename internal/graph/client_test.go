package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

var app = testserver.GraphApp{TenantID: "contoso-tenant", ClientID: "client-1", ClientSecret: "s3cret"}

type fixture struct {
	srv   *testserver.Server
	c     *graph.Client
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fixture) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// setup starts the fake server with an application registration and returns a client that gets its app-only
// token from the fake token endpoint.
func setup(t *testing.T) *fixture {
	t.Helper()
	srv := testserver.New(t, testserver.WithGraphApp(app))
	f := &fixture{srv: srv}
	creds := graph.AppCredentials{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AuthorityHost: srv.GraphURL(), GraphEndpoint: srv.GraphURL()}
	ts, err := creds.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	f.c, err = graph.New(graph.Config{Endpoint: srv.GraphURL(), Mailbox: srv.Email(), TokenSource: ts,
		HTTPClient: srv.Client(), Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.waits = append(f.waits, d)
			f.mu.Unlock()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTokenURLAndScope(t *testing.T) {
	for _, tc := range []struct {
		cloud, tokenURL, scope string
	}{
		{"global", "https://login.microsoftonline.com/t1/oauth2/v2.0/token", "https://graph.microsoft.com/.default"},
		{"gcchigh", "https://login.microsoftonline.us/t1/oauth2/v2.0/token", "https://graph.microsoft.us/.default"},
		{"dod", "https://login.microsoftonline.us/t1/oauth2/v2.0/token", "https://dod-graph.microsoft.us/.default"},
		{"china", "https://login.chinacloudapi.cn/t1/oauth2/v2.0/token", "https://microsoftgraph.chinacloudapi.cn/.default"},
	} {
		cl := graph.Clouds[tc.cloud]
		a := graph.AppCredentials{TenantID: "t1", AuthorityHost: cl.AuthorityHost, GraphEndpoint: cl.GraphEndpoint}
		u, err := a.TokenURL()
		if err != nil || u != tc.tokenURL || a.Scope() != tc.scope {
			t.Errorf("%s: TokenURL = %q, %v; Scope = %q; want %q, %q", tc.cloud, u, err, a.Scope(), tc.tokenURL, tc.scope)
		}
	}
	if _, err := (graph.AppCredentials{TenantID: "a/b"}).TokenURL(); err == nil {
		t.Error("a tenant id with a slash was accepted")
	}
}

func TestAppOnlyToken(t *testing.T) {
	f := setup(t)
	f.srv.Default().AddItem("inbox", testserver.Item{Subject: "hello"})
	p, err := f.c.ListMessages(context.Background(), "inbox", graph.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Value) != 1 || p.Value[0].Subject != "hello" {
		t.Fatalf("got %+v", p.Value)
	}
	reqs := f.srv.GraphRequests()
	if reqs[0].Auth != "Bearer" || reqs[0].Prefer != `IdType="ImmutableId"` {
		t.Errorf("request = %+v, want a Bearer token and Prefer: IdType=\"ImmutableId\"", reqs[0])
	}

	bad := graph.AppCredentials{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: "wrong",
		AuthorityHost: f.srv.GraphURL(), GraphEndpoint: f.srv.GraphURL()}
	ts, _ := bad.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, f.srv.Client()))
	c, _ := graph.New(graph.Config{Endpoint: f.srv.GraphURL(), Mailbox: f.srv.Email(), TokenSource: ts,
		HTTPClient: f.srv.Client(), MaxAttempts: 1})
	_, err = c.ListMessages(context.Background(), "inbox", graph.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong secret: err = %v, want invalid_client without the secret", err)
	}

	noAuth, _ := graph.New(graph.Config{Endpoint: f.srv.GraphURL(), Mailbox: f.srv.Email(), HTTPClient: f.srv.Client()})
	_, err = noAuth.ListMessages(context.Background(), "inbox", graph.ListOptions{})
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.StatusCode != 401 || ge.Code != "InvalidAuthenticationToken" {
		t.Errorf("no token: err = %v, want 401 InvalidAuthenticationToken", err)
	}
}

func TestListFilterSelectPaging(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 25 {
		mb.AddItem("inbox", testserver.Item{Subject: fmt.Sprintf("alert %02d", i), IsRead: i%5 == 0,
			DateTimeReceived: base.Add(time.Duration(i) * time.Hour)})
	}
	ctx := context.Background()
	p, err := f.c.ListMessages(ctx, "inbox", graph.ListOptions{Filter: "receivedDateTime ge 1900-01-01T00:00:00Z and isRead eq false and contains(subject,'ALERT')",
		Select: []string{"subject", "isRead"}, OrderBy: "receivedDateTime asc", Top: 7})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for pages := 1; ; pages++ {
		for _, m := range p.Value {
			if m.IsRead == nil || *m.IsRead || m.Body != nil {
				t.Fatalf("message %+v: want isRead false and no body ($select)", m)
			}
			got = append(got, m.Subject)
		}
		if p.NextLink == "" {
			if pages != 3 {
				t.Errorf("%d pages, want 3 (20 messages, 7 a page)", pages)
			}
			break
		}
		if p, err = f.c.NextMessages(ctx, p.NextLink); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 20 || got[0] != "alert 01" || got[19] != "alert 24" {
		t.Errorf("got %d subjects %v", len(got), got)
	}
	if _, err := f.c.NextMessages(ctx, "https://evil.example.com/v1.0/users/x/messages?$skip=10"); err == nil {
		t.Error("a next link to another host was followed (it would carry the token)")
	}
	// Graph's rule for $filter with $orderby: the sort property comes first in the filter.
	_, err = f.c.ListMessages(ctx, "inbox", graph.ListOptions{Filter: "isRead eq false", OrderBy: "receivedDateTime desc"})
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.Code != "InefficientFilter" {
		t.Errorf("$orderby on a property not first in $filter: %v, want InefficientFilter", err)
	}
	if _, err := f.c.ListMessages(ctx, "inbox", graph.ListOptions{Filter: "isRead eq false", Search: "x"}); err == nil {
		t.Error("$search with $filter was sent; Graph refuses it")
	}
}

func TestSearchBody(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	mb.AddItem("inbox", testserver.Item{Subject: "a", Body: "please reset your password now"})
	mb.AddItem("inbox", testserver.Item{Subject: "b", Body: "lunch?"})
	p, err := f.c.ListMessages(context.Background(), "inbox", graph.ListOptions{Search: "body:password"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Value) != 1 || p.Value[0].Subject != "a" {
		t.Errorf("got %+v", p.Value)
	}
}

func TestGetAndInternetMessageID(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	id := testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: "it's here", InternetMessageID: "<a'b@example.com>",
		From: testserver.Address{Name: "Eve", Email: "eve@example.net"}, Body: "<p>hi</p>", BodyType: "HTML"}))
	ctx := context.Background()
	m, err := f.c.GetMessage(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.Subject != "it's here" || m.From.EmailAddress.Address != "eve@example.net" ||
		m.Body.ContentType != "html" || m.ReceivedDateTime == nil {
		t.Errorf("got %+v", m)
	}
	ms, err := f.c.FindByInternetMessageID(ctx, "<a'b@example.com>")
	if err != nil || len(ms) != 1 || ms[0].ID != id {
		t.Fatalf("by Internet Message-ID: %v, %+v", err, ms)
	}
	_, err = f.c.GetMessage(ctx, "nope")
	var ge *graph.Error
	if !errors.As(err, &ge) || !ge.NotFound() {
		t.Errorf("unknown id: %v, want not found", err)
	}
}

func TestMoveCopyDeleteMarkRead(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	fid, err := mb.AddFolder("inbox", "Phishing", "")
	if err != nil {
		t.Fatal(err)
	}
	id := testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: "bad"}))
	folder, err := f.c.FolderByPath(ctx, "Inbox/phishing")
	if err != nil || folder.ID != testserver.GraphID(fid) {
		t.Fatalf("FolderByPath = %+v, %v; want %s", folder, err, fid)
	}
	moved, err := f.c.Move(ctx, id, testserver.GraphID(fid))
	if err != nil {
		t.Fatal(err)
	}
	if it, ok := mb.Item(id); moved.ID != id || !ok || it.FolderID != fid {
		t.Errorf("after move: id %q (want the immutable %q), server item in %q", moved.ID, id, it.FolderID)
	}
	cp, err := f.c.Copy(ctx, id, "inbox")
	if err != nil || cp.ID == id {
		t.Fatalf("copy: %v, id %q", err, cp.ID)
	}
	if err := f.c.MarkRead(ctx, cp.ID, true); err != nil {
		t.Fatal(err)
	}
	if it, _ := mb.Item(cp.ID); !it.IsRead || it.FolderID != mb.FolderID("inbox") {
		t.Errorf("copy on the server: %+v", it)
	}
	if err := f.c.Delete(ctx, cp.ID); err != nil {
		t.Fatal(err)
	}
	if it, _ := mb.Item(cp.ID); it.FolderID != mb.FolderID("deleteditems") {
		t.Errorf("deleted message is in %q, want Deleted Items", it.FolderID)
	}
	if err := f.c.PermanentDelete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if it, ok := mb.Item(id); ok {
		t.Errorf("permanently deleted message is still in %q (Graph puts it in the purges folder, which no folder list shows)", it.FolderID)
	}
	inbox, err := f.c.Folder(ctx, "inbox")
	if err != nil || inbox.TotalItemCount != 0 || inbox.ChildFolderCount != 1 {
		t.Errorf("inbox = %+v, %v", inbox, err)
	}
}

func TestSendMailWithAttachment(t *testing.T) {
	f := setup(t)
	bob := f.srv.AddMailbox("bob@example.com", "Bob")
	data := bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)
	err := f.c.SendMail(context.Background(), &graph.Message{Subject: "report", Body: &graph.ItemBody{ContentType: "text", Content: "see attached"},
		ToRecipients: []graph.Recipient{{EmailAddress: graph.EmailAddress{Address: "bob@example.com"}}},
		Attachments:  []graph.Attachment{{Name: "r.bin", ContentType: "application/octet-stream", ContentBytes: data}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	got := bob.Items("inbox")
	if len(got) != 1 || got[0].Subject != "report" || len(got[0].Attachments) != 1 || !bytes.Equal(got[0].Attachments[0].Content, data) {
		t.Fatalf("bob's inbox: %+v", got)
	}
	if sent := f.srv.Default().Items("sentitems"); len(sent) != 1 {
		t.Errorf("sent items: %d, want 1", len(sent))
	}
	// Reading the sent copy back over Graph: the attachment's bytes and the MIME.
	ats, err := f.c.Attachments(context.Background(), testserver.GraphID(f.srv.Default().Items("sentitems")[0].ID))
	if err != nil || len(ats) != 1 || !bytes.Equal(ats[0].ContentBytes, data) || ats[0].ODataType != graph.FileAttachmentType {
		t.Fatalf("attachments: %v %+v", err, ats)
	}
	mime, err := f.c.MIME(context.Background(), testserver.GraphID(f.srv.Default().Items("sentitems")[0].ID))
	if err != nil || !bytes.Contains(mime, []byte("Subject: report")) {
		t.Errorf("MIME: %v\n%s", err, mime)
	}
	if err := f.c.SendMail(context.Background(), &graph.Message{Subject: "x"}, false); err == nil {
		t.Error("a message without recipients was sent")
	}
}

func TestThrottledReadIsRetried(t *testing.T) {
	f := setup(t)
	id := testserver.GraphID(f.srv.Default().AddItem("inbox", testserver.Item{Subject: "x"}))
	f.srv.AddGraphFault(testserver.GraphFault{Method: "GET", PathContains: "/messages/", Status: 429, RetryAfter: "3", Times: 2})
	if _, err := f.c.GetMessage(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if w := f.slept(); len(w) != 2 || w[0] != 3*time.Second || w[1] != 3*time.Second {
		t.Errorf("waits %v, want the Retry-After of 3s twice", w)
	}
}

func TestMoveRetryRules(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	id := testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: "x"}))
	// 429: Graph refused without acting; the move is sent again.
	f.srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "/move", Status: 429, RetryAfter: "1", Times: 1})
	if _, err := f.c.Move(ctx, id, "archive"); err != nil {
		t.Fatal(err)
	}
	if it, _ := mb.Item(id); it.FolderID != mb.FolderID("archive") {
		t.Fatal("not moved after a 429")
	}
	// 504 after the move was done: the outcome is unknown and the move is not sent again.
	f.srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "/move", Status: 504, After: true, Times: 1})
	n := len(f.srv.GraphRequests())
	_, err := f.c.Move(ctx, id, "inbox")
	if !errors.Is(err, graph.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if sent := len(f.srv.GraphRequests()) - n; sent != 1 {
		t.Errorf("the move was sent %d times, want once", sent)
	}
	if it, _ := mb.Item(id); it.FolderID != mb.FolderID("inbox") {
		t.Error("the server did not carry the move out (the fault is After)")
	}
	// The same 504 on a read is retried.
	f.srv.AddGraphFault(testserver.GraphFault{Method: "GET", Status: 504, After: true, Times: 1})
	if _, err := f.c.GetMessage(ctx, id); err != nil {
		t.Errorf("read after a 504: %v", err)
	}
}

func TestBatchMoveAndDelete(t *testing.T) {
	f := setup(t)
	mb := f.srv.Default()
	ctx := context.Background()
	var ids []string
	for i := range 45 {
		ids = append(ids, testserver.GraphID(mb.AddItem("inbox", testserver.Item{Subject: fmt.Sprint(i)})))
	}
	// Two sub-requests are throttled inside their batch; they go again in a later batch.
	f.srv.AddGraphFault(testserver.GraphFault{Method: "POST", PathContains: "/move", Status: 429, RetryAfter: "2", Times: 2})
	res, err := f.c.MoveMany(ctx, ids, "junkemail")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID != ids[i] {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	if n := len(mb.Items("junkemail")); n != 45 {
		t.Errorf("%d messages in Junk Email, want 45", n)
	}
	batches := 0
	for _, r := range f.srv.GraphRequests() {
		if r.Path == "/$batch" {
			batches++
		}
	}
	if batches != 4 {
		t.Errorf("%d $batch requests, want 4 (20+20+5, then the 2 throttled)", batches)
	}
	if w := f.slept(); len(w) != 1 || w[0] != 2*time.Second {
		t.Errorf("waits %v, want one of 2s", w)
	}
	res, err = f.c.DeleteMany(ctx, append(ids[:3:3], "missing"))
	if err != nil {
		t.Fatal(err)
	}
	var ge *graph.Error
	if res[0].Err != nil || !errors.As(res[3].Err, &ge) || !ge.NotFound() {
		t.Errorf("delete results %+v", res)
	}
	if n := len(mb.Items("deleteditems")); n != 3 {
		t.Errorf("%d in Deleted Items, want 3", n)
	}
}
