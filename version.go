package ews

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// This file holds all the client's knowledge of Exchange versions: the RequestServerVersion values of Microsoft's
// schema, what each one supports (the table versions), which value a server build wants, how the client learns
// and negotiates the version, and the gate that keeps out of a request every element and property path that the
// negotiated version's schema lacks.

// feature is something of the EWS schema that not every RequestServerVersion has.
type feature uint32

const (
	featTimeZoneContext      feature = 1 << iota // the TimeZoneContext SOAP header
	featStartTimeZone                            // calendar:StartTimeZone/EndTimeZone (2007 has MeetingTimeZone)
	featConversationID                           // item:ConversationId
	featUniqueBody                               // item:UniqueBody
	featInlineAttachments                        // attachments inline in a CreateItem that sends the message
	featStreaming                                // StreamingSubscriptionRequest and GetStreamingEvents
	featReturnNewItemIDs                         // MoveItem/CopyItem ReturnNewItemIds
	featContactDataShape                         // ResolveNames ContactDataShape
	featTextBody                                 // item:TextBody
	featSuppressReadReceipts                     // UpdateItem/DeleteItem SuppressReadReceipts
	featAttachmentIsInline                       // FileAttachment IsInline (2007 marks inline parts by ContentId alone)
	featDumpsterFolders                          // the Recoverable Items and archive mailbox distinguished folders
	featFolders2013                              // the distinguished folders of Exchange 2013 (syncissues, archive, ...)
	featFolders2013SP1                           // the distinguished folders of Exchange 2013 SP1 (archiveinbox, directory)
	featOps2010SP1                               // the EmptyFolder, GetInboxRules and UpdateInboxRules operations
	featFlag                                     // item:Flag, the follow-up flag
)

// versionInfo is one RequestServerVersion value (ExchangeVersionType) and what its schema supports.
type versionInfo struct {
	name     string
	features feature
	// stepDown marks the values the client tries, from newest to oldest, when a server refuses a version without
	// saying its own (Exchange 2010 and 2007 answer ErrorInvalidServerVersion without ServerVersionInfo).
	stepDown bool
}

const (
	f2007    = 0
	f2010    = featTimeZoneContext | featStartTimeZone | featConversationID | featUniqueBody | featInlineAttachments | featAttachmentIsInline
	f2010SP1 = f2010 | featStreaming | featReturnNewItemIDs | featDumpsterFolders | featOps2010SP1
	f2010SP2 = f2010SP1 | featContactDataShape
	f2013    = f2010SP2 | featTextBody | featFolders2013 | featFlag
	f2013SP1 = f2013 | featSuppressReadReceipts | featFolders2013SP1
)

// versions is THE version table: every RequestServerVersion of Microsoft's schema, oldest first (the order of
// ExchangeVersionType in types.xsd), with what its schema supports. Checked against the Exchange 2007 SP1,
// 2010 SP2 and newest schemas (../shared/ews-schema) by TestVersionTableMatchesSchemas.
var versions = []versionInfo{
	{"Exchange2007", f2007, true},
	{"Exchange2007_SP1", f2007, true},
	{"Exchange2009", f2010, false},
	{"Exchange2010", f2010, true},
	{"Exchange2010_SP1", f2010SP1, true},
	{"Exchange2010_SP2", f2010SP2, true},
	{"Exchange2012", f2010SP2, false},
	{"Exchange2013", f2013, true},
	{"Exchange2013_SP1", f2013SP1, true},
	{"Exchange2015", f2013SP1, false},
	{"Exchange2016", f2013SP1, false},
	{"V2015_10_05", f2013SP1, false},
	{"V2016_01_06", f2013SP1, false},
	{"V2016_04_13", f2013SP1, false},
	{"V2016_07_13", f2013SP1, false},
	{"V2016_10_10", f2013SP1, false},
	{"V2017_01_07", f2013SP1, false},
	{"V2017_04_14", f2013SP1, false},
	{"V2017_07_11", f2013SP1, false},
	{"V2017_10_09", f2013SP1, false},
	{"V2018_01_08", f2013SP1, false},
}

