package testserver

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Address is a mailbox address of an item (sender, recipient, organizer).
type Address struct {
	Name  string
	Email string
}

// Attendee is a meeting attendee with its response.
type Attendee struct {
	Address
	Response string // Unknown, Organizer, Tentative, Accept, Decline, NoResponseReceived
}

// InternetHeader is one Internet message header of an item.
type InternetHeader struct {
	Name, Value string
}

// Attachment is a file or item attachment.
type Attachment struct {
	ID          string
	Name        string
	ContentType string
	ContentID   string
	IsInline    bool
	Content     []byte // file attachments
	Item        *Item  // item attachments
	Size        int
}

// Recurrence is a simple recurrence pattern of a calendar item.
type Recurrence struct {
	Pattern    string // "Daily" or "Weekly"
	Interval   int
	DaysOfWeek []time.Weekday // Weekly
	Start      time.Time      // first day (date)
	End        time.Time      // last day (date), zero = NumberOfOccurrences or no end
	Count      int            // NumberOfOccurrences, 0 = by End or no end
}

// PhysicalAddress is a contact's postal address.
type PhysicalAddress struct {
	Street, City, State, CountryOrRegion, PostalCode string
}

// Item is an item in a fake mailbox: a message, a calendar item or a contact. Tests seed items with the Add*
// methods and read them back with Item; the zero value of a field means "not set" (a zero IsRead means unread).
type Item struct {
	ID        string
	ChangeKey string
	FolderID  string
	ItemClass string

	Subject           string
	Body              string
	BodyType          string // "HTML" or "Text"; default Text
	Importance        string // Low, Normal, High
	Sensitivity       string // Normal, Personal, Private, Confidential
	Categories        []string
	DateTimeReceived  time.Time
	DateTimeSent      time.Time
	DateTimeCreated   time.Time
	LastModifiedTime  time.Time
	Attachments       []Attachment
	InternetMessageID string
	InReplyTo         string
	References        string
	Headers           []InternetHeader
	ConversationID    string
	ConversationTopic string
	MimeContent       []byte
	IsDraft           bool
	ReminderIsSet     bool
	ReminderMinutes   int
	// FlagStatus is the follow-up flag (item:Flag, Exchange 2013 and later): "", NotFlagged, Flagged, Complete.
	FlagStatus string

	// Message
	Sender                 Address
	From                   Address
	To, Cc, Bcc, ReplyTo   []Address
	IsRead                 bool
	IsReadReceiptRequested bool

	// Calendar item
	Start, End           time.Time
	IsAllDayEvent        bool
	Location             string
	LegacyFreeBusyStatus string // Free, Tentative, Busy, OOF, WorkingElsewhere, NoData
	Organizer            Address
	RequiredAttendees    []Attendee
	OptionalAttendees    []Attendee
	Resources            []Attendee
	IsCancelled          bool
	IsMeeting            bool
	Recurrence           *Recurrence
	StartTimeZone        string
	EndTimeZone          string
	UID                  string
	MyResponseType       string
	// MasterID links a stored exception or occurrence to its series; empty for single items and masters.
	MasterID string

	// Contact
	FileAs            string
	DisplayName       string
	GivenName         string
	Surname           string
	CompanyName       string
	JobTitle          string
	Department        string
	EmailAddresses    map[string]string // EmailAddress1..3
	PhoneNumbers      map[string]string // BusinessPhone, MobilePhone, HomePhone, ...
	PhysicalAddresses map[string]PhysicalAddress

	// Extra holds fields that no typed field covers, by FieldURI, for later operations.
	Extra map[string]string

	// ControlCharRefs makes the server write the item's control characters (U+0000 to U+001F other than tab,
	// line feed and carriage return, in any text field) as the character references real Exchange writes when
	// it copies a message's raw headers into the XML (&#x0;, &#x1;, &#xB;), which XML 1.0 forbids; without it
	// the server writes U+FFFD. Mailbox.AddPoison sets it.
	ControlCharRefs bool

	version int
	// sync bookkeeping (notifyLocked): a hash of the content other than the read flag, a counter bumped when it
	// changes, and the sequence number of the item's last change.
	contentHash    uint64
	contentVersion int
	lastChange     int
	// xml caches the item's response XML for the last shape it was written in (item_cache.go).
	xml *itemXML
}

