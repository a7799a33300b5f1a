package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// UploadChunk is the size of each PUT to an upload session: a multiple of 320 KiB under Graph's 4 MB per
// request ("Upload large attachments to Outlook messages").
const UploadChunk = 10 * 320 << 10

// MaxUploadAttachment is the largest attachment an upload session takes (150 MB).
const MaxUploadAttachment = 150 << 20

// CreateDraft creates m as a draft (POST /users/{id}/messages) and returns it with its id. Not idempotent.
func (c *Client) CreateDraft(ctx context.Context, m *Message) (*Message, error) {
	if m == nil {
		return nil, errors.New("graph: the message is nil")
	}
	for i, a := range m.Attachments {
		if a.ODataType == "" {
			m.Attachments[i].ODataType = FileAttachmentType
		}
	}
	return c.message(ctx, &request{method: http.MethodPost, path: c.user + "/messages", body: m})
}

// SendDraft sends a draft (POST /users/{id}/messages/{id}/send); the copy goes to Sent Items. Not idempotent.
func (c *Client) SendDraft(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the message id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.messagePath(id) + "/send"})
	return err
}

// UploadSession is the answer of attachment: createUploadSession.
type UploadSession struct {
	UploadURL          string    `json:"uploadUrl"`
	ExpirationDateTime time.Time `json:"expirationDateTime"`
	NextExpectedRanges []string  `json:"nextExpectedRanges"`
}

type attachmentItem struct {
	AttachmentType string `json:"attachmentType"`
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	ContentType    string `json:"contentType,omitempty"`
	IsInline       bool   `json:"isInline,omitempty"`
	ContentID      string `json:"contentId,omitempty"`
}

// CreateUploadSession opens an upload session for a file attachment of size bytes on message id
// (POST /users/{id}/messages/{id}/attachments/createUploadSession).
func (c *Client) CreateUploadSession(ctx context.Context, id string, a Attachment, size int64) (*UploadSession, error) {
	switch {
	case id == "":
		return nil, errors.New("graph: the message id is empty")
	case a.Name == "":
		return nil, errors.New("graph: the attachment name is empty")
	case size <= 0 || size > MaxUploadAttachment:
		return nil, fmt.Errorf("graph: attachment %q is %d bytes; an upload session takes 1 byte to 150 MB", a.Name, size)
	}
	body := map[string]attachmentItem{"AttachmentItem": {AttachmentType: "file", Name: a.Name, Size: size,
		ContentType: a.ContentType, IsInline: a.IsInline, ContentID: a.ContentID}}
	ans, err := c.do(ctx, &request{method: http.MethodPost, path: c.messagePath(id) + "/attachments/createUploadSession",
		body: body})
	if err != nil {
		return nil, err
	}
	var s UploadSession
	if err := json.Unmarshal(ans.body, &s); err != nil || s.UploadURL == "" {
		return nil, fmt.Errorf("graph: createUploadSession answered without an uploadUrl")
	}
	return &s, nil
}

