package ews

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ewsgo/ews/internal/graph"
)

// EWS ids given to a graph client. Graph names messages, events, contacts and folders with REST ids (URL-safe
// base64) or, as the SDK asks for, REST immutable ids; an EWS ItemId or FolderId (standard base64, holding "+"
// or "/") is malformed to Graph (400 ErrorInvalidIdMalformed). A program or playbook that stored ids over EWS and
// then switched to the graph backend gives such ids: the Graph wire translates each before use, with
// translateExchangeIds (ewsId to restImmutableEntryId, up to 1000 ids a request) where Graph allows it (Microsoft
// documents it for delegated tokens only), else as Office.js's convertToRestId does (the same bytes in the
// URL-safe alphabet: the REST id). Translations are kept per client (and the clients ForMailbox derives); ids the
// SDK returns over Graph stay Graph ids.

// graphIDCacheMax bounds the translations kept; past it the cache starts again.
const graphIDCacheMax = 10000

// graphIDCache holds translations of EWS ids, under shared.mu.
type graphIDCache struct {
	ids map[string]string // "<mailbox>\x00<EWS id>" -> Graph id
	// local is set once Graph refused translateExchangeIds (an app-only token): later ids are translated
	// locally, without asking again.
	local bool
}

// graphIDs returns ids with every EWS id among them translated to a Graph id; other ids (Graph ids, EWS ids
// without "+" or "/", which are their own REST ids) are returned as they are.
func (c *Client) graphIDs(ctx context.Context, ids []string) ([]string, error) {
	var todo []string
	seen := map[string]bool{}
	out := make([]string, len(ids))
	copy(out, ids)
	key := func(id string) string { return strings.ToLower(c.mailbox) + "\x00" + id }
	c.shared.mu.Lock()
	local := c.shared.graphIDs.local
	for i, id := range ids {
		if !graph.IsEWSID(id) {
			continue
		}
		if g, ok := c.shared.graphIDs.ids[key(id)]; ok {
			out[i] = g
		} else if !seen[id] {
			seen[id] = true
			todo = append(todo, id)
		}
	}
	c.shared.mu.Unlock()
	if len(todo) == 0 {
		return out, nil
	}
	got := map[string]string{}
	if !local {
		rs, err := c.graph.TranslateExchangeIDs(ctx, todo, graph.IDFormatEWS, graph.IDFormatRESTImmutable)
		switch {
		case err == nil:
			for _, r := range rs {
				if r.ErrorDetails == nil && r.TargetID != "" {
					got[r.SourceID] = r.TargetID
				}
			}
		case translationRefused(err):
			local = true
		default:
			return nil, c.graphErr("translateExchangeIds", err, nil)
		}
	}
	for _, id := range todo {
		if _, ok := got[id]; !ok {
			// Refused, or an id Graph could not translate: the REST id, whose request then answers as Graph
			// does for it (404 ErrorItemNotFound for an id of nothing in the mailbox).
			got[id] = graph.RESTID(id)
		}
	}
	c.shared.mu.Lock()
	if local {
		c.shared.graphIDs.local = true
	}
	if c.shared.graphIDs.ids == nil || len(c.shared.graphIDs.ids)+len(got) > graphIDCacheMax {
		c.shared.graphIDs.ids = map[string]string{}
	}
	for e, g := range got {
		c.shared.graphIDs.ids[key(e)] = g
	}
	c.shared.mu.Unlock()
	for i, id := range out {
		if g, ok := got[id]; ok {
			out[i] = g
		}
	}
	return out, nil
}

// graphID is graphIDs for one id.
func (c *Client) graphID(ctx context.Context, id string) (string, error) {
	if !graph.IsEWSID(id) {
		return id, nil
	}
	ids, err := c.graphIDs(ctx, []string{id})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// translationRefused says whether Graph refused translateExchangeIds itself (an app-only token: 403, or 400/401
// for a token it does not take there; 404/501 where the cloud lacks the call), as opposed to failing for a while.
func translationRefused(err error) bool {
	var ge *graph.Error
	if !errors.As(err, &ge) {
		return false
	}
	switch ge.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented:
		return true
	}
	return false
}
