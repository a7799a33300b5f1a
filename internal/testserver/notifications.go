package testserver

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Notifications: pull subscriptions (Subscribe + GetEvents) and streaming subscriptions (Subscribe +
// GetStreamingEvents, Exchange 2010 SP1 and later). Events come from each mailbox's change log, which
// notifyLocked appends to; a subscription keeps a cursor into the log. A streaming connection holds the HTTP
// response open and writes one envelope per batch of events, a keep-alive envelope (ConnectionStatus OK) every
// idle "minute", and ConnectionStatus Closed after ConnectionTimeout minutes. Streaming handlers wait without
// s.mu: notifyLocked closes the wake channel to tell them the log has grown.

func init() {
	register("Subscribe", handleSubscribe)
	register("Unsubscribe", handleUnsubscribe)
	register("GetEvents", handleGetEvents)
	register("GetStreamingEvents", handleGetStreamingEvents)
}

// notifyState is the server's subscription and sync bookkeeping, guarded by s.mu.
type notifyState struct {
	syncEpoch uint64
	subs      map[string]*subscription
	expired   map[string]bool // ids of expired subscriptions
	nextSub   int
	wake      chan struct{} // closed (and replaced) when any change log grows or a subscription goes
	streams   map[*stream]bool
	opened    int           // streaming connections opened so far
	changed   chan struct{} // closed (and replaced) when a stream opens, becomes ready or ends
	hold      chan struct{} // while not nil, new streams wait for it to close before their first envelope
	minute    time.Duration // length of a minute for ConnectionTimeout and keep-alives
	closing   chan struct{} // closed when the server shuts down
}

func (n *notifyState) init() {
	n.syncEpoch = rand.Uint64()
	n.subs = map[string]*subscription{}
	n.expired = map[string]bool{}
	n.wake = make(chan struct{})
	n.streams = map[*stream]bool{}
	n.changed = make(chan struct{})
	n.minute = time.Minute
	n.closing = make(chan struct{})
}

// WithStreamingMinute sets how long a "minute" is for streaming connections: the ConnectionTimeout of
// GetStreamingEvents counts in these, and an idle connection gets a keep-alive envelope once per such minute.
// Tests shorten it to see connections close and reconnect.
func WithStreamingMinute(d time.Duration) Option { return func(s *Server) { s.notify.minute = d } }

func (s *Server) wakeLocked() {
	close(s.notify.wake)
	s.notify.wake = make(chan struct{})
}

func (s *Server) streamsChangedLocked() {
	close(s.notify.changed)
	s.notify.changed = make(chan struct{})
}

// subscription is a pull or streaming subscription.
type subscription struct {
	id        string
	owner     string // the account that subscribed
	mb        *Mailbox
	folders   map[string]bool // nil: every folder
	events    map[string]bool
	streaming bool
	timeout   time.Duration // pull: lifetime without a GetEvents
	lastUsed  time.Time
	start     int     // change seq when subscribed (or of the watermark it resumed from)
	cursor    int     // change seq up to which the client has been given events
	connected *stream // streaming: the connection that serves it
}

func (sub *subscription) matches(c change) bool {
	return sub.events[c.kind] && (sub.folders == nil || sub.folders[c.folderID])
}

// collectLocked returns the subscription's events after seq from, at most limit (0: all), the seq to resume
// from, and whether more events remain.
func (sub *subscription) collectLocked(from, limit int) (evs []change, next int, more bool) {
	log := sub.mb.changes
	for i := from; i < len(log); i++ {
		if !sub.matches(log[i]) {
			continue
		}
		if limit > 0 && len(evs) == limit {
			return evs, evs[len(evs)-1].seq, true
		}
		evs = append(evs, log[i])
	}
	return evs, len(log), false
}

var eventTypes = map[string]bool{"CopiedEvent": true, "CreatedEvent": true, "DeletedEvent": true, "ModifiedEvent": true,
	"MovedEvent": true, "NewMailEvent": true, "FreeBusyChangedEvent": true}

// watermark encodes a position in a mailbox's change log.
func watermark(mb *Mailbox, seq int) string {
	return base64.StdEncoding.EncodeToString([]byte("EWSWM1\x00" + strings.ToLower(mb.Address) + "\x00" + strconv.Itoa(seq)))
}

func parseWatermark(mb *Mailbox, w string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(w))
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[0] != "EWSWM1" || parts[1] != strings.ToLower(mb.Address) {
		return 0, false
	}
	seq, err := strconv.Atoi(parts[2])
	if err != nil || seq < 0 || seq > len(mb.changes) {
		return 0, false
	}
	return seq, true
}

