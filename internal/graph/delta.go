package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Graph v1.0 message delta (GET /users/{id}/mailFolders/{id}/messages/delta): a round of pages, each but the
// last ending in @odata.nextLink ($skiptoken), the last in @odata.deltaLink ($deltatoken), which starts the
// next round with the changes since. The links carry the round's query options; Prefer: odata.maxpagesize is
// sent with every page. Messages deleted or moved out of the folder come as {"id", "@removed": {"reason"}}.
// Graph can reset a synchronization: 410 Gone with a Location header naming a fresh initial request, or an
// error whose code is syncStateNotFound (an expired token); both match ErrSyncReset.

// ErrSyncReset is matched by the error of a delta request whose state Graph no longer has (410 Gone,
// syncStateNotFound, syncStateInvalid, resyncRequired): the caller must start a full synchronization again
// (Error.Location, when set, is the URL Graph gives for it) and must expect messages it has seen already.
var ErrSyncReset = errors.New("graph: the delta state is gone; synchronize again from the start")

// SyncReset reports whether the error says a delta state is gone.
func (e *Error) SyncReset() bool {
	if e.StatusCode == http.StatusGone {
		return true
	}
	switch strings.ToLower(e.Code) {
	case "syncstatenotfound", "syncstateinvalid", "resyncrequired":
		return true
	}
	return false
}

// Removed is the @removed annotation of a delta entry: Reason is "deleted" (for messages, deleted or moved
// out of the folder) or "changed".
type Removed struct {
	Reason string `json:"reason"`
}

// DeltaMessage is one entry of a delta page: a new or changed message (with the properties of the round's
// $select), or, with Removed set, only the id of a message that left the folder.
type DeltaMessage struct {
	Message
	Removed *Removed `json:"@removed,omitempty"`
}

// DeltaPage is one page of a delta round: NextLink is set while the round goes on, DeltaLink on its last page.
type DeltaPage struct {
	Value     []DeltaMessage `json:"value"`
	NextLink  string         `json:"@odata.nextLink,omitempty"`
	DeltaLink string         `json:"@odata.deltaLink,omitempty"`
}

// DeltaOptions are the options of a delta round, given on its first request.
type DeltaOptions struct {
	// Select lists the message properties to return (id is always returned).
	Select []string
	// MaxPageSize asks for at most that many entries a page (Prefer: odata.maxpagesize); 0 leaves Graph's
	// default (10).
	MaxPageSize int
	// ChangeType keeps only "created", "updated" or "deleted" changes; empty keeps all.
	ChangeType string
	// ReceivedSince, if set, limits the round to messages received at or after it ($filter=receivedDateTime ge,
	// the only $filter Graph takes on a delta; then it returns at most 5,000 messages).
	ReceivedSince time.Time
}

func maxPageSize(n int) []string {
	if n <= 0 {
		return nil
	}
	return []string{"odata.maxpagesize=" + strconv.Itoa(n)}
}

// MessageDelta starts a delta round over a mail folder (an id or a well-known name such as "inbox"): its first
// page. The first round lists every message of the folder.
func (c *Client) MessageDelta(ctx context.Context, folder string, o DeltaOptions) (*DeltaPage, error) {
	if folder == "" {
		return nil, errors.New("graph: delta: the folder is empty")
	}
	if o.MaxPageSize < 0 {
		return nil, fmt.Errorf("graph: delta: odata.maxpagesize %d is negative", o.MaxPageSize)
	}
	q := url.Values{}
	switch o.ChangeType {
	case "":
	case "created", "updated", "deleted":
		q.Set("changeType", o.ChangeType)
	default:
		return nil, fmt.Errorf("graph: delta: changeType %q: not one of created, updated, deleted", o.ChangeType)
	}
	if len(o.Select) > 0 {
		q.Set("$select", strings.Join(o.Select, ","))
	}
	if !o.ReceivedSince.IsZero() {
		q.Set("$filter", "receivedDateTime ge "+o.ReceivedSince.UTC().Format(time.RFC3339))
	}
	return c.delta(ctx, &request{method: http.MethodGet, path: c.user + "/mailFolders/" + url.PathEscape(folder) +
		"/messages/delta", query: q, idempotent: true, prefer: maxPageSize(o.MaxPageSize)})
}

// NextDelta returns the page a NextLink or a DeltaLink names: the next page of a round, or the first page of
// the next round. maxPageSize is the round's DeltaOptions.MaxPageSize.
func (c *Client) NextDelta(ctx context.Context, link string, maxPage int) (*DeltaPage, error) {
	if link == "" {
		return nil, errors.New("graph: delta: the link is empty")
	}
	return c.delta(ctx, &request{method: http.MethodGet, link: link, idempotent: true, prefer: maxPageSize(maxPage)})
}

func (c *Client) delta(ctx context.Context, r *request) (*DeltaPage, error) {
	p, err := getOne[DeltaPage](ctx, c, r)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.SyncReset() {
			return nil, fmt.Errorf("%w: %w", ErrSyncReset, err)
		}
		return nil, err
	}
	if (p.NextLink == "") == (p.DeltaLink == "") {
		return nil, errors.New("graph: malformed delta answer: it needs exactly one of @odata.nextLink and @odata.deltaLink")
	}
	return p, nil
}
