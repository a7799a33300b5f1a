package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// Page sizes of every list: MailService.Search and Unread, CalendarService.List, ContactsService.List,
// Client.ListFolders.
const (
	// DefaultPageSize is the number of entries one FindItem, FindFolder or calendar view asks for when an
	// option does not say.
	DefaultPageSize = 100
	// maxPageSize is the most entries Exchange returns in one page (EWSFindCountLimit).
	maxPageSize = 1000
)

// pageSize checks a PageSize option (named field in errors) and fills in the default.
func pageSize(field string, n int) (int, error) {
	switch {
	case n < 0 || n > maxPageSize:
		return 0, inputErr(field, "%d is not between 1 and %d, the most entries Exchange returns in one page (0 means %d)", n, maxPageSize, DefaultPageSize)
	case n == 0:
		return DefaultPageSize, nil
	}
	return n, nil
}

// page is what one page of an indexed view (FindItem, FindFolder) says about the next.
type page struct {
	next  int  // IndexedPagingOffset: where the next page starts
	last  bool // IncludesLastItemInRange
	count int  // entries in the page
}

// itemPage is the page of a FindItem root folder.
func itemPage(r *soap.FindItemParent) page {
	return page{next: r.IndexedPagingOffset, last: r.IncludesLastItemInRange, count: len(r.Items.Items)}
}

// folderPage is the page of a FindFolder root folder.
func folderPage(r *soap.FindFolderParent) page {
	return page{next: r.IndexedPagingOffset, last: r.IncludesLastItemInRange, count: len(r.Folders.Folders)}
}

// eachPage is the paging of an indexed view: it asks fetch for the page at offset 0, then for each next page
// until a page is the last or empty (or fetch fails, or returns stop). A server that names an offset behind the
// page just read is taken at the offset after it, so that paging always moves on. The pipelined paging of
// MailService.Search, which follows a view that changes while it is read, is pager's (mail_pager.go, cursor).
func eachPage(ctx context.Context, size int, offset int, fetch func(ctx context.Context, view *soap.IndexedPageView) (p page, stop bool, err error)) error {
	for {
		p, stop, err := fetch(ctx, &soap.IndexedPageView{MaxEntriesReturned: size, Offset: offset, BasePoint: "Beginning"})
		if err != nil || stop || p.last || p.count == 0 {
			return err
		}
		if p.next <= offset {
			p.next = offset + p.count
		}
		offset = p.next
	}
}
