package testserver

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
)

// post sends a raw SOAP request with Basic authentication and returns the status and body.
func post(t *testing.T, srv *Server, version, header, body string) (int, string) {
	t.Helper()
	hdr := ""
	if version != "" {
		hdr = `<t:RequestServerVersion Version="` + version + `"/>`
	}
	env := `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="` + nsTypes + `" xmlns:m="` + nsMessages + `">
<s:Header>` + hdr + header + `</s:Header>
<s:Body>` + body + `</s:Body></s:Envelope>`
	req, err := http.NewRequest("POST", srv.URL, strings.NewReader(env))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Username(), srv.Password())
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const getInbox = `<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>` +
	`<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>`

// answer is what a test reads from a response: the fault code and the ServerVersionInfo attributes.
type answer struct {
	Header struct {
		SVI *struct {
			MajorVersion, MinorVersion, MajorBuildNumber string `xml:",attr"`
			MinorBuildNumber, Version                    string `xml:",attr"`
		} `xml:"ServerVersionInfo"`
	} `xml:"Header"`
	Body struct {
		Fault *struct {
			Code     string `xml:"detail>ResponseCode"`
			String   string `xml:"faultstring"`
			Line     int    `xml:"detail>MessageXml>LineNumber"`
			Position int    `xml:"detail>MessageXml>LinePosition"`
		} `xml:"Fault"`
	} `xml:"Body"`
}

func parseAnswer(t *testing.T, body string) answer {
	t.Helper()
	var a answer
	if err := xml.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("answer is not XML: %v\n%s", err, body)
	}
	return a
}

func TestPersonalityRefusesNewerVersions(t *testing.T) {
	for _, tc := range []struct {
		p         Personality
		version   string
		code      string // "" for success
		withSVI   bool
		major     string
		build     string
		versionAt string
	}{
		{Exchange2007SP1, "Exchange2007_SP1", "", true, "8", "240", ""},
		{Exchange2007SP1, "Exchange2010", "ErrorInvalidServerVersion", false, "", "", ""},
		{Exchange2010SP2, "Exchange2010_SP2", "", true, "14", "247", "Exchange2010_SP2"},
		{Exchange2010SP2, "Exchange2013_SP1", "ErrorInvalidServerVersion", false, "", "", ""},
		{Exchange2010SP2, "Exchange2007_SP1", "", true, "14", "247", "Exchange2010_SP2"},
		{Exchange2013, "Exchange2013_SP1", "ErrorInvalidRequest", false, "", "", ""},
		{Exchange2013, "Exchange2013", "", true, "15", "516", "Exchange2013"},
		{Exchange2013SP1, "Exchange2013_SP1", "", true, "15", "847", "Exchange2013_SP1"},
		{Exchange2016, "Exchange2016", "", true, "15", "2507", "V2017_07_11"},
		{Exchange2019, "Exchange2019", "ErrorInvalidRequest", false, "", "", ""}, // not a value of the schema
		{Exchange2019, "Exchange2013_SP1", "", true, "15", "1118", "V2017_07_11"},
		{ExchangeOnline, "V2018_01_08", "", true, "15", "3370", "V2018_01_08"},
	} {
		t.Run(tc.p.Name()+"/"+tc.version, func(t *testing.T) {
			srv := New(t, WithPersonality(tc.p))
			status, body := post(t, srv, tc.version, "", getInbox)
			a := parseAnswer(t, body)
			if tc.code == "" {
				if status != 200 || a.Body.Fault != nil {
					t.Fatalf("status %d, want 200:\n%s", status, body)
				}
			} else if status != 500 || a.Body.Fault == nil || a.Body.Fault.Code != tc.code {
				t.Fatalf("status %d, want 500 %s:\n%s", status, tc.code, body)
			}
			if (a.Header.SVI != nil) != tc.withSVI {
				t.Fatalf("ServerVersionInfo present = %v, want %v:\n%s", a.Header.SVI != nil, tc.withSVI, body)
			}
			if a.Header.SVI != nil {
				v := a.Header.SVI
				if v.MajorVersion != tc.major || v.MajorBuildNumber != tc.build || v.Version != tc.versionAt {
					t.Errorf("ServerVersionInfo = %+v, want %s.x.%s Version=%q", *v, tc.major, tc.build, tc.versionAt)
				}
			}
		})
	}
}

