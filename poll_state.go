package ews

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// PollState is what a Poller keeps about one folder between runs: the server's sync state and the identities of
// the messages it delivered recently. A StateStore saves it.
type PollState struct {
	// SyncState is the SyncFolderItems state of the last change delivered (empty before the first sync).
	SyncState string `json:"sync_state,omitempty"`
	// Phase is "baseline" while the first sync of a folder is under way (it records what is there without
	// delivering it), "resync" while a sync restarted after the server refused SyncState is under way, and
	// empty otherwise.
	Phase string `json:"phase,omitempty"`
	// HighWater is the latest DateTimeReceived of any message seen in the folder. A re-sync delivers only the
	// messages received at or after it that are not in Recent.
	HighWater time.Time `json:"high_water,omitzero"`
	// ResyncFrom is HighWater when the re-sync began: during it, messages received before this time are taken
	// as delivered already.
	ResyncFrom time.Time `json:"resync_from,omitzero"`
	// Recent holds the identities of the changes delivered (or seen during the baseline) most recently, oldest
	// first, at most PollerOptions.RecentIDs of them. It removes the duplicates a crash between delivery and
	// commit, or a re-sync, would cause.
	Recent []string `json:"recent,omitempty"`
	// Acked is set on the state of a folder polled in acknowledged mode (PollOnceOptions.Ack): the state
	// advances past a batch only when a later call acknowledges the batch's cursor.
	Acked bool `json:"acked,omitempty"`
	// Cursor is the cursor of the batch whose state this is, on a state that waits for acknowledgement.
	Cursor string `json:"cursor,omitempty"`
}

// Phases of a PollState.
const (
	phaseBaseline = "baseline"
	phaseResync   = "resync"
)

func (s *PollState) clone() *PollState {
	if s == nil {
		return nil
	}
	c := *s
	c.Recent = slices.Clone(s.Recent)
	return &c
}

// StateStore keeps PollStates, keyed by mailbox and folder. Implementations must be safe for concurrent use.
type StateStore interface {
	// Get returns the state stored under key, or nil and no error when there is none.
	Get(ctx context.Context, key string) (*PollState, error)
	// Put stores st under key. When Put returns nil the state must survive a crash of the process.
	Put(ctx context.Context, key string, st *PollState) error
}

// MemoryStateStore is a StateStore that keeps states in memory, for a poller whose state need not outlive the
// process. The zero value is ready to use.
type MemoryStateStore struct {
	mu     sync.Mutex
	states map[string]*PollState
}

// Get implements StateStore.
func (m *MemoryStateStore) Get(_ context.Context, key string) (*PollState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[key].clone(), nil
}

// Put implements StateStore.
func (m *MemoryStateStore) Put(_ context.Context, key string, st *PollState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.states == nil {
		m.states = map[string]*PollState{}
	}
	m.states[key] = st.clone()
	return nil
}

// FileStateStore is a StateStore that keeps every state in one JSON file. Each Put rewrites the file
// atomically: it writes a temporary file in the same directory, syncs it to disk, renames it over the old file
// and syncs the directory, so that after a crash the file holds either the old or the new states, never a mix.
// One process at a time may use a file.
type FileStateStore struct {
	path   string
	mu     sync.Mutex
	states map[string]*PollState // nil until loaded
}

// NewFileStateStore returns a store that keeps its states in the file at path (created on the first Put; its
// directory must exist).
func NewFileStateStore(path string) (*FileStateStore, error) {
	if path == "" {
		return nil, errors.New("ews: state file path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("ews: state file %q: %w", path, err)
	}
	return &FileStateStore{path: abs}, nil
}

// Path returns the file's absolute path.
func (f *FileStateStore) Path() string { return f.path }

// stateFile is the file's format.
type stateFile struct {
	Version int                   `json:"version"`
	States  map[string]*PollState `json:"states"`
}

// ErrStateFile is matched (errors.Is) when a poll state file could not be read, locked or written: a full disk,
// a read-only directory, missing rights. The error also matches the system's (syscall.ENOSPC, syscall.EROFS,
// ...). Nothing of the batch is recorded: it comes again once the file can be written.
var ErrStateFile = errors.New("ews: poll state file")

// ErrCorruptState is matched (errors.Is) when a state file cannot be read as one.
var ErrCorruptState = errors.New("ews: corrupt poll state")

func (f *FileStateStore) loadLocked() error {
	if f.states != nil {
		return nil
	}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		f.states = map[string]*PollState{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: read: %w", ErrStateFile, err)
	}
	var sf stateFile
	if err := json.Unmarshal(b, &sf); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorruptState, f.path, err)
	}
	if sf.Version != 1 {
		return fmt.Errorf("%w: %s: version %d, want 1", ErrCorruptState, f.path, sf.Version)
	}
	if sf.States == nil {
		sf.States = map[string]*PollState{}
	}
	f.states = sf.States
	return nil
}

