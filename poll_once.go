package ews

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// PollBatch is what PollOnce found. Until Commit or Close, the batch holds the state file's lock.
type PollBatch struct {
	// Events are the changes since the last committed call, in the order the server reported them.
	Events []*MailEvent
	// Baseline tells that there was no committed state: this call recorded what the folder holds, and returned
	// it only if PollOnceOptions.IncludeExisting was set.
	Baseline bool
	// Cursor, in acknowledged mode (PollOnceOptions.Ack), names this batch: the state file advances past it only
	// when a later call passes it as Ack. It is empty when there is nothing to acknowledge (no events).
	Cursor string
	// More tells that the batch stopped at PollOnceOptions.MaxEvents and more changes are waiting: poll again.
	More bool

	mu     sync.Mutex
	commit func() error
	close  func()
	done   bool
}

// Commit records Events as delivered, so that the next PollOnce returns only what arrives later, and releases
// the state file. Call it after the events have been handled or written out: until then, a crash loses nothing,
// and the next call returns the same events again (with any newer ones). In acknowledged mode the state was
// written by PollOnce already and Commit only releases the file: the batch is recorded as delivered when a later
// call acknowledges its Cursor. Commit is idempotent; an error means the state was not recorded (the batch
// comes again).
func (b *PollBatch) Commit() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	b.done = true
	defer b.close()
	return b.commit()
}

// Close releases the state file without recording the batch (the next call returns it again). It does nothing
// after Commit; it is idempotent.
func (b *PollBatch) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	b.close()
}

// PollOnceOptions says what PollOnce polls, where it keeps its state and how it commits it.
type PollOnceOptions struct {
	// Folder is the folder polled; the zero value is the Inbox.
	Folder FolderRef
	// StateFile is the file that holds the state between calls (required; its directory must exist).
	StateFile string
	// IncludeExisting makes the first call, without a state file, return every message already in the folder
	// instead of recording them as the baseline.
	IncludeExisting bool
	// Ack, when not nil, puts the state file in acknowledged mode, for callers that must lose nothing when they
	// die after PollOnce returned: the state advances past a batch only when a later call passes the batch's
	// Cursor as Ack; else the batch comes again (with anything newer). Pass "" on the first call. Once a call has
	// passed Ack, the file stays in acknowledged mode: a later call without Ack acknowledges nothing.
	Ack *string
	// MaxEvents bounds the events of a batch (default 1000), and so the memory a batch takes whatever the server
	// sends; PollBatch.More tells that more are waiting.
	MaxEvents int
	// BatchSize and Concurrency read the messages of each page of changes as in PollerOptions: in GetItem
	// batches of BatchSize (0 means 100), Concurrency in flight (0 means 1).
	BatchSize   int
	Concurrency int
	// LockWait bounds the wait for another process polling the same state file (default 2 minutes); then
	// PollOnce fails with ErrStateLocked.
	LockWait time.Duration
}

// errBatchFull stops a poll whose batch is full.
var errBatchFull = errors.New("batch full")

