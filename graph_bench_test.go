package ews

import (
	"context"
	"testing"

	"github.com/ewsgo/ews/internal/benchmail"
)

// BenchmarkRead10k reads the 10,000 Inbox messages of the benchmark mailbox (subject, sender, received time,
// read flag, 1-4 KB HTML body) with MailService.Search over each wire, against the same fake server in a child
// process: "ews" (NTLM, FindItem pages of 100 ids and GetItem batches of 100, Concurrency 4) and "graph"
// (app-only OAuth2, GET /messages pages of 100 with the messages' properties, one request at a time: keyset
// paging by received time). docs/GRAPH.md has the figures.
func BenchmarkRead10k(b *testing.B) {
	s := benchServer(b, 10000, false)
	for _, backend := range []Backend{BackendEWS, BackendGraph} {
		b.Run(string(backend), func(b *testing.B) {
			var c *Client
			var err error
			if backend == BackendEWS {
				c = benchClient(b, s, nil)
			} else {
				app := benchmail.GraphApp
				c, err = New(Config{Backend: BackendGraph, GraphEndpoint: s.GraphURL(), AuthorityHost: s.GraphURL(), EmailAddress: s.Email,
					App: &OAuth2App{TenantID: app.TenantID, ClientID: app.ClientID, ClientSecret: app.ClientSecret}})
				if err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			if _, err := fetchAll(ctx, c, benchConcurrency); err != nil { // warm: connections, token, server caches
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n, err := fetchAll(ctx, c, benchConcurrency)
				if err != nil || n != 10000 {
					b.Fatalf("%d messages, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10000), "ns/msg")
		})
	}
}
