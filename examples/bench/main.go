// Command bench measures how fast the SDK reads a mailbox: it fetches N Inbox messages with Search (FindItem
// pages of ids, GetItem batches) and prints messages per second and peak memory.
//
//	go run ./examples/bench -fake -n 10000             # against the embedded fake server (run in a child process)
//	go run ./examples/bench -url https://mail.example.com/EWS/Exchange.asmx -user 'CORP\svc' -n 10000
//
// The password of -url is read from the EWS_PASSWORD environment variable. By default only the properties of
// the published figures are fetched (subject, sender, received time, read flag, body); -full fetches every
// property of ews.Message.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/benchmail"
)

func main() {
	benchmail.MaybeServe() // the -fake server's process
	var (
		url         = flag.String("url", "", "EWS endpoint (or a host name) of a real server")
		user        = flag.String("user", "", `account, DOMAIN\user or a UPN (password in EWS_PASSWORD)`)
		mailbox     = flag.String("mailbox", "", "mailbox to read (default: the account's)")
		auth        = flag.String("auth", "auto", "authentication: auto, ntlm, basic")
		insecure    = flag.Bool("insecure", false, "skip TLS certificate verification")
		fake        = flag.Bool("fake", false, "read the embedded fake server's benchmark mailbox instead")
		gzip        = flag.Bool("gzip", false, "with -fake: the server compresses its responses")
		n           = flag.Int("n", 10000, "messages to fetch (with -fake, also the mailbox's size)")
		concurrency = flag.Int("concurrency", 4, "requests in flight (SearchOptions.Concurrency)")
		page        = flag.Int("page", 0, "ids per FindItem page (0: the SDK's default, batch times concurrency)")
		batch       = flag.Int("batch", 100, "messages per GetItem")
		full        = flag.Bool("full", false, "fetch every property of Message, not only the benchmark's")
		runs        = flag.Int("runs", 3, "runs; the figures of each are printed, then the median")
	)
	flag.Parse()
	cfg := ews.Config{Host: *url, Username: *user, Password: os.Getenv("EWS_PASSWORD"), EmailAddress: *mailbox,
		Auth: ews.AuthMethod(*auth), InsecureSkipVerify: *insecure, MaxConcurrency: max(8, *concurrency)}
	if *fake {
		start := time.Now()
		srv, err := benchmail.Start(*n, *gzip)
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		fmt.Printf("fake server with %d messages ready in %v (child process)\n", *n, time.Since(start).Round(time.Millisecond))
		cfg.Host, cfg.Username, cfg.Password, cfg.EmailAddress, cfg.Auth = srv.URL, srv.Username, srv.Password, srv.Email, ews.AuthNTLM
	} else if *url == "" {
		fmt.Fprintln(os.Stderr, "bench: give -url (and -user, EWS_PASSWORD) or -fake")
		flag.Usage()
		os.Exit(2)
	}
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	opts := ews.SearchOptions{Limit: *n, PageSize: *page, BatchSize: *batch, Concurrency: *concurrency}
	if !*full {
		opts.Only = []string{"subject", "sender", "datetime_received", "is_read", "body"}
	}
	var rates []float64
	for run := 1; run <= *runs; run++ {
		runtime.GC()
		heap := benchmail.StartHeapSampler()
		start := time.Now()
		count, bytes := 0, 0
		for m, err := range c.Mail().Search(context.Background(), opts) {
			if err != nil {
				log.Fatalf("after %d messages: %v", count, err)
			}
			count++
			bytes += len(m.BodyHTML) + len(m.Body)
		}
		elapsed := time.Since(start)
		peak := heap.Stop()
		rate := float64(count) / elapsed.Seconds()
		rates = append(rates, rate)
		fmt.Printf("run %d: %d messages (%.1f MB of bodies) in %v: %.0f messages/s; peak heap in use %.1f MB, peak RSS %.1f MB\n",
			run, count, float64(bytes)/1e6, elapsed.Round(time.Millisecond), rate, float64(peak)/1e6, float64(benchmail.PeakRSS())/1e6)
	}
	fmt.Printf("median: %.0f messages/s\n", median(rates))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
