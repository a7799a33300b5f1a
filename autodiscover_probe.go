package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

const (
	// maxRedirects bounds the redirects (HTTP, RedirectUrl, RedirectAddress) one discovery follows.
	maxRedirects = 10
	// defaultProbeTimeout bounds one autodiscover request (less when Config.Timeout is shorter).
	defaultProbeTimeout = 30 * time.Second
	// maxADResponse limits the size of an autodiscover answer.
	maxADResponse = 1 << 20
)

// adSettings are the user settings a GetUserSettings request asks for.
var adSettings = []string{soap.SettingExternalEwsURL, soap.SettingInternalEwsURL, soap.SettingEwsSupportedSchemas, soap.SettingAutoDiscoverSMTPAddress}

// discoverer runs one discovery.
type discoverer struct {
	cfg       *Config
	pol       *trustPolicy
	hooks     autodiscoverHooks
	clients   *adClients
	timeout   time.Duration
	redirects int
	visited   map[string]bool // "<protocol> <url> <address>" asked
	attempts  []error
	busy      []adProbe // endpoints that answered ServerBusy, asked again at the end
	retrying  bool
}

// adProbe is one autodiscover request to make.
type adProbe struct {
	url        string
	soap       bool // SOAP GetUserSettings; else POX
	email      string
	redirected bool // reached through a redirect: NTLM only
}

func (p adProbe) key() string {
	proto := "pox"
	if p.soap {
		proto = "soap"
	}
	return proto + " " + p.url + " " + strings.ToLower(p.email)
}

// outcome is what asking one endpoint (and the redirects it answered) came to. All fields empty: nothing
// found there, go on.
type outcome struct {
	found        *Discovery
	redirectAddr string
	fatal        error
	tlsFailed    bool
}

func (o outcome) done() bool { return o.found != nil || o.redirectAddr != "" || o.fatal != nil }

func newDiscoverer(cfg *Config, pol *trustPolicy, h autodiscoverHooks) *discoverer {
	timeout := defaultProbeTimeout
	if cfg.Timeout > 0 && cfg.Timeout < timeout {
		timeout = cfg.Timeout
	}
	if h.probeTimeout > 0 {
		timeout = h.probeTimeout
	}
	return &discoverer{cfg: cfg, pol: pol, hooks: h, clients: newADClients(cfg, pol), timeout: timeout, visited: map[string]bool{}}
}

func (d *discoverer) close() { d.clients.close() }

// attempt records why an endpoint gave nothing.
func (d *discoverer) attempt(where string, err error) {
	if where != "" {
		err = fmt.Errorf("%s: %w", where, err)
	}
	d.attempts = append(d.attempts, err)
	if d.cfg.Logger != nil {
		d.cfg.Logger.Debug("ews autodiscover attempt failed", slog.String("error", err.Error()))
	}
}

func (d *discoverer) fail(email string) error {
	return &AutodiscoverError{EmailAddress: email, Attempts: d.attempts}
}

// countRedirect counts one redirect against the limit.
func (d *discoverer) countRedirect() error {
	d.redirects++
	if d.redirects > maxRedirects {
		return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, maxRedirects)
	}
	return nil
}

// run discovers the EWS URL of email, restarting on RedirectAddress answers.
func (d *discoverer) run(ctx context.Context, email string) (*Discovery, error) {
	first := email
	seen := map[string]bool{strings.ToLower(email): true}
	for {
		var out outcome
		if d.cfg.AutodiscoverURL != "" {
			out = d.explicit(ctx, email)
		} else {
			out = d.domain(ctx, email)
		}
		switch {
		case out.found != nil:
			return out.found, nil
		case out.fatal != nil:
			d.attempts = append(d.attempts, out.fatal)
			return nil, d.fail(first)
		case out.redirectAddr == "":
			return nil, d.fail(first)
		}
		next := out.redirectAddr
		if err := checkEmail("RedirectAddress", next); err != nil {
			d.attempt("", err)
			return nil, d.fail(first)
		}
		if seen[strings.ToLower(next)] {
			d.attempt("", fmt.Errorf("%w: RedirectAddress %s was already asked", ErrAutodiscoverLoop, next))
			return nil, d.fail(first)
		}
		if err := d.countRedirect(); err != nil {
			d.attempt("", err)
			return nil, d.fail(first)
		}
		seen[strings.ToLower(next)] = true
		email = next
		d.busy = nil
	}
}

