package ews

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ewsgo/ews/internal/soap"
)

// A message reference, as the mail operations take it, is either an EWS ItemId (base64, as returned in
// Message.ID) or an Internet Message-ID such as "<abc@example.com>" (the angle brackets may be left out). A
// reference containing "@" is a Message-ID, since ItemIds never contain one. A Message-ID is looked up in every
// mail folder of the mailbox, and may name several items (copies in several folders): the operation then acts on
// all of them.

// MaxRefLength bounds a message reference: ItemIds are a few hundred bytes, Message-IDs at most 998 (RFC 5322
// line length); anything longer is refused before any request.
const MaxRefLength = 4096

type refKind uint8

const (
	refItemID refKind = iota + 1
	refMessageID
)

// parseRef checks one message reference and returns its kind and normal form (a Message-ID in angle brackets).
func parseRef(field, s string) (refKind, string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "", inputErr(field, "is empty; want an ItemId or an Internet Message-ID such as <abc@example.com>")
	}
	if len(t) > MaxRefLength {
		return 0, "", inputErr(field, "is %d bytes long; an ItemId or Internet Message-ID has at most %d", len(t), MaxRefLength)
	}
	if strings.Contains(t, "@") || strings.HasPrefix(t, "<") {
		mid, err := normalizeMessageID(field, t)
		return refMessageID, mid, err
	}
	if strings.IndexFunc(t, unicode.IsSpace) >= 0 || len(t) < 8 {
		return 0, "", inputErr(field, "%q is neither an EWS ItemId (base64) nor an Internet Message-ID (<local@domain>)", s)
	}
	if _, err := base64.StdEncoding.DecodeString(t); err != nil {
		return 0, "", inputErr(field, "%q is neither an EWS ItemId (base64) nor an Internet Message-ID (<local@domain>)", s)
	}
	return refItemID, t, nil
}

// normalizeMessageID checks a Message-ID and puts it in angle brackets, the form Exchange stores.
func normalizeMessageID(field, s string) (string, error) {
	if err := checkText(field, s); err != nil {
		return "", err
	}
	t := strings.TrimSpace(s)
	inner := strings.TrimSuffix(strings.TrimPrefix(t, "<"), ">")
	if strings.TrimSpace(inner) == "" {
		return "", inputErr(field, "the Internet Message-ID is empty")
	}
	at := strings.LastIndexByte(inner, '@')
	if at <= 0 || at == len(inner)-1 || strings.ContainsAny(inner, "<> \t\r\n\x00") {
		return "", inputErr(field, "%q is not an Internet Message-ID (<local@domain>)", s)
	}
	if !utf8.ValidString(inner) || strings.IndexFunc(inner, unicode.IsControl) >= 0 {
		return "", inputErr(field, "%q is not an Internet Message-ID: it holds control characters or invalid UTF-8", s)
	}
	return "<" + inner + ">", nil
}

// target is one item an operation acts on.
type target struct {
	pos int    // position of its reference among the caller's arguments
	ref string // the reference as given
	id  string // the ItemId
}

// resolve checks refs and turns them into items: ItemIds as they are, Message-IDs by searching every mail folder.
// It returns the items in argument order, each once, and records references that name no item in res. Bad input
// is an *InputError returned before any request.
func (s *MailService) resolve(ctx context.Context, refs []string, res *batchResult) ([]target, error) {
	p, err := parseRefs(refs, parseRef)
	if err != nil {
		return nil, err
	}
	var found map[string][]string
	if mids := p.messageIDs(); len(mids) > 0 {
		folders, err := s.mailFolders(ctx)
		if err != nil {
			return nil, err
		}
		if found, err = s.findByMessageIDs(ctx, mids, folders); err != nil {
			return nil, err
		}
	}
	return p.targets(res, func(mid string) ([]string, error) { return found[mid], nil })
}

// parsedRefs are the caller's references to messages, checked: each one's kind and normalized form.
type parsedRefs struct {
	refs  []string
	kinds []refKind
	norm  []string
}

// parseRefs checks refs with parse (parseRef, or graphRef over Graph); bad input is an *InputError naming
// ids[i].
func parseRefs(refs []string, parse func(field, s string) (refKind, string, error)) (parsedRefs, error) {
	if len(refs) == 0 {
		return parsedRefs{}, inputErr("ids", "no message given")
	}
	p := parsedRefs{refs: refs, kinds: make([]refKind, len(refs)), norm: make([]string, len(refs))}
	for i, r := range refs {
		k, n, err := parse(fmt.Sprintf("ids[%d]", i), r)
		if err != nil {
			return parsedRefs{}, err
		}
		p.kinds[i], p.norm[i] = k, n
	}
	return p, nil
}

// messageIDs returns the distinct Internet Message-IDs among the references, in order.
func (p parsedRefs) messageIDs() []string {
	var mids []string
	seen := map[string]bool{}
	for i, k := range p.kinds {
		if k == refMessageID && !seen[p.norm[i]] {
			seen[p.norm[i]] = true
			mids = append(mids, p.norm[i])
		}
	}
	return mids
}