func TestPersonalityHeaderShapes(t *testing.T) {
	for _, tc := range []struct {
		p    Personality
		want string
	}{
		{Exchange2007SP1, `<t:ServerVersionInfo MajorVersion="8" MinorVersion="1" MajorBuildNumber="240" MinorBuildNumber="6" xmlns:t="` + nsTypes + `"/>`},
		{Exchange2010SP2, `<h:ServerVersionInfo MajorVersion="14" MinorVersion="2" MajorBuildNumber="247" MinorBuildNumber="5" Version="Exchange2010_SP2" xmlns:h="` + nsTypes + `" xmlns="` + nsTypes + `"`},
		{ExchangeOnline, `<h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="3370" MinorBuildNumber="16" Version="V2018_01_08" xmlns:h="` + nsTypes + `" xmlns:xsd=`},
	} {
		srv := New(t, WithPersonality(tc.p))
		_, body := post(t, srv, tc.p.Newest(), "", getInbox)
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s: header is not %s:\n%s", tc.p, tc.want, body)
		}
	}
}

func TestPersonalitySchemaViolations(t *testing.T) {
	getItem := func(path string) string {
		return `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>` +
			`<t:FieldURI FieldURI="` + path + `"/></t:AdditionalProperties></m:ItemShape>` +
			`<m:ItemIds><t:ItemId Id="AAAA"/></m:ItemIds></m:GetItem>`
	}
	const stream = `<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/>` +
		`</t:FolderIds><t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes>` +
		`</m:StreamingSubscriptionRequest></m:Subscribe>`
	const suppress = `<m:DeleteItem DeleteType="HardDelete" SuppressReadReceipts="true"><m:ItemIds><t:ItemId Id="AAAA"/></m:ItemIds></m:DeleteItem>`
	const tz = `<t:TimeZoneContext><t:TimeZoneDefinition Id="UTC"/></t:TimeZoneContext>`
	for _, tc := range []struct {
		name    string
		p       Personality
		version string
		header  string
		body    string
		code    string
		words   string
	}{
		{"2007 ConversationId", Exchange2007SP1, "Exchange2007_SP1", "", getItem("item:ConversationId"), "ErrorSchemaValidation", "'item:ConversationId' is invalid"},
		{"2007 streaming", Exchange2007SP1, "Exchange2007_SP1", "", stream, "ErrorSchemaValidation", "invalid child element 'StreamingSubscriptionRequest'"},
		{"2010 TextBody", Exchange2010SP2, "Exchange2010_SP2", "", getItem("item:TextBody"), "ErrorSchemaValidation", "'item:TextBody' is invalid"},
		{"2010 SuppressReadReceipts", Exchange2010SP2, "Exchange2010_SP2", "", suppress, "ErrorSchemaValidation", "'SuppressReadReceipts' attribute"},
		{"2019 TextBody asked as 2010", Exchange2019, "Exchange2010_SP2", "", getItem("item:TextBody"), "ErrorIncorrectSchemaVersion", "correct server version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(t, WithPersonality(tc.p))
			status, body := post(t, srv, tc.version, tc.header, tc.body)
			a := parseAnswer(t, body)
			if status != 500 || a.Body.Fault == nil || a.Body.Fault.Code != tc.code || !strings.Contains(a.Body.Fault.String, tc.words) {
				t.Fatalf("status %d, want 500 %s saying %q:\n%s", status, tc.code, tc.words, body)
			}
			if a.Header.SVI != nil {
				t.Errorf("a schema fault carries ServerVersionInfo:\n%s", body)
			}
			if tc.code == "ErrorSchemaValidation" && (a.Body.Fault.Line < 2 || a.Body.Fault.Position < 1) {
				t.Errorf("LineNumber %d LinePosition %d do not point into the request", a.Body.Fault.Line, a.Body.Fault.Position)
			}
		})
	}
	// What the older schemas have passes; a header Exchange 2007 does not know is ignored.
	srv07 := New(t, WithPersonality(Exchange2007SP1))
	srv07.noCapture = true // TimeZoneContext is not in the 2007 SP1 schema: not a shape the SDK sends
	if status, body := post(t, srv07, "Exchange2007_SP1", tz, getInbox); status != 200 {
		t.Errorf("2007 SP1 refused a request with TimeZoneContext:\n%s", body)
	}
	srv := New(t, WithPersonality(Exchange2010SP2))
	if status, body := post(t, srv, "Exchange2010_SP2", tz, stream); status != 200 {
		t.Errorf("2010 SP2 refused a streaming subscription:\n%s", body)
	}
	if status, body := post(t, srv, "Exchange2010_SP2", "", getItem("item:ConversationId")); !strings.Contains(body, "ErrorInvalidIdMalformed") && status != 200 {
		t.Errorf("2010 SP2 refused item:ConversationId:\n%s", body)
	}
}

