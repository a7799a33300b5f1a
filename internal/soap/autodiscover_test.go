package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenAD compares an autodiscover request with testdata/autodiscover/name.xml (rewritten with -update). They
// live in a folder of their own: the EWS schema that validates testdata/*.xml does not cover Autodiscover.
func goldenAD(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "autodiscover", name+".xml")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test ./soap -update to create it)", name, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: request differs from %s:\n got: %s\nwant: %s", name, path, got, want)
	}
}

func TestGoldenAutodiscover(t *testing.T) {
	var b bytes.Buffer
	if err := WriteGetUserSettings(&b, "https://autodiscover.example.com/autodiscover/autodiscover.svc", "alice@example.com",
		[]string{SettingExternalEwsURL, SettingInternalEwsURL, SettingEwsSupportedSchemas, SettingAutoDiscoverSMTPAddress}); err != nil {
		t.Fatal(err)
	}
	goldenAD(t, "getusersettings", b.Bytes())
	b.Reset()
	if err := WritePoxRequest(&b, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	goldenAD(t, "pox-request", b.Bytes())
}

// The request's shape, read back namespace-aware: what a server sees.
func TestGetUserSettingsRequestShape(t *testing.T) {
	const evil = `a</a:Mailbox><a:Foo>]]>&"@example.com`
	var b bytes.Buffer
	if err := WriteGetUserSettings(&b, "https://x.example.com/a?b=<c>&d", evil, []string{"ExternalEwsUrl"}); err != nil {
		t.Fatal(err)
	}
	var env struct {
		XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
		Header  struct {
			Version string `xml:"http://schemas.microsoft.com/exchange/2010/Autodiscover RequestedServerVersion"`
			Action  string `xml:"http://www.w3.org/2005/08/addressing Action"`
			To      string `xml:"http://www.w3.org/2005/08/addressing To"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Header"`
		Body struct {
			Msg struct {
				Mailboxes []string `xml:"http://schemas.microsoft.com/exchange/2010/Autodiscover Request>Users>User>Mailbox"`
				Settings  []string `xml:"http://schemas.microsoft.com/exchange/2010/Autodiscover Request>RequestedSettings>Setting"`
				Inner     []byte   `xml:",innerxml"`
			} `xml:"http://schemas.microsoft.com/exchange/2010/Autodiscover GetUserSettingsRequestMessage"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}
	if err := xml.Unmarshal(b.Bytes(), &env); err != nil {
		t.Fatalf("request is not well-formed: %v\n%s", err, b.Bytes())
	}
	if env.Header.Version != "Exchange2010" || env.Header.Action != ActionGetUserSettings || env.Header.To != "https://x.example.com/a?b=<c>&d" {
		t.Errorf("headers = %+v", env.Header)
	}
	if len(env.Body.Msg.Mailboxes) != 1 || env.Body.Msg.Mailboxes[0] != evil {
		t.Errorf("Mailbox = %q, want %q", env.Body.Msg.Mailboxes, evil)
	}
	if strings.Contains(string(env.Body.Msg.Inner), "<a:Foo>") {
		t.Errorf("the address broke out of its element: %s", env.Body.Msg.Inner)
	}
	if len(env.Body.Msg.Settings) != 1 || env.Body.Msg.Settings[0] != "ExternalEwsUrl" {
		t.Errorf("Settings = %q", env.Body.Msg.Settings)
	}

	b.Reset()
	if err := WritePoxRequest(&b, evil); err != nil {
		t.Fatal(err)
	}
	var pox struct {
		XMLName xml.Name `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006 Autodiscover"`
		Email   string   `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006 Request>EMailAddress"`
		Schema  string   `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006 Request>AcceptableResponseSchema"`
	}
	if err := xml.Unmarshal(b.Bytes(), &pox); err != nil {
		t.Fatalf("POX request is not well-formed: %v\n%s", err, b.Bytes())
	}
	if pox.Email != evil || pox.Schema != NSPoxOutlookResponse {
		t.Errorf("POX request = %+v", pox)
	}
}

// Responses in the shapes of Microsoft's documentation (values are ours).
const (
	adSuccess = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">
  <s:Header>
    <a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action>
    <h:ServerVersionInfo xmlns:h="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <h:MajorVersion>15</h:MajorVersion>
      <h:MinorVersion>1</h:MinorVersion>
      <h:MajorBuildNumber>2507</h:MajorBuildNumber>
      <h:MinorBuildNumber>6</h:MinorBuildNumber>
      <h:Version>Exchange2015</h:Version>
    </h:ServerVersionInfo>
  </s:Header>
  <s:Body>
    <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
      <Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <ErrorCode>NoError</ErrorCode>
        <ErrorMessage />
        <UserResponses>
          <UserResponse>
            <ErrorCode>NoError</ErrorCode>
            <ErrorMessage>No error.</ErrorMessage>
            <RedirectTarget i:nil="true" />
            <UserSettingErrors>
              <UserSettingError>
                <ErrorCode>SettingIsNotAvailable</ErrorCode>
                <ErrorMessage>User setting 'InternalEwsUrl' is not available.</ErrorMessage>
                <SettingName>InternalEwsUrl</SettingName>
              </UserSettingError>
            </UserSettingErrors>
            <UserSettings>
              <UserSetting i:type="StringSetting">
                <Name>ExternalEwsUrl</Name>
                <Value>https://mail.contoso.com/EWS/Exchange.asmx</Value>
              </UserSetting>
              <UserSetting i:type="WebClientUrlCollectionSetting">
                <Name>ExternalWebClientUrls</Name>
                <WebClientUrls><WebClientUrl><AuthenticationMethods>Fba</AuthenticationMethods><Url>https://mail.contoso.com/owa/</Url></WebClientUrl></WebClientUrls>
              </UserSetting>
              <UserSetting i:type="StringSetting">
                <Name>EwsSupportedSchemas</Name>
                <Value>Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016</Value>
              </UserSetting>
            </UserSettings>
          </UserResponse>
        </UserResponses>
      </Response>
    </GetUserSettingsResponseMessage>
  </s:Body>
</s:Envelope>`
	adRedirect = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">
  <s:Body>
    <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
      <Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <ErrorCode>NoError</ErrorCode>
        <ErrorMessage />
        <UserResponses>
          <UserResponse>
            <ErrorCode>RedirectAddress</ErrorCode>
            <ErrorMessage>Redirection address.</ErrorMessage>
            <RedirectTarget>dana@mail.contoso.com</RedirectTarget>
            <UserSettingErrors />
            <UserSettings />
          </UserResponse>
        </UserResponses>
      </Response>
    </GetUserSettingsResponseMessage>
  </s:Body>
</s:Envelope>`
	adFault = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode xmlns:a="http://www.w3.org/2005/08/addressing">a:ActionNotSupported</faultcode>
<faultstring xml:lang="en-US">The message with Action '' cannot be processed at the receiver.</faultstring>
</s:Fault></s:Body></s:Envelope>`
	poxSettings = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User>
      <DisplayName>Dana Park</DisplayName>
      <LegacyDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=dana</LegacyDN>
      <AutoDiscoverSMTPAddress>dana@contoso.com</AutoDiscoverSMTPAddress>
      <DeploymentId>2f0e4b63-8a0c-4b8f-9a55-3c6c1f3d4e21</DeploymentId>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <MicrosoftOnline>False</MicrosoftOnline>
      <Protocol>
        <Type>EXCH</Type>
        <Server>EXCH01.corp.contoso.com</Server>
        <ServerDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=EXCH01</ServerDN>
        <ServerVersion>73C18880</ServerVersion>
        <ASUrl>https://exch01.corp.contoso.com/EWS/Exchange.asmx</ASUrl>
        <EwsUrl>https://exch01.corp.contoso.com/EWS/Exchange.asmx</EwsUrl>
      </Protocol>
      <Protocol>
        <Type>EXPR</Type>
        <Server>mail.contoso.com</Server>
        <ASUrl>https://mail.contoso.com/EWS/Exchange.asmx</ASUrl>
        <EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>`
	poxRedirect = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <Action>redirectUrl</Action>
      <RedirectUrl>https://autodiscover.contoso.com/autodiscover/autodiscover.xml</RedirectUrl>
    </Account>
  </Response>
</Autodiscover>`
	poxError = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response>
    <Error Time="09:12:44.1830402" Id="2271923471">
      <ErrorCode>500</ErrorCode>
      <Message>The email address can't be found.</Message>
      <DebugData />
    </Error>
  </Response>
</Autodiscover>`
)

func TestDecodeGetUserSettings(t *testing.T) {
	svi, r, err := DecodeGetUserSettings(strings.NewReader(adSuccess))
	if err != nil {
		t.Fatal(err)
	}
	if svi == nil || svi.MajorVersion != 15 || svi.MinorVersion != 1 || svi.MajorBuildNumber != 2507 || svi.MinorBuildNumber != 6 || svi.Version != "Exchange2015" {
		t.Errorf("ServerVersionInfo = %+v", svi)
	}
	if r.ErrorCode != "NoError" || len(r.UserResponses) != 1 {
		t.Fatalf("Response = %+v", r)
	}
	u := &r.UserResponses[0]
	if u.ErrorCode != "NoError" || u.RedirectTarget != "" {
		t.Errorf("UserResponse = %+v", u)
	}
	if got := u.Setting(SettingExternalEwsURL); got != "https://mail.contoso.com/EWS/Exchange.asmx" {
		t.Errorf("ExternalEwsUrl = %q", got)
	}
	if got := u.Setting(SettingEwsSupportedSchemas); !strings.HasSuffix(got, "Exchange2016") {
		t.Errorf("EwsSupportedSchemas = %q", got)
	}
	if u.Setting(SettingInternalEwsURL) != "" || len(u.UserSettingErrors) != 1 || u.UserSettingErrors[0].SettingName != "InternalEwsUrl" {
		t.Errorf("setting errors = %+v", u.UserSettingErrors)
	}

	_, r, err = DecodeGetUserSettings(strings.NewReader(adRedirect))
	if err != nil || r.UserResponses[0].ErrorCode != "RedirectAddress" || r.UserResponses[0].RedirectTarget != "dana@mail.contoso.com" {
		t.Errorf("redirect: %+v, %v", r, err)
	}

	_, _, err = DecodeGetUserSettings(strings.NewReader(adFault))
	var f *Fault
	if !errors.As(err, &f) || !strings.Contains(f.Code, "ActionNotSupported") {
		t.Errorf("fault: err = %v", err)
	}

	for _, bad := range []string{`<html><body>Welcome to Contoso</body></html>`, `not xml`, ``,
		`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Other/></s:Body></s:Envelope>`} {
		if _, _, err := DecodeGetUserSettings(strings.NewReader(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeGetUserSettings(%q): err = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestDecodePoxResponse(t *testing.T) {
	r, err := DecodePoxResponse(strings.NewReader(poxSettings))
	if err != nil {
		t.Fatal(err)
	}
	if r.User == nil || r.User.AutoDiscoverSMTPAddress != "dana@contoso.com" || r.Account == nil || r.Account.Action != "settings" {
		t.Fatalf("POX = %+v", r)
	}
	exch, expr := r.Account.Protocol("EXCH"), r.Account.Protocol("expr")
	if exch == nil || expr == nil || exch.EwsURL != "https://exch01.corp.contoso.com/EWS/Exchange.asmx" || expr.EwsURL != "https://mail.contoso.com/EWS/Exchange.asmx" {
		t.Errorf("protocols = %+v", r.Account.Protocols)
	}
	if major, minor, build, ok := ParsePoxServerVersion(exch.ServerVersion); !ok || major != 15 || minor != 1 || build != 2176 {
		t.Errorf("ServerVersion %s = %d.%d.%d (%v), want 15.1.2176", exch.ServerVersion, major, minor, build, ok)
	}
	if _, _, _, ok := ParsePoxServerVersion("zz"); ok {
		t.Error("ParsePoxServerVersion accepted zz")
	}

	r, err = DecodePoxResponse(strings.NewReader(poxRedirect))
	if err != nil || r.Account.Action != "redirectUrl" || r.Account.RedirectURL != "https://autodiscover.contoso.com/autodiscover/autodiscover.xml" {
		t.Errorf("redirect: %+v, %v", r, err)
	}
	r, err = DecodePoxResponse(strings.NewReader(poxError))
	if err != nil || r.Error == nil || r.Error.ErrorCode != "500" || !strings.Contains(r.Error.Error(), "can't be found") {
		t.Errorf("error: %+v, %v", r, err)
	}
	for _, bad := range []string{`<html/>`, `<Autodiscover/>`, `<Autodiscover><Response>`} {
		if _, err := DecodePoxResponse(strings.NewReader(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodePoxResponse(%q): err = %v, want ErrMalformed", bad, err)
		}
	}
}

func FuzzDecodeAutodiscover(f *testing.F) {
	for _, s := range []string{adSuccess, adRedirect, adFault, poxSettings, poxRedirect, poxError} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, r, err := DecodeGetUserSettings(bytes.NewReader(data))
		if err == nil && r == nil {
			t.Fatal("DecodeGetUserSettings: nil response without error")
		}
		p, err := DecodePoxResponse(bytes.NewReader(data))
		if err == nil && p == nil {
			t.Fatal("DecodePoxResponse: nil response without error")
		}
	})
}
