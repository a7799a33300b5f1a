package testserver

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	register("SyncFolderItems", handleSyncFolderItems)
}

// A sync state names a folder and holds what the client knows of it: for each item it has been told about, the
// item's content version and read flag. SyncFolderItems compares it with the folder's items and returns the
// differences, so an old state stays usable (a client that restarts from a state it saved earlier gets the
// changes since then again). The state carries the server's sync epoch: ExpireSyncStates changes the epoch, and
// every older state is then refused with ErrorInvalidSyncStateData. Like Exchange's, the state is gzip'd and
// base64'd; a CRC rejects altered states.

const syncMagic = "EWSSYNC1"

type knownItem struct {
	version int
	read    bool
}

type syncState struct {
	epoch  uint64
	folder string
	known  map[int]knownItem // item number -> what the client knows
}

func (st *syncState) encode() string {
	var raw bytes.Buffer
	raw.WriteString(syncMagic)
	raw.Write(binary.AppendUvarint(nil, st.epoch))
	raw.Write(binary.AppendUvarint(nil, uint64(len(st.folder))))
	raw.WriteString(st.folder)
	nums := make([]int, 0, len(st.known))
	for n := range st.known {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	raw.Write(binary.AppendUvarint(nil, uint64(len(nums))))
	prev := 0
	for _, n := range nums {
		k := st.known[n]
		raw.Write(binary.AppendUvarint(nil, uint64(n-prev)))
		raw.Write(binary.AppendUvarint(nil, uint64(k.version)))
		if k.read {
			raw.WriteByte(1)
		} else {
			raw.WriteByte(0)
		}
		prev = n
	}
	raw.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(raw.Bytes())))
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(raw.Bytes())
	_ = zw.Close()
	return base64.StdEncoding.EncodeToString(z.Bytes())
}

var errBadSyncState = errors.New("bad sync state")

func decodeSyncState(s string) (*syncState, error) {
	z, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errBadSyncState
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, errBadSyncState
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil || len(raw) < len(syncMagic)+4 || string(raw[:len(syncMagic)]) != syncMagic {
		return nil, errBadSyncState
	}
	body, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return nil, errBadSyncState
	}
	r := bytes.NewReader(body[len(syncMagic):])
	st := &syncState{known: map[int]knownItem{}}
	if st.epoch, err = binary.ReadUvarint(r); err != nil {
		return nil, errBadSyncState
	}
	flen, err := binary.ReadUvarint(r)
	if err != nil || flen > uint64(r.Len()) {
		return nil, errBadSyncState
	}
	folder := make([]byte, flen)
	_, _ = io.ReadFull(r, folder)
	st.folder = string(folder)
	count, err := binary.ReadUvarint(r)
	if err != nil || count > uint64(r.Len()) {
		return nil, errBadSyncState
	}
	n := 0
	for i := uint64(0); i < count; i++ {
		d, err1 := binary.ReadUvarint(r)
		v, err2 := binary.ReadUvarint(r)
		b, err3 := r.ReadByte()
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, errBadSyncState
		}
		n += int(d)
		st.known[n] = knownItem{version: int(v), read: b == 1}
	}
	return st, nil
}

// itemNumber returns the sequence number in an item id of this server.
func itemNumber(id string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != idPrefix || parts[2] != "I" {
		return 0, false
	}
	n, err := strconv.Atoi(parts[3])
	return n, err == nil
}

// itemIDOf rebuilds the id of item number n of mb (for items that no longer exist).
func (mb *Mailbox) itemIDOf(n int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%s\x00%s\x00%s\x00%08d", idPrefix, mb.Address, "I", n)))
}

// contentHash hashes what a client sees of an item, except its read flag and change key, so that a change of
// the read flag alone is told apart (ReadFlagChange) from other changes (Update).
func contentHash(it *Item) uint64 {
	c := it.clone()
	c.IsRead = false
	c.ChangeKey = ""
	c.LastModifiedTime = time.Time{}
	b, err := json.Marshal(&c)
	if err != nil {
		panic(err) // a bug in the item model
	}
	h := fnv.New64a()
	_, _ = h.Write(b)
	return h.Sum64()
}

// ExpireSyncStates makes every sync state the server has handed out invalid, as when Exchange discards them:
// SyncFolderItems then answers ErrorInvalidSyncStateData until the client starts over without a state.
func (s *Server) ExpireSyncStates() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notify.syncEpoch++
}

