package ews

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testhook"
)

// Watch delivers changes to h as they happen, until ctx ends. It synchronises every folder first, then waits
// for notifications (streaming where the server has them, pull otherwise; see PollerOptions.Notifications) and
// synchronises the mailbox a notification concerns. A notification is only a cue: what is delivered always comes
// from SyncFolderItems, so after a dropped connection or an expired subscription Watch reconnects or subscribes
// again and synchronises before it waits, and nothing that arrived in between is missed.
//
// Mailboxes are watched concurrently; h is called for one event at a time. Watch returns ctx's error when ctx
// ends, a *HandlerError when h fails (the event is delivered again by the next Poll or Watch), StateStore
// failures, and the errors of its settings that the first synchronisation finds (a folder or mailbox that does
// not exist, access denied, credentials refused), and a *StreamingError when streaming connections keep breaking
// as soon as they are established (Config.Retry's MaxAttempts in a row, without a notification). It recovers from
// everything else (a server that is down or busy, a dropped connection, an expired subscription), waiting
// PollerOptions.RetryDelay, doubling, between attempts and passing the errors to PollerOptions.OnError.
func (p *Poller) Watch(ctx context.Context, h MailHandler) error {
	if h == nil {
		return errors.New("ews: Watch: handler is nil")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(p.mailboxes))
	for _, mb := range p.mailboxes {
		go func() { errc <- p.watchMailboxRecovered(ctx, mb, h) }()
	}
	var first error
	for range p.mailboxes {
		err := <-errc
		if err != nil && first == nil && !(errors.Is(err, context.Canceled) && ctx.Err() != nil) {
			first = err
			cancel()
		}
	}
	if first == nil {
		first = context.Cause(ctx)
	}
	return first
}

// Events returns the changes as a sequence, as Watch delivers them: each event counts as delivered once the loop
// body has run for it (also when the body breaks out of the loop), and the sequence ends when ctx ends or the
// body breaks. Errors Watch does not recover from are yielded last. To have events delivered again on failure,
// use Watch with a handler that returns an error.
func (p *Poller) Events(ctx context.Context) iter.Seq2[*MailEvent, error] {
	return func(yield func(*MailEvent, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type delivery struct {
			ev   *MailEvent
			done chan error
		}
		ch := make(chan delivery)
		errc := make(chan error, 1)
		go func() {
			var err error
			defer func() {
				if v := recover(); v != nil {
					err = p.panicErr("Events", v)
				}
				errc <- err
			}()
			err = p.Watch(ctx, func(hctx context.Context, ev *MailEvent) error {
				d := delivery{ev, make(chan error, 1)}
				select {
				case ch <- d:
				case <-hctx.Done():
					return hctx.Err()
				}
				return <-d.done // nil once the body has run: the event is delivered
			})
		}()
		for {
			select {
			case d := <-ch:
				more, ran := false, false
				func() {
					defer func() {
						if !ran { // the body panicked: the event is not delivered
							d.done <- errors.New("ews: the loop body panicked")
							cancel()
							<-errc
						}
					}()
					more = yield(d.ev, nil)
					ran = true
				}()
				d.done <- nil
				if !more {
					cancel()
					<-errc
					return
				}
			case err := <-errc:
				if err != nil && ctx.Err() == nil {
					yield(nil, err)
				}
				return
			}
		}
	}
}

// watchMailboxRecovered is watchMailbox, with a panic (of the handler or of the SDK) returned as a *PanicError:
// Watch stops with it, and the event being handled is not recorded as delivered.
func (p *Poller) watchMailboxRecovered(ctx context.Context, mb *watchedMailbox, h MailHandler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = mb.c.panicErr("Watch", v)
		}
	}()
	testhook.Point("Watch")
	return p.watchMailbox(ctx, mb, h)
}

// panicErr is the error for a panic recovered in one of the poller's goroutines.
func (p *Poller) panicErr(where string, v any) error {
	if len(p.mailboxes) > 0 {
		return p.mailboxes[0].c.panicErr(where, v)
	}
	return newPanicError(where, v)
}

// errFallBackToPull tells watchMailbox that the server refused a streaming subscription.
var errFallBackToPull = errors.New("ews: streaming notifications refused")

