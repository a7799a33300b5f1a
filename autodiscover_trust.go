package ews

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// ErrUntrustedHost is matched (errors.Is) by every *UntrustedHostError.
var ErrUntrustedHost = errors.New("ews: autodiscover refused a host")

// UntrustedHostError is autodiscover's refusal to send credentials to a host, or to follow a redirect to it.
type UntrustedHostError struct {
	// Host is the refused host (ASCII form), or the URL when it has none.
	Host string
	// Reason says why, e.g. "is outside example.com and not in Config.AutodiscoverTrustedHosts".
	Reason string
}

// Error implements error.
func (e *UntrustedHostError) Error() string {
	return fmt.Sprintf("ews: autodiscover refused host %q: %s", e.Host, e.Reason)
}

// Is matches ErrUntrustedHost.
func (e *UntrustedHostError) Is(target error) bool { return target == ErrUntrustedHost }

// trustPolicy decides which hosts autodiscover may send credentials to: https hosts within the registrable domain
// (eTLD+1) of the mailbox's address, hosts the caller allow-listed, and the host of Config.AutodiscoverURL.
type trustPolicy struct {
	domain   string   // registrable domain of the mailbox's address, ASCII
	allowed  []string // normalised allow-list entries: a host and its subdomains
	explicit string   // host of Config.AutodiscoverURL (may be an IP literal: the caller named it)
}

// newTrustPolicy builds the policy for a mailbox domain (already normalised).
func newTrustPolicy(domain string, allowed []string, explicit string) (*trustPolicy, error) {
	reg, err := registrableDomain(domain)
	if err != nil {
		return nil, err
	}
	p := &trustPolicy{domain: reg, explicit: explicit}
	for _, a := range allowed {
		h, err := checkAllowEntry(a)
		if err != nil {
			return nil, err
		}
		p.allowed = append(p.allowed, h)
	}
	return p, nil
}

// fingerprint identifies the policy's extra trust, so that cached results found under one allow-list are not
// used under another.
func (p *trustPolicy) fingerprint() string {
	a := append([]string(nil), p.allowed...)
	sort.Strings(a)
	return strings.Join(a, ",") + "|" + p.explicit
}

// checkHost returns nil when credentials may be sent to host (given in any form), else an *UntrustedHostError.
func (p *trustPolicy) checkHost(host string) error {
	h, err := normalizeHost(host)
	if err != nil {
		return &UntrustedHostError{Host: host, Reason: "is not a valid host name (" + err.Error() + ")"}
	}
	if isAutodiscoverOfSuffix(h) {
		return &UntrustedHostError{Host: h, Reason: "is autodiscover.<public suffix>, which is never trusted"}
	}
	if p.explicit != "" && h == p.explicit {
		return nil
	}
	if net.ParseIP(h) != nil {
		return &UntrustedHostError{Host: h, Reason: "is an IP address, not a host name"}
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return &UntrustedHostError{Host: h, Reason: "is a public suffix"}
	}
	if reg == p.domain {
		return nil
	}
	for _, a := range p.allowed {
		if h == a || strings.HasSuffix(h, "."+a) {
			return nil
		}
	}
	return &UntrustedHostError{Host: h, Reason: "is outside " + p.domain + " and not in Config.AutodiscoverTrustedHosts"}
}

// checkURL parses raw and returns it when credentials may be sent to it: https, to a trusted host, without user
// information.
func (p *trustPolicy) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, &UntrustedHostError{Host: raw, Reason: "is not an absolute URL"}
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return nil, &UntrustedHostError{Host: u.Hostname(), Reason: "is reached over " + u.Scheme + ", not https"}
	}
	if u.User != nil {
		return nil, &UntrustedHostError{Host: u.Hostname(), Reason: "URL carries user information"}
	}
	if err := p.checkHost(u.Hostname()); err != nil {
		return nil, err
	}
	h, _ := normalizeHost(u.Hostname())
	if port := u.Port(); port != "" && port != "443" {
		u.Host = net.JoinHostPort(h, port)
	} else {
		u.Host = hostForURL(h)
	}
	u.Scheme = "https"
	return u, nil
}

// normalizeHost returns the lower-case ASCII (IDNA) form of a host name without a trailing dot; IP literals are
// returned as they are (without brackets).
func normalizeHost(host string) (string, error) {
	h := strings.TrimSuffix(strings.TrimSpace(host), ".")
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if h == "" {
		return "", errors.New("empty host")
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.String(), nil
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a), nil
}