type syncChange struct {
	kind string // Create, Update, Delete, ReadFlagChange
	n    int
	it   *Item // nil for Delete
}

// syncChangesLocked returns what changed in folder f since sync state st: deletions first (by item number),
// then creations, updates and read-flag changes in the order they happened. SyncFolderItems and Graph's
// message delta both page through it.
func syncChangesLocked(mb *Mailbox, f *Folder, st *syncState) []syncChange {
	var changes []syncChange
	present := map[int]bool{}
	for _, it := range mb.itemsInLocked(f.ID) {
		n, ok := itemNumber(it.ID)
		if !ok {
			continue
		}
		present[n] = true
		k, known := st.known[n]
		switch {
		case !known:
			changes = append(changes, syncChange{"Create", n, it})
		case k.version != it.contentVersion:
			changes = append(changes, syncChange{"Update", n, it})
		case k.read != it.IsRead:
			changes = append(changes, syncChange{"ReadFlagChange", n, it})
		}
	}
	var deletes []syncChange
	for n := range st.known {
		if !present[n] {
			deletes = append(deletes, syncChange{"Delete", n, nil})
		}
	}
	sort.Slice(deletes, func(i, j int) bool { return deletes[i].n < deletes[j].n })
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].it.lastChange < changes[j].it.lastChange })
	changes = append(deletes, changes...)
	return changes
}

func handleSyncFolderItems(r *request, body *node) error {
	shapeNode := body.child("ItemShape")
	target := body.child("SyncFolderId")
	if shapeNode == nil || target == nil || len(target.kids()) != 1 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemShape and SyncFolderId are required.")
	}
	maxText := body.textOf("MaxChangesReturned")
	max, err := strconv.Atoi(strings.TrimSpace(maxText))
	if err != nil || max < 1 || max > 512 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'MaxChangesReturned' element is invalid - The value '%s' is invalid according to its datatype - The MaxInclusive constraint failed (1 to 512).", maxText)
	}
	switch scope := body.textOf("SyncScope"); scope {
	case "", "NormalItems", "NormalAndAssociatedItems":
	default:
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'SyncScope' element is invalid - The value '%s' is invalid according to its datatype.", scope)
	}
	shape := parseShape(shapeNode)
	r.messages()
	mb, f, ec := r.resolveFolder(target.kids()[0])
	if ec != nil {
		r.failure(ec.code, ec.text, "")
		return nil
	}
	st := &syncState{known: map[int]knownItem{}}
	if text := body.textOf("SyncState"); strings.TrimSpace(text) != "" {
		old, err := decodeSyncState(text)
		if err != nil || old.epoch != r.srv.notify.syncEpoch || old.folder != f.ID {
			r.failure("ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.", "")
			return nil
		}
		st = old
	}
	st.epoch, st.folder = r.srv.notify.syncEpoch, f.ID
	ignore := map[int]bool{}
	for _, n := range body.child("Ignore").kids() {
		if num, ok := itemNumber(n.attr("Id")); ok {
			ignore[num] = true
		}
	}

	changes := syncChangesLocked(mb, f, st)

	var page []syncChange
	i := 0
	for ; i < len(changes) && len(page) < max; i++ {
		c := changes[i]
		if c.kind == "Delete" {
			delete(st.known, c.n)
		} else {
			st.known[c.n] = knownItem{version: c.it.contentVersion, read: c.it.IsRead}
		}
		if !ignore[c.n] {
			page = append(page, c)
		}
	}
	r.success()
	r.w.elem("m:SyncState", st.encode())
	r.w.elemBool("m:IncludesLastItemInRange", i == len(changes))
	r.w.open("m:Changes")
	for _, c := range page {
		switch c.kind {
		case "Create", "Update":
			r.w.open("t:" + c.kind)
			r.writeItem(mb, c.it, shape)
			r.w.close()
		case "Delete":
			r.w.open("t:Delete").empty("t:ItemId", "Id", mb.itemIDOf(c.n)).close()
		case "ReadFlagChange":
			r.w.open("t:ReadFlagChange").empty("t:ItemId", "Id", c.it.ID, "ChangeKey", c.it.ChangeKey).elemBool("t:IsRead", c.it.IsRead).close()
		}
	}
	r.w.close().close()
	return nil
}