// streamingSupported reports whether the server (by its version) and the request (by RequestServerVersion)
// allow streaming notifications: Exchange 2010 SP1 and later.
func (r *request) streamingSupported() bool {
	if p := r.srv.personality; p != nil && p.schema != nil && !p.schema.elements["StreamingSubscriptionRequest"] {
		return false
	}
	v := r.srv.version
	if v.MajorVersion < 14 || v.MajorVersion == 14 && v.MinorVersion < 1 {
		return false
	}
	switch r.version {
	case "Exchange2007", "Exchange2007_SP1", "Exchange2009", "Exchange2010":
		return false
	}
	return true
}

func handleSubscribe(r *request, body *node) error {
	s := r.srv
	pull, streaming, push := body.child("PullSubscriptionRequest"), body.child("StreamingSubscriptionRequest"), body.child("PushSubscriptionRequest")
	req := pull
	switch {
	case pull != nil && streaming == nil && push == nil:
	case streaming != nil && pull == nil && push == nil:
		req = streaming
		if !r.streamingSupported() {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: The element 'Subscribe' in namespace '%s' has invalid child element 'StreamingSubscriptionRequest'.", nsMessages)
		}
	case push != nil && pull == nil && streaming == nil:
		r.messages()
		r.failure("ErrorInvalidSubscriptionRequest", "Push subscriptions are not supported by this server.", "")
		return nil
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: Subscribe must hold exactly one subscription request.")
	}
	types := req.child("EventTypes").kids()
	if len(types) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: EventTypes must hold at least one EventType.")
	}
	events := map[string]bool{}
	for _, t := range types {
		if !eventTypes[t.Text] {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'EventType' element is invalid - The value '%s' is invalid according to its datatype.", t.Text)
		}
		events[t.Text] = true
	}
	timeout := 0
	if pull != nil {
		var err error
		timeout, err = strconv.Atoi(strings.TrimSpace(pull.textOf("Timeout")))
		if err != nil || timeout < 1 || timeout > 1440 {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'Timeout' element is invalid - the value must be 1 to 1440.")
		}
	}
	r.messages()
	all := xsTrue(req.attr("SubscribeToAllFolders"))
	fnodes := req.child("FolderIds").kids()
	if !all && len(fnodes) == 0 {
		r.failure("ErrorInvalidSubscriptionRequest", "The subscription request must name folders or set SubscribeToAllFolders.", "")
		return nil
	}
	mb := r.mailbox
	var folders map[string]bool
	if !all {
		folders = map[string]bool{}
		for i, fn := range fnodes {
			fmb, f, ec := r.resolveFolder(fn)
			if ec != nil {
				r.failure(ec.code, ec.text, "")
				return nil
			}
			if i == 0 {
				mb = fmb
			} else if fmb != mb {
				r.failure("ErrorInvalidSubscriptionRequest", "All the folders of a subscription must be in one mailbox.", "")
				return nil
			}
			folders[f.ID] = true
		}
	}
	start := len(mb.changes)
	if pull != nil {
		if w := pull.textOf("Watermark"); strings.TrimSpace(w) != "" {
			seq, ok := parseWatermark(mb, w)
			if !ok {
				r.failure("ErrorInvalidWatermark", "The watermark used for creating this subscription was not found.", "")
				return nil
			}
			start = seq
		}
	}
	s.notify.nextSub++
	id := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("EWSSUB1\x00%d\x00%d", s.notify.syncEpoch&0xffff, s.notify.nextSub)))
	sub := &subscription{id: id, owner: r.user.Username, mb: mb, folders: folders, events: events, streaming: streaming != nil,
		timeout: time.Duration(timeout) * time.Minute, lastUsed: s.now(), start: start, cursor: start}
	s.notify.subs[id] = sub
	r.success()
	r.w.elem("m:SubscriptionId", id)
	if pull != nil {
		r.w.elem("m:Watermark", watermark(mb, start))
	}
	r.w.close()
	return nil
}

