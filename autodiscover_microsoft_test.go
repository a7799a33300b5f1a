package ews

import (
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// TestAutodiscoverMicrosoftRedirect: a custom-domain Exchange Online tenant's autodiscover redirects (its
// unauthenticated http step) to autodiscover-s.outlook.com. With OAuth2 the client takes Exchange Online's fixed
// EWS endpoint without asking Microsoft's autodiscover host; with a password it refuses (a password never leaves
// the domain). Look-alike redirects are refused as before. Microsoft's hosts are traps: nothing may reach them.
func TestAutodiscoverMicrosoftRedirect(t *testing.T) {
	const ms = "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml"
	for _, tt := range []struct {
		name, location string
		oauth          bool
		wantErr        string // "" = found Exchange Online
	}{
		{"oauth2", ms, true, ""},
		{"oauth2 svc", "https://autodiscover.outlook.com/Autodiscover/Autodiscover.svc", true, ""},
		{"password", ms, false, "set Config.Auth to AuthOAuth2"},
		{"http", "http://autodiscover-s.outlook.com/autodiscover/autodiscover.xml", true, "not https"},
		{"look-alike", "https://autodiscover-s.outlook.com.evil.test/autodiscover/autodiscover.xml", true, "outside example.com"},
		{"other port", "https://autodiscover-s.outlook.com:8443/autodiscover/autodiscover.xml", true, "outside example.com"},
		{"other path", "https://autodiscover-s.outlook.com/owa/x.xml", true, "outside example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newADNet(t)
			plain := n.servePlain()
			plain.srv.SetAutodiscover("", testserver.AutodiscoverAnswer{HTTPRedirect: tt.location})
			n.route(plain, "autodiscover.example.com:80")
			trap := n.trap()
			n.route(trap, "autodiscover-s.outlook.com:443", "autodiscover.outlook.com:443", "outlook.office365.com:443",
				"autodiscover-s.outlook.com:8443", "autodiscover-s.outlook.com.evil.test:443")
			cfg := n.config("alice@example.com")
			if tt.oauth {
				cfg.Auth, cfg.Username, cfg.Password = AuthOAuth2, "", ""
				cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "secret-token"})
			} else {
				cfg.Auth = AuthBasic
			}
			d, err := Discover(testCtx(t), cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Discover: %v", err)
			case tt.wantErr == "" && (d.URL != officeEWSURL || d.Protocol != "office365"):
				t.Errorf("Discovery %+v, want Exchange Online", d)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Discover = %+v, %v; want an error with %q", d, err, tt.wantErr)
			}
			assertNoSecret(t, err)
			if err != nil && strings.Contains(err.Error(), "secret-token") {
				t.Errorf("error holds the token: %v", err)
			}
			assertUntouched(t, "Microsoft's hosts", trap)
			for _, r := range plain.requests() {
				if r.Auth != "" || r.Method != "GET" {
					t.Errorf("http server got %+v; only an anonymous GET is allowed", r)
				}
			}
		})
	}
}
