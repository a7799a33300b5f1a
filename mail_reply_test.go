package ews

import "testing"

// TestForwardEMLDraft: the draft that forwards a message as an attachment, on both backends: the file name is
// the subject with the characters a file name cannot hold replaced, "message" when nothing is left.
func TestForwardEMLDraft(t *testing.T) {
	opts := ForwardOptions{To: []string{"a@example.com"}, Cc: []string{"c@example.com"}, Body: "<p>see</p>", HTML: true}
	eml := []byte("Subject: x\r\n\r\nbody")
	d := opts.emlDraft(`Re: a/b: "c"?`, eml)
	if d.Subject != `FW: Re: a/b: "c"?` || d.Body != opts.Body || !d.HTML || len(d.To) != 1 || len(d.Cc) != 1 ||
		len(d.Attachments) != 1 || d.Attachments[0].Name != "Re_ a_b_ _c__.eml" ||
		d.Attachments[0].ContentType != "message/rfc822" || string(d.Attachments[0].Content) != string(eml) {
		t.Errorf("emlDraft = %+v", d)
	}
	if d := opts.emlDraft("  ", eml); d.Attachments[0].Name != "message.eml" {
		t.Errorf("blank subject: attachment named %q", d.Attachments[0].Name)
	}
}