// lookupSub finds the subscription id names for the request's user.
func (r *request) lookupSub(id string, streaming bool) (*subscription, *errorCode) {
	n := &r.srv.notify
	sub := n.subs[strings.TrimSpace(id)]
	if sub == nil {
		if n.expired[strings.TrimSpace(id)] && !streaming {
			return nil, &errorCode{"ErrorExpiredSubscription", "The subscription has expired."}
		}
		return nil, &errorCode{"ErrorSubscriptionNotFound", "The specified subscription was not found."}
	}
	if sub.owner != r.user.Username {
		return nil, &errorCode{"ErrorSubscriptionAccessDenied", "You are not allowed to access this subscription."}
	}
	if sub.streaming != streaming {
		if streaming {
			return nil, &errorCode{"ErrorInvalidSubscription", "The subscription is not a streaming subscription."}
		}
		return nil, &errorCode{"ErrorInvalidPullSubscriptionId", "The subscription is not a pull subscription."}
	}
	return sub, nil
}

func (s *Server) expireLocked(sub *subscription) {
	delete(s.notify.subs, sub.id)
	s.notify.expired[sub.id] = true
	s.wakeLocked()
}

func handleUnsubscribe(r *request, body *node) error {
	id := body.textOf("SubscriptionId")
	if strings.TrimSpace(id) == "" {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: SubscriptionId is required.")
	}
	r.messages()
	sub := r.srv.notify.subs[strings.TrimSpace(id)]
	switch {
	case sub == nil:
		r.failure("ErrorSubscriptionNotFound", "The specified subscription was not found.", "")
	case sub.owner != r.user.Username:
		r.failure("ErrorSubscriptionAccessDenied", "You are not allowed to access this subscription.", "")
	default:
		delete(r.srv.notify.subs, sub.id)
		r.srv.wakeLocked()
		r.success()
		r.w.close()
	}
	return nil
}

// maxPullEvents is the most events one GetEvents returns; MoreEvents tells the client to ask again.
const maxPullEvents = 50

func handleGetEvents(r *request, body *node) error {
	s := r.srv
	id, wm := body.textOf("SubscriptionId"), body.textOf("Watermark")
	if strings.TrimSpace(id) == "" || strings.TrimSpace(wm) == "" {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: SubscriptionId and Watermark are required.")
	}
	r.messages()
	sub, ec := r.lookupSub(id, false)
	if ec != nil {
		r.failure(ec.code, ec.text, "")
		return nil
	}
	now := s.now()
	if now.Sub(sub.lastUsed) > sub.timeout {
		s.expireLocked(sub)
		r.failure("ErrorExpiredSubscription", "The subscription has expired.", "")
		return nil
	}
	seq, ok := parseWatermark(sub.mb, wm)
	if !ok || seq < sub.start {
		r.failure("ErrorInvalidWatermark", "The watermark is not valid for this subscription.", "")
		return nil
	}
	sub.lastUsed, sub.cursor = now, seq
	evs, next, more := sub.collectLocked(seq, maxPullEvents)
	r.success()
	r.w.open("m:Notification")
	r.w.elem("t:SubscriptionId", sub.id).elem("t:PreviousWatermark", watermark(sub.mb, seq)).elemBool("t:MoreEvents", more)
	if len(evs) == 0 {
		r.w.open("t:StatusEvent").elem("t:Watermark", watermark(sub.mb, next)).close()
	}
	for _, c := range evs {
		writeEvent(&r.w, sub.mb, c)
	}
	r.w.close().close()
	return nil
}

func writeEvent(w *xw, mb *Mailbox, c change) {
	w.open("t:"+c.kind).elem("t:Watermark", watermark(mb, c.seq)).elemTime("t:TimeStamp", c.time)
	w.empty("t:ItemId", "Id", c.itemID, "ChangeKey", c.changeKey)
	fck := ""
	if f := mb.folders[c.folderID]; f != nil {
		fck = f.ChangeKey
	}
	w.empty("t:ParentFolderId", "Id", c.folderID, "ChangeKey", fck)
	w.close()
}

