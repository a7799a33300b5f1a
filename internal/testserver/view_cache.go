package testserver

import "strings"

// view is the sorted result of one FindItem query over one folder, kept while the mailbox does not change, so
// that paging through a large folder does not filter and sort it again for every page.
type view struct {
	key   string
	gen   uint64
	items []*Item
}

// maxViews bounds the views a mailbox keeps.
const maxViews = 4

// viewLocked returns the cached result of the query key, or nil.
func (mb *Mailbox) viewLocked(key string) []*Item {
	for _, v := range mb.views {
		if v.key == key && v.gen == mb.gen {
			return v.items
		}
	}
	return nil
}

// keepViewLocked caches items as the result of the query key.
func (mb *Mailbox) keepViewLocked(key string, items []*Item) {
	v := &view{key: key, gen: mb.gen, items: items}
	kept := []*view{v}
	for _, o := range mb.views {
		if o.gen == mb.gen && o.key != key && len(kept) < maxViews {
			kept = append(kept, o)
		}
	}
	mb.views = kept
}

// nodeKey writes the structure and values of n (names, attributes, text) to b, for cache keys.
func nodeKey(b *strings.Builder, n *node) {
	if n == nil {
		b.WriteString("<>")
		return
	}
	b.WriteByte('<')
	b.WriteString(n.Name.Space)
	b.WriteByte(' ')
	b.WriteString(n.Name.Local)
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name.Space)
		b.WriteByte(':')
		b.WriteString(a.Name.Local)
		b.WriteString(`="`)
		b.WriteString(a.Value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if len(n.Children) == 0 {
		b.WriteString(n.Text)
	}
	for _, c := range n.Children {
		nodeKey(b, c)
	}
	b.WriteString("</>")
}