// pathFeatures are the property paths the client may ask for that not every version has.
var pathFeatures = map[string]feature{
	"item:ConversationId":    featConversationID,
	"item:UniqueBody":        featUniqueBody,
	"item:TextBody":          featTextBody,
	"item:Flag":              featFlag,
	"calendar:StartTimeZone": featStartTimeZone,
	"calendar:EndTimeZone":   featStartTimeZone,
}

// opFeatures are the operations the client may send that not every version has (by soap.Op's Name). The 2007 SP1
// schema lacks them, the 2010 SP2 one has them; Microsoft documents them from Exchange 2010 SP1. (MarkAsJunk,
// Exchange 2013, is checked before the request is built: MailService.MarkAsJunk moves instead on older servers.)
var opFeatures = map[string]feature{
	"EmptyFolder": featOps2010SP1, "GetInboxRules": featOps2010SP1, "UpdateInboxRules": featOps2010SP1,
	"GetStreamingEvents": featStreaming,
}

// folderFeatures are the distinguished folder names (DistinguishedFolderIdNameType) the client may send that not
// every version has; the others are in every schema from Exchange 2007 on. The Recoverable Items and the archive
// mailbox came with Exchange 2010 SP1 (the 2007 SP1 schema lacks them, the 2010 SP2 one has them), the others
// are in neither the 2007 SP1 nor the 2010 SP2 schema and are sent from Exchange 2013 (2013 SP1 for archiveinbox
// and directory), as exchangelib and the EWS Managed API do.
var folderFeatures = map[string]feature{
	"recoverableitemsroot": featDumpsterFolders, "recoverableitemsdeletions": featDumpsterFolders,
	"recoverableitemsversions": featDumpsterFolders, "recoverableitemspurges": featDumpsterFolders,
	"archiveroot": featDumpsterFolders, "archivemsgfolderroot": featDumpsterFolders,
	"archivedeleteditems": featDumpsterFolders, "archiverecoverableitemsroot": featDumpsterFolders,
	"syncissues": featFolders2013, "conflicts": featFolders2013, "localfailures": featFolders2013,
	"serverfailures": featFolders2013, "recipientcache": featFolders2013, "quickcontacts": featFolders2013,
	"conversationhistory": featFolders2013, "adminauditlogs": featFolders2013, "todosearch": featFolders2013,
	"mycontacts": featFolders2013, "imcontactlist": featFolders2013, "peopleconnect": featFolders2013,
	"favorites": featFolders2013, "archive": featFolders2013,
	"archiveinbox": featFolders2013SP1, "directory": featFolders2013SP1,
}

// firstWith returns the oldest RequestServerVersion that has f, spelt as people write it ("Exchange 2010 SP1").
func firstWith(f feature) string {
	for _, v := range versions {
		if v.features&f == f {
			return strings.Replace(strings.Replace(v.name, "Exchange", "Exchange ", 1), "_", " ", 1)
		}
	}
	return "a newer Exchange"
}

// defaultVersion is sent until the server's version is known: every Exchange from 2013 SP1 on accepts it, and
// older servers refuse it in a way the client steps down from.
const defaultVersion = "Exchange2013_SP1"

// versionIndex returns the position of a RequestServerVersion in versions, or -1.
func versionIndex(name string) int {
	for i, v := range versions {
		if v.name == name {
			return i
		}
	}
	return -1
}

// knownVersion reports whether name is a RequestServerVersion of the schema.
func knownVersion(name string) bool { return versionIndex(name) >= 0 }

// versionHas reports whether the RequestServerVersion name supports f (false for an unknown name).
func versionHas(name string, f feature) bool {
	i := versionIndex(name)
	return i >= 0 && versions[i].features&f == f
}

// versionAtLeastName reports whether v is min or later.
func versionAtLeastName(v, min string) bool { return versionIndex(v) >= versionIndex(min) }