// stream is one open GetStreamingEvents connection.
type stream struct {
	subs     []*subscription
	timeout  time.Duration
	ready    bool // the first envelope was written
	drop     chan struct{}
	dropOnce sync.Once
}

func handleGetStreamingEvents(r *request, body *node) error {
	if !r.streamingSupported() {
		return faultf("ErrorInvalidRequest", "The request is invalid: streaming notifications need Exchange 2010 SP1 or later.")
	}
	ids := body.child("SubscriptionIds").kids()
	minutes, err := strconv.Atoi(strings.TrimSpace(body.textOf("ConnectionTimeout")))
	if len(ids) == 0 || err != nil || minutes < 1 || minutes > 30 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: SubscriptionIds and a ConnectionTimeout of 1 to 30 are required.")
	}
	r.messages()
	st := &stream{timeout: time.Duration(minutes) * r.srv.notify.minute, drop: make(chan struct{})}
	var bad []string
	var code *errorCode
	for _, n := range ids {
		sub, ec := r.lookupSub(n.Text, true)
		if ec != nil {
			bad, code = append(bad, n.Text), ec
			continue
		}
		st.subs = append(st.subs, sub)
	}
	if len(bad) > 0 {
		r.w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Error")
		r.w.elem("m:MessageText", code.text).elem("m:ResponseCode", code.code).elem("m:DescriptiveLinkKey", "0")
		r.w.open("m:ErrorSubscriptionIds")
		for _, id := range bad {
			r.w.elem("t:SubscriptionId", id)
		}
		r.w.close().close()
		return nil
	}
	for _, sub := range st.subs {
		sub.connected = st // a newer connection takes the subscription over
	}
	r.srv.wakeLocked()
	r.stream = st
	return nil
}