// Kind returns "message", "calendar", "contact" or "other" from the item class.
func (it *Item) Kind() string {
	switch {
	case strings.HasPrefix(it.ItemClass, "IPM.Appointment"):
		return "calendar"
	case strings.HasPrefix(it.ItemClass, "IPM.Contact"), strings.HasPrefix(it.ItemClass, "IPM.DistList"):
		return "contact"
	case strings.HasPrefix(it.ItemClass, "IPM.Note"), strings.HasPrefix(it.ItemClass, "IPM.Schedule"),
		strings.HasPrefix(it.ItemClass, "REPORT"), strings.HasPrefix(it.ItemClass, "IPM.Post"):
		return "message"
	}
	return "other"
}

// HasAttachments reports whether the item has attachments other than inline ones.
func (it *Item) HasAttachments() bool {
	for _, a := range it.Attachments {
		if !a.IsInline {
			return true
		}
	}
	return false
}

// Size is the item's size in bytes, as the server computes it (an approximation of the MIME size).
func (it *Item) Size() int {
	n := 500 + len(it.Subject) + len(it.Body) + len(it.MimeContent)
	for _, a := range it.Attachments {
		n += len(a.Content) + a.Size
	}
	return n
}

func (it *Item) clone() Item {
	c := *it
	c.xml = nil
	c.Categories = append([]string(nil), it.Categories...)
	c.To = append([]Address(nil), it.To...)
	c.Cc = append([]Address(nil), it.Cc...)
	c.Bcc = append([]Address(nil), it.Bcc...)
	c.ReplyTo = append([]Address(nil), it.ReplyTo...)
	c.Headers = append([]InternetHeader(nil), it.Headers...)
	c.Attachments = append([]Attachment(nil), it.Attachments...)
	c.RequiredAttendees = append([]Attendee(nil), it.RequiredAttendees...)
	c.OptionalAttendees = append([]Attendee(nil), it.OptionalAttendees...)
	c.Resources = append([]Attendee(nil), it.Resources...)
	c.EmailAddresses = cloneMap(it.EmailAddresses)
	c.PhoneNumbers = cloneMap(it.PhoneNumbers)
	c.Extra = cloneMap(it.Extra)
	if it.PhysicalAddresses != nil {
		c.PhysicalAddresses = make(map[string]PhysicalAddress, len(it.PhysicalAddresses))
		for k, v := range it.PhysicalAddresses {
			c.PhysicalAddresses[k] = v
		}
	}
	if it.Recurrence != nil {
		r := *it.Recurrence
		r.DaysOfWeek = append([]time.Weekday(nil), it.Recurrence.DaysOfWeek...)
		c.Recurrence = &r
	}
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Folder is a folder of a fake mailbox.
type Folder struct {
	ID            string
	ChangeKey     string
	ParentID      string
	DisplayName   string
	FolderClass   string
	Distinguished string
	version       int
}

// Mailbox is one fake mailbox. Its methods are safe for concurrent use; they lock the server.
type Mailbox struct {
	srv         *Server
	Address     string
	DisplayName string
	folders     map[string]*Folder
	dist        map[string]string // distinguished name -> folder id
	items       map[string]*Item
	order       []string // item ids in creation order
	changes     []change // change log; changes[i].seq == i+1
	seq         int
	// arriving is set while a message is delivered (AddItem, local delivery of a sent message): its creation
	// is also a NewMailEvent.
	arriving bool
	// gen counts the changes of the mailbox's items; it keys the cache of FindItem views (view_cache.go).
	gen   uint64
	views []*view
	// rules are the mailbox's inbox rules (rules.go); oof its out-of-office settings (oof.go).
	rules []*InboxRule
	oof   *OofSettings
	// blocked are the senders MarkAsJunk put on the blocked senders list (junk.go), by lower-case address.
	blocked map[string]bool
}

// distinguished folder layout: name, display name, class, parent distinguished name.
var distinguishedFolders = []struct{ name, display, class, parent string }{
	{"root", "", "", ""},
	{"msgfolderroot", "Top of Information Store", "IPF.Note", "root"},
	{"inbox", "Inbox", "IPF.Note", "msgfolderroot"},
	{"sentitems", "Sent Items", "IPF.Note", "msgfolderroot"},
	{"deleteditems", "Deleted Items", "IPF.Note", "msgfolderroot"},
	{"drafts", "Drafts", "IPF.Note", "msgfolderroot"},
	{"outbox", "Outbox", "IPF.Note", "msgfolderroot"},
	{"junkemail", "Junk Email", "IPF.Note", "msgfolderroot"},
	{"archive", "Archive", "IPF.Note", "msgfolderroot"},
	{"calendar", "Calendar", "IPF.Appointment", "msgfolderroot"},
	{"contacts", "Contacts", "IPF.Contact", "msgfolderroot"},
	{"tasks", "Tasks", "IPF.Task", "msgfolderroot"},
	{"notes", "Notes", "IPF.StickyNote", "msgfolderroot"},
	{"journal", "Journal", "IPF.Journal", "msgfolderroot"},
	{"conversationhistory", "Conversation History", "IPF.Note", "msgfolderroot"},
	{"searchfolders", "Finder", "", "root"},
	{"recoverableitemsroot", "Recoverable Items", "", "root"},
	{"recoverableitemsdeletions", "Deletions", "", "recoverableitemsroot"},
	{"recoverableitemspurges", "Purges", "", "recoverableitemsroot"},
	{"recoverableitemsversions", "Versions", "", "recoverableitemsroot"},
}

func newMailbox(s *Server, address, display string) *Mailbox {
	mb := &Mailbox{srv: s, Address: address, DisplayName: display,
		folders: map[string]*Folder{}, dist: map[string]string{}, items: map[string]*Item{}}
	for _, d := range distinguishedFolders {
		f := &Folder{ID: mb.newID("F"), DisplayName: d.display, FolderClass: d.class, Distinguished: d.name}
		f.ChangeKey = changeKey(f.version)
		if d.parent != "" {
			f.ParentID = mb.dist[d.parent]
		}
		mb.folders[f.ID] = f
		mb.dist[d.name] = f.ID
	}
	return mb
}

// idPrefix marks ids made by this server; anything else is malformed (ErrorInvalidIdMalformed). Its first bytes
// make every id start "AQMk/+/+": as the ids of Exchange Online (about 150 characters of base64 of binary
// entry ids) almost always do, each holds "+" and "/", which Graph's URL-safe ids never hold (graph_ids.go).
const idPrefix = "\x01\x03\x24\xff\xef\xfeEWSFAKE1"

func (mb *Mailbox) newID(kind string) string {
	mb.seq++
	raw := fmt.Sprintf("%s\x00%s\x00%s\x00%08d", idPrefix, mb.Address, kind, mb.seq)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// decodeID splits an id into its mailbox address and kind ("F" folder, "I" item, "A" attachment).
func decodeID(id string) (mailbox, kind string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != idPrefix {
		return "", "", false
	}
	return parts[1], parts[2], true
}

func changeKey(version int) string {
	return base64.StdEncoding.EncodeToString([]byte("CK" + strconv.Itoa(version)))
}

// Mailbox returns the mailbox with the given address, or nil.
func (s *Server) Mailbox(address string) *Mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mailboxes[strings.ToLower(address)]
}

// folderByName returns the folder for a distinguished name, a folder id, or a display-name path such as
// "Inbox/Phishing" (relative to msgfolderroot). Callers hold s.mu.
func (mb *Mailbox) folderByName(name string) (*Folder, error) {
	if id, ok := mb.dist[strings.ToLower(name)]; ok {
		return mb.folders[id], nil
	}
	if f, ok := mb.folders[name]; ok {
		return f, nil
	}
	cur := mb.folders[mb.dist["msgfolderroot"]]
	for _, part := range strings.Split(strings.Trim(name, "/"), "/") {
		var next *Folder
		for _, f := range mb.folders {
			if f.ParentID == cur.ID && strings.EqualFold(f.DisplayName, part) {
				next = f
				break
			}
		}
		if next == nil {
			return nil, fmt.Errorf("testserver: no folder %q in %s", name, mb.Address)
		}
		cur = next
	}
	return cur, nil
}

// FolderID returns the id of a folder given by distinguished name, id or path. It fails the test's
// expectations by returning "" when there is no such folder.
func (mb *Mailbox) FolderID(name string) string {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	f, err := mb.folderByName(name)
	if err != nil {
		return ""
	}
	return f.ID
}

// AddFolder creates a folder named display under the folder parent (a distinguished name, id or path) and
// returns its id.
func (mb *Mailbox) AddFolder(parent, display, class string) (string, error) {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	return mb.addFolderLocked(parent, display, class)
}

func (mb *Mailbox) addFolderLocked(parent, display, class string) (string, error) {
	p, err := mb.folderByName(parent)
	if err != nil {
		return "", err
	}
	for _, f := range mb.folders {
		if f.ParentID == p.ID && strings.EqualFold(f.DisplayName, display) {
			return "", fmt.Errorf("testserver: folder %q already exists in %q", display, parent)
		}
	}
	if class == "" {
		class = "IPF.Note"
	}
	f := &Folder{ID: mb.newID("F"), ParentID: p.ID, DisplayName: display, FolderClass: class}
	f.ChangeKey = changeKey(0)
	mb.folders[f.ID] = f
	return f.ID, nil
}

// AddItem stores a copy of it in the folder given by distinguished name, id or path, filling in the id, change
// key, class and times that are not set, and returns the new item's id. It panics on an unknown folder, which is
// a bug in the test.
func (mb *Mailbox) AddItem(folder string, it Item) string {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	f, err := mb.folderByName(folder)
	if err != nil {
		panic(err)
	}
	mb.arriving = true
	defer func() { mb.arriving = false }()
	return mb.storeLocked(f.ID, it.clone())
}

// storeLocked stores it in folder fid and returns its id. Callers hold s.mu.
func (mb *Mailbox) storeLocked(fid string, it Item) string {
	now := mb.srv.now()
	it.ID = mb.newID("I")
	it.FolderID = fid
	it.version = 0
	it.ChangeKey = changeKey(0)
	if it.ItemClass == "" {
		switch mb.folders[fid].FolderClass {
		case "IPF.Appointment":
			it.ItemClass = "IPM.Appointment"
		case "IPF.Contact":
			it.ItemClass = "IPM.Contact"
		default:
			it.ItemClass = "IPM.Note"
		}
	}
	if it.DateTimeCreated.IsZero() {
		it.DateTimeCreated = now
	}
	if it.DateTimeReceived.IsZero() {
		it.DateTimeReceived = it.DateTimeCreated
	}
	if it.LastModifiedTime.IsZero() {
		it.LastModifiedTime = it.DateTimeCreated
	}
	if it.Kind() == "message" && it.DateTimeSent.IsZero() {
		it.DateTimeSent = it.DateTimeReceived
	}
	if it.Kind() == "message" && !it.IsDraft && it.Sender.Email == "" {
		it.Sender = it.From // a received message has both; tests often seed only From
	}
	if it.Kind() == "message" && it.InternetMessageID == "" {
		it.InternetMessageID = fmt.Sprintf("<%d.%s>", mb.seq, strings.Replace(mb.Address, "@", ".fake@", 1))
	}
	if it.ConversationID == "" {
		it.ConversationID = mb.newID("C")
	}
	if it.ConversationTopic == "" {
		it.ConversationTopic = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(it.Subject, "RE: "), "FW: "))
	}
	// Attachment ids name their item, so a stored copy (a delivery, a move, a copy) gets its own.
	it.Attachments = append([]Attachment(nil), it.Attachments...)
	for i := range it.Attachments {
		it.Attachments[i].ID = mb.newID("A")
	}
	mb.idNestedLocked(it.Attachments)
	p := &it
	mb.items[it.ID] = p
	mb.order = append(mb.order, it.ID)
	mb.srv.notifyLocked(mb, "CreatedEvent", p)
	return it.ID
}