// requestVersion picks the RequestServerVersion for a server build, as its ServerVersionInfo (or autodiscover)
// gives it: 8.0 is Exchange 2007 RTM, 8.1-8.3 are 2007 SP1-SP3, 14.0-14.3 are 2010 RTM-SP3 (SP3 speaks the SP2
// schema), 15.0 below build 847 is Exchange 2013 RTM-CU3 (which refuses Exchange2013_SP1), 15.0.847 and later is
// 2013 SP1, 15.1 and later (2016, 2019, SE, Exchange Online) take Exchange2016.
func requestVersion(v *soap.ServerVersionInfo) string {
	switch {
	case v.MajorVersion < 8, v.MajorVersion == 8 && v.MinorVersion == 0:
		return "Exchange2007"
	case v.MajorVersion < 14:
		return "Exchange2007_SP1"
	case v.MajorVersion == 14 && v.MinorVersion == 0:
		return "Exchange2010"
	case v.MajorVersion == 14 && v.MinorVersion == 1:
		return "Exchange2010_SP1"
	case v.MajorVersion == 14:
		return "Exchange2010_SP2"
	case v.MajorVersion == 15 && v.MinorVersion == 0 && v.MajorBuildNumber < 847:
		return "Exchange2013"
	case v.MajorVersion == 15 && v.MinorVersion == 0:
		return "Exchange2013_SP1"
	default:
		return "Exchange2016"
	}
}

// stepDownFrom returns the next older version to try after a server refused v without saying its own, or "".
func stepDownFrom(v string) string {
	for i := versionIndex(v) - 1; i >= 0; i-- {
		if versions[i].stepDown {
			return versions[i].name
		}
	}
	return ""
}

