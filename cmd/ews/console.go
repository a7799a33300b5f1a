package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ewsgo/ews/internal/testhook"
)

// console is stderr as the command's messages for people share it: log lines (--verbose, --trace) and a
// progress status. On a terminal the status is one line redrawn in place, cleared before a log line is written
// and drawn again after it; elsewhere (--progress into a file or pipe) it is a line now and then.
type console struct {
	mu     sync.Mutex
	w      io.Writer
	tty    bool
	status string // the status line shown (tty), "" if none
}

// logLine writes a line, keeping the status line below it.
func (c *console) logLine(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tty && c.status != "" {
		fmt.Fprint(c.w, "\r\x1b[K")
	}
	fmt.Fprintln(c.w, s)
	if c.tty && c.status != "" {
		fmt.Fprint(c.w, c.status)
	}
}

// setStatus shows s as the status: redrawn in place on a terminal, written as a line elsewhere.
func (c *console) setStatus(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.tty {
		fmt.Fprintln(c.w, s)
		return
	}
	if s == c.status {
		return
	}
	fmt.Fprint(c.w, "\r\x1b[K"+s)
	c.status = s
}

// clearStatus removes the status line (terminal).
func (c *console) clearStatus() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tty && c.status != "" {
		fmt.Fprint(c.w, "\r\x1b[K")
	}
	c.status = ""
}

// progress counts an operation's items and shows them with their rate, and the retry or back-off going on, on
// the console: every tick on a terminal, every few seconds and at each retry elsewhere.
type progress struct {
	c     *console
	op    string
	list  bool
	start time.Time
	items atomic.Int64
	every time.Duration

	mu        sync.Mutex
	wait      string    // the retry or back-off going on, e.g. "server busy, waiting 5 s (attempt 2/8)"
	waitUntil time.Time // when it ends

	stop chan struct{}
	done chan struct{}
}

// progressDelay is how long an operation runs before its progress shows: quick ones show none.
const progressDelay = 300 * time.Millisecond

func newProgress(c *console, op string, list bool) *progress {
	p := &progress{c: c, op: op, list: list, start: time.Now(), every: 200 * time.Millisecond,
		stop: make(chan struct{}), done: make(chan struct{})}
	if !c.tty {
		p.every = 5 * time.Second
	}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.done)
	defer func() {
		// The status line is for people only: a panic in it stops it and says so, and leaves the operation and
		// its result alone (they do not depend on it), instead of ending the process.
		if r := recover(); r != nil {
			p.c.logLine(fmt.Sprintf("ews: internal error in the progress display (no more progress is shown): %v", r))
		}
	}()
	testhook.Point("progress")
	first := progressDelay
	if !p.c.tty {
		first = p.every
	}
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.c.setStatus(p.line(time.Now()))
			t.Reset(p.every)
		}
	}
}

// item counts one item written.
func (p *progress) item() { p.items.Add(1) }

// retry records a retry or back-off; it shows at once.
func (p *progress) retry(what string, wait time.Duration) {
	p.mu.Lock()
	p.wait, p.waitUntil = what, time.Now().Add(wait)
	p.mu.Unlock()
	p.c.setStatus(p.line(time.Now()))
}

// line is the status: "ews: search_query: 1,204 items (312/s), 3.9 s; server busy, waiting 5 s (attempt 2/8)".
func (p *progress) line(now time.Time) string {
	el := now.Sub(p.start)
	var b strings.Builder
	fmt.Fprintf(&b, "ews: %s: ", p.op)
	if p.list {
		n := p.items.Load()
		fmt.Fprintf(&b, "%s items", thousands(n))
		if s := el.Seconds(); s >= 0.5 {
			fmt.Fprintf(&b, " (%s/s)", thousands(int64(float64(n)/s+0.5)))
		}
		b.WriteString(", ")
	}
	b.WriteString(seconds(el))
	p.mu.Lock()
	if p.wait != "" && now.Before(p.waitUntil) {
		b.WriteString("; " + p.wait)
	}
	p.mu.Unlock()
	return b.String()
}

// finish stops the progress and clears its line.
func (p *progress) finish() {
	close(p.stop)
	<-p.done
	p.c.clearStatus()
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// seconds writes a duration for people: "850 ms", "3.9 s", "42 s", "2 min 5 s".
func seconds(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < 2*time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()+0.5))
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}