func (p *Poller) watchMailbox(ctx context.Context, mb *watchedMailbox, h MailHandler) error {
	// The first synchronisation fails fast on errors of configuration; it retries the others (a server that
	// is down or busy).
	bo := &retryBackoff{first: p.opts.RetryDelay}
	for {
		err := p.syncMailbox(ctx, mb, h)
		if err == nil {
			break
		}
		if watchFatal(ctx, err) || misconfigured(err) {
			return err
		}
		p.report(fmt.Errorf("ews: %s: %w", mb.name(), err))
		if err := bo.wait(ctx); err != nil {
			return err
		}
	}
	mode := p.modeFor(mb.c)
	for {
		var err error
		switch mode {
		case NotifyStreaming:
			err = p.streamLoop(ctx, mb, h)
		case NotifyPull:
			err = p.pullLoop(ctx, mb, h)
		default:
			err = p.intervalLoop(ctx, mb, h)
		}
		if errors.Is(err, errFallBackToPull) {
			mode = NotifyPull
			continue
		}
		return err
	}
}

// modeFor picks the notification mode for a mailbox's client.
func (p *Poller) modeFor(c *Client) NotifyMode {
	if c.graph != nil {
		// Graph's change notifications need a public HTTPS endpoint (a webhook) the SDK does not run: over the
		// graph backend Watch synchronises (one delta request per folder) every Interval.
		return NotifyNone
	}
	if p.opts.Notifications != NotifyAuto {
		return p.opts.Notifications
	}
	if !c.streamingSupported() {
		return NotifyPull
	}
	if c.cfg.HTTPClient == nil && len(p.mailboxes) >= c.cfg.MaxConcurrency {
		return NotifyPull // each stream holds one of the MaxConcurrency connections
	}
	return NotifyStreaming
}

// fatal reports whether Watch must stop on err rather than retry.
func watchFatal(ctx context.Context, err error) bool {
	var he *HandlerError
	var se *stateError
	return ctx.Err() != nil || errors.As(err, &he) || errors.As(err, &se) || errors.Is(err, ErrInvalidFolder)
}

