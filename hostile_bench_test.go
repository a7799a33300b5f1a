package ews

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ewsgo/ews/internal/benchmail"
)

// The hostile answers of issue 15, streamed by the server without holding them: each benchmark reports the peak
// heap of the client while it reads them, in MB and as a multiple of MaxResponseBytes (aim: under 2).

const hostileLimit = 64 << 20

var itemIDs = regexp.MustCompile(`<t:ItemId Id="([^"]+)"`) // MaxResponseBytes of the benchmarks

const envStart = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`

// endless writes head, then chunk again and again until the client goes away (or n bytes).
func endless(w io.Writer, head string, chunk string, n int64) {
	_, _ = io.WriteString(w, head)
	b := []byte(strings.Repeat(chunk, max(1, (64<<10)/len(chunk))))
	for written := int64(0); n <= 0 || written < n; written += int64(len(b)) {
		if _, err := w.Write(b); err != nil {
			return
		}
	}
}

func hostileServer(b *testing.B, h http.HandlerFunc) *Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "GetItem ") || strings.Contains(string(body), "GetItem>") {
			var ids []string
			for _, m := range itemIDs.FindAllStringSubmatch(string(body), -1) {
				ids = append(ids, m[1])
			}
			r.Header.Set("X-Ids", strings.Join(ids, " "))
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		h(w, r)
	}))
	b.Cleanup(srv.Close)
	c, err := New(Config{Host: srv.URL + "/EWS/Exchange.asmx", Username: "u", Password: "pass-word", EmailAddress: "a@example.com",
		Auth: AuthBasic, Version: "Exchange2016", MaxResponseBytes: hostileLimit, Retry: &RetryPolicy{MaxAttempts: 1}, MaxConcurrency: 8})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

const getItemHead = envStart + `<m:GetItemResponse ` + hostileNS + `><m:ResponseMessages>`

// oneMessage is a GetItem response message with a 1 MB body.
var oneMessage = `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="AAMk" ChangeKey="CK"/><t:Subject>s</t:Subject><t:Body BodyType="Text">` +
	strings.Repeat("x", 1<<20) + `</t:Body></t:Message></m:Items></m:GetItemResponseMessage>`

func peakOf(b *testing.B, run func()) {
	runtime.GC()
	base := benchmail.StartHeapSampler()
	before := base.Stop()
	var peak uint64
	for i := 0; i < b.N; i++ {
		h := benchmail.StartHeapSampler()
		run()
		peak = max(peak, h.Stop())
		runtime.GC()
	}
	mb := float64(peak-min(peak, before)) / (1 << 20)
	b.ReportMetric(mb, "peak-MB")
	b.ReportMetric(mb/float64(hostileLimit>>20), "x-limit")
}

func wantTooLarge(b *testing.B, err error) {
	if !errors.Is(err, ErrResponseTooLarge) {
		b.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
}

func BenchmarkHostile(b *testing.B) {
	ctx := context.Background()
	b.Run("body-cut-at-limit", func(b *testing.B) { // messages of 1 MB without end
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) { endless(w, getItemHead, oneMessage, 0) })
		peakOf(b, func() { _, err := c.Mail().Get(ctx, "AAMkAGI2TG93AAA="); wantTooLarge(b, err) })
	})
	b.Run("one-endless-text", func(b *testing.B) {
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) {
			endless(w, getItemHead+`<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:Body BodyType="Text">`, "x", 0)
		})
		peakOf(b, func() { _, err := c.Mail().Get(ctx, "AAMkAGI2TG93AAA="); wantTooLarge(b, err) })
	})
	b.Run("gzip-bomb-1GB", func(b *testing.B) {
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			endless(z, getItemHead, oneMessage, 1<<30)
			z.Close()
		})
		peakOf(b, func() { _, err := c.Mail().Get(ctx, "AAMkAGI2TG93AAA="); wantTooLarge(b, err) })
	})
	b.Run("deep-nesting", func(b *testing.B) {
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) { endless(w, getItemHead, "<t:Message>", 1<<30) })
		peakOf(b, func() { _, err := c.Mail().Get(ctx, "AAMkAGI2TG93AAA="); wantTooLarge(b, err) })
	})
	b.Run("concurrency-8-huge-bodies", func(b *testing.B) {
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) { endless(w, getItemHead, oneMessage, 0) })
		peakOf(b, func() {
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() { defer wg.Done(); _, err := c.Mail().Get(ctx, "AAMkAGI2TG93AAA="); wantTooLarge(b, err) }()
			}
			wg.Wait()
		})
	})
	for _, hs := range hostileStreams { // GetStreamingEvents: a keep-alive, then an envelope without end
		b.Run("stream-"+hs.name, func(b *testing.B) {
			c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, keepAlive)
				w.(http.Flusher).Flush()
				endless(w, hs.head, hs.chunk, 1<<30)
			})
			peakOf(b, func() { wantTooLarge(b, readHostileStream(ctx, c)) })
		})
	}
	b.Run("endless-SyncFolderItems", func(b *testing.B) { // a new change and state on every page, never the last
		var mu sync.Mutex
		n := 0
		c := hostileServer(b, func(w http.ResponseWriter, r *http.Request) {
			if ids := r.Header.Get("X-Ids"); ids != "" { // a GetItem of the changes' messages
				var msgs strings.Builder
				for _, id := range strings.Split(ids, " ") {
					fmt.Fprintf(&msgs, `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="%s" ChangeKey="CK"/><t:Subject>s</t:Subject></t:Message></m:Items></m:GetItemResponseMessage>`, id)
				}
				fmt.Fprintf(w, hostileEnv, `<m:GetItemResponse `+hostileNS+`><m:ResponseMessages>`+msgs.String()+`</m:ResponseMessages></m:GetItemResponse>`)
				return
			}
			mu.Lock()
			n++
			k := n
			mu.Unlock()
			var ch strings.Builder
			for i := range 100 {
				fmt.Fprintf(&ch, `<t:Create><t:Message><t:ItemId Id="AAMkAGI2%06d%06d" ChangeKey="CK"/><t:Subject>%s</t:Subject><t:DateTimeReceived>2024-05-06T08:00:00Z</t:DateTimeReceived></t:Message></t:Create>`, k, i, strings.Repeat("s", 10<<10))
			}
			fmt.Fprintf(w, hostileEnv, syncAnswer(fmt.Sprintf("S%d", k), ch.String()))
		})
		dir := b.TempDir()
		peakOf(b, func() {
			batch, err := c.PollOnce(ctx, PollOnceOptions{Folder: Inbox, StateFile: filepath.Join(dir, "state"), IncludeExisting: true, MaxEvents: 1000})
			if err != nil {
				b.Fatal(err)
			}
			if !batch.More || len(batch.Events) != 1000 {
				b.Fatalf("batch of %d events, more %v", len(batch.Events), batch.More)
			}
			batch.Close()
		})
	})
}
