package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ewsgo/ews/internal/retry"
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
	return getOne[Message](ctx, c, &request{method: http.MethodPost, path: c.user + "/messages", body: m})
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
// without an Authorization header (the URL is pre-authenticated). A chunk answered 5xx or 429, or lost on the
// way, is sent again (up to the client's MaxAttempts, after Retry-After or a backoff).
func (c *Client) Upload(ctx context.Context, uploadURL string, data []byte) error {
	if uploadURL == "" {
		return errors.New("graph: the upload URL is empty")
	}
	n := len(data)
	for off := 0; off < n; off += UploadChunk {
		end := min(off+UploadChunk, n)
		if err := c.putChunk(ctx, uploadURL, data[off:end], off, n); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) putChunk(ctx context.Context, uploadURL string, chunk []byte, off, total int) error {
	rng := fmt.Sprintf("bytes %d-%d/%d", off, off+len(chunk)-1, total)
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, bytes.NewReader(chunk))
		if err != nil {
			return fmt.Errorf("graph: upload: %w", err)
		}
		req.ContentLength = int64(len(chunk))
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("Content-Range", rng)
		var wait time.Duration
		resp, err := c.cfg.HTTPClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
				return nil
			}
			err = fmt.Errorf("graph: upload %s: HTTP %d: %s", rng, resp.StatusCode, bytes.TrimSpace(b))
			if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
				return err
			}
			if s, e := strconv.Atoi(resp.Header.Get("Retry-After")); e == nil && s > 0 {
				wait = time.Duration(s) * time.Second
			}
		} else {
			err = fmt.Errorf("graph: upload %s: %w", rng, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= c.cfg.MaxAttempts {
			return err
		}
		if wait == 0 {
			wait = retry.Backoff(c.cfg.BaseDelay, c.cfg.MaxDelay, attempt)
		}
		if wait > c.cfg.MaxWait {
			return err
		}
		if e := c.cfg.Sleep(ctx, wait); e != nil {
			return e
		}
	}
}
