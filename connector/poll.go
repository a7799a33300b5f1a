package connector

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/ewsgo/ews"
)

// PollParams are the parameters of poll.
type PollParams struct {
	FolderName      string  `json:"folder_name" default:"Inbox" help:"folder watched: a well-known name, a path (Inbox/Phishing) or a folder id"`
	StateFile       string  `json:"state_file" required:"true" help:"file that keeps what was already returned, between calls (created by the first call; its directory must exist)"`
	IncludeExisting bool    `json:"include_existing" default:"false" help:"on the first call (no state yet), return the messages already in the folder; otherwise the first call only records them"`
	Ack             *string `json:"ack" help:"acknowledged mode: the cursor of the last batch handled (\"\" on the first call); the state advances past a batch only when a later call acknowledges its cursor, else the batch comes again. Without it, the state advances once the result is written"`
}

// Polled is what Poll found: the messages that arrived since the last committed call.
type Polled struct {
	Emails []*Email
	// Baseline is true on the first call for a folder (no state yet).
	Baseline bool
	// Cursor names the batch in acknowledged mode (PollParams.Ack); every email carries it too.
	Cursor string

	batch *ews.PollBatch
}

// Commit records Emails as delivered in the state file, so that the next Poll returns only what arrives later.
// Call it once the emails have been handled or written out: until then, the next call returns them again.
func (p *Polled) Commit() error { return p.batch.Commit() }

// Close releases the state file without recording the emails (the next call returns them again); it does
// nothing after Commit.
func (p *Polled) Close() { p.batch.Close() }

// Poll returns the messages that arrived in a folder since the last committed call, oldest first, with the
// state in a file. Nothing is recorded until Commit.
func Poll(ctx context.Context, c *ews.Client, p PollParams) (*Polled, error) {
	if strings.TrimSpace(p.StateFile) == "" {
		return nil, paramErr("state_file", "parameter %q is required", "state_file")
	}
	dir := filepath.Dir(p.StateFile)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, paramErr("state_file", "parameter %q: the directory %q does not exist", "state_file", dir)
	}
	if st, err := os.Stat(p.StateFile); err == nil && !st.Mode().IsRegular() {
		return nil, paramErr("state_file", "parameter %q: %q is not a regular file", "state_file", p.StateFile)
	}
	folder, err := folderParam(ctx, c, "folder_name", p.FolderName, ews.Inbox)
	if err != nil {
		return nil, err
	}
	b, err := c.PollOnce(ctx, ews.PollOnceOptions{Folder: folder, StateFile: p.StateFile, IncludeExisting: p.IncludeExisting, Ack: p.Ack,
		BatchSize: readBatchSize, Concurrency: readConcurrency})
	if err != nil {
		if errors.Is(err, ews.ErrCorruptState) {
			return nil, &Error{Code: CodeInvalidParameter, Param: "state_file", Message: "parameter \"state_file\": " + strings.TrimPrefix(err.Error(), "ews: "), Err: err}
		}
		return nil, err
	}
	out := &Polled{Emails: []*Email{}, Baseline: b.Baseline, Cursor: b.Cursor, batch: b}
	for _, ev := range b.Events {
		if ev.Kind == ews.ChangeCreated && ev.Message != nil {
			e := emailOut(ev.Message)
			e.Cursor = b.Cursor
			out.Emails = append(out.Emails, e)
		}
	}
	return out, nil
}

// pollOperation writes the emails, and commits the state only once the output has been flushed.
func pollOperation() *operation {
	t := reflect.TypeFor[PollParams]()
	return &operation{
		info: OperationInfo{Name: "poll", Summary: "List the messages that arrived in a folder since the last call (state kept in a file).",
			List: true, Params: paramsOf(t)},
		params: t,
		run: func(ctx context.Context, c *ews.Client, p any, out Output) error {
			res, err := Poll(ctx, c, *p.(*PollParams))
			if err != nil {
				return err
			}
			defer res.Close()
			for _, e := range res.Emails {
				if err := out.Write(e); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err // stopped: nothing is recorded, the batch comes again
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if err := res.Commit(); err != nil {
				return &Error{Code: CodeStateError, Message: "the result was written but the poll state was not saved (the batch comes again): " + strings.TrimPrefix(err.Error(), "ews: "), Err: err}
			}
			return nil
		},
	}
}