// newestSchema picks the newest known version of an autodiscover EwsSupportedSchemas list
// ("Exchange2007, ..., Exchange2016").
func newestSchema(list string) string {
	best := -1
	for _, s := range strings.Split(list, ",") {
		if i := versionIndex(strings.TrimSpace(s)); i > best && i <= versionIndex("Exchange2016") {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return versions[best].name
}

// endpointVersion is what the client knows of one endpoint's version.
type endpointVersion struct {
	version string // RequestServerVersion to send ("" until learnt or stepped down to)
	learnt  bool   // the server has told its version (ServerVersionInfo), or autodiscover did
}

// versionKey is the endpoint the client's version state belongs to.
func (c *Client) versionKey() string {
	if c.cfg.Autodiscover {
		return c.shared.disc.url()
	}
	return c.url
}

// currentVersion returns the RequestServerVersion the next request will carry, and whether it is known (set in
// Config.Version or learnt from the server) rather than the default sent before the first answer.
func (c *Client) currentVersion() (v string, known bool) {
	if c.cfg.Version != "" {
		return c.cfg.Version, true
	}
	key := c.versionKey()
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	ev := c.shared.versions[key] // its fields change under c.shared.mu (negotiate)
	if ev == nil || ev.version == "" {
		return defaultVersion, false
	}
	return ev.version, ev.learnt
}

// versionInUse returns the RequestServerVersion the client sends now.
func (c *Client) versionInUse() string {
	v, _ := c.currentVersion()
	return v
}

// versionAtLeast reports whether the requests' RequestServerVersion is min or later. Before the server's version
// is known it assumes the default version; the gate (gateRequest) removes what an older server turns out to lack.
func (c *Client) versionAtLeast(min string) bool { return versionAtLeastName(c.versionInUse(), min) }

// supports reports whether the RequestServerVersion in use has f.
func (c *Client) supports(f feature) bool { return versionHas(c.versionInUse(), f) }

// isExchange2007 reports whether the server speaks the Exchange 2007 schema, which lacks StartTimeZone and
// EndTimeZone.
func (c *Client) isExchange2007() bool { return !c.supports(featStartTimeZone) }

// streamingSupported reports whether the server and the RequestServerVersion in use allow streaming
// notifications (Exchange 2010 SP1 and later).
func (c *Client) streamingSupported() bool {
	if !c.supports(featStreaming) {
		return false
	}
	sv, ok := c.ServerVersion()
	return !ok || sv.Major > 14 || sv.Major == 14 && sv.Minor >= 1
}

// noteVersion records the ServerVersionInfo of an answer from the endpoint key: the server's version, and unless
// Config.Version is set, the RequestServerVersion that build wants.
func (c *Client) noteVersion(key string, svi *soap.ServerVersionInfo) {
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	c.shared.server = &ServerVersion{Major: svi.MajorVersion, Minor: svi.MinorVersion, Build: svi.MajorBuildNumber, Revision: svi.MinorBuildNumber, Version: svi.Version}
	if c.cfg.Version == "" && svi.MajorVersion > 0 {
		c.shared.versions[key] = &endpointVersion{version: requestVersion(svi), learnt: true}
	}
}

// noteDiscoveredVersion records the version autodiscover reported for an endpoint, unless the endpoint has
// already answered with its own.
func (c *Client) noteDiscoveredVersion(key, v string) {
	if c.cfg.Version != "" || !knownVersion(v) {
		return
	}
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	if ev := c.shared.versions[key]; ev == nil || !ev.learnt {
		c.shared.versions[key] = &endpointVersion{version: v, learnt: true}
	}
}

// versionRetry is an attempt refused for its RequestServerVersion when the client now has another to send: the
// request is sent again at once (the server did not act on it). err is the server's refusal.
type versionRetry struct{ err error }

func (e *versionRetry) Error() string { return e.err.Error() }
func (e *versionRetry) Unwrap() error { return e.err }

// negotiate is called with the outcome of an attempt sent with version sent to endpoint key. When the server
// refused the version (ErrorInvalidServerVersion, or before any answer told the version, ErrorInvalidRequest or
// ErrorSchemaValidation) and the client now has another to send (learnt from the answer's ServerVersionInfo, or
// the next older one when the answer did not say), it returns true.
func (c *Client) negotiate(key, sent string, svi *soap.ServerVersionInfo, err error) bool {
	if c.cfg.Version != "" || err == nil {
		return false
	}
	code := ewsCode(err)
	if code != "ErrorInvalidServerVersion" && code != "ErrorInvalidRequest" && code != "ErrorSchemaValidation" {
		return false
	}
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	ev := c.shared.versions[key]
	if ev == nil {
		ev = &endpointVersion{}
		c.shared.versions[key] = ev
	}
	cur := ev.version
	if cur == "" {
		cur = defaultVersion
	}
	if cur != sent {
		return true // another request already moved on (or the answer's ServerVersionInfo taught a new one)
	}
	if svi != nil || ev.learnt && code != "ErrorInvalidServerVersion" {
		return false // the server said its version and refused the request for another reason
	}
	next := stepDownFrom(sent)
	if next == "" {
		return false
	}
	ev.version, ev.learnt = next, false
	return true
}

// ewsCode returns the EWS ResponseCode of a wire error (a SOAP fault or a response message), or "".
func ewsCode(err error) string {
	var f *soap.Fault
	var re *soap.ResponseError
	switch {
	case errors.As(err, &re):
		return re.Code
	case errors.As(err, &f):
		return f.ResponseCode()
	}
	return ""
}

// gateRequest returns req as the RequestServerVersion v may carry it: property paths that v's schema lacks are
// left out of response shapes, and optional elements and attributes it lacks (SuppressReadReceipts,
// ReturnNewItemIds, ContactDataShape) are dropped. The caller's request is not changed (a copy is returned when
// something is dropped). A request that cannot be carried by v at all (a streaming subscription before 2010 SP1)
// returns an error matching ErrInvalidServerVersion.
func gateRequest(req soap.Operation, v string) (soap.Operation, error) {
	i := versionIndex(v)
	if i < 0 {
		return req, nil
	}
	has := func(f feature) bool { return versions[i].features&f == f }
	if f, ok := opFeatures[req.Op().Name]; ok && !has(f) {
		return nil, &Error{Code: ErrInvalidServerVersion.Code, Message: fmt.Sprintf("%s needs %s or later; the server speaks %s", req.Op().Name, firstWith(f), v)}
	}
	switch r := req.(type) {
	case *soap.GetItem:
		if sh, ok := gateShape(r.ItemShape, has); !ok {
			cp := *r
			cp.ItemShape = sh
			return &cp, nil
		}
	case *soap.FindItem:
		if sh, ok := gateShape(r.ItemShape, has); !ok {
			cp := *r
			cp.ItemShape = sh
			return &cp, nil
		}
	case *soap.SyncFolderItems:
		if sh, ok := gateShape(r.ItemShape, has); !ok {
			cp := *r
			cp.ItemShape = sh
			return &cp, nil
		}
	case *soap.UpdateItem:
		if r.SuppressReadReceipts != nil && !has(featSuppressReadReceipts) {
			cp := *r
			cp.SuppressReadReceipts = nil
			return &cp, nil
		}
	case *soap.DeleteItem:
		if r.SuppressReadReceipts != nil && !has(featSuppressReadReceipts) {
			cp := *r
			cp.SuppressReadReceipts = nil
			return &cp, nil
		}
	case *soap.MoveItem:
		if r.ReturnNewItemIDs != nil && !has(featReturnNewItemIDs) {
			cp := *r
			cp.ReturnNewItemIDs = nil
			return &cp, nil
		}
	case *soap.CopyItem:
		if r.ReturnNewItemIDs != nil && !has(featReturnNewItemIDs) {
			cp := *r
			cp.ReturnNewItemIDs = nil
			return &cp, nil
		}
	case *soap.ResolveNames:
		if r.ContactDataShape != "" && !has(featContactDataShape) {
			cp := *r
			cp.ContactDataShape = ""
			return &cp, nil
		}
	case *soap.CreateAttachment:
		if !has(featAttachmentIsInline) {
			if atts, dropped := withoutIsInline(r.Attachments.Attachments); dropped {
				cp := *r
				cp.Attachments.Attachments = atts
				return &cp, nil
			}
		}
	case *soap.Subscribe:
		if r.Streaming != nil && !has(featStreaming) {
			return nil, &Error{Code: ErrInvalidServerVersion.Code, Message: fmt.Sprintf("streaming subscriptions need Exchange 2010 SP1 or later; the server speaks %s", v)}
		}
	}
	var refused string
	eachDistinguished(reflect.ValueOf(req), func(name string) bool {
		if f, ok := folderFeatures[name]; ok && !has(f) {
			refused = name
			return false
		}
		return true
	})
	if refused != "" {
		return nil, &Error{Code: ErrInvalidServerVersion.Code, Message: fmt.Sprintf("the folder %q needs %s or later; the server speaks %s", refused, firstWith(folderFeatures[refused]), v)}
	}
	return req, nil
}

// folderRefType is the wire folder reference, whose distinguished names eachDistinguished finds.
var folderRefType = reflect.TypeFor[soap.FolderRef]()

// eachDistinguished calls fn with the name of every DistinguishedFolderId in the request v (its structs,
// pointers, interfaces and slices, wherever a folder may be named), until fn returns false. It reports whether
// the walk went to the end.
func eachDistinguished(v reflect.Value, fn func(string) bool) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil() || eachDistinguished(v.Elem(), fn)
	case reflect.Struct:
		if v.Type() == folderRefType {
			name := v.FieldByName("Distinguished").String()
			return name == "" || fn(name)
		}
		for i := range v.NumField() {
			if !eachDistinguished(v.Field(i), fn) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Struct, reflect.Pointer, reflect.Interface, reflect.Slice:
			for i := range v.Len() {
				if !eachDistinguished(v.Index(i), fn) {
					return false
				}
			}
		}
	}
	return true
}

