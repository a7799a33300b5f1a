package ews

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/benchmail"
	"github.com/ewsgo/ews/internal/soap"
)

// raceEnabled is set when the tests run with -race (race_test.go).
var raceEnabled bool

func TestMain(m *testing.M) {
	benchmail.MaybeServe() // the benchmark mailbox's server process (see benchServer)
	os.Exit(m.Run())
}

var (
	benchMu      sync.Mutex
	benchServers = map[string]*benchmail.Server{}
)

// benchServer returns the fake server of the benchmark mailbox with n messages, started once per test binary
// in a child process, so that the server's CPU counts (on the same two cores) but not its memory.
func benchServer(b testing.TB, n int, gzip bool) *benchmail.Server {
	benchMu.Lock()
	defer benchMu.Unlock()
	key := fmt.Sprint(n, gzip)
	if s := benchServers[key]; s != nil {
		return s
	}
	s, err := benchmail.Start(n, gzip)
	if err != nil {
		b.Fatal(err)
	}
	benchServers[key] = s
	return s
}

func benchClient(b testing.TB, s *benchmail.Server, hc *http.Client) *Client {
	c, err := New(Config{Host: s.URL, Username: s.Username, Password: s.Password, EmailAddress: s.Email, Auth: AuthNTLM, HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// fetchAll reads every Inbox message with Search and returns how many came.
func fetchAll(ctx context.Context, c *Client, concurrency int) (int, error) {
	n := 0
	for m, err := range c.Mail().Search(ctx, SearchOptions{Concurrency: concurrency, Only: benchFields}) {
		if err != nil {
			return n, err
		}
		if m.BodyHTML == "" || m.Subject == "" || m.Sender.Email == "" || m.Received.IsZero() {
			return n, fmt.Errorf("message %s lacks fields", m.ID)
		}
		n++
	}
	return n, nil
}

// benchFields are the properties the benchmarks fetch, as exchangelib's and ews-javascript-api's benchmarks do.
var benchFields = []string{"subject", "sender", "datetime_received", "is_read", "body"}

// benchConcurrency is the Concurrency of the end-to-end benchmarks.
const benchConcurrency = 4

// BenchmarkSearch10k fetches 10,000 Inbox messages (subject, sender, received time, read flag, 1-4 KB HTML
// body) end to end: FindItem pages of 100 ids, GetItem batches of 100, over loopback HTTP with NTLM, from the
// fake server running in a child process on the same machine. Sub-benchmarks: pipelined (Concurrency 4), one
// request at a time, and gzip-compressed responses.
func BenchmarkSearch10k(b *testing.B) {
	for _, bc := range []struct {
		name        string
		concurrency int
		gzip        bool
	}{{"pipelined", benchConcurrency, false}, {"sequential", 1, false}, {"gzip", benchConcurrency, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchServer(b, 10000, bc.gzip)
			c := benchClient(b, s, nil)
			ctx := context.Background()
			if _, err := fetchAll(ctx, c, bc.concurrency); err != nil { // warm: connections, server caches
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n, err := fetchAll(ctx, c, bc.concurrency)
				if err != nil || n != 10000 {
					b.Fatalf("%d messages, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// recorder keeps the bodies of the requests sent through it.
type recorder struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Header.Get("Content-Type") != "" {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	return r.rt.RoundTrip(req)
}

// BenchmarkFloor10k sends the HTTP requests of BenchmarkSearch10k (recorded from a search) over the same
// transport (NTLM, kept-alive connections) with the same concurrency, and discards the response bodies unread
// by any decoder: the cost of the server and of HTTP alone. The ratio of BenchmarkSearch10k/pipelined to this is
// what decoding and the SDK add.
func BenchmarkFloor10k(b *testing.B) {
	replay := floorReplay(b, benchServer(b, 10000, false))
	if err := replay(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := replay(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSearchVsFloor10k runs BenchmarkSearch10k/pipelined and BenchmarkFloor10k one after the other in each
// iteration and reports the ratio of their times, which load from other work on the machine skews less than
// two separate benchmarks.
func BenchmarkSearchVsFloor10k(b *testing.B) {
	s := benchServer(b, 10000, false)
	replay := floorReplay(b, s)
	c := benchClient(b, s, nil)
	ctx := context.Background()
	if _, err := fetchAll(ctx, c, benchConcurrency); err != nil {
		b.Fatal(err)
	}
	var search, floor time.Duration
	for b.Loop() {
		start := time.Now()
		if n, err := fetchAll(ctx, c, benchConcurrency); err != nil || n != 10000 {
			b.Fatalf("%d messages, %v", n, err)
		}
		mid := time.Now()
		if err := replay(); err != nil {
			b.Fatal(err)
		}
		search, floor = search+mid.Sub(start), floor+time.Since(mid)
	}
	b.ReportMetric(float64(search)/float64(b.N)/1e9, "search-s")
	b.ReportMetric(float64(floor)/float64(b.N)/1e9, "floor-s")
	b.ReportMetric(float64(search)/float64(floor), "ratio")
}

// floorReplay records the requests of a search of s's mailbox and returns a function that sends them again
// over the same transport (soap.Client, NTLM, kept-alive connections), benchConcurrency at a time, reading each
// answer to its end without decoding it (soap.Discard).
func floorReplay(b *testing.B, s *benchmail.Server) func() error {
	hc := soap.NewHTTPClient(soap.TransportConfig{Method: soap.AuthNTLM, Username: s.Username, Password: s.Password, MaxConnsPerHost: 8})
	rec := &recorder{rt: hc.Transport}
	ctx := context.Background()
	if _, err := fetchAll(ctx, benchClient(b, s, &http.Client{Transport: rec}), 1); err != nil {
		b.Fatal(err)
	}
	reqs := rec.bodies   // FindItem, GetItem, FindItem, GetItem...
	if len(reqs) < 200 { // more when a request was retried
		b.Fatalf("%d requests recorded, want 200", len(reqs))
	}
	wire := &soap.Client{URL: s.URL, HTTP: hc, UserAgent: defaultUserAgent}
	return func() error {
		var (
			next  = make(chan []byte)
			mu    sync.Mutex
			first error
			wg    sync.WaitGroup
		)
		for range benchConcurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range next {
					if _, err := wire.DoRaw(ctx, body, soap.Discard); err != nil {
						mu.Lock()
						first = cmp.Or(first, err)
						mu.Unlock()
					}
				}
			}()
		}
		for _, body := range reqs {
			next <- body
		}
		close(next)
		wg.Wait()
		return first
	}
}

// memChildEnv makes the test binary, run with -test.run=TestSearchMemoryChild, fetch a mailbox and print its
// memory figures: "<server URL> <user> <password> <email> <messages>".
const memChildEnv = "EWS_MEMCHILD"

// TestSearchMemoryFlat fetches 10,000 and then 100,000 messages, each in a fresh client process, and checks
// that the peak memory of the second is within 1.5 times that of the first: the search holds a bounded number
// of batches, whatever the folder's size. It takes a while (the server seeds 100,000 messages), so -short and
// -race skip it; .ci/run runs it on its own.
func TestSearchMemoryFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow; runs without -short and -race")
	}
	type figures struct{ rss, heap int64 }
	measure := func(n int) figures {
		s := benchServer(t, n, false)
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run=^TestSearchMemoryChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %s %s %d", memChildEnv, s.URL, s.Username, s.Password, s.Email, n))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "MEMORY" {
				rss, _ := strconv.ParseInt(f[1], 10, 64)
				heap, _ := strconv.ParseInt(f[2], 10, 64)
				return figures{rss, heap}
			}
		}
		t.Fatalf("child printed no figures:\n%s", out)
		return figures{}
	}
	small, large := measure(10000), measure(100000)
	t.Logf("10,000 messages: peak RSS %.1f MB, peak heap in use %.1f MB", float64(small.rss)/1e6, float64(small.heap)/1e6)
	t.Logf("100,000 messages: peak RSS %.1f MB, peak heap in use %.1f MB", float64(large.rss)/1e6, float64(large.heap)/1e6)
	if small.heap == 0 || float64(large.heap) > 1.5*float64(small.heap) {
		t.Errorf("peak heap in use grows with the folder: %d bytes for 10,000 messages, %d for 100,000", small.heap, large.heap)
	}
	if small.rss != 0 && float64(large.rss) > 1.5*float64(small.rss) {
		t.Errorf("peak RSS grows with the folder: %d bytes for 10,000 messages, %d for 100,000", small.rss, large.rss)
	}
}

// TestSearchMemoryChild is the client process of TestSearchMemoryFlat; it does nothing in a normal run.
func TestSearchMemoryChild(t *testing.T) {
	v := os.Getenv(memChildEnv)
	if v == "" {
		t.Skip("run by TestSearchMemoryFlat")
	}
	f := strings.Fields(v)
	want, _ := strconv.Atoi(f[4])
	c := benchClient(t, &benchmail.Server{URL: f[0], Username: f[1], Password: f[2], Email: f[3]}, nil)
	h := benchmail.StartHeapSampler()
	n, err := fetchAll(context.Background(), c, benchConcurrency)
	heap := h.Stop()
	if err != nil || n != want {
		t.Fatalf("%d messages, %v", n, err)
	}
	fmt.Printf("MEMORY %d %d\n", benchmail.PeakRSS(), heap)
}
