package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/benchmail"
)

var (
	benchOnce sync.Once
	benchSrv  *benchmail.Server
	benchErr  error
)

// benchServer is the fake server of the SDK's benchmark mailbox (10,000 messages with 1-4 KB HTML bodies) in a
// child process (the test binary again, see TestMain), started once.
func benchServer(b *testing.B) *benchmail.Server {
	benchOnce.Do(func() { benchSrv, benchErr = benchmail.Start(10000, false) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSrv
}

// cliSearch runs `ews search_query` (every message, every property, as the connector returns them) as a
// subprocess and counts the messages it prints; it returns the count, the command's CPU time and its peak
// resident memory (0 where not measured).
func cliSearch(s *benchmail.Server, output string) (int, time.Duration, int64, error) {
	cmd := exec.Command(bin, "--host", s.URL, "--username", s.Username, "--email", s.Email, "--auth", "ntlm",
		"--output", output, "search_query")
	cmd.Env = append(os.Environ(), "EWS_PASSWORD="+s.Password)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	n := 0
	if output == "ndjson" {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			n++
		}
	} else {
		// One result object: its items counted as it streams by, not decoded (decoding is the reader's cost,
		// not the command's).
		var err error
		if n, err = countItems(stdout); err != nil {
			_ = cmd.Wait()
			return 0, 0, 0, err
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	ps := cmd.ProcessState
	return n, ps.UserTime() + ps.SystemTime(), peakRSS(ps), err
}

// countItems reads a json result and counts its items (each starts with {"id":", which no string value can
// hold unescaped).
func countItems(r io.Reader) (int, error) {
	prefix, mark := []byte(`{"status":"Success","data":[`), []byte(`{"id":"`)
	buf := make([]byte, 256<<10)
	n, carry, first := 0, 0, true
	for {
		k, err := r.Read(buf[carry:])
		b := buf[:carry+k]
		if first && len(b) >= len(prefix) {
			if !bytes.HasPrefix(b, prefix) {
				return 0, fmt.Errorf("result %.100q", b)
			}
			first = false
		}
		n += bytes.Count(b, mark)
		carry = min(len(b), len(mark)-1) // a mark cut in two is counted with the next read
		copy(buf, b[len(b)-carry:])
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// sdkSearch reads the same messages with Search in this process: a new client (its NTLM handshake included),
// the connector's options (ReadConcurrency, ReadBatchSize, every property), nothing encoded.
func sdkSearch(s *benchmail.Server) (int, error) {
	c, err := ews.New(ews.Config{Host: s.URL, Username: s.Username, Password: s.Password, EmailAddress: s.Email, Auth: ews.AuthNTLM})
	if err != nil {
		return 0, err
	}
	n := 0
	for m, err := range c.Mail().Search(context.Background(), ews.SearchOptions{Concurrency: connector.ReadConcurrency, BatchSize: connector.ReadBatchSize}) {
		if err != nil {
			return n, err
		}
		if m.BodyHTML == "" {
			return n, fmt.Errorf("message %s has no body", m.ID)
		}
		n++
	}
	return n, nil
}

// BenchmarkCLISearchQuery10k reads 10,000 messages with their bodies from the fake server: with the ews
// binary (a subprocess: start-up, NTLM handshake, JSON of every message on stdout, read by this process) and
// with Search in this process, one after the other in each iteration, and reports the ratio of their times:
// wall-clock (ratio) and CPU (cpu-ratio: the command's process against this one's, which other work on the
// machine skews less; the server's CPU is in neither), and the command's peak resident memory (cli-peak-MiB).
// docs/PERFORMANCE.md has the figures.
func BenchmarkCLISearchQuery10k(b *testing.B) {
	for _, output := range []string{"ndjson", "json"} {
		b.Run(output, func(b *testing.B) {
			s := benchServer(b)
			if _, err := sdkSearch(s); err != nil { // warm the server's caches
				b.Fatal(err)
			}
			var cli, sdk, cliCPU, sdkCPU time.Duration
			var peak int64
			for b.Loop() {
				start := time.Now()
				n, cpu, rss, err := cliSearch(s, output)
				if err != nil || n != 10000 {
					b.Fatalf("ews search_query: %d messages, %v", n, err)
				}
				mid, cpu0 := time.Now(), processCPU()
				if n, err := sdkSearch(s); err != nil || n != 10000 {
					b.Fatalf("Search: %d messages, %v", n, err)
				}
				cli, sdk, peak = cli+mid.Sub(start), sdk+time.Since(mid), max(peak, rss)
				cliCPU, sdkCPU = cliCPU+cpu, sdkCPU+processCPU()-cpu0
			}
			b.ReportMetric(float64(cli)/float64(b.N)/1e9, "cli-s")
			b.ReportMetric(float64(sdk)/float64(b.N)/1e9, "search-s")
			b.ReportMetric(float64(cli)/float64(sdk), "ratio")
			if peak > 0 {
				b.ReportMetric(float64(peak)/(1<<20), "cli-peak-MiB")
			}
			if sdkCPU > 0 {
				b.ReportMetric(float64(cliCPU)/float64(b.N)/1e9, "cli-cpu-s")
				b.ReportMetric(float64(sdkCPU)/float64(b.N)/1e9, "search-cpu-s")
				b.ReportMetric(float64(cliCPU)/float64(sdkCPU), "cpu-ratio")
			}
		})
	}
}
