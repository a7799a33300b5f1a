package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ewsgo/ews/internal/retry"
)

// MaxBatch is the most requests Graph takes in one $batch.
const MaxBatch = 20

type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    any               `json:"body,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// BatchResult is the outcome of one message of a bulk operation: nil Err when it succeeded; for a move, ID is
// the moved message's id.
type BatchResult struct {
	ID  string
	Err error
}

// MoveMany moves messages to a folder, MaxBatch per $batch request. Results are in the order of ids.
func (c *Client) MoveMany(ctx context.Context, ids []string, dest string) ([]BatchResult, error) {
	return c.bulk(ctx, ids, func(id string) batchRequest {
		return batchRequest{Method: http.MethodPost, URL: c.user + "/messages/" + url.PathEscape(id) + "/move",
			Body: destination{dest}, Headers: map[string]string{"Content-Type": "application/json"}}
	})
}

// DeleteMany deletes messages (to Deleted Items), MaxBatch per $batch request.
func (c *Client) DeleteMany(ctx context.Context, ids []string) ([]BatchResult, error) {
	return c.bulk(ctx, ids, func(id string) batchRequest {
		return batchRequest{Method: http.MethodDelete, URL: c.user + "/messages/" + url.PathEscape(id)}
	})
}

// bulk sends one request per id in batches. A batch is not idempotent as a whole; the requests of a batch that
// Graph throttled (429 in its own response, the request not carried out) are sent again in a later batch, as
// Retry-After says, within the client's MaxAttempts and MaxWait.
func (c *Client) bulk(ctx context.Context, ids []string, mk func(id string) batchRequest) ([]BatchResult, error) {
	out := make([]BatchResult, len(ids))
	pending := make([]int, len(ids))
	for i := range ids {
		pending[i] = i
	}
	var waited time.Duration
	for attempt := 1; len(pending) > 0; attempt++ {
		var again []int
		var wait time.Duration
		for start := 0; start < len(pending); start += MaxBatch {
			chunk := pending[start:min(start+MaxBatch, len(pending))]
			reqs := make([]batchRequest, len(chunk))
			for k, i := range chunk {
				reqs[k] = mk(ids[i])
				reqs[k].ID = strconv.Itoa(k + 1)
			}
			a, err := c.do(ctx, &request{method: http.MethodPost, path: "/$batch",
				body: struct {
					Requests []batchRequest `json:"requests"`
				}{reqs}})
			if err != nil {
				return out, err
			}
			var resp struct {
				Responses []batchResponse `json:"responses"`
			}
			if err := decode(a, &resp); err != nil {
				return out, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
			got := map[string]batchResponse{}
			for _, r := range resp.Responses {
				got[r.ID] = r
			}
			for k, i := range chunk {
				r, ok := got[reqs[k].ID]
				switch {
				case !ok:
					out[i].Err = fmt.Errorf("%w: the $batch answer has no response %s", ErrOutcomeUnknown, reqs[k].ID)
				case r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable:
					again = append(again, i)
					wait = max(wait, retryAfter(r.Headers["Retry-After"]))
					out[i].Err = subError(reqs[k], r)
				case r.Status/100 == 2:
					out[i] = BatchResult{ID: ids[i]}
					var m Message
					if len(r.Body) > 0 && json.Unmarshal(r.Body, &m) == nil && m.ID != "" {
						out[i].ID = m.ID
					}
				default:
					out[i].Err = subError(reqs[k], r)
				}
			}
		}
		pending = again
		if len(pending) == 0 || attempt >= c.cfg.MaxAttempts {
			break
		}
		if wait == 0 {
			wait = retry.Backoff(c.cfg.BaseDelay, c.cfg.MaxDelay, attempt)
		}
		if waited+wait > c.cfg.MaxWait {
			break
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return out, err
		}
		waited += wait
	}
	return out, nil
}

func subError(req batchRequest, r batchResponse) error {
	e := &Error{Method: req.Method, Path: req.URL, StatusCode: r.Status, RetryAfter: retryAfter(r.Headers["Retry-After"])}
	var eb errorBody
	if json.Unmarshal(r.Body, &eb) == nil {
		e.Code, e.Message = eb.Error.Code, eb.Error.Message
	}
	return e
}

// PermanentDeleteMany deletes messages for good (permanentDelete), MaxBatch per $batch request.
func (c *Client) PermanentDeleteMany(ctx context.Context, ids []string) ([]BatchResult, error) {
	return c.bulk(ctx, ids, func(id string) batchRequest {
		return batchRequest{Method: http.MethodPost, URL: c.user + "/messages/" + url.PathEscape(id) + "/permanentDelete"}
	})
}

// MarkReadMany sets the read flag of messages (PATCH isRead), MaxBatch per $batch request.
func (c *Client) MarkReadMany(ctx context.Context, ids []string, read bool) ([]BatchResult, error) {
	return c.PatchMany(ctx, ids, readPatch{read})
}

// PatchMany updates messages with the same patch (PATCH of the properties patch holds, marshalled to JSON),
// MaxBatch per $batch request.
func (c *Client) PatchMany(ctx context.Context, ids []string, patch any) ([]BatchResult, error) {
	return c.bulk(ctx, ids, func(id string) batchRequest {
		return batchRequest{Method: http.MethodPatch, URL: c.user + "/messages/" + url.PathEscape(id),
			Body: patch, Headers: map[string]string{"Content-Type": "application/json"}}
	})
}

// CopyMany copies messages to a folder, MaxBatch per $batch request; a result's ID is the copy's id.
func (c *Client) CopyMany(ctx context.Context, ids []string, dest string) ([]BatchResult, error) {
	return c.bulk(ctx, ids, func(id string) batchRequest {
		return batchRequest{Method: http.MethodPost, URL: c.user + "/messages/" + url.PathEscape(id) + "/copy",
			Body: destination{dest}, Headers: map[string]string{"Content-Type": "application/json"}}
	})
}
