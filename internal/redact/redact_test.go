package redact

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestScrubEveryForm(t *testing.T) {
	const user, pass, token = `CORP\svc`, `p@ss w"rd<&>/1+=`, "eyJ0eXAiOiJKV1QiLCJhbGciOi.abc-def_ghi"
	var s Set
	s.AddBasic(user, pass)
	s.Add(token)
	s.Add("abc") // too short: not redacted
	forms := []string{pass, strconv.Quote(pass), url.QueryEscape(pass), url.PathEscape(pass),
		strings.ReplaceAll(url.QueryEscape(pass), "+", "%20"),
		"p@ss w&quot;rd&lt;&amp;&gt;/1+=", "p@ss w&#34;rd&lt;&amp;&gt;/1+=",
		base64.StdEncoding.EncodeToString([]byte(pass)), base64.RawURLEncoding.EncodeToString([]byte(pass)),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + pass + "\nmore text after it")), // inside a longer base64 text
		token, url.QueryEscape(token)}
	for _, f := range forms {
		got := s.Scrub("before " + f + " after")
		if strings.Contains(got, f) || !strings.Contains(got, Mark) {
			t.Errorf("Scrub(%q) = %q", f, got)
		}
	}
	if got := s.Scrub("abc"); got != "abc" {
		t.Errorf("a 3-character secret was redacted: %q", got)
	}
	var empty *Set
	if empty.Scrub("x") != "x" || !empty.Empty() {
		t.Error("nil set")
	}
}
