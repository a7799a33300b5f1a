package ews

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// Discovery is what Autodiscover found for a mailbox.
type Discovery struct {
	// URL is the EWS endpoint, e.g. "https://mail.example.com/EWS/Exchange.asmx".
	URL string
	// Version is the newest RequestServerVersion the server supports (e.g. "Exchange2016"), or "" when unknown.
	Version string
	// Server is the version of the server that answered, when it said (zero otherwise).
	Server ServerVersion
	// EmailAddress is the mailbox's primary SMTP address as the server reported it (AutoDiscoverSMTPAddress), or
	// else the address discovery ended with.
	EmailAddress string
	// Protocol tells how the URL was found: "soap" (GetUserSettings), "pox" (autodiscover.xml) or "office365"
	// (the fixed Exchange Online endpoint, for Microsoft's own domains, without probing).
	Protocol string
	// Source is the Autodiscover endpoint that answered ("" for office365 and cached results).
	Source string
	// Cached is true when the result came from the cache rather than from the network.
	Cached bool
}

// Autodiscover errors. ErrInvalidUser and ErrInvalidDomain are *Error values (Code "InvalidUser",
// "InvalidDomain") that a server's answer matches; a POX answer with ErrorCode 500 matches ErrInvalidUser.
var (
	ErrInvalidUser   = &Error{Code: "InvalidUser"}
	ErrInvalidDomain = &Error{Code: "InvalidDomain"}
	// ErrAutodiscoverLoop is matched when a redirect leads back to an endpoint (or address) already asked.
	ErrAutodiscoverLoop = errors.New("ews: autodiscover redirect loop")
	// ErrTooManyRedirects is matched when discovery would follow more than 10 redirects.
	ErrTooManyRedirects = errors.New("ews: autodiscover followed too many redirects")
)

// AutodiscoverError is returned when Autodiscover found no EWS URL. Attempts has one error per endpoint asked
// or refused, in order, each naming its URL or host; errors.Is and errors.As see through it (to
// ErrUntrustedHost, ErrInvalidUser, ErrAutodiscoverLoop, ...).
type AutodiscoverError struct {
	EmailAddress string
	Attempts     []error
}

// Error implements error.
func (e *AutodiscoverError) Error() string {
	var b strings.Builder
	b.WriteString("ews: autodiscover found no EWS URL for ")
	b.WriteString(e.EmailAddress)
	for i, a := range e.Attempts {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(a.Error(), "ews: "))
	}
	return b.String()
}

// Unwrap returns the attempts' errors.
func (e *AutodiscoverError) Unwrap() []error { return e.Attempts }

// srvResolver looks up SRV records; *net.Resolver is one.
type srvResolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
}

// autodiscoverHooks replace parts of autodiscover in tests; any nil field keeps the default.
type autodiscoverHooks struct {
	resolver     srvResolver
	now          func() time.Time
	cache        *discoveryCache
	probeTimeout time.Duration
}

// Discover runs Autodiscover for cfg.EmailAddress (or a UPN cfg.Username) with cfg's credentials and returns
// the EWS URL and version, without making a client; cfg.Host is ignored. The result is cached per domain (see
// Config.AutodiscoverCacheTTL). A Client made with Config.Autodiscover does the same on its first operation.
//
// The order is Outlook's: Microsoft's own domains (onmicrosoft.com, outlook.com, ...) get the fixed Exchange
// Online endpoint without probing; otherwise SOAP (autodiscover.svc) and then POX (autodiscover.xml) are tried
// at https://<domain>, then at https://autodiscover.<domain>, then an unauthenticated GET of
// http://autodiscover.<domain>/autodiscover/autodiscover.xml is used only for the redirect it answers, then the
// hosts of the DNS SRV record _autodiscover._tcp.<domain> (lowest priority first, then highest weight).
// RedirectAddress answers restart with the new address; RedirectUrl answers and HTTP redirects are followed, 10
// at most, and a loop stops them. An endpoint that is missing, times out or is busy is passed over (a busy one
// is asked once more at the end); InvalidUser and InvalidDomain end discovery.
//
// Credentials (NTLM, Basic or an OAuth2 token) are sent only over https with certificate verification (never
// turned off here, whatever Config.InsecureSkipVerify says; a TLS error ends the probing of that host), and
// only to hosts within the registrable domain of the address (computed with the public suffix list), to
// Config.AutodiscoverTrustedHosts, or to the host of Config.AutodiscoverURL. No host is made by stripping
// labels off the domain, and autodiscover.<public suffix> is never trusted. A redirect to http, to an IP
// address, or to a host that is not trusted is refused with an *UntrustedHostError that names the host, and a
// redirected request never carries Basic credentials or a token (NTLM only). The EWS URL found must pass the
// same test. Internationalized domains are normalised (IDNA) before any of this.
func Discover(ctx context.Context, cfg Config) (*Discovery, error) {
	cfg.Autodiscover = true
	cfg.Host = ""
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	d, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	out := *d
	return &out, nil
}

// discoveryFailed forgets the discovered URL (and its cache entry) when a request to it could not even be
// sent, so that the next operation discovers again rather than keep using a stale URL until the TTL ends.
func (c *Client) discoveryFailed(err error) {
	var re *soap.RequestError
	if !c.cfg.Autodiscover || !errors.As(err, &re) || re.Sent {
		return
	}
	s := &c.shared.disc
	s.mu.Lock()
	d, key := s.found, s.key
	s.found = nil
	s.mu.Unlock()
	if d != nil {
		c.adCache().drop(key, d.URL, c.cfg.AutodiscoverCacheFile)
	}
}

