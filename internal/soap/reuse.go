package soap

// Reset empties r for decoding another response into it, keeping the memory of its response messages and items:
// a mailbox scan decodes thousands of responses of the same shape, and Item is large. Nothing decoded into r
// before may be used afterwards.
func (r *GetItemResponse) Reset() { r.ResponseMessages = r.ResponseMessages[:0] }

// Reset empties r for decoding another response into it, keeping its memory (see GetItemResponse.Reset).
func (r *FindItemResponse) Reset() { r.ResponseMessages = r.ResponseMessages[:0] }

// nextItem appends a zero Item to *dst, reusing the memory past its length, and returns it.
func nextItem(dst *[]Item) *Item {
	s := *dst
	if len(s) < cap(s) {
		s = s[:len(s)+1]
		s[len(s)-1] = Item{}
	} else {
		s = append(s, Item{})
	}
	*dst = s
	return &s[len(s)-1]
}

// nextItemInfo appends an empty response message to *dst, reusing the memory past its length (its items' too).
func nextItemInfo(dst *[]ItemInfoResponseMessage) *ItemInfoResponseMessage {
	s := *dst
	if len(s) < cap(s) {
		s = s[:len(s)+1]
		m := &s[len(s)-1]
		items := m.Items.Items[:0]
		*m = ItemInfoResponseMessage{Items: Items{Items: items}}
	} else {
		s = append(s, ItemInfoResponseMessage{})
	}
	*dst = s
	return &s[len(s)-1]
}

// nextFindItem appends an empty FindItem response message to *dst, reusing the memory past its length.
func nextFindItem(dst *[]FindItemResponseMessage) *FindItemResponseMessage {
	s := *dst
	if len(s) < cap(s) {
		s = s[:len(s)+1]
		m := &s[len(s)-1]
		items := m.RootFolder.Items.Items[:0]
		*m = FindItemResponseMessage{RootFolder: FindItemParent{Items: Items{Items: items}}}
	} else {
		s = append(s, FindItemResponseMessage{})
	}
	*dst = s
	return &s[len(s)-1]
}
