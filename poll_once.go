package ews

import (
	"context"
	"sync"
)

// PollBatch is what PollOnce found. Its events are recorded as delivered only by Commit.
type PollBatch struct {
	// Events are the changes since the last committed call, in the order the server reported them.
	Events []*MailEvent
	// Baseline tells that there was no committed state: this call recorded what the folder holds, and returned
	// it only if PollOnceOptions.IncludeExisting was set.
	Baseline bool

	mu     sync.Mutex
	commit func() error
	done   bool
}

// Commit writes the state file, recording Events as delivered, so that the next PollOnce returns only what
// arrives later. Call it after the events have been handled or written out: until then, a crash loses nothing,
// and the next call returns the same events again (with any newer ones). Commit is idempotent.
func (b *PollBatch) Commit() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	if err := b.commit(); err != nil {
		return err
	}
	b.done = true
	return nil
}

// PollOnceOptions says what PollOnce polls and where it keeps its state.
type PollOnceOptions struct {
	// Folder is the folder polled; the zero value is the Inbox.
	Folder FolderRef
	// StateFile is the file that holds the state between calls (required; its directory must exist).
	StateFile string
	// IncludeExisting makes the first call, without a state file, return every message already in the folder
	// instead of recording them as the baseline.
	IncludeExisting bool
}

// PollOnce is one poll of one folder with its state in a file, for callers that run periodically (a connector,
// a cron job): it returns the messages that arrived in opts.Folder since the last committed call, each with its
// whole Message (MailEvent.Message, as MailService.Get returns it). The first call, without a state file,
// records the folder's contents as the baseline and returns nothing, unless opts.IncludeExisting is set, in
// which case it returns every message in the folder. Nothing is written until the batch's Commit.
func (c *Client) PollOnce(ctx context.Context, opts PollOnceOptions) (*PollBatch, error) {
	folder, stateFile, includeExisting := opts.Folder, opts.StateFile, opts.IncludeExisting
	if folder.IsZero() {
		folder = Inbox
	}
	fs, err := NewFileStateStore(stateFile)
	if err != nil {
		return nil, err
	}
	buf := &bufferedStore{base: fs}
	p, err := c.NewPoller(PollerOptions{Folders: []FolderRef{folder}, Store: buf, IncludeExisting: includeExisting})
	if err != nil {
		return nil, err
	}
	prior, err := fs.Get(ctx, stateKey(c.Mailbox(), folder))
	if err != nil {
		return nil, err
	}
	b := &PollBatch{Baseline: prior == nil || prior.Phase == phaseBaseline, commit: func() error { return buf.flush(ctx) }}
	if err := p.Poll(ctx, func(_ context.Context, ev *MailEvent) error {
		b.Events = append(b.Events, ev)
		return nil
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// bufferedStore reads from base and keeps Puts in memory until flush.
type bufferedStore struct {
	base    StateStore
	mu      sync.Mutex
	pending map[string]*PollState
}

func (s *bufferedStore) Get(ctx context.Context, key string) (*PollState, error) {
	s.mu.Lock()
	st, ok := s.pending[key]
	s.mu.Unlock()
	if ok {
		return st.clone(), nil
	}
	return s.base.Get(ctx, key)
}

func (s *bufferedStore) Put(_ context.Context, key string, st *PollState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		s.pending = map[string]*PollState{}
	}
	s.pending[key] = st.clone()
	return nil
}

func (s *bufferedStore) flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, st := range s.pending {
		if err := s.base.Put(context.WithoutCancel(ctx), key, st); err != nil {
			return err
		}
	}
	return nil
}