// explicit asks Config.AutodiscoverURL.
func (d *discoverer) explicit(ctx context.Context, email string) outcome {
	u, err := d.pol.checkURL(d.cfg.AutodiscoverURL)
	if err != nil {
		return outcome{fatal: err}
	}
	path := strings.ToLower(u.Path)
	if !strings.HasSuffix(path, ".svc") && !strings.HasSuffix(path, ".xml") {
		u.Path = ""
		return d.finish(ctx, d.host(ctx, u.String(), email))
	}
	out, _ := d.chain(ctx, adProbe{url: u.String(), soap: strings.HasSuffix(path, ".svc"), email: email})
	return d.finish(ctx, out)
}

// domain tries the endpoints of the address's domain in Outlook's order.
func (d *discoverer) domain(ctx context.Context, email string) outcome {
	domain, err := emailDomain(email)
	if err != nil {
		return outcome{fatal: err}
	}
	if reg, err := registrableDomain(domain); err == nil && microsoftDomains[reg] {
		return outcome{found: &Discovery{URL: officeEWSURL, Version: "Exchange2016", EmailAddress: email, Protocol: "office365"}}
	}
	if err := d.pol.checkHost(domain); err != nil {
		// A RedirectAddress into another domain: nothing there may see the credentials, so nothing is asked.
		d.attempt("domain of "+email, err)
		return outcome{}
	}
	for _, base := range []string{"https://" + domain, "https://autodiscover." + domain} {
		if out := d.host(ctx, base, email); out.done() {
			return out
		}
	}
	if out := d.httpRedirect(ctx, domain, email); out.done() {
		return out
	}
	if out := d.srv(ctx, domain, email); out.done() {
		return out
	}
	return d.finish(ctx, outcome{})
}

// finish asks the endpoints that were busy once more, unless something was found.
func (d *discoverer) finish(ctx context.Context, out outcome) outcome {
	if out.done() || len(d.busy) == 0 {
		return out
	}
	busy := d.busy
	d.busy, d.retrying = nil, true
	defer func() { d.retrying = false }()
	for _, p := range busy {
		delete(d.visited, p.key())
		if out, _ := d.chain(ctx, p); out.done() {
			return out
		}
	}
	return outcome{}
}

// host tries SOAP and then POX autodiscover at base ("https://host[:port]"). A TLS failure ends the host.
func (d *discoverer) host(ctx context.Context, base, email string) outcome {
	u, err := url.Parse(base)
	if err != nil {
		d.attempt(base, err)
		return outcome{}
	}
	if err := d.pol.checkHost(u.Hostname()); err != nil {
		d.attempt("", err)
		return outcome{}
	}
	for _, isSOAP := range []bool{true, false} {
		p := adProbe{url: base + adPath(isSOAP), soap: isSOAP, email: email}
		out, _ := d.chain(ctx, p)
		if out.done() || out.tlsFailed {
			return out
		}
	}
	return outcome{}
}

func adPath(isSOAP bool) string {
	if isSOAP {
		return "/autodiscover/autodiscover.svc"
	}
	return "/autodiscover/autodiscover.xml"
}

// httpRedirect does the unauthenticated GET of http://autodiscover.<domain>/autodiscover/autodiscover.xml and
// follows the redirect it answers, if that leads to a trusted https URL.
func (d *discoverer) httpRedirect(ctx context.Context, domain, email string) outcome {
	where := "http://autodiscover." + domain + adPath(false)
	rctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, where, nil)
	if err != nil {
		d.attempt(where, err)
		return outcome{}
	}
	req.Header.Set("User-Agent", d.cfg.UserAgent)
	resp, err := d.clients.anon.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{fatal: ctx.Err()}
		}
		d.attempt(where, bareError(err))
		return outcome{}
	}
	drain(resp)
	if !isRedirect(resp.StatusCode) {
		d.attempt(where, fmt.Errorf("answered http %d, not a redirect", resp.StatusCode))
		return outcome{}
	}
	return d.redirect(ctx, where, resp.Header.Get("Location"), adProbe{url: where, email: email})
}