func (c *Client) adCache() *discoveryCache {
	if h := c.cfg.adHooks; h != nil && h.cache != nil {
		return h.cache
	}
	return defaultDiscoveryCache
}

// checkAutodiscoverHost checks Host and AutodiscoverURL against Autodiscover.
func checkAutodiscoverHost(cfg Config) error {
	if !cfg.Autodiscover {
		return errors.New("ews: Config.AutodiscoverURL is set but Config.Autodiscover is false")
	}
	if strings.TrimSpace(cfg.Host) != "" {
		return errors.New("ews: Config.Host and Config.Autodiscover are both set; set one")
	}
	return nil
}

// checkAutodiscover validates the autodiscover settings of a config whose EmailAddress default is applied.
func checkAutodiscover(cfg Config) error {
	if cfg.EmailAddress == "" {
		return errors.New("ews: Config.EmailAddress is empty (required with Autodiscover)")
	}
	if cfg.HTTPClient != nil {
		return errors.New("ews: Config.HTTPClient cannot be used with Autodiscover: the SDK must decide which hosts receive credentials")
	}
	domain, err := emailDomain(cfg.EmailAddress)
	if err != nil {
		return err
	}
	explicit, err := explicitHost(cfg.AutodiscoverURL)
	if err != nil {
		return err
	}
	_, err = newTrustPolicy(domain, cfg.AutodiscoverTrustedHosts, explicit)
	return err
}

// explicitHost returns the normalised host of Config.AutodiscoverURL ("" when unset).
func explicitHost(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("ews: Config.AutodiscoverURL %q is not an https URL without credentials", raw)
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("ews: Config.AutodiscoverURL %q is not https: autodiscover sends credentials only over https", raw)
	}
	h, err := normalizeHost(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("ews: Config.AutodiscoverURL host %q is not valid: %v", u.Hostname(), err)
	}
	if isAutodiscoverOfSuffix(h) {
		return "", fmt.Errorf("ews: Config.AutodiscoverURL host %q is autodiscover.<public suffix>, which is never trusted", h)
	}
	return h, nil
}

// discoverState is a client's autodiscover result, shared with the clients ForMailbox derives.
type discoverState struct {
	mu      sync.Mutex
	found   *Discovery
	key     string        // cache key of found
	expires time.Time     // zero: for the client's lifetime
	running chan struct{} // closed when the discovery under way ends
}

func (s *discoverState) url() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.found == nil {
		return ""
	}
	return s.found.URL
}

// endpoint returns the wire client for the next request: the configured one, or with Autodiscover a copy
// aimed at the discovered URL.
func (c *Client) endpoint(ctx context.Context) (*soap.Client, error) {
	if !c.cfg.Autodiscover {
		return c.wire, nil
	}
	d, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	w := *c.wire
	w.URL = d.URL
	return &w, nil
}

// discover returns the client's discovery, running it (once for concurrent callers) when there is none yet
// or it has expired.
func (c *Client) discover(ctx context.Context) (*Discovery, error) {
	s := &c.shared.disc
	now := c.adNow()
	for {
		s.mu.Lock()
		if s.found != nil && (s.expires.IsZero() || now.Before(s.expires)) {
			d := s.found
			s.mu.Unlock()
			return d, nil
		}
		if wait := s.running; wait != nil {
			s.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		s.running = done
		s.mu.Unlock()

		d, key, err := discoverCached(ctx, &c.cfg)
		s.mu.Lock()
		s.running = nil
		if err == nil {
			s.found, s.key = d, key
			s.expires = time.Time{}
			if ttl := c.cfg.AutodiscoverCacheTTL; ttl >= 0 {
				s.expires = now.Add(cacheTTL(ttl))
			}
		}
		s.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
		c.noteDiscoveredVersion(d.URL, d.Version)
		return d, nil
	}
}

func (c *Client) adNow() time.Time {
	if h := c.cfg.adHooks; h != nil && h.now != nil {
		return h.now()
	}
	return time.Now()
}

// discoverCached answers from the cache, or runs discovery and caches its result. It returns the cache key.
func discoverCached(ctx context.Context, cfg *Config) (*Discovery, string, error) {
	domain, err := emailDomain(cfg.EmailAddress)
	if err != nil {
		return nil, "", err
	}
	explicit, err := explicitHost(cfg.AutodiscoverURL)
	if err != nil {
		return nil, "", err
	}
	pol, err := newTrustPolicy(domain, cfg.AutodiscoverTrustedHosts, explicit)
	if err != nil {
		return nil, "", err
	}
	h := autodiscoverHooks{}
	if cfg.adHooks != nil {
		h = *cfg.adHooks
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.cache == nil {
		h.cache = defaultDiscoveryCache
	}
	if h.resolver == nil {
		h.resolver = net.DefaultResolver
	}
	useCache := cfg.AutodiscoverCacheTTL >= 0
	key := domain + "|" + pol.fingerprint() + "|" + cfg.AutodiscoverURL
	if useCache {
		if d, ok := h.cache.get(key, h.now(), cfg.AutodiscoverCacheFile, pol); ok {
			d.EmailAddress = cfg.EmailAddress
			return d, key, nil
		}
	}
	dd := newDiscoverer(cfg, pol, h)
	defer dd.close()
	d, err := dd.run(ctx, cfg.EmailAddress)
	if err != nil {
		return nil, "", err
	}
	if useCache {
		h.cache.put(key, d, h.now(), cacheTTL(cfg.AutodiscoverCacheTTL), cfg.AutodiscoverCacheFile, cfg.Logger)
	}
	return d, key, nil
}

// cacheTTL applies the default of 24 hours.
func cacheTTL(ttl time.Duration) time.Duration {
	if ttl == 0 {
		return 24 * time.Hour
	}
	return ttl
}