func TestFaultsCarryVersionFrom2013(t *testing.T) {
	for _, tc := range []struct {
		p    Personality
		want bool
	}{{Exchange2010SP2, false}, {Exchange2013, true}, {ExchangeOnline, true}} {
		srv := New(t, WithPersonality(tc.p), WithFaults(ServerBusy(0).Times(1)))
		status, body := post(t, srv, tc.p.Newest(), "", getInbox)
		if status != 500 || !strings.Contains(body, "ErrorServerBusy") {
			t.Fatalf("%s: no ErrorServerBusy fault: %d\n%s", tc.p, status, body)
		}
		if got := strings.Contains(body, "ServerVersionInfo"); got != tc.want {
			t.Errorf("%s: ServerVersionInfo on a fault = %v, want %v:\n%s", tc.p, got, tc.want, body)
		}
		// An impersonation refusal is a fault of an accepted request too.
		_, body = post(t, srv, tc.p.Newest(), `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>bob@example.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`, getInbox)
		if !strings.Contains(body, "ErrorImpersonateUserDenied") || strings.Contains(body, "ServerVersionInfo") != tc.want {
			t.Errorf("%s: impersonation fault, want ServerVersionInfo %v:\n%s", tc.p, tc.want, body)
		}
	}
}

func TestPersonalityNamed(t *testing.T) {
	for name, want := range map[string]Personality{"2007sp1": Exchange2007SP1, "2010SP2": Exchange2010SP2,
		"2013": Exchange2013, "2013sp1": Exchange2013SP1, "2016": Exchange2016, "2019": Exchange2019, "se": Exchange2019,
		"online": ExchangeOnline, "o365": ExchangeOnline} {
		if got, ok := PersonalityNamed(name); !ok || got.Name() != want.Name() {
			t.Errorf("PersonalityNamed(%q) = %v, %v", name, got, ok)
		}
	}
	if _, ok := PersonalityNamed("2003"); ok {
		t.Error("PersonalityNamed(2003) found a personality")
	}
}

func TestDefaultFolderShape(t *testing.T) {
	srv := New(t)
	_, body := post(t, srv, "Exchange2013_SP1", "", getInbox)
	for _, want := range []string{"<t:FolderId ", "<t:DisplayName>Inbox</t:DisplayName>", "<t:TotalCount>", "<t:ChildFolderCount>", "<t:UnreadCount>"} {
		if !strings.Contains(body, want) {
			t.Errorf("Default shape lacks %s:\n%s", want, body)
		}
	}
	for _, absent := range []string{"FolderClass", "ParentFolderId", "EffectiveRights"} {
		if strings.Contains(body, absent) {
			t.Errorf("Default shape has %s, which Exchange does not return:\n%s", absent, body)
		}
	}
	asked := strings.Replace(getInbox, `</t:BaseShape>`, `</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:FolderClass"/><t:FieldURI FieldURI="folder:ParentFolderId"/></t:AdditionalProperties>`, 1)
	_, body = post(t, srv, "Exchange2013_SP1", "", asked)
	i, j := strings.Index(body, "<t:ParentFolderId "), strings.Index(body, "<t:FolderClass>IPF.Note</t:FolderClass>")
	if i < 0 || j < i || j > strings.Index(body, "<t:DisplayName>") {
		t.Errorf("asked-for ParentFolderId and FolderClass missing or out of schema order:\n%s", body)
	}
	all := strings.Replace(getInbox, "Default", "AllProperties", 1)
	if _, body = post(t, srv, "Exchange2013_SP1", "", all); !strings.Contains(body, "<t:EffectiveRights>") || !strings.Contains(body, "<t:FolderClass>") {
		t.Errorf("AllProperties lacks EffectiveRights or FolderClass:\n%s", body)
	}
	idOnly := strings.Replace(getInbox, "Default", "IdOnly", 1)
	if _, body = post(t, srv, "Exchange2013_SP1", "", idOnly); strings.Contains(body, "DisplayName") {
		t.Errorf("IdOnly has DisplayName:\n%s", body)
	}
}

