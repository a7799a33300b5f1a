package ews

import (
	"slices"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

func TestContactEmailAddressesAreSMTPOnly(t *testing.T) {
	it := &soap.Item{EmailAddresses: []soap.DictEntry{
		{Key: "EmailAddress1", Value: "SMTP:Alice@Contoso.com"},
		{Key: "EmailAddress2", Value: "sip:alice@contoso.com"},
		{Key: "EmailAddress3", Value: "X500:/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=alice"},
	}}
	if got := contactFromWire(it).EmailAddresses; !slices.Equal(got, []string{"Alice@Contoso.com"}) {
		t.Errorf("EmailAddresses = %q", got)
	}
	for in, want := range map[string]string{"bob@example.com": "bob@example.com", " smtp:bob@example.com ": "bob@example.com",
		"/o=First Organization/ou=Exchange/cn=Recipients/cn=bob": "", "SIP:bob@example.com": "", "EX:/o=x": "", "": "",
		`x"/><t:Exists/>'@example.com`: `x"/><t:Exists/>'@example.com`, "a:b@example.com": ""} {
		if got := smtpAddress(in); got != want {
			t.Errorf("smtpAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGetFolderAsksForClassAndParent(t *testing.T) {
	srv, c := setup(t)
	f, err := c.GetFolder(testCtx(t), Inbox)
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != "IPF.Note" || f.ParentID == "" {
		t.Errorf("folder %+v", f)
	}
	for _, r := range srv.Requests() {
		if r.Operation == "GetFolder" && (!strings.Contains(string(r.Body), `FieldURI="folder:FolderClass"`) || !strings.Contains(string(r.Body), `FieldURI="folder:ParentFolderId"`)) {
			t.Errorf("GetFolder does not ask for FolderClass and ParentFolderId: %s", r.Body)
		}
	}
}