// requireFeature returns an error matching ErrInvalidServerVersion, before anything is sent for what, when the
// server's version lacks f. When the version is not known yet it is learnt first (ensureVersion).
func (c *Client) requireFeature(ctx context.Context, f feature, what string) error {
	if err := c.ensureVersion(ctx); err != nil {
		return err
	}
	if c.supports(f) {
		return nil
	}
	return &Error{Code: ErrInvalidServerVersion.Code, Message: fmt.Sprintf("%s needs %s or later; the server speaks %s", what, firstWith(f), c.versionInUse())}
}

// withoutIsInline returns atts with IsInline left out of its file attachments (copies of those that had it), and
// whether any had it.
func withoutIsInline(atts []any) ([]any, bool) {
	var out []any
	for i, a := range atts {
		fa, ok := a.(*soap.FileAttachment)
		if !ok || fa.IsInline == nil {
			continue
		}
		if out == nil {
			out = slices.Clone(atts)
		}
		cp := *fa
		cp.IsInline = nil
		out[i] = &cp
	}
	return out, out != nil
}

// gateShape returns sh without the property paths the version lacks, and whether it was already fine.
func gateShape(sh soap.ItemShape, has func(feature) bool) (soap.ItemShape, bool) {
	keep := true
	for _, p := range sh.AdditionalProperties {
		if f, ok := pathFeatures[p.FieldURI]; ok && !has(f) {
			keep = false
			break
		}
	}
	if keep {
		return sh, true
	}
	props := make(soap.PathList, 0, len(sh.AdditionalProperties))
	for _, p := range sh.AdditionalProperties {
		if f, ok := pathFeatures[p.FieldURI]; !ok || has(f) {
			props = append(props, p)
		}
	}
	sh.AdditionalProperties = props
	return sh, false
}