// redirect follows a redirect (HTTP or RedirectUrl) from p to location, after checking it.
func (d *discoverer) redirect(ctx context.Context, from, location string, p adProbe) outcome {
	if err := d.countRedirect(); err != nil {
		return outcome{fatal: err}
	}
	base, _ := url.Parse(from)
	loc, err := base.Parse(strings.TrimSpace(location))
	if err != nil {
		d.attempt(from, fmt.Errorf("redirect to %q: %w", location, err))
		return outcome{}
	}
	if isMicrosoftAutodiscover(loc) {
		// A custom-domain Exchange Online tenant: autodiscover.<domain> redirects to Microsoft's own autodiscover.
		// The mailbox is in Exchange Online, whose EWS endpoint is fixed: Microsoft's autodiscover host is not
		// asked (it sees no credentials), and only an OAuth2 token, whose audience that endpoint is, is sent there;
		// a password never leaves the mailbox's domain.
		if d.cfg.Auth != AuthOAuth2 && d.cfg.HTTPClient == nil {
			return outcome{fatal: &UntrustedHostError{Host: hostOfURL(officeEWSURL), Reason: "is Exchange Online's endpoint, " +
				"where autodiscover redirected (" + loc.Hostname() + "); Exchange Online takes OAuth2 only and a password is " +
				"never sent outside the mailbox's domain: set Config.Auth to AuthOAuth2"}}
		}
		return outcome{found: &Discovery{URL: officeEWSURL, Version: "Exchange2016", EmailAddress: p.email, Protocol: "office365"}}
	}
	u, err := d.pol.checkURL(loc.String())
	if err != nil {
		d.attempt(from, fmt.Errorf("redirect to %s refused: %w", loc.Redacted(), err))
		return outcome{}
	}
	path := strings.ToLower(u.Path)
	switch {
	case strings.HasSuffix(path, ".svc"):
		p.soap = true
	case strings.HasSuffix(path, ".xml"):
		p.soap = false
	}
	p.url, p.redirected = u.String(), true
	out, _ := d.chain(ctx, p)
	return out
}

// srv tries the hosts of the _autodiscover._tcp SRV record of domain.
func (d *discoverer) srv(ctx context.Context, domain, email string) outcome {
	name := "_autodiscover._tcp." + domain
	rctx, cancel := context.WithTimeout(ctx, d.timeout)
	_, recs, err := d.hooks.resolver.LookupSRV(rctx, "autodiscover", "tcp", domain)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return outcome{fatal: ctx.Err()}
		}
		d.attempt("SRV "+name, err)
		return outcome{}
	}
	recs = append([]*net.SRV(nil), recs...)
	sort.SliceStable(recs, func(i, j int) bool {
		if recs[i].Priority != recs[j].Priority {
			return recs[i].Priority < recs[j].Priority
		}
		return recs[i].Weight > recs[j].Weight
	})
	for _, r := range recs {
		target := strings.TrimSuffix(r.Target, ".")
		if target == "" {
			continue // "." says the service is not offered
		}
		host, err := normalizeHost(target)
		if err != nil {
			d.attempt("SRV "+name, fmt.Errorf("target %q: %w", target, err))
			continue
		}
		base := "https://" + hostForURL(host)
		if r.Port != 443 && r.Port != 0 {
			base = "https://" + net.JoinHostPort(host, strconv.Itoa(int(r.Port)))
		}
		if out := d.host(ctx, base, email); out.done() {
			return out
		}
	}
	return outcome{}
}

