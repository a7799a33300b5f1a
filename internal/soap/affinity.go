package soap

import (
	"context"
	"net/http"
	"sync"
)

// Affinity keeps the requests of a group of subscriptions on the mailbox server that holds them, as Microsoft
// documents for Exchange 2013 and later and Exchange Online ("Maintain affinity between a group of subscriptions
// and the mailbox server"): every request carries X-AnchorMailbox (the mailbox) and X-PreferServerAffinity: true,
// and once the server has set the X-BackEndOverrideCookie cookie, every later request sends it back. Use one
// Affinity per mailbox for its Subscribe, GetEvents, GetStreamingEvents and Unsubscribe requests, through
// WithAffinity. It is safe for concurrent use.
type Affinity struct {
	// Anchor is the SMTP address of the mailbox the subscriptions belong to.
	Anchor string

	mu     sync.Mutex
	cookie string
}

// BackEndCookie is the name of the cookie with which Exchange names the back-end server of a subscription.
const BackEndCookie = "X-BackEndOverrideCookie"

type affinityKey struct{}

// WithAffinity returns a context whose requests keep the affinity a.
func WithAffinity(ctx context.Context, a *Affinity) context.Context {
	if a == nil || a.Anchor == "" {
		return ctx
	}
	return context.WithValue(ctx, affinityKey{}, a)
}

func affinityFrom(ctx context.Context) *Affinity {
	a, _ := ctx.Value(affinityKey{}).(*Affinity)
	return a
}

// Cookie returns the back-end cookie the server set, or "".
func (a *Affinity) Cookie() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cookie
}

// apply adds the affinity headers (and the cookie, once known) to a request.
func (a *Affinity) apply(req *http.Request) {
	req.Header.Set("X-AnchorMailbox", a.Anchor)
	req.Header.Set("X-PreferServerAffinity", "true")
	if c := a.Cookie(); c != "" {
		req.AddCookie(&http.Cookie{Name: BackEndCookie, Value: c})
	}
}

// note keeps the back-end cookie a response sets.
func (a *Affinity) note(resp *http.Response) {
	for _, ck := range resp.Cookies() {
		if ck.Name == BackEndCookie && ck.Value != "" {
			a.mu.Lock()
			a.cookie = ck.Value
			a.mu.Unlock()
		}
	}
}
