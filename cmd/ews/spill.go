package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
)

// spillAt is the size past which a spill buffer moves to a temporary file.
const spillAt = 8 << 20

// spill holds a json result's items until the operation has succeeded: in memory up to spillAt bytes, then in
// a temporary file (mode 0600, unlinked at once where the system allows it, removed at the latest by close),
// so that the command's memory stays flat however large the result, and growing a large buffer (which zeroes
// every page it takes) costs nothing.
type spill struct {
	mem  bytes.Buffer
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
	s.n += int64(len(p))
	if s.f == nil && s.mem.Len()+len(p) <= spillAt {
		return s.mem.Write(p)
	}
	if s.f == nil {
		f, err := os.CreateTemp("", "ews-result-*")
		if err != nil {
			return 0, err
		}
		s.f, s.fw, s.name = f, bufio.NewWriterSize(f, 256<<10), f.Name()
		if runtime.GOOS != "windows" && os.Remove(s.name) == nil {
			s.name = ""
		}
		if _, err := s.fw.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	return s.fw.Write(p)
}

// writeTo writes what s holds to w.
func (s *spill) writeTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.mem.Bytes())
		return err
	}
	if err := s.fw.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.CopyN(w, s.f, s.n)
	return err
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
}