func TestConvertId(t *testing.T) {
	srv := New(t, WithPersonality(Exchange2016))
	id := srv.AddMessage("inbox", Item{Subject: "x"})
	conv := func(from, dest, id string) string {
		_, body := post(t, srv, "Exchange2016", "", `<m:ConvertId DestinationFormat="`+dest+`"><m:SourceIds>`+
			`<t:AlternateId Format="`+from+`" Id="`+id+`" Mailbox="alice@example.com"/></m:SourceIds></m:ConvertId>`)
		return body
	}
	body := conv("EwsId", "HexEntryId", id)
	var resp struct {
		Msgs []struct {
			Class string `xml:"ResponseClass,attr"`
			Code  string `xml:"ResponseCode"`
			Alt   struct {
				Format string `xml:"Format,attr"`
				ID     string `xml:"Id,attr"`
			} `xml:"AlternateId"`
		} `xml:"Body>ConvertIdResponse>ResponseMessages>ConvertIdResponseMessage"`
	}
	_ = xml.Unmarshal([]byte(body), &resp)
	if len(resp.Msgs) != 1 || resp.Msgs[0].Code != "NoError" || resp.Msgs[0].Alt.Format != "HexEntryId" || resp.Msgs[0].Alt.ID == "" {
		t.Fatalf("ConvertId to HexEntryId:\n%s", body)
	}
	if !strings.Contains(body, "ServerVersionInfo") {
		t.Errorf("ConvertId answer has no ServerVersionInfo (exchangelib reads the version from it)")
	}
	hexID := resp.Msgs[0].Alt.ID
	back := conv("HexEntryId", "EwsId", hexID)
	if !strings.Contains(back, `Id="`+id+`"`) {
		t.Errorf("HexEntryId %s did not convert back to %s:\n%s", hexID, id, back)
	}
	// exchangelib's version probe.
	dummy := conv("EwsId", "EntryId", "DUMMY")
	if !strings.Contains(dummy, `ResponseClass="Error"`) || !strings.Contains(dummy, "ErrorInvalidIdMalformed") || !strings.Contains(dummy, "ServerVersionInfo") {
		t.Errorf("ConvertId of a dummy id:\n%s", dummy)
	}
}

func TestPoisonSeeding(t *testing.T) {
	srv := New(t)
	id := srv.Default().AddPoison("inbox", PoisonControlChars, Item{})
	_, body := post(t, srv, "Exchange2013_SP1", "", `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape><t:AdditionalProperties>`+
		`<t:FieldURI FieldURI="item:InternetMessageHeaders"/></t:AdditionalProperties></m:ItemShape>`+
		`<m:ItemIds><t:ItemId Id="`+id+`"/></m:ItemIds></m:GetItem>`)
	for _, ref := range []string{"&#x0;", "&#x1;", "&#xB;"} {
		if !strings.Contains(body, ref) {
			t.Errorf("poison answer lacks %s", ref)
		}
	}
	if err := xml.Unmarshal([]byte(body), new(struct{})); err == nil {
		t.Error("a strict XML parser accepted the poison answer; it is not poison")
	}
	// Other items of the same server are written as before.
	plain := srv.AddMessage("inbox", Item{Subject: "tab\tand \x01"})
	_, body = post(t, srv, "Exchange2013_SP1", "", `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>`+
		`<m:ItemIds><t:ItemId Id="`+plain+`"/></m:ItemIds></m:GetItem>`)
	if err := xml.Unmarshal([]byte(body), new(struct{})); err != nil {
		t.Errorf("a plain item's answer is not XML: %v", err)
	}

	huge := srv.Default().AddPoison("inbox", PoisonHugeHeaders, Item{})
	it, _ := srv.Item(huge)
	n := 0
	for _, h := range it.Headers {
		n += len(h.Name) + len(h.Value)
	}
	if n < 512<<10 {
		t.Errorf("huge headers are %d bytes", n)
	}
	broken := srv.Default().AddPoison("inbox", PoisonBrokenMIME, Item{})
	it, _ = srv.Item(broken)
	if !bytes.Contains(it.MimeContent, []byte("never-closed")) || bytes.Contains(it.MimeContent, []byte("--never-closed--")) {
		t.Errorf("broken MIME is not broken: %q", it.MimeContent[:80])
	}

	srv2 := New(t)
	sum, err := srv2.Default().Seed(SeedOptions{Messages: 3, Poison: true})
	if err != nil || sum.Messages != 3+len(Poisons()) {
		t.Errorf("Seed with Poison: %+v, %v", sum, err)
	}
}

func TestBodyWithElementsIsSchemaViolation(t *testing.T) {
	srv := New(t)
	status, body := post(t, srv, "Exchange2013_SP1", "", `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message>`+
		`<t:Subject>x</t:Subject><t:Body BodyType="HTML"><html><body>Hell<b>o</b></body></html></t:Body></t:Message></m:Items></m:CreateItem>`)
	a := parseAnswer(t, body)
	if status != 500 || a.Body.Fault == nil || a.Body.Fault.Code != "ErrorSchemaValidation" ||
		!strings.Contains(a.Body.Fault.String, "cannot contain child element 'html' because the parent element's content model is text only") {
		t.Fatalf("unescaped HTML body: %d\n%s", status, body)
	}
	if n := len(srv.Default().Items("drafts")); n != 0 {
		t.Errorf("the refused request stored %d drafts", n)
	}
}