// PollOnce is one poll of one folder with its state in a file, for callers that run periodically (a connector,
// a cron job): it returns the messages that arrived in opts.Folder since the last committed call, each with its
// whole Message (MailEvent.Message, as MailService.Get returns it). The first call, without a state file,
// records the folder's contents as the baseline and returns nothing, unless opts.IncludeExisting is set, in
// which case it returns every message in the folder.
//
// The state file is owned by one process at a time (see ErrStateLocked): the batch holds its lock until Commit
// or Close, and a concurrent call waits, then continues from the state the first one recorded.
//
// By default the state advances at Commit, which the caller calls once the batch is written out: a crash
// before Commit returns the batch again (at-least-once; MailEvent.ItemID and InternetMessageID are stable ids to
// remove the duplicates), a crash after it loses nothing that was written out. In acknowledged mode (opts.Ack)
// the state advances only when the next call acknowledges the batch's Cursor, after the caller has handled it:
// a crash anywhere before that returns the batch again.
//
// The new state is written to a synced temporary file before PollOnce returns, so that a full disk or a
// read-only directory is an error before anything is handed out; Commit only renames it.
func (c *Client) PollOnce(ctx context.Context, opts PollOnceOptions) (_ *PollBatch, err error) {
	folder, stateFile := opts.Folder, opts.StateFile
	if folder.IsZero() {
		folder = Inbox
	}
	if opts.MaxEvents == 0 {
		opts.MaxEvents = 1000
	}
	if opts.MaxEvents < 0 {
		return nil, inputErr("PollOnceOptions.MaxEvents", "%d is negative", opts.MaxEvents)
	}
	if opts.LockWait <= 0 {
		opts.LockWait = defaultLockWait
	}
	fs, err := NewFileStateStore(stateFile)
	if err != nil {
		return nil, err
	}
	buf := &bufferedStore{base: fs}
	p, err := c.NewPoller(PollerOptions{Folders: []FolderRef{folder}, Store: buf, IncludeExisting: opts.IncludeExisting,
		BatchSize: opts.BatchSize, Concurrency: opts.Concurrency})
	if err != nil {
		return nil, err
	}
	lock, err := lockState(ctx, fs.Path(), opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lock.release()
		}
	}()
	key := stateKey(c.Mailbox(), folder)
	pendKey := key + "#pending"
	prior, err := fs.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	ackMode := opts.Ack != nil || (prior != nil && prior.Acked)
	if ackMode && opts.Ack != nil && *opts.Ack != "" {
		pend, err := fs.Get(ctx, pendKey)
		if err != nil {
			return nil, err
		}
		if pend != nil && pend.Cursor == *opts.Ack {
			// The caller has handled the batch of this cursor: its state becomes the state.
			pend.Cursor, pend.Acked = "", true
			if err := fs.Put(ctx, key, pend); err != nil {
				return nil, err
			}
			prior = pend
		}
	}
	b := &PollBatch{Baseline: prior == nil || prior.Phase == phaseBaseline, close: lock.release}
	perr := p.Poll(ctx, func(_ context.Context, ev *MailEvent) error {
		if len(b.Events) >= opts.MaxEvents {
			return errBatchFull
		}
		b.Events = append(b.Events, ev)
		return nil
	})
	if perr != nil {
		if !errors.Is(perr, errBatchFull) {
			return nil, perr
		}
		b.More = true
	}
	next := buf.get(key)
	if next == nil {
		next = prior
	}
	changes := map[string]*PollState{}
	switch {
	case !ackMode:
		changes[key] = next
	case len(b.Events) == 0:
		// Nothing to acknowledge: the state advances now, and no older batch may be acknowledged any more.
		if next != nil {
			next = next.clone()
			next.Acked = true
		}
		changes[key], changes[pendKey] = next, nil
	default:
		// The state stays; the state after this batch waits for its cursor.
		base := prior.clone()
		if base == nil {
			base = &PollState{Phase: phaseBaseline}
			if opts.IncludeExisting {
				base.Phase = ""
			}
		}
		base.Acked = true
		pend := next.clone()
		pend.Acked, pend.Cursor = true, newPollCursor()
		changes[key], changes[pendKey] = base, pend
		b.Cursor = pend.Cursor
	}
	if changes[key] == nil {
		delete(changes, key)
	}
	w, err := fs.stage(changes)
	if err != nil {
		return nil, err
	}
	if ackMode {
		// The pending state must be on disk before the batch is handed out.
		if err := w.commit(); err != nil {
			return nil, err
		}
		b.commit = func() error { return nil }
	} else {
		b.commit = w.commit
		b.close = func() { w.discard(); lock.release() }
	}
	return b, nil
}

func newPollCursor() string {
	var r [12]byte
	_, _ = rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

// bufferedStore reads from base and keeps Puts in memory.
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

// get returns the state Put under key, or nil.
func (s *bufferedStore) get(key string) *PollState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending[key].clone()
}