// chain asks p's endpoint and follows the redirects it answers.
func (d *discoverer) chain(ctx context.Context, p adProbe) (outcome, bool) {
	if d.visited[p.key()] {
		d.attempt(p.url, fmt.Errorf("%w: asked again for %s", ErrAutodiscoverLoop, p.email))
		return outcome{}, false
	}
	d.visited[p.key()] = true
	r := d.send(ctx, p)
	switch {
	case r.fatal != nil:
		return outcome{fatal: fmt.Errorf("%s: %w", p.url, r.fatal)}, false
	case r.tls:
		d.attempt(p.url, tlsError(r.err))
		return outcome{tlsFailed: true}, true
	case r.busy:
		if d.retrying {
			d.attempt(p.url, fmt.Errorf("server busy: %w", r.err))
		} else {
			d.attempt(p.url, fmt.Errorf("server busy, will ask again at the end: %w", r.err))
			d.busy = append(d.busy, p)
		}
		return outcome{}, false
	case r.found != nil:
		r.found.Source = p.url
		return outcome{found: r.found}, false
	case r.redirectAddr != "":
		if strings.EqualFold(strings.TrimSpace(r.redirectAddr), p.email) {
			d.attempt(p.url, errors.New("RedirectAddress names the address asked"))
			return outcome{}, false
		}
		return outcome{redirectAddr: strings.TrimSpace(r.redirectAddr)}, false
	case r.location != "":
		return d.redirect(ctx, p.url, r.location, p), false
	default:
		d.attempt(p.url, r.err)
		return outcome{}, false
	}
}

// adResult is the answer of one request.
type adResult struct {
	found        *Discovery
	redirectAddr string
	location     string // HTTP redirect or RedirectUrl
	busy         bool
	tls          bool
	fatal        error // ends discovery
	err          error // why this endpoint gave nothing
}

