package ews

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// discoveries counts the autodiscover requests a server handled.
func discoveries(h *adHost) int {
	n := 0
	for _, op := range h.ops() {
		if op == "GetUserSettings" || op == "Autodiscover" {
			n++
		}
	}
	return n
}

func TestAutodiscoverCacheTTL(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverCacheTTL = time.Hour
	ctx := testCtx(t)
	first, err := Discover(ctx, cfg)
	if err != nil || first.Cached {
		t.Fatalf("first Discover = %+v, %v; want a fresh result", first, err)
	}
	// Another user of the same domain is answered from the cache, with their own address.
	cfg2 := cfg
	cfg2.EmailAddress = "bob@example.com"
	second, err := Discover(ctx, cfg2)
	if err != nil || !second.Cached || second.URL != mailEWS || second.Version != "Exchange2016" || second.EmailAddress != "bob@example.com" {
		t.Fatalf("second Discover = %+v, %v; want the cached result for bob", second, err)
	}
	if got := discoveries(ex); got != 1 {
		t.Errorf("server answered %d discoveries, want 1 (the second came from the cache)", got)
	}
	n.advance(59 * time.Minute)
	if d, err := Discover(ctx, cfg); err != nil || !d.Cached {
		t.Errorf("Discover within the TTL = %+v, %v; want cached", d, err)
	}
	n.advance(2 * time.Minute)
	third, err := Discover(ctx, cfg)
	if err != nil || third.Cached {
		t.Fatalf("Discover after the TTL = %+v, %v; want a fresh result", third, err)
	}
	if got := discoveries(ex); got != 2 {
		t.Errorf("server answered %d discoveries, want 2 after the TTL expired", got)
	}
}

func TestAutodiscoverCacheOff(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverCacheTTL = -1
	for range 2 {
		if d, err := Discover(testCtx(t), cfg); err != nil || d.Cached {
			t.Fatalf("Discover = %+v, %v", d, err)
		}
	}
	if got := discoveries(ex); got != 2 {
		t.Errorf("server answered %d discoveries, want 2 with the cache off", got)
	}
}

func TestAutodiscoverCacheKeyedByTrust(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	cfg := n.config("alice@example.com")
	if _, err := Discover(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	cfg.AutodiscoverTrustedHosts = []string{"example.net"}
	if d, err := Discover(testCtx(t), cfg); err != nil || d.Cached {
		t.Fatalf("Discover with another allow-list = %+v, %v; want a fresh result", d, err)
	}
}

func TestAutodiscoverCacheFile(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	path := filepath.Join(t.TempDir(), "autodiscover.json")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverCacheFile = path
	if _, err := Discover(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("cache file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), mailEWS) {
		t.Errorf("cache file lacks the URL:\n%s", data)
	}
	for _, secret := range []string{testserver.DefaultPassword, testserver.DefaultUser, "alice@example.com"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("cache file holds %q:\n%s", secret, data)
		}
	}

	// Another process: an empty memory cache, the same file.
	cfg.adHooks.cache = newDiscoveryCache()
	d, err := Discover(testCtx(t), cfg)
	if err != nil || !d.Cached || d.URL != mailEWS {
		t.Fatalf("Discover from the file = %+v, %v", d, err)
	}
	if got := discoveries(ex); got != 1 {
		t.Errorf("server answered %d discoveries, want 1", got)
	}

	// A file changed to send credentials elsewhere is not believed.
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	for k, e := range f.Entries {
		e.URL = "https://mail.evil.test/EWS/Exchange.asmx"
		f.Entries[k] = e
	}
	tampered, _ := json.Marshal(f)
	if err := os.WriteFile(path, tampered, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.adHooks.cache = newDiscoveryCache()
	d, err = Discover(testCtx(t), cfg)
	if err != nil || d.Cached || d.URL != mailEWS {
		t.Fatalf("Discover with a tampered file = %+v, %v; want a fresh discovery", d, err)
	}
}

func TestAutodiscoverClientRediscoversAfterTTL(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	n.route(ex, "example.com:443")
	cfg := n.config("alice@example.com")
	cfg.AutodiscoverCacheTTL = time.Hour
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	for range 2 {
		if _, err := c.GetFolder(ctx, Inbox); err != nil {
			t.Fatal(err)
		}
	}
	if got := discoveries(ex); got != 1 {
		t.Fatalf("%d discoveries for two calls, want 1", got)
	}
	n.advance(2 * time.Hour)
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatal(err)
	}
	if got := discoveries(ex); got != 2 {
		t.Errorf("%d discoveries after the TTL, want 2", got)
	}
}

func TestAutodiscoverForgetsUnreachableURL(t *testing.T) {
	n := newADNet(t)
	ex := n.exchange()
	ex.srv.SetAutodiscover("alice@example.com", testserver.AutodiscoverAnswer{ExternalEWSURL: "https://old.example.com/EWS/Exchange.asmx", Times: 1})
	n.route(ex, "example.com:443")
	c, err := New(n.config("alice@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := c.GetFolder(ctx, Inbox); err == nil {
		t.Fatal("GetFolder reached a URL that routes nowhere")
	}
	if _, err := c.GetFolder(ctx, Inbox); err != nil {
		t.Fatalf("GetFolder after the stale URL was forgotten: %v", err)
	}
	if got := discoveries(ex); got != 2 || c.URL() != mailEWS {
		t.Errorf("%d discoveries, URL %q; want 2 and %s", got, c.URL(), mailEWS)
	}
	if d, err := Discover(ctx, n.config("alice@example.com")); err != nil || !d.Cached || d.URL != mailEWS {
		t.Errorf("cache holds %+v, %v; want the new URL", d, err)
	}
}