// targets turns the references into items, in argument order, each item once: ids as they are, Message-IDs as
// find resolves them. A Message-ID that names no item is recorded in res.
func (p parsedRefs) targets(res *batchResult, find func(mid string) ([]string, error)) ([]target, error) {
	out := make([]target, 0, len(p.refs))
	taken := map[string]bool{} // an item named twice is acted on once
	add := func(i int, r, id string) {
		if !taken[id] {
			taken[id] = true
			out = append(out, target{pos: i, ref: r, id: id})
		}
	}
	for i, r := range p.refs {
		if p.kinds[i] == refItemID {
			add(i, r, p.norm[i])
			continue
		}
		ids, err := find(p.norm[i])
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			res.fail(i, r, "", errNoMessageID(p.norm[i]))
			continue
		}
		for _, id := range ids {
			add(i, r, id)
		}
	}
	return out, nil
}

func errNoMessageID(mid string) error {
	return &Error{Code: ErrItemNotFound.Code, Message: "no item with Internet Message-ID " + mid + " in the mailbox's mail folders"}
}

// mailFolders lists every mail folder below the top of the mailbox (FindFolder Deep on msgfolderroot): FindItem
// searches one folder level only, so a search of the whole mailbox names each folder.
func (s *MailService) mailFolders(ctx context.Context) ([]soap.FolderRef, error) {
	all, err := s.c.ListFolders(ctx, MsgFolderRoot, true)
	if err != nil {
		return nil, err
	}
	var out []soap.FolderRef
	for _, f := range all {
		if f.Class == "" || f.Class == "IPF.Note" || strings.HasPrefix(f.Class, "IPF.Note.") {
			out = append(out, soap.FolderRef{ID: f.ID})
		}
	}
	return out, nil
}

// foldersPerFind is how many folders one FindItem searches; each gets its own response message.
const foldersPerFind = 50

// findByMessageIDs returns the ItemIds of the items whose Message-ID is one of mids, in the folders given.
func (s *MailService) findByMessageIDs(ctx context.Context, mids []string, folders []soap.FolderRef) (map[string][]string, error) {
	found := map[string][]string{}
	for lo := 0; lo < len(mids); lo += 50 {
		chunk := mids[lo:min(lo+50, len(mids))]
		exprs := make([]soap.Expr, len(chunk))
		for i, mid := range chunk {
			exprs[i] = soap.Expr{Op: soap.OpIsEqualTo, Path: soap.Path{FieldURI: "message:InternetMessageId"}, Value: mid}
		}
		expr := exprs[0]
		if len(exprs) > 1 {
			expr = soap.Expr{Op: soap.OpOr, Children: exprs}
		}
		shape := soap.ItemShape{BaseShape: "IdOnly", AdditionalProperties: soap.PathList{{FieldURI: "message:InternetMessageId"}}}
		add := func(items []soap.Item) {
			for _, it := range items {
				if it.ItemID != nil {
					found[it.InternetMessageID] = append(found[it.InternetMessageID], it.ItemID.ID)
				}
			}
		}
		type more struct {
			folder soap.FolderRef
			offset int
		}
		var rest []more
		for flo := 0; flo < len(folders); flo += foldersPerFind {
			fs := folders[flo:min(flo+foldersPerFind, len(folders))]
			req := &soap.FindItem{Traversal: "Shallow", ItemShape: shape,
				IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: maxPageSize, BasePoint: "Beginning"},
				Restriction:     &soap.Restriction{Expr: expr}, ParentFolderIDs: fs}
			resp, err := do(ctx, s.c, req)
			if err != nil {
				return nil, err
			}
			for i := range resp.ResponseMessages {
				m := &resp.ResponseMessages[i]
				if err := s.c.itemErr(req, &m.ResponseMessage); err != nil {
					if isErr(err, ErrFolderNotFound) {
						continue // deleted since it was listed
					}
					return nil, err
				}
				add(m.RootFolder.Items.Items)
				if !m.RootFolder.IncludesLastItemInRange && len(m.RootFolder.Items.Items) > 0 {
					rest = append(rest, more{fs[i], m.RootFolder.IndexedPagingOffset})
				}
			}
		}
		for _, r := range rest {
			err := eachPage(ctx, maxPageSize, r.offset, func(ctx context.Context, view *soap.IndexedPageView) (page, bool, error) {
				root, err := s.findPage(ctx, &soap.FindItem{Traversal: "Shallow", ItemShape: shape, IndexedPageView: view,
					Restriction: &soap.Restriction{Expr: expr}, ParentFolderIDs: []soap.FolderRef{r.folder}})
				if err != nil {
					return page{}, false, err
				}
				add(root.Items.Items)
				return itemPage(root), false, nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return found, nil
}