// touchLocked bumps an item's change key after a change.
func (mb *Mailbox) touchLocked(it *Item) {
	it.version++
	it.ChangeKey = changeKey(it.version)
	it.LastModifiedTime = mb.srv.now()
	mb.srv.notifyLocked(mb, "ModifiedEvent", it)
}

// Item returns a copy of the item with the given id (its EWS id, or its Graph id: see GraphID), and whether it
// exists. The copy's ID is the EWS id.
func (mb *Mailbox) Item(id string) (Item, bool) {
	id = EWSID(id)
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	it, ok := mb.items[id]
	if !ok {
		return Item{}, false
	}
	return it.clone(), true
}

// Items returns copies of the items of a folder (distinguished name, id or path), oldest first.
func (mb *Mailbox) Items(folder string) []Item {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	f, err := mb.folderByName(folder)
	if err != nil {
		return nil
	}
	var out []Item
	for _, id := range mb.order {
		if it, ok := mb.items[id]; ok && it.FolderID == f.ID {
			out = append(out, it.clone())
		}
	}
	return out
}

// itemsInLocked returns the live items of folder fid in creation order.
func (mb *Mailbox) itemsInLocked(fid string) []*Item {
	var out []*Item
	live := mb.order[:0]
	for _, id := range mb.order {
		it, ok := mb.items[id]
		if !ok {
			continue
		}
		live = append(live, id)
		if it.FolderID == fid {
			out = append(out, it)
		}
	}
	mb.order = live
	return out
}

// childFoldersLocked returns the direct children of folder fid, sorted by display name.
func (mb *Mailbox) childFoldersLocked(fid string) []*Folder {
	var out []*Folder
	for _, f := range mb.folders {
		if f.ParentID == fid {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	return out
}

// removeLocked deletes an item from the store.
func (mb *Mailbox) removeLocked(it *Item) {
	delete(mb.items, it.ID)
	mb.srv.notifyLocked(mb, "DeletedEvent", it)
}
