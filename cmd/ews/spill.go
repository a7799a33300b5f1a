package main

import (
	"bufio"
	"io"
	"os"
	"runtime"
)

// spillAt is the size past which a spill buffer moves to a temporary file. It is small: a large result costs
// the same written to the file from its first MiB on, while growing a large buffer in memory costs the zeroing
// (and, on a fresh process, the page faults) of every page it takes, twice over as it doubles.
const spillAt = 1 << 20

// spillBuf is the size of the file's write buffer.
const spillBuf = 256 << 10

// spill holds a json result's items until the operation has succeeded: in memory up to spillAt bytes, then in
// a temporary file (mode 0600, unlinked at once where the system allows it, removed at the latest by close),
// so that the command's memory stays flat however large the result.
type spill struct {
	mem  []byte
	f    *os.File
	fw   *bufio.Writer
	name string // the file's name while it is not yet removed
	n    int64  // bytes written
}

// Write implements io.Writer.
func (s *spill) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if s.f == nil && len(s.mem)+len(p) <= spillAt {
		s.mem = append(s.mem, p...)
		s.n += int64(len(p))
		return len(p), nil
	}
	if s.f == nil {
		f, err := os.CreateTemp("", "ews-result-*")
		if err != nil {
			return 0, err
		}
		s.f, s.fw, s.name = f, bufio.NewWriterSize(f, spillBuf), f.Name()
		if runtime.GOOS != "windows" && os.Remove(s.name) == nil {
			s.name = ""
		}
		if _, err := s.fw.Write(s.mem); err != nil {
			return 0, err
		}
		s.mem = nil
	}
	n, err := s.fw.Write(p)
	s.n += int64(n)
	return n, err
}

// writeTo writes what s holds to w.
func (s *spill) writeTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.mem)
		return err
	}
	if err := s.fw.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	// Large reads and writes: a bufio.Writer writes a slice larger than its buffer without copying it.
	buf := make([]byte, spillBuf)
	for left := s.n; left > 0; {
		k, err := io.ReadFull(s.f, buf[:min(int64(len(buf)), left)])
		if err != nil {
			return err
		}
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		left -= int64(k)
	}
	return nil
}

// close releases the file, if any.
func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		if s.name != "" {
			os.Remove(s.name)
		}
		s.f = nil
	}
	s.mem = nil
}