// Upload PUTs data to an upload session's URL in chunks of UploadChunk bytes, each with its Content-Range, and
// without an Authorization header (the URL is pre-authenticated). Where each chunk starts is the server's word:
// the nextExpectedRanges of the last answer. A chunk answered 5xx or 429, or lost on the way, may or may not have
// been taken, and a 416 says the server holds other bytes than the client thought: then the session's status is
// asked (GET on the URL) and the upload goes on from the byte the server expects, after Retry-After or a back-off
// (up to the client's MaxAttempts failures in a row). When the last chunk's answer is lost and the session is
// gone, the attachment may have been made: the error matches ErrOutcomeUnknown.
func (c *Client) Upload(ctx context.Context, uploadURL string, data []byte) error {
	if uploadURL == "" {
		return errors.New("graph: the upload URL is empty")
	}
	n := len(data)
	if n == 0 {
		return nil
	}
	off, failures := 0, 0
	var waited time.Duration
	for {
		end := min(off+UploadChunk, n)
		next, done, err := c.putChunk(ctx, uploadURL, data[off:end], off, n)
		if err == nil {
			if done {
				return nil
			}
			if next < 0 {
				next = end
			}
			switch {
			case next > n:
				return fmt.Errorf("graph: upload: the server expects byte %d of %d", next, n)
			case next <= off:
				// The server did not move on: the chunk is sent again from where it says, a bounded number of times.
				if failures++; failures >= c.cfg.MaxAttempts {
					return fmt.Errorf("graph: upload: the server still expects byte %d after %d attempts", next, failures)
				}
			default:
				failures = 0
			}
			off = next
			continue
		}
		var ge *Error
		isErr := errors.As(err, &ge)
		rangeLost := isErr && ge.StatusCode == http.StatusRequestedRangeNotSatisfiable
		if isErr && !rangeLost && ge.StatusCode != http.StatusTooManyRequests && ge.StatusCode < 500 {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if failures++; failures >= c.cfg.MaxAttempts {
			return err
		}
		if !rangeLost {
			wait := backoff(c.cfg.BaseDelay, c.cfg.MaxDelay, failures)
			if isErr && ge.RetryAfter > 0 {
				wait = ge.RetryAfter
			}
			if waited+wait > c.cfg.MaxWait {
				return err
			}
			if e := c.cfg.Sleep(ctx, wait); e != nil {
				return e
			}
			waited += wait
		}
		pos, serr := c.uploadStatus(ctx, uploadURL)
		switch {
		case serr == nil && pos <= n:
			off = pos
		case serr == nil:
			return fmt.Errorf("graph: upload: the server expects byte %d of %d", pos, n)
		case errors.As(serr, &ge) && ge.NotFound() && end == n:
			// The session ended: the last chunk may have completed the attachment, or it expired.
			return fmt.Errorf("%w: %w (the upload session is gone: the last chunk may have completed the attachment)", ErrOutcomeUnknown, err)
		case errors.As(serr, &ge) && ge.NotFound():
			return fmt.Errorf("%w (the upload session is gone)", err)
		}
		// A status that could not be read (or a service that does not answer it): the same chunk is sent
		// again, as far as the failures allow (a 416 then asks again).
	}
}

// uploadAnswer is the body of an upload session's 200 answers (a chunk taken, or the status).
type uploadAnswer struct {
	NextExpectedRanges []string `json:"nextExpectedRanges"`
}

// nextByte reads where the next chunk starts from nextExpectedRanges: "{start}" for Outlook attachments, or
// "{start}-" / "{start}-{end}" as for drives; -1 without one.
func nextByte(body []byte) int {
	var a uploadAnswer
	if json.Unmarshal(body, &a) != nil || len(a.NextExpectedRanges) == 0 {
		return -1
	}
	v, _, _ := strings.Cut(a.NextExpectedRanges[0], "-")
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// uploadRequest sends one request to an upload session's URL, traced and observed as UploadRoute; errors are
// *Error or *RequestError and never show the URL (its query is the session's token).
func (c *Client) uploadRequest(ctx context.Context, method, uploadURL string, body []byte, header http.Header) (int, []byte, error) {
	start := time.Now()
	tctx, end := c.startTrace(ctx, method+" "+UploadRoute)
	status, data, err := c.uploadAttempt(tctx, method, uploadURL, body, header)
	code := ""
	var ge *Error
	if errors.As(err, &ge) {
		code = ge.Code
	}
	end(status, code, err)
	if c.cfg.Observe != nil {
		c.cfg.Observe(ctx, method, UploadRoute, status, time.Since(start), err)
	}
	return status, data, err
}

func (c *Client) uploadAttempt(ctx context.Context, method, uploadURL string, body []byte, header http.Header) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	rqErr := func(sent bool, err error) error {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: UploadRoute, Err: ue.Err} // the URL holds the session's token
		}
		return &RequestError{Method: method, Path: UploadRoute, Sent: sent, Err: err}
	}
	if c.cfg.Acquire != nil {
		release, err := c.cfg.Acquire(ctx)
		if err != nil {
			return 0, nil, err
		}
		defer release()
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, uploadURL, rd)
	if err != nil {
		return 0, nil, rqErr(false, err)
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, rqErr(sentErr(err), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, rqErr(true, fmt.Errorf("reading the answer: %w", err))
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, nil, errorOf(method, UploadRoute, resp, data)
	}
	return resp.StatusCode, data, nil
}

// putChunk sends one chunk once: done when the server made the attachment (201 Created), else next is the
// byte the server expects next (-1 when it did not say).
func (c *Client) putChunk(ctx context.Context, uploadURL string, chunk []byte, off, total int) (next int, done bool, err error) {
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+len(chunk)-1, total))
	status, data, err := c.uploadRequest(ctx, http.MethodPut, uploadURL, chunk, h)
	if err != nil {
		return 0, false, err
	}
	if status == http.StatusCreated {
		return 0, true, nil
	}
	return nextByte(data), false, nil
}

// uploadStatus asks an upload session where the next chunk starts (GET on its URL).
func (c *Client) uploadStatus(ctx context.Context, uploadURL string) (int, error) {
	_, data, err := c.uploadRequest(ctx, http.MethodGet, uploadURL, nil, nil)
	if err != nil {
		return 0, err
	}
	n := nextByte(data)
	if n < 0 {
		return 0, fmt.Errorf("graph: upload: the session's status has no nextExpectedRanges")
	}
	return n, nil
}
