package testserver

import (
	"slices"
	"strings"
)

// Personality makes the server behave as one release of Exchange: it reports that release's ServerVersionInfo
// (its build numbers, and its header's shape), accepts only the RequestServerVersion values that release knows,
// refuses the others with that release's fault, and refuses elements, property paths and distinguished folder
// names its schema lacks as a schema violation. Install one with WithPersonality; Personalities lists them all.
//
// Without a personality the server reports Exchange 2019 and accepts every value of the newest schema, as it
// always has (WithVersion changes only the header then).
type Personality struct {
	name    string
	product string
	version ServerVersion
	// accepts are the RequestServerVersion values the release knows, oldest first.
	accepts []string
	// schema is what the release's schema declares; nil is the newest schema (the fake server's own).
	schema *schemaNames
	// legacy releases (2007, 2010) answer an unknown RequestServerVersion with ErrorInvalidServerVersion; newer
	// ones with ErrorInvalidRequest. Neither carries ServerVersionInfo.
	legacy bool
	// header is how the release writes ServerVersionInfo (see writeVersionInfo).
	header headerStyle
}

type headerStyle int

const (
	header2007   headerStyle = iota // <t:ServerVersionInfo xmlns:t=...> without Version, in a soap: envelope
	headerOnPrem                    // <h:ServerVersionInfo ... Version=... xmlns:h xmlns xmlns:xsd xmlns:xsi/>
	headerOnline                    // as headerOnPrem without the default namespace declaration
)

// Name returns the personality's short name, as ews fake-server --version takes it (e.g. "2010sp2").
func (p Personality) Name() string { return p.name }

// String returns the product name, e.g. "Exchange Server 2010 SP2".
func (p Personality) String() string { return p.product }

// ServerVersion returns the ServerVersionInfo the personality reports.
func (p Personality) ServerVersion() ServerVersion { return p.version }

// Accepts reports whether the personality accepts a RequestServerVersion value.
func (p Personality) Accepts(requestVersion string) bool {
	return slices.Contains(p.accepts, requestVersion)
}

// Newest returns the newest RequestServerVersion the personality accepts.
func (p Personality) Newest() string { return p.accepts[len(p.accepts)-1] }

// Schema names the folder of /work/shared/ews-schema (or the repository's schema copy) whose validate script
// checks requests for this personality: "exchange2007sp1", "exchange2010sp2", or "" for the newest schema.
func (p Personality) Schema() string {
	switch p.schema {
	case schema2007SP1:
		return "exchange2007sp1"
	case schema2010SP2:
		return "exchange2010sp2"
	}
	return ""
}

// versionsUpTo returns the RequestServerVersion values of the newest schema up to and including last.
func versionsUpTo(last string) []string {
	i := slices.Index(requestVersions, last)
	return slices.Clone(requestVersions[:i+1])
}

// requestVersions are the ExchangeVersionType values of the newest schema, oldest first.
var requestVersions = []string{"Exchange2007", "Exchange2007_SP1", "Exchange2009", "Exchange2010",
	"Exchange2010_SP1", "Exchange2010_SP2", "Exchange2013", "Exchange2013_SP1", "Exchange2015", "Exchange2016",
	"V2015_10_05", "V2016_01_06", "V2016_04_13", "V2016_07_13", "V2016_10_10", "V2017_01_07", "V2017_04_14",
	"V2017_07_11", "V2017_10_09", "V2018_01_08"}

