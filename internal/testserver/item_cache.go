package testserver

import (
	"sort"
	"strings"
)

// itemXML is the response XML of an item written in one shape, reused while neither the item (its version and
// change key) nor its folder's change key changed. Paging through a large mailbox then costs the server a copy
// per item instead of escaping bodies and building headers again.
type itemXML struct {
	shape     string
	version   int
	changeKey string
	folderKey string
	xml       []byte
}

// maxCachedXML bounds the bytes of item XML a server caches; past it, items are written each time.
const maxCachedXML = 512 << 20

// shapeKey identifies what writeItem writes for a shape.
func (s itemShape) shapeKey() string {
	props := make([]string, 0, len(s.props))
	for p := range s.props {
		props = append(props, p)
	}
	sort.Strings(props)
	return s.base + "\x00" + s.bodyType + "\x00" + map[bool]string{true: "mime", false: ""}[s.mime] + "\x00" + strings.Join(props, "\x00")
}

// cachedItemLocked writes the cached XML of it for shape key sk and reports whether there was one.
func (r *request) cachedItemLocked(mb *Mailbox, it *Item, sk string) bool {
	c := it.xml
	if c == nil || c.shape != sk || c.version != it.version || c.changeKey != it.ChangeKey || c.folderKey != folderKey(mb, it) {
		return false
	}
	r.w.buf.Write(c.xml)
	return true
}

// cacheItemLocked keeps the XML written for it since offset start.
func (r *request) cacheItemLocked(mb *Mailbox, it *Item, sk string, start int) {
	s := r.srv
	b := r.w.buf.Bytes()[start:]
	if old := it.xml; old != nil {
		s.cachedXML -= len(old.xml)
		it.xml = nil
	}
	if s.cachedXML+len(b) > maxCachedXML {
		return
	}
	s.cachedXML += len(b)
	it.xml = &itemXML{shape: sk, version: it.version, changeKey: it.ChangeKey, folderKey: folderKey(mb, it), xml: append([]byte(nil), b...)}
}

func folderKey(mb *Mailbox, it *Item) string {
	if f := mb.folders[it.FolderID]; f != nil {
		return f.ID + "\x00" + f.ChangeKey
	}
	return ""
}
