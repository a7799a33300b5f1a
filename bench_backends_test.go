package ews

import (
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// BenchmarkSearchBackends reads 2,000 messages (1 KB bodies) with Mail().Search over each backend against the
// in-process fake server (its CPU counts too): one op is one full scan. Run with
// go test -run '^$' -bench SearchBackends -benchtime 3x.
func BenchmarkSearchBackends(b *testing.B) {
	const n = 2000
	body := strings.Repeat("lorem ipsum dolor sit amet ", 40)
	for _, backend := range []Backend{BackendEWS, BackendGraph} {
		b.Run(string(backend), func(b *testing.B) {
			srv := testserver.New(b, testserver.WithGraphApp(testGraphApp))
			mb := srv.Default()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range n {
				mb.AddItem("inbox", testserver.Item{Subject: "message", Body: body, DateTimeReceived: base.Add(time.Duration(i) * time.Minute),
					From: testserver.Address{Email: "sender@corp.example"}, To: []testserver.Address{{Email: srv.Email()}}})
			}
			var c *Client
			var err error
			if backend == BackendEWS {
				c, err = New(Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(), Auth: AuthNTLM})
			} else {
				c, err = New(Config{Backend: BackendGraph, GraphEndpoint: srv.GraphURL(), AuthorityHost: srv.GraphURL(),
					App: &OAuth2App{TenantID: testGraphApp.TenantID, ClientID: testGraphApp.ClientID, ClientSecret: testGraphApp.ClientSecret,
						HTTPClient: srv.Client()}, EmailAddress: srv.Email()})
			}
			if err != nil {
				b.Fatal(err)
			}
			ctx := b.Context()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				got := 0
				for _, err := range c.Mail().Search(ctx, SearchOptions{PageSize: 500, BatchSize: 100}) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("read %d messages, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
