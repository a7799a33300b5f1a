// Command discover finds the EWS URL and version of a mailbox with Exchange Autodiscover, like `ews discover`.
// With no settings it starts the in-process fake EWS server (with TLS) and asks its Autodiscover endpoint, so
// it works out of the box:
//
//	go run ./examples/discover
//
// Against a real organisation set EWS_EMAIL, EWS_USERNAME (DOMAIN\user or UPN) and EWS_PASSWORD; optionally
// EWS_AUTODISCOVER_URL (ask that endpoint instead of probing the domain) and EWS_TRUSTED_HOSTS (comma-separated
// hosts outside the mailbox's domain that may receive the credentials, e.g. "outlook.com" for Office 365).
package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := ews.Config{
		Username:        os.Getenv("EWS_USERNAME"),
		Password:        os.Getenv("EWS_PASSWORD"),
		EmailAddress:    os.Getenv("EWS_EMAIL"),
		AutodiscoverURL: os.Getenv("EWS_AUTODISCOVER_URL"),
	}
	if hosts := os.Getenv("EWS_TRUSTED_HOSTS"); hosts != "" {
		cfg.AutodiscoverTrustedHosts = strings.Split(hosts, ",")
	}
	if cfg.EmailAddress == "" {
		srv := testserver.NewServer(testserver.WithTLS())
		defer srv.Close()
		roots := x509.NewCertPool()
		roots.AddCert(srv.HTTP.Certificate())
		cfg = ews.Config{Username: srv.Username(), Password: srv.Password(), EmailAddress: srv.Email(),
			AutodiscoverURL: srv.AutodiscoverURL(), RootCAs: roots}
		fmt.Printf("started the fake EWS server; asking its Autodiscover endpoint %s for %s\n", srv.AutodiscoverURL(), srv.Email())
	}
	d, err := ews.Discover(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("EWS URL:  %s\n", d.URL)
	fmt.Printf("version:  %s\n", orUnknown(d.Version))
	if d.Server.Major > 0 {
		fmt.Printf("server:   Exchange %s\n", d.Server)
	}
	fmt.Printf("mailbox:  %s\n", d.EmailAddress)
	fmt.Printf("found by: %s %s\n", d.Protocol, d.Source)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