// Get implements StateStore.
func (f *FileStateStore) Get(_ context.Context, key string) (*PollState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.loadLocked(); err != nil {
		return nil, err
	}
	return f.states[key].clone(), nil
}

// Put implements StateStore.
func (f *FileStateStore) Put(_ context.Context, key string, st *PollState) error {
	w, err := f.stage(map[string]*PollState{key: st})
	if err != nil {
		return err
	}
	return w.commit()
}

// stagedWrite is a new content of a state file written and synced to a temporary file: commit renames it over
// the file. Staging does everything that can fail for want of room or rights before the caller hands out what
// the new state records as delivered.
type stagedWrite struct {
	f    *FileStateStore
	tmp  string
	next map[string]*PollState
}

// stage writes the file's states with changes applied (a nil state removes its key) to a synced temporary file.
func (f *FileStateStore) stage(changes map[string]*PollState) (*stagedWrite, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.loadLocked(); err != nil {
		return nil, err
	}
	next := make(map[string]*PollState, len(f.states)+len(changes))
	for k, v := range f.states {
		next[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(next, k)
		} else {
			next[k] = v.clone()
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // Message-IDs are <...>
	enc.SetIndent("", " ")
	if err := enc.Encode(stateFile{Version: 1, States: next}); err != nil {
		return nil, fmt.Errorf("ews: encode state: %w", err)
	}
	tmp, err := writeTemp(f.path, b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%w: write: %w", ErrStateFile, err)
	}
	return &stagedWrite{f: f, tmp: tmp, next: next}, nil
}

// commit renames the staged file over the state file and syncs the directory.
func (w *stagedWrite) commit() error {
	if w.tmp == "" {
		return nil
	}
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	tmp := w.tmp
	w.tmp = ""
	if err := os.Rename(tmp, w.f.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%w: write: %w", ErrStateFile, err)
	}
	w.f.states = w.next
	if err := syncDir(filepath.Dir(w.f.path)); err != nil {
		return fmt.Errorf("%w: write: %w", ErrStateFile, err)
	}
	return nil
}

// discard removes the staged file.
func (w *stagedWrite) discard() {
	if w != nil && w.tmp != "" {
		os.Remove(w.tmp)
		w.tmp = ""
	}
}

// writeTemp writes data to a new synced temporary file next to path and returns its name.
func writeTemp(path string, data []byte) (name string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return "", err
	}
	if _, err = tmp.Write(data); err != nil {
		return "", err
	}
	if err = tmp.Sync(); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", err
	}
	return tmp.Name(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// recentSet is the bounded set of recently delivered identities of one folder, oldest first.
type recentSet struct {
	order []string
	has   map[string]bool
	limit int
}

func newRecentSet(ids []string, limit int) *recentSet {
	r := &recentSet{has: make(map[string]bool, len(ids)), limit: limit}
	for _, id := range ids {
		r.add(id)
	}
	return r
}

func (r *recentSet) add(id string) {
	if r.has[id] {
		return
	}
	r.order = append(r.order, id)
	r.has[id] = true
	for len(r.order) > r.limit {
		delete(r.has, r.order[0])
		r.order = r.order[1:]
	}
	if cap(r.order) > 4*r.limit+64 { // do not let the slice's backing array grow without bound
		r.order = slices.Clone(r.order)
	}
}
