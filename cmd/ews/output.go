package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testhook"
)

// output writes an operation's result.
//
// With json (the default) it is one result object, written once the operation has succeeded (a failure
// replaces it with the error result): the items of a list are encoded as they come into a spill buffer (memory,
// then a temporary file), and the object is written around them at the end. Emails are encoded by appendEmail,
// anything else by encoding/json.
//
// With ndjson each item of a list is a line (a result that is one object: its data on one line), written as
// it comes: lines are buffered and written when the buffer fills or ndjsonDelay after the first line not yet
// written, so that a reader at the end of a pipe sees each item within that delay without a write for every
// line.
type output struct {
	w      *bufio.Writer
	ndjson bool
	list   bool
	prog   *progress // counts the items, if set

	items *spill        // json list: the items encoded so far, separated by commas
	buf   []byte        // the item being encoded (reused)
	tmp   bytes.Buffer  // what enc encodes
	enc   *json.Encoder // encodes the items appendEmail does not
	n     int           // items encoded
	one   any           // json, one object: the data

	mu    sync.Mutex  // ndjson: w and timer, shared with the timer's flush
	timer *time.Timer // ndjson: the pending flush, nil if none
	err   error       // ndjson: the error of a timed flush

	// flushed is set once the result has been written completely.
	flushed bool
}

// ndjsonDelay bounds how long an ndjson line waits in the buffer.
const ndjsonDelay = 50 * time.Millisecond

func newOutput(w io.Writer, ndjson, list bool) *output {
	o := &output{w: bufio.NewWriterSize(w, 64<<10), ndjson: ndjson, list: list}
	if list && !ndjson {
		o.items = &spill{}
	}
	o.enc = json.NewEncoder(&o.tmp)
	o.enc.SetEscapeHTML(false)
	return o
}

// encode encodes an item of a list or an ndjson line into o.buf, without a newline: an email by appendEmail
// (most of what a large result holds), anything else by encoding/json.
func (o *output) encode(v any) error {
	if e, ok := v.(*connector.Email); ok && e != nil {
		if b, ok := appendEmail(o.buf[:0], e); ok {
			o.buf = b
			return nil
		}
	}
	o.tmp.Reset()
	if err := o.enc.Encode(v); err != nil {
		return err
	}
	o.buf = append(o.buf[:0], bytes.TrimSuffix(o.tmp.Bytes(), []byte("\n"))...)
	return nil
}

// Write implements connector.Output.
func (o *output) Write(v any) error {
	if o.prog != nil && o.list {
		o.prog.item()
	}
	switch {
	case o.ndjson:
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.err != nil {
			return o.err
		}
		if err := o.encode(v); err != nil {
			return err
		}
		o.buf = append(o.buf, '\n')
		if _, err := o.w.Write(o.buf); err != nil {
			return err
		}
		if o.timer == nil && o.w.Buffered() > 0 {
			o.timer = time.AfterFunc(ndjsonDelay, o.timedFlush)
		}
		return nil
	case o.list:
		if o.n > 0 {
			if _, err := o.items.Write([]byte{','}); err != nil {
				return err
			}
		}
		if err := o.encode(v); err != nil {
			return err
		}
		o.n++
		_, err := o.items.Write(o.buf)
		return err
	}
	o.one = v
	return nil
}

// timedFlush writes the ndjson lines buffered.
func (o *output) timedFlush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	defer func() {
		// A panic here, on the timer's goroutine, would end the process: it fails the output instead, and so
		// the operation, with an internal error.
		if r := recover(); r != nil && o.err == nil {
			o.err = &connector.Error{Code: connector.CodeInternal, Message: fmt.Sprintf("internal error: panic writing the output: %v", r)}
		}
	}()
	o.timer = nil
	testhook.Point("ndjson flush")
	if err := o.w.Flush(); err != nil && o.err == nil {
		o.err = err
	}
}

// Flush implements connector.Output: it writes the result, or what is left of it.
func (o *output) Flush() error {
	if o.ndjson {
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.timer != nil {
			o.timer.Stop()
			o.timer = nil
		}
		if o.err != nil {
			return o.err
		}
	} else if o.list {
		defer o.close()
		if _, err := o.w.WriteString(`{"status":"Success","data":[`); err != nil {
			return err
		}
		if err := o.items.writeTo(o.w); err != nil {
			return err
		}
		if _, err := o.w.WriteString("]}\n"); err != nil {
			return err
		}
	} else {
		b, err := marshal(connector.Success(o.one))
		if err != nil {
			return err
		}
		if _, err := o.w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	if err := o.w.Flush(); err != nil {
		return err
	}
	o.flushed = true
	return nil
}

// close releases the json list's buffer.
func (o *output) close() {
	if o.items != nil {
		o.items.close()
		o.items = nil
	}
}

// abort ends a failed operation's output: with ndjson, the lines already produced are written (the error
// result comes after them); with json nothing is (the error result replaces the result).
func (o *output) abort() {
	o.close()
	if !o.ndjson {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	if o.err == nil {
		_ = o.w.Flush()
	}
}
