package ews

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// A poll state file is owned by one process at a time: PollOnce takes an exclusive advisory lock (flock) on
// "<state file>.lock" before it reads the state and keeps it until the batch is committed or closed. A second
// poll of the same file waits for the lock (at most PollOnceOptions.LockWait), then reads the state the first
// one left, so that two runs never deliver the same messages. The lock is released by the kernel when its
// process dies, kill -9 included.

// ErrStateLocked is matched (errors.Is) when another process held a poll state file's lock for longer than
// PollOnceOptions.LockWait.
var ErrStateLocked = errors.New("ews: poll state file is in use by another process")

// defaultLockWait is how long PollOnce waits for another poll of the same state file.
const defaultLockWait = 2 * time.Minute

// stateLock is a held lock on a state file.
type stateLock struct {
	f *os.File
}

// lockState takes the lock of the state file at path, waiting at most wait (and while ctx lasts).
func lockState(ctx context.Context, path string, wait time.Duration) (*stateLock, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: lock: %w", ErrStateFile, err)
	}
	deadline := time.Now().Add(wait)
	delay := 5 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%w: lock %s: %w", ErrStateFile, name, err)
		}
		if ok {
			return &stateLock{f: f}, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s is locked (another poll of the same state is running; waited %s)", ErrStateLocked, name, wait)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, 200*time.Millisecond)
	}
}

// release releases the lock; it is idempotent.
func (l *stateLock) release() {
	if l == nil || l.f == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
	l.f = nil
}
