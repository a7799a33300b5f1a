package ews

import (
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// discoveryCache keeps discovery results per domain (and trust settings), in memory and optionally in a file.
// Entries hold no credentials and no mailbox address: only what any user of the domain would be told.
type discoveryCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

// cacheEntry is one cached result; its JSON form is what the cache file holds.
type cacheEntry struct {
	URL      string        `json:"url"`
	Version  string        `json:"version,omitempty"`
	Server   ServerVersion `json:"server"`
	Protocol string        `json:"protocol"`
	Expires  time.Time     `json:"expires"`
}

// cacheFile is the layout of Config.AutodiscoverCacheFile.
type cacheFile struct {
	Entries map[string]cacheEntry `json:"entries"`
}

// defaultDiscoveryCache is the process-wide cache.
var defaultDiscoveryCache = newDiscoveryCache()

func newDiscoveryCache() *discoveryCache { return &discoveryCache{entries: map[string]cacheEntry{}} }

// get returns a live entry for key from memory, else from the file. An entry whose URL no longer passes the
// trust policy (a file edited by someone else, say) is ignored.
func (c *discoveryCache) get(key string, now time.Time, file string, pol *trustPolicy) (*Discovery, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.Expires) {
		ok = false
		if file != "" {
			if f, err := readCacheFile(file); err == nil {
				e, ok = f.Entries[key]
				ok = ok && now.Before(e.Expires)
			}
		}
	}
	if !ok {
		return nil, false
	}
	if e.Protocol != "office365" || e.URL != officeEWSURL {
		if _, err := pol.checkURL(e.URL); err != nil {
			return nil, false
		}
	}
	c.entries[key] = e
	return &Discovery{URL: e.URL, Version: e.Version, Server: e.Server, Protocol: e.Protocol, Cached: true}, true
}

// put stores a result until now+ttl, and writes the file when one is configured, dropping its expired entries.
func (c *discoveryCache) put(key string, d *Discovery, now time.Time, ttl time.Duration, file string, log *slog.Logger) {
	e := cacheEntry{URL: d.URL, Version: d.Version, Server: d.Server, Protocol: d.Protocol, Expires: now.Add(ttl).UTC()}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = e
	if file == "" {
		return
	}
	f, err := readCacheFile(file)
	if err != nil {
		f = &cacheFile{}
	}
	if f.Entries == nil {
		f.Entries = map[string]cacheEntry{}
	}
	for k, old := range f.Entries {
		if !now.Before(old.Expires) {
			delete(f.Entries, k)
		}
	}
	f.Entries[key] = e
	if err := writeCacheFile(file, f); err != nil && log != nil {
		log.Warn("ews: cannot write the autodiscover cache file", slog.String("file", file), slog.String("error", err.Error()))
	}
}

// drop removes the entry for key if it still holds url, from memory and from the file.
func (c *discoveryCache) drop(key, url, file string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.URL == url {
		delete(c.entries, key)
	}
	if file == "" {
		return
	}
	if f, err := readCacheFile(file); err == nil {
		if e, ok := f.Entries[key]; ok && e.URL == url {
			delete(f.Entries, key)
			_ = writeCacheFile(file, f)
		}
	}
}

func readCacheFile(path string) (*cacheFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// writeCacheFile replaces the file atomically (a temporary file renamed over it), with mode 0600.
func writeCacheFile(path string, f *cacheFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, fs.ErrPermission) {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
