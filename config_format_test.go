package ews

import (
	"fmt"
	"strings"
	"testing"
)

func TestConfigFormatHidesSecrets(t *testing.T) {
	cfg := Config{Host: "mail.example.com", Username: `CORP\svc`, Password: "Tr0ub4dor&3", EmailAddress: "soc@example.com"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, cfg)
		if strings.Contains(out, "Tr0ub4dor") {
			t.Errorf("%s of a Config shows the password: %s", verb, out)
		}
		if !strings.Contains(out, "mail.example.com") || !strings.Contains(out, "(hidden)") {
			t.Errorf("%s of a Config = %s, want the host and a hidden password", verb, out)
		}
	}
	if out := fmt.Sprint(&cfg); strings.Contains(out, "Tr0ub4dor") {
		t.Errorf("a *Config shows the password: %s", out)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if out := fmt.Sprintf(verb, c); strings.Contains(out, "Tr0ub4dor") || !strings.Contains(out, "mail.example.com") {
			t.Errorf("%s of a *Client = %s, want the URL and no password", verb, out)
		}
	}
}