// misconfigured reports whether err comes from the poller's settings (a folder or mailbox that does not exist
// or may not be read, credentials the server refuses) rather than from the server's state.
func misconfigured(err error) bool {
	for _, target := range []error{ErrFolderNotFound, ErrAccessDenied, ErrNonExistentMailbox, ErrImpersonateUserDenied,
		ErrUnauthorized, ErrInvalidRequest, ErrSchemaValidation, ErrInvalidIDMalformed, ErrInvalidFolder} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// subscriptionGone reports whether err means the subscription must be made again.
func subscriptionGone(err error) bool {
	return errors.Is(err, ErrSubscriptionNotFound) || errors.Is(err, ErrExpiredSubscription) ||
		errors.Is(err, &Error{Code: "ErrorInvalidSubscription"}) || errors.Is(err, &Error{Code: "ErrorInvalidWatermark"}) ||
		errors.Is(err, &Error{Code: "ErrorSubscriptionUnsubscribed"})
}

// streamingRefused reports whether Subscribe failed because the server does not do streaming notifications.
func streamingRefused(err error) bool {
	return errors.Is(err, ErrSchemaValidation) || errors.Is(err, ErrInvalidRequest) || errors.Is(err, ErrInvalidServerVersion) ||
		errors.Is(err, &Error{Code: "ErrorInvalidSubscriptionRequest"})
}

func (mb *watchedMailbox) name() string {
	if mb.c.Mailbox() == "" {
		return "own mailbox"
	}
	return mb.c.Mailbox()
}

// wireFolders resolves the mailbox's folders for Subscribe.
func (mb *watchedMailbox) wireFolders(ctx context.Context) ([]soap.FolderRef, error) {
	var out []soap.FolderRef
	for _, f := range mb.folders {
		ref, err := mb.c.wireFolder(ctx, "PollerOptions.Folders", f.folder)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}

// retryBackoff waits between retries: RetryDelay, doubling up to 2 minutes, with ±20% jitter.
type retryBackoff struct {
	first, next time.Duration
}

func (b *retryBackoff) wait(ctx context.Context) error {
	d := b.next
	if d == 0 {
		d = b.first
	}
	b.next = min(2*d, 2*time.Minute)
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return sleepCtx(ctx, d)
}

func (b *retryBackoff) reset() { b.next = 0 }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// unsubscribeLater ends a subscription when Watch returns, without the cancelled context.
func (p *Poller) unsubscribeLater(ctx context.Context, mb *watchedMailbox, id *string) {
	if *id == "" {
		return
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := mb.c.unsubscribe(uctx, *id); err != nil && !subscriptionGone(err) {
		p.report(fmt.Errorf("ews: %s: unsubscribe: %w", mb.name(), err))
	}
}

// streamLoop watches a mailbox with streaming notifications: one subscription, one connection at a time.
func (p *Poller) streamLoop(ctx context.Context, mb *watchedMailbox, h MailHandler) error {
	folders, err := mb.wireFolders(ctx)
	if err != nil {
		return err
	}
	var subID string
	defer p.unsubscribeLater(ctx, mb, &subID)
	bo := &retryBackoff{first: p.opts.RetryDelay}
	// failed counts the connections in a row that were established and then failed without a notification;
	// the client's RetryPolicy.MaxAttempts of them end Watch with a *StreamingError.
	failed, maxFailed := 0, mb.c.shared.retry.MaxAttempts
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if subID == "" {
			id, _, err := mb.c.subscribe(ctx, folders, 0)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if streamingRefused(err) {
					if p.opts.Notifications != NotifyAuto {
						// Asked for streaming, which this server refuses for good: retrying would wait forever.
						return fmt.Errorf("ews: %s: streaming notifications refused (PollerOptions.Notifications is %q): %w", mb.name(), p.opts.Notifications, err)
					}
					p.report(fmt.Errorf("ews: %s: streaming notifications refused, using pull notifications: %w", mb.name(), err))
					return errFallBackToPull
				}
				p.report(fmt.Errorf("ews: %s: subscribe: %w", mb.name(), err))
				if err := bo.wait(ctx); err != nil {
					return err
				}
				continue
			}
			subID = id
		}
		connected, notified, err := p.readStream(ctx, mb, subID, h)
		if err != nil && watchFatal(ctx, err) {
			return err
		}
		if subscriptionGone(err) {
			subID = ""
		}
		switch {
		case notified || connected && err == nil:
			// A notification came, or the server ended the connection normally: the stream works.
			failed = 0
			bo.reset()
		case connected:
			// Established, then broken before a single notification: what a hostile or broken server (or proxy)
			// does on every connection. Reconnecting forever would only repeat it.
			failed++
			if failed >= maxFailed {
				return &StreamingError{Mailbox: mb.name(), Connections: failed, Err: err}
			}
		}
		if err != nil {
			p.report(fmt.Errorf("ews: %s: streaming notifications: %w", mb.name(), err))
		}
		if err != nil || !connected {
			if err := bo.wait(ctx); err != nil {
				return err
			}
		}
	}
}

// readStream opens one streaming connection and follows it until it ends. It synchronises the mailbox when the
// connection is established (to catch up with what happened while there was none) and after each notification.
// It returns whether the connection was established, whether it brought a notification, and nil when the server
// closed it normally.
func (p *Poller) readStream(ctx context.Context, mb *watchedMailbox, subID string, h MailHandler) (connected, notified bool, err error) {
	sctx, cancel := context.WithTimeout(ctx, time.Duration(p.opts.StreamMinutes)*time.Minute+2*time.Minute)
	defer cancel()
	st, err := mb.c.openStream(sctx, subID, p.opts.StreamMinutes)
	if err != nil {
		return false, false, err
	}
	defer st.close()
	for {
		m, err := st.next(sctx)
		if err == io.EOF {
			return connected, notified, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return connected, notified, ctx.Err()
			}
			return connected, notified, err
		}
		doSync := m.Notifications > 0
		notified = notified || doSync
		if !connected {
			connected, doSync = true, true
		}
		if doSync {
			if err := p.syncMailbox(ctx, mb, h); err != nil {
				return connected, notified, err
			}
		}
		if m.ConnectionStatus == soap.ConnectionClosed {
			return connected, notified, nil
		}
	}
}