// streamEnvelope builds one envelope of a GetStreamingEvents response around one response message.
func (s *Server) streamEnvelope(first bool, msg func(w *xw)) []byte {
	var w xw
	if first {
		w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	}
	w.open("s:Envelope", "xmlns:s", nsSoap).open("s:Header")
	s.writeVersionInfo(&w)
	w.close().open("s:Body", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance", "xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
	w.open("m:GetStreamingEventsResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes).open("m:ResponseMessages")
	msg(&w)
	for len(w.stack) > 0 {
		w.close()
	}
	return w.buf.Bytes()
}

func statusMessage(status string) func(w *xw) {
	return func(w *xw) {
		w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Success").elem("m:ResponseCode", "NoError")
		w.elem("m:ConnectionStatus", status).close()
	}
}

type batch struct {
	sub  *subscription
	prev int
	evs  []change
}

// serveStream writes the envelopes of one streaming connection until it times out, its subscriptions go, the
// client goes, the server shuts down, or a test drops it. It runs without s.mu, taking it to read the logs.
func (s *Server) serveStream(w http.ResponseWriter, hr *http.Request, st *stream) {
	n := &s.notify
	ctx := hr.Context()
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	s.mu.Lock()
	n.streams[st] = true
	n.opened++
	s.streamsChangedLocked()
	hold := n.hold
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(n.streams, st)
		for _, sub := range st.subs {
			if sub.connected == st {
				sub.connected = nil
			}
		}
		s.streamsChangedLocked()
		s.mu.Unlock()
	}()
	if hold != nil {
		select {
		case <-hold:
		case <-st.drop:
			hijackClose(w)
			return
		case <-ctx.Done():
			return
		case <-n.closing:
			return
		}
	}
	first := true
	write := func(msg func(w *xw)) bool {
		env := s.streamEnvelope(first, msg)
		first = false
		s.capture("resp", "GetStreamingEvents", env)
		if _, err := w.Write(env); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	if !write(statusMessage("OK")) {
		return
	}
	s.mu.Lock()
	st.ready = true
	s.streamsChangedLocked()
	s.mu.Unlock()
	deadline := time.NewTimer(st.timeout)
	defer deadline.Stop()
	keepAlive := time.NewTicker(n.minute)
	defer keepAlive.Stop()
	for {
		select {
		case <-st.drop: // a drop wins over events that are ready to be written
			hijackClose(w)
			return
		default:
		}
		s.mu.Lock()
		wake := n.wake
		var lost []string
		var batches []batch
		owned := 0
		for _, sub := range st.subs {
			if n.subs[sub.id] != sub {
				lost = append(lost, sub.id)
				continue
			}
			if sub.connected != st {
				continue
			}
			owned++
			evs, next, _ := sub.collectLocked(sub.cursor, 0)
			if len(evs) > 0 {
				batches = append(batches, batch{sub, sub.cursor, evs})
			}
			sub.cursor = next
		}
		s.mu.Unlock()
		if len(batches) > 0 && !write(func(w *xw) {
			w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Success").elem("m:ResponseCode", "NoError")
			w.open("m:Notifications")
			for _, b := range batches {
				w.open("t:Notification").elem("t:SubscriptionId", b.sub.id).elem("t:PreviousWatermark", watermark(b.sub.mb, b.prev)).elemBool("t:MoreEvents", false)
				for _, c := range b.evs {
					writeEvent(w, b.sub.mb, c)
				}
				w.close()
			}
			w.close().close()
		}) {
			return
		}
		if len(lost) > 0 {
			write(func(w *xw) {
				w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Error")
				w.elem("m:MessageText", "The specified subscription was not found.").elem("m:ResponseCode", "ErrorSubscriptionNotFound").elem("m:DescriptiveLinkKey", "0")
				w.open("m:ErrorSubscriptionIds")
				for _, id := range lost {
					w.elem("t:SubscriptionId", id)
				}
				w.close().close()
			})
			return
		}
		if owned == 0 {
			write(statusMessage("Closed"))
			return
		}
		select {
		case <-wake:
		case <-keepAlive.C:
			if !write(statusMessage("OK")) {
				return
			}
		case <-deadline.C:
			write(statusMessage("Closed"))
			return
		case <-n.closing:
			write(statusMessage("Closed"))
			return
		case <-st.drop:
			hijackClose(w)
			return
		case <-ctx.Done():
			return
		}
	}
}

// hijackClose drops the connection under a response without ending it, as a network failure would.
func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
}

// ExpireSubscriptions ends every subscription as its lifetime running out would: GetEvents then answers
// ErrorExpiredSubscription, GetStreamingEvents ErrorSubscriptionNotFound, and open streaming connections send
// ErrorSubscriptionNotFound for them and close.
func (s *Server) ExpireSubscriptions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.notify.subs {
		s.expireLocked(sub)
	}
}

// DropStreamingConnections closes every open streaming connection abruptly, as a network failure would: the
// client sees the chunked response end without its last chunk. Events the server was about to write are not
// written; the subscriptions stay valid.
func (s *Server) DropStreamingConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for st := range s.notify.streams {
		st.dropOnce.Do(func() { close(st.drop) })
	}
}

// HoldStreams makes new streaming connections wait, after the server has accepted them, before they send their
// first envelope, until release is called. Tests use it to make changes while a client reconnects.
func (s *Server) HoldStreams() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hold := make(chan struct{})
	s.notify.hold = hold
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.notify.hold == hold {
				s.notify.hold = nil
			}
			close(hold)
		})
	}
}

// StreamsOpened returns how many streaming connections the server has accepted so far.
func (s *Server) StreamsOpened() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify.opened
}

// WaitStreamsOpened blocks until the server has accepted at least n streaming connections in all, or ctx ends.
func (s *Server) WaitStreamsOpened(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		opened, ch := s.notify.opened, s.notify.changed
		s.mu.Unlock()
		if opened >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitStreams blocks until at least n streaming connections are open and have sent their first envelope, or ctx
// ends.
func (s *Server) WaitStreams(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ready := 0
		for st := range s.notify.streams {
			if st.ready {
				ready++
			}
		}
		ch := s.notify.changed
		s.mu.Unlock()
		if ready >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Subscriptions returns how many subscriptions are live.
func (s *Server) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.notify.subs)
}

// stopStreams ends every streaming connection (server shutdown).
func (s *Server) stopStreams() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.notify.closing:
	default:
		close(s.notify.closing)
	}
}