// The personalities. Build numbers are those of the release (Microsoft's "Exchange Server build numbers and
// release dates"); the Version attribute is what that release writes in ServerVersionInfo.
var (
	// Exchange2007SP1 is Exchange Server 2007 SP1 (8.1.240.6): Exchange2007 and Exchange2007_SP1 only, the 2007
	// SP1 schema (no ConversationId, no streaming notifications, no TextBody...), and a ServerVersionInfo
	// without Version.
	Exchange2007SP1 = Personality{name: "2007sp1", product: "Exchange Server 2007 SP1",
		version: ServerVersion{8, 1, 240, 6, ""}, accepts: []string{"Exchange2007", "Exchange2007_SP1"},
		schema: schema2007SP1, legacy: true, header: header2007}
	// Exchange2010SP2 is Exchange Server 2010 SP2 (14.2.247.5): up to Exchange2010_SP2 and its schema. A newer
	// RequestServerVersion gets ErrorInvalidServerVersion in a SOAP fault without ServerVersionInfo.
	Exchange2010SP2 = Personality{name: "2010sp2", product: "Exchange Server 2010 SP2",
		version: ServerVersion{14, 2, 247, 5, "Exchange2010_SP2"}, accepts: versionsUpTo("Exchange2010_SP2"),
		schema: schema2010SP2, legacy: true, header: headerOnPrem}
	// Exchange2013 is Exchange Server 2013 RTM (15.0.516.32); builds up to CU3 (15.0.775) know no
	// Exchange2013_SP1.
	Exchange2013 = Personality{name: "2013", product: "Exchange Server 2013",
		version: ServerVersion{15, 0, 516, 32, "Exchange2013"}, accepts: versionsUpTo("Exchange2013"),
		header: headerOnPrem}
	// Exchange2013SP1 is Exchange Server 2013 SP1 (15.0.847.32).
	Exchange2013SP1 = Personality{name: "2013sp1", product: "Exchange Server 2013 SP1",
		version: ServerVersion{15, 0, 847, 32, "Exchange2013_SP1"}, accepts: versionsUpTo("Exchange2013_SP1"),
		header: headerOnPrem}
	// Exchange2016 is Exchange Server 2016 CU23 (15.1.2507.6).
	Exchange2016 = Personality{name: "2016", product: "Exchange Server 2016",
		version: ServerVersion{15, 1, 2507, 6, "V2017_07_11"}, accepts: requestVersions, header: headerOnPrem}
	// Exchange2019 is Exchange Server 2019 CU12 (15.2.1118.7); Exchange Server SE reports the same major and minor
	// version and behaves the same for EWS.
	Exchange2019 = Personality{name: "2019", product: "Exchange Server 2019",
		version: ServerVersion{15, 2, 1118, 7, "V2017_07_11"}, accepts: requestVersions, header: headerOnPrem}
	// ExchangeOnline is Exchange Online (15.20.x, V2018_01_08), whose header has no default namespace.
	ExchangeOnline = Personality{name: "online", product: "Exchange Online",
		version: ServerVersion{15, 20, 3370, 16, "V2018_01_08"}, accepts: requestVersions, header: headerOnline}
)

// Personalities returns every personality, oldest first.
func Personalities() []Personality {
	return []Personality{Exchange2007SP1, Exchange2010SP2, Exchange2013, Exchange2013SP1, Exchange2016,
		Exchange2019, ExchangeOnline}
}

// PersonalityNamed returns the personality with a name (see Personality.Name; "se" is 2019, "o365" and
// "exchangeonline" are online), case-insensitively.
func PersonalityNamed(name string) (Personality, bool) {
	switch n := strings.ToLower(name); n {
	case "se", "2019se", "exchangese":
		return Exchange2019, true
	case "o365", "exchangeonline", "eo":
		return ExchangeOnline, true
	default:
		for _, p := range Personalities() {
			if p.name == n {
				return p, true
			}
		}
	}
	return Personality{}, false
}

// PersonalityEnv names the environment variable that, set to a personality's name (see PersonalityNamed), gives
// that personality to every server started without WithPersonality or WithVersion: CI runs the SDK's mail,
// calendar, contacts and poll tests once per personality this way (.ci/versions).
const PersonalityEnv = "EWS_TESTSERVER_VERSION"

// WithPersonality makes the server behave as one release of Exchange (see Personality).
func WithPersonality(p Personality) Option {
	return func(s *Server) {
		s.personality = &p
		s.version = p.version
	}
}

// Personality returns the server's personality, and false when it has none.
func (s *Server) Personality() (Personality, bool) {
	if s.personality == nil {
		return Personality{}, false
	}
	return *s.personality, true
}