// hostForURL brackets IPv6 literals.
func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// registrableDomain returns the eTLD+1 of a host name, refusing IP literals and public suffixes.
func registrableDomain(h string) (string, error) {
	if net.ParseIP(h) != nil {
		return "", fmt.Errorf("ews: autodiscover needs a domain name, not the IP address %q", h)
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return "", fmt.Errorf("ews: autodiscover cannot use domain %q: it is a public suffix", h)
	}
	return reg, nil
}

// isAutodiscoverOfSuffix reports whether h is "autodiscover." followed by a public suffix (autodiscover.com,
// autodiscover.co.uk): the hosts that leaked credentials of clients which stripped labels off a domain.
func isAutodiscoverOfSuffix(h string) bool {
	rest, ok := strings.CutPrefix(h, "autodiscover.")
	if !ok {
		return false
	}
	ps, _ := publicsuffix.PublicSuffix(h)
	return rest == ps
}

// checkAllowEntry validates one Config.AutodiscoverTrustedHosts entry and returns its normalised form.
func checkAllowEntry(entry string) (string, error) {
	h, err := normalizeHost(strings.TrimPrefix(strings.TrimSpace(entry), "*."))
	if err != nil || strings.ContainsAny(h, "/@ ") {
		return "", fmt.Errorf("ews: Config.AutodiscoverTrustedHosts entry %q is not a host name", entry)
	}
	if net.ParseIP(h) != nil {
		return "", fmt.Errorf("ews: Config.AutodiscoverTrustedHosts entry %q is an IP address; name hosts", entry)
	}
	if _, err := publicsuffix.EffectiveTLDPlusOne(h); err != nil {
		return "", fmt.Errorf("ews: Config.AutodiscoverTrustedHosts entry %q is a public suffix; it would trust every domain under it", entry)
	}
	if isAutodiscoverOfSuffix(h) {
		return "", fmt.Errorf("ews: Config.AutodiscoverTrustedHosts entry %q is autodiscover.<public suffix>, which is never trusted", entry)
	}
	return h, nil
}

// emailDomain returns the normalised domain of an address.
func emailDomain(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", fmt.Errorf("ews: %q is not an email address", addr)
	}
	d, err := normalizeHost(addr[at+1:])
	if err != nil {
		return "", fmt.Errorf("ews: the domain of %q is not valid: %v", addr, err)
	}
	return d, nil
}

// microsoftDomains are the registrable domains whose mailboxes are in Exchange Online: autodiscover answers
// them with officeEWSURL without probing.
var microsoftDomains = map[string]bool{
	"onmicrosoft.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true, "msn.com": true,
	"office365.com": true,
}

// microsoftAutodiscoverHosts are Exchange Online's fixed autodiscover hosts, to which the autodiscover of a
// custom-domain tenant redirects (autodiscover.contoso.com is a CNAME of autodiscover.outlook.com, whose
// unauthenticated http redirect points to autodiscover-s.outlook.com).
var microsoftAutodiscoverHosts = map[string]bool{"autodiscover-s.outlook.com": true, "autodiscover.outlook.com": true}

// isMicrosoftAutodiscover reports whether a redirect target is exactly one of Exchange Online's autodiscover
// endpoints: https, a host of microsoftAutodiscoverHosts on the default port, no user information, and the
// autodiscover path. Such a redirect means the mailbox is in Exchange Online; the client then uses
// officeEWSURL and sends nothing to the autodiscover host.
func isMicrosoftAutodiscover(u *url.URL) bool {
	if !strings.EqualFold(u.Scheme, "https") || u.User != nil || u.Port() != "" && u.Port() != "443" {
		return false
	}
	h, err := normalizeHost(u.Hostname())
	if err != nil || !microsoftAutodiscoverHosts[h] {
		return false
	}
	p := strings.ToLower(u.Path)
	return p == "/autodiscover/autodiscover.xml" || p == "/autodiscover/autodiscover.svc"
}

// officeEWSURL is Exchange Online's EWS endpoint.
const officeEWSURL = "https://outlook.office365.com/EWS/Exchange.asmx"

// hostOfURL returns the host of a URL known to be valid.
func hostOfURL(raw string) string {
	u, _ := url.Parse(raw)
	return u.Hostname()
}