// probeVersion is sent, in the place of a request that gateRequest refused (refusal) for an unconfirmed version v,
// to learn whether the server speaks v: one GetFolder of the mailbox's root folder (IdOnly), as ensureVersion.
// When the answer teaches another version or the server refuses v, it returns a *versionRetry (the request is
// gated again with the new version); when the server accepts v, v counts as known and the refusal stands.
func (c *Client) probeVersion(ctx context.Context, wire *soap.Client, key, v string, refusal error) error {
	probe := &soap.GetFolder{FolderShape: soap.FolderShape{BaseShape: "IdOnly"}, FolderIDs: []soap.FolderRef{c.distinguished("msgfolderroot")}}
	svi, err := wire.Do(ctx, c.header(v), probe, probe.NewResponse())
	if svi != nil {
		c.noteVersion(key, svi)
	}
	if c.negotiate(key, v, svi, err) {
		return &versionRetry{err: refusal}
	}
	if err != nil {
		return err
	}
	if now, known := c.currentVersion(); known && now != v {
		return &versionRetry{err: refusal}
	}
	c.shared.mu.Lock()
	if ev := c.shared.versions[key]; ev != nil && ev.version == v {
		ev.learnt = true // the server accepted v without saying its version
	}
	c.shared.mu.Unlock()
	return refusal
}

// ensureVersion makes the version known before a request is built that the gate cannot adapt (calendar time
// zones: MeetingTimeZone for Exchange 2007, StartTimeZone/EndTimeZone later). While the version is unknown, one
// GetFolder of the mailbox's root folder (IdOnly) negotiates it; its own outcome does not matter.
func (c *Client) ensureVersion(ctx context.Context) error {
	if _, known := c.currentVersion(); known {
		return nil
	}
	req := &soap.GetFolder{FolderShape: soap.FolderShape{BaseShape: "IdOnly"}, FolderIDs: []soap.FolderRef{c.distinguished("msgfolderroot")}}
	_, err := do(ctx, c, req)
	return err
}

// versionBeforeOnce makes the version known before a request that is not sent twice (send, create, move, copy,
// delete). While the version is unknown, the server may refuse the client's default RequestServerVersion
// (Exchange 2007 and 2010 do, several times as the client steps down): each refused attempt is one more that a
// connection reset could hit, and a reset of a non-idempotent request can only be reported as ErrOutcomeUnknown.
// So the version is learnt first with ensureVersion's GetFolder, which is idempotent and retried safely; the
// request is then sent once with the version the server takes. Nothing of the request was sent when this fails.
func (c *Client) versionBeforeOnce(ctx context.Context) error {
	if _, known := c.currentVersion(); known {
		return nil
	}
	err := c.ensureVersion(ctx)
	if err == nil {
		// The server took the GetFolder: when its answer did not say its version, the version it carried is the
		// server's (else every such request would ask again).
		v, _ := c.currentVersion()
		key := c.versionKey()
		c.shared.mu.Lock()
		if ev := c.shared.versions[key]; ev == nil {
			c.shared.versions[key] = &endpointVersion{version: v, learnt: true}
		} else if ev.version == v || ev.version == "" {
			ev.version, ev.learnt = v, true
		}
		c.shared.mu.Unlock()
		return nil
	}
	if err == ctx.Err() {
		return err
	}
	var oe *OpError
	if errors.As(err, &oe) {
		return fmt.Errorf("learning the server version first (%s): %w", oe.Op, oe.Err)
	}
	return fmt.Errorf("learning the server version first: %w", err)
}