// schemaNames is what one release's schema declares (schema_tables.go).
type schemaNames struct {
	elements, attributes, unindexedFieldURI, dictionaryURI, exceptionPropertyURI, distinguishedFolderIdName,
	exchangeVersion map[string]bool
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// requestSchema returns the older schema whose content a request's RequestServerVersion limits it to (Exchange
// 2013 and later refuse a newer element with ErrorIncorrectSchemaVersion), or nil.
func requestSchema(version string) *schemaNames {
	switch version {
	case "Exchange2007", "Exchange2007_SP1":
		return schema2007SP1
	case "Exchange2009", "Exchange2010", "Exchange2010_SP1", "Exchange2010_SP2":
		return schema2010SP2
	}
	return nil
}

// violation is the first part of a request an older schema does not declare.
type violation struct {
	text string // the schema validator's words, as Exchange returns them in Violation
	at   string // text to find in the raw request for the line and position
}

// checkSchema walks a request's body and returns the first element, attribute, property path or distinguished
// folder name that sc does not declare. SOAP headers the release does not know (TimeZoneContext on Exchange 2007
// SP1) are ignored, as ASP.NET web services ignore headers without mustUnderstand; exchangelib sends
// TimeZoneContext to every release. (CI's per-version schema check still refuses such headers in what the SDK
// sends.)
func checkSchema(sc *schemaNames, env *node) *violation {
	var walk func(parent, n *node) *violation
	walk = func(parent, n *node) *violation {
		if n.Name.Space == nsTypes || n.Name.Space == nsMessages {
			if !sc.elements[n.Name.Local] {
				pn := "Header"
				if parent != nil {
					pn = parent.Name.Local
				}
				return &violation{
					text: "The element '" + pn + "' in namespace '" + parent.Name.Space + "' has invalid child element '" +
						n.Name.Local + "' in namespace '" + n.Name.Space + "'.",
					at: ":" + n.Name.Local,
				}
			}
			check := func(attr string, set map[string]bool, typ string) *violation {
				v := n.attr(attr)
				if v == "" || set[v] {
					return nil
				}
				return &violation{
					text: "The '" + attr + "' attribute is invalid - The value '" + v + "' is invalid according to its datatype '" +
						nsTypes + ":" + typ + "' - The Enumeration constraint failed.",
					at: `"` + v + `"`,
				}
			}
			for _, a := range n.Attrs {
				if a.Name.Space == "" && a.Name.Local != "xmlns" && !sc.attributes[a.Name.Local] {
					return &violation{
						text: "The '" + a.Name.Local + "' attribute is not declared.",
						at:   " " + a.Name.Local + "=",
					}
				}
			}
			var bad *violation
			switch n.Name.Local {
			case "FieldURI":
				bad = check("FieldURI", sc.unindexedFieldURI, "UnindexedFieldURIType")
			case "IndexedFieldURI":
				bad = check("FieldURI", sc.dictionaryURI, "DictionaryURIType")
			case "ExceptionFieldURI":
				bad = check("FieldURI", sc.exceptionPropertyURI, "ExceptionPropertyURIType")
			case "DistinguishedFolderId":
				bad = check("Id", sc.distinguishedFolderIdName, "DistinguishedFolderIdNameType")
			}
			if bad != nil {
				return bad
			}
		}
		for _, c := range n.Children {
			if v := walk(n, c); v != nil {
				return v
			}
		}
		return nil
	}
	for _, part := range env.Children {
		if part.Name.Local != "Body" {
			continue
		}
		for _, c := range part.Children {
			if v := walk(part, c); v != nil {
				return v
			}
		}
	}
	return nil
}

// linePos returns the 1-based line and position of the first occurrence of s in raw, or 0, 0.
func linePos(raw []byte, s string) (line, pos int) {
	i := strings.Index(string(raw), s)
	if i < 0 {
		return 0, 0
	}
	line = 1 + strings.Count(string(raw[:i]), "\n")
	pos = i - strings.LastIndexByte(string(raw[:i]), '\n')
	return line, pos
}

// writeVersionInfo writes the ServerVersionInfo header element in the shape the server's release writes it.
func (s *Server) writeVersionInfo(w *xw) {
	v := s.version
	nums := []string{"MajorVersion", itoa(v.MajorVersion), "MinorVersion", itoa(v.MinorVersion),
		"MajorBuildNumber", itoa(v.MajorBuildNumber), "MinorBuildNumber", itoa(v.MinorBuildNumber)}
	style := headerOnPrem
	if s.personality != nil {
		style = s.personality.header
	}
	switch style {
	case header2007:
		if v.Version != "" {
			nums = append(nums, "Version", v.Version)
		}
		w.empty("t:ServerVersionInfo", append(nums, "xmlns:t", nsTypes)...)
	case headerOnline:
		w.empty("h:ServerVersionInfo", append(nums, "Version", v.Version, "xmlns:h", nsTypes,
			"xmlns:xsd", "http://www.w3.org/2001/XMLSchema", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")...)
	default:
		if v.Version != "" {
			nums = append(nums, "Version", v.Version)
		}
		w.empty("h:ServerVersionInfo", append(nums, "xmlns:h", nsTypes, "xmlns", nsTypes,
			"xmlns:xsd", "http://www.w3.org/2001/XMLSchema", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")...)
	}
}

// faultsCarryVersion reports whether the server writes ServerVersionInfo on SOAP faults of requests it has
// accepted (Exchange 2013 and later); schema and version refusals never carry it.
func (s *Server) faultsCarryVersion() bool {
	return s.personality != nil && !s.personality.legacy
}

// checkPersonality refuses what the server's release refuses: a RequestServerVersion it does not know, and
// content its schema (or, on Exchange 2013 and later, the schema of the requested version) lacks.
func (r *request) checkPersonality(env *node) *soapFault {
	p := r.srv.personality
	if p == nil {
		return nil
	}
	if r.version != "" && !p.Accepts(r.version) {
		if p.legacy {
			return faultf("ErrorInvalidServerVersion", "The specified server version is invalid.")
		}
		return faultf("ErrorInvalidRequest", "The request is invalid.")
	}
	code, sc := "ErrorSchemaValidation", p.schema
	if sc == nil {
		code, sc = "ErrorIncorrectSchemaVersion", requestSchema(r.version)
	}
	if sc == nil {
		return nil
	}
	v := checkSchema(sc, env)
	if v == nil {
		return nil
	}
	if code == "ErrorIncorrectSchemaVersion" {
		return faultf(code, "The request is valid but does not specify the correct server version in the RequestServerVersion SOAP header.  Ensure that the RequestServerVersion SOAP header is set with the correct RequestServerVersionValue.")
	}
	line, pos := linePos(r.raw, v.at)
	return &soapFault{code: code, violation: v.text, line: line, pos: pos}
}