// ErrStreamingFailed is matched (errors.Is) by the *StreamingError Watch returns when a mailbox's streaming
// connections keep breaking.
var ErrStreamingFailed = errors.New("ews: streaming notifications keep failing")

// StreamingError ends Watch when the streaming connections of a mailbox were established and then broke, one
// after another, without a single notification: Config.Retry's MaxAttempts of them in a row (8 by default; a
// connection that brings a notification, or that the server ends normally, starts the count again). Waits
// between them double from PollerOptions.RetryDelay as between retries of a request. A server (or proxy) that
// does this breaks every connection; reconnecting forever would only repeat it. Watch again later, or use
// PollerOptions.Notifications NotifyPull.
type StreamingError struct {
	// Mailbox is the mailbox whose connections failed.
	Mailbox string
	// Connections is the number of connections in a row that failed.
	Connections int
	// Err is the error of the last one.
	Err error
}

// Error implements error.
func (e *StreamingError) Error() string {
	return fmt.Sprintf("ews: %s: gave up after %d streaming connections in a row broke without a notification; the last: %v",
		e.Mailbox, e.Connections, e.Err)
}

// Unwrap returns ErrStreamingFailed and the last connection's error.
func (e *StreamingError) Unwrap() []error { return []error{ErrStreamingFailed, e.Err} }

// pullLoop watches a mailbox with a pull subscription, asking for events every Interval.
func (p *Poller) pullLoop(ctx context.Context, mb *watchedMailbox, h MailHandler) error {
	folders, err := mb.wireFolders(ctx)
	if err != nil {
		return err
	}
	// The subscription lives three intervals without a GetEvents.
	minutes := min(max(int(3*p.opts.Interval/time.Minute)+1, 1), 1440)
	var subID, watermark string
	defer p.unsubscribeLater(ctx, mb, &subID)
	bo := &retryBackoff{first: p.opts.RetryDelay}
	needSync := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if subID == "" {
			id, w, err := mb.c.subscribe(ctx, folders, minutes)
			if err != nil {
				if watchFatal(ctx, err) {
					return err
				}
				p.report(fmt.Errorf("ews: %s: subscribe: %w", mb.name(), err))
				if err := bo.wait(ctx); err != nil {
					return err
				}
				continue
			}
			subID, watermark, needSync = id, w, true // catch up with what came before the subscription
		}
		if needSync {
			if err := p.syncMailbox(ctx, mb, h); err != nil {
				if watchFatal(ctx, err) {
					return err
				}
				p.report(fmt.Errorf("ews: %s: %w", mb.name(), err))
				if err := bo.wait(ctx); err != nil {
					return err
				}
				continue
			}
			needSync = false
			bo.reset()
		}
		if err := sleepCtx(ctx, p.opts.Interval); err != nil {
			return err
		}
		for more := true; more; {
			n, err := mb.c.pullEvents(ctx, subID, watermark)
			if err != nil {
				if watchFatal(ctx, err) {
					return err
				}
				p.report(fmt.Errorf("ews: %s: pull notifications: %w", mb.name(), err))
				if subscriptionGone(err) {
					subID = ""
				} else if err := bo.wait(ctx); err != nil {
					return err
				}
				needSync = true
				break
			}
			for _, e := range n.Events {
				if e.Watermark != "" {
					watermark = e.Watermark
				}
				if e.Kind() != soap.EventStatus {
					needSync = true
				}
			}
			more = n.MoreEvents
		}
	}
}

// intervalLoop synchronises a mailbox every Interval.
func (p *Poller) intervalLoop(ctx context.Context, mb *watchedMailbox, h MailHandler) error {
	bo := &retryBackoff{first: p.opts.RetryDelay}
	for {
		if err := sleepCtx(ctx, p.opts.Interval); err != nil {
			return err
		}
		if err := p.syncMailbox(ctx, mb, h); err != nil {
			if watchFatal(ctx, err) {
				return err
			}
			p.report(fmt.Errorf("ews: %s: %w", mb.name(), err))
			if err := bo.wait(ctx); err != nil {
				return err
			}
			continue
		}
		bo.reset()
	}
}
