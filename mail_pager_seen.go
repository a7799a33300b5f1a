package ews

// recentIDs remembers the last ids a search handed out, up to a fixed number, so that a page asked for at an
// offset stepped back (messages left the view) or shifted (messages arrived ahead of it) does not yield a
// message twice. Memory stays bounded: the oldest id is forgotten when a new one comes in.
type recentIDs struct {
	ring []string
	next int // where the next id goes in ring
	set  map[string]struct{}
}

func newRecentIDs(n int) *recentIDs {
	return &recentIDs{ring: make([]string, 0, n), set: make(map[string]struct{}, n)}
}

// add remembers id, forgetting the oldest one when full.
func (r *recentIDs) add(id string) {
	if _, ok := r.set[id]; ok {
		return
	}
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, id)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % len(r.ring)
	}
	r.set[id] = struct{}{}
}

// has reports whether id was handed out recently.
func (r *recentIDs) has(id string) bool {
	_, ok := r.set[id]
	return ok
}