// send makes one autodiscover request.
func (d *discoverer) send(ctx context.Context, p adProbe) adResult {
	var body bytes.Buffer
	var err error
	if p.soap {
		err = soap.WriteGetUserSettings(&body, p.url, p.email, adSettings)
	} else {
		err = soap.WritePoxRequest(&body, p.email)
	}
	if err != nil {
		return adResult{err: err}
	}
	rctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, p.url, bytes.NewReader(body.Bytes()))
	if err != nil {
		return adResult{err: err}
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("User-Agent", d.cfg.UserAgent)
	client := d.clients.cred
	if p.redirected {
		client = d.clients.redirected
	}
	resp, err := client.Do(req)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return adResult{fatal: ctx.Err()}
		case isTLSError(err):
			return adResult{tls: true, err: bareError(err)}
		}
		return adResult{err: bareError(err)}
	}
	defer drain(resp)
	if isRedirect(resp.StatusCode) {
		return adResult{location: resp.Header.Get("Location"), err: fmt.Errorf("http %d without Location", resp.StatusCode)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxADResponse+1))
	if err != nil {
		return adResult{err: err}
	}
	if len(data) > maxADResponse {
		return adResult{err: fmt.Errorf("answer larger than %d bytes", maxADResponse)}
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return adResult{err: errors.New("http 401: credentials refused (or, on a redirect, not offered)")}
	case resp.StatusCode == http.StatusServiceUnavailable:
		return adResult{busy: true, err: fmt.Errorf("http %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK && !(p.soap && resp.StatusCode == http.StatusInternalServerError):
		return adResult{err: fmt.Errorf("http %s", resp.Status)}
	}
	if p.soap {
		return d.soapResult(p, data)
	}
	return d.poxResult(p, data)
}

func (d *discoverer) soapResult(p adProbe, data []byte) adResult {
	svi, r, err := soap.DecodeGetUserSettings(bytes.NewReader(data))
	if err != nil {
		return adResult{err: err}
	}
	switch r.ErrorCode {
	case "NoError", "":
	case "ServerBusy":
		return adResult{busy: true, err: &Error{Code: r.ErrorCode, Message: r.ErrorMessage}}
	default:
		return adResult{err: &Error{Code: r.ErrorCode, Message: r.ErrorMessage}}
	}
	if len(r.UserResponses) == 0 {
		return adResult{err: fmt.Errorf("%w: no UserResponse", soap.ErrMalformed)}
	}
	u := &r.UserResponses[0]
	uerr := &Error{Code: u.ErrorCode, Message: strings.TrimSpace(u.ErrorMessage)}
	switch u.ErrorCode {
	case "NoError", "":
	case "RedirectAddress":
		return adResult{redirectAddr: u.RedirectTarget, err: uerr}
	case "RedirectUrl":
		return adResult{location: u.RedirectTarget, err: uerr}
	case "InvalidUser", "InvalidDomain":
		return adResult{fatal: uerr}
	case "ServerBusy":
		return adResult{busy: true, err: uerr}
	default:
		return adResult{err: uerr}
	}
	ews, err := d.pickEWSURL(u.Setting(soap.SettingExternalEwsURL), u.Setting(soap.SettingInternalEwsURL))
	if err != nil {
		return adResult{err: err}
	}
	disc := &Discovery{URL: ews, Protocol: "soap", EmailAddress: p.email}
	if a := u.Setting(soap.SettingAutoDiscoverSMTPAddress); a != "" {
		disc.EmailAddress = a
	}
	if svi != nil {
		disc.Server = ServerVersion{Major: svi.MajorVersion, Minor: svi.MinorVersion, Build: svi.MajorBuildNumber, Revision: svi.MinorBuildNumber}
	}
	disc.Version = newestSchema(u.Setting(soap.SettingEwsSupportedSchemas))
	if disc.Version == "" && svi != nil && svi.MajorVersion > 0 {
		disc.Version = requestVersion(&soap.ServerVersionInfo{MajorVersion: svi.MajorVersion, MinorVersion: svi.MinorVersion, MajorBuildNumber: svi.MajorBuildNumber})
	}
	return adResult{found: disc}
}

func (d *discoverer) poxResult(p adProbe, data []byte) adResult {
	r, err := soap.DecodePoxResponse(bytes.NewReader(data))
	if err != nil {
		return adResult{err: err}
	}
	if e := r.Error; e != nil {
		code := strings.TrimSpace(e.ErrorCode)
		perr := &Error{Code: "Autodiscover" + code, Message: strings.TrimSpace(e.Message), Details: map[string]string{"ErrorCode": code}}
		if code == "500" {
			perr.Code = ErrInvalidUser.Code
			return adResult{fatal: perr}
		}
		return adResult{err: perr}
	}
	a := r.Account
	if a == nil {
		return adResult{err: fmt.Errorf("%w: POX answer without Account", soap.ErrMalformed)}
	}
	switch strings.ToLower(strings.TrimSpace(a.Action)) {
	case "redirectaddr":
		return adResult{redirectAddr: a.RedirectAddr, err: errors.New("redirectAddr")}
	case "redirecturl":
		return adResult{location: a.RedirectURL, err: errors.New("redirectUrl without RedirectUrl")}
	case "settings":
	default:
		return adResult{err: fmt.Errorf("POX Action %q is not settings, redirectAddr or redirectUrl", a.Action)}
	}
	var external, internal, version string
	if pr := a.Protocol("EXPR"); pr != nil {
		external = strings.TrimSpace(pr.EwsURL)
		version = pr.ServerVersion
	}
	if pr := a.Protocol("EXCH"); pr != nil {
		internal = strings.TrimSpace(pr.EwsURL)
		if pr.ServerVersion != "" {
			version = pr.ServerVersion
		}
	}
	ews, err := d.pickEWSURL(external, internal)
	if err != nil {
		return adResult{err: err}
	}
	disc := &Discovery{URL: ews, Protocol: "pox", EmailAddress: p.email}
	if r.User != nil && strings.TrimSpace(r.User.AutoDiscoverSMTPAddress) != "" {
		disc.EmailAddress = strings.TrimSpace(r.User.AutoDiscoverSMTPAddress)
	}
	if major, minor, build, ok := soap.ParsePoxServerVersion(version); ok && major > 0 {
		disc.Server = ServerVersion{Major: major, Minor: minor, Build: build}
		disc.Version = requestVersion(&soap.ServerVersionInfo{MajorVersion: major, MinorVersion: minor, MajorBuildNumber: build})
	}
	return adResult{found: disc}
}

// pickEWSURL returns the external EWS URL, else the internal one, whichever first passes the trust test.
func (d *discoverer) pickEWSURL(external, internal string) (string, error) {
	var firstErr error
	for _, raw := range []string{external, internal} {
		if raw == "" {
			continue
		}
		u, err := d.pol.checkURL(raw)
		if err == nil {
			return u.String(), nil
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("EWS URL refused: %w", err)
		}
	}
	if firstErr == nil {
		firstErr = errors.New("answer has no EWS URL")
	}
	return "", firstErr
}

// bareError drops the *url.Error wrapper ("Post "https://...": ..."): attempts are already prefixed with
// their URL.
func bareError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}
