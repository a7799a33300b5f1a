package ews

import (
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// An inline image's Content-ID and an attached message's kind come back over both wires. Over Graph the
// attachment list is asked for with $select, where a fileAttachment's contentId must be cast to its type
// (microsoft.graph.fileAttachment/contentId); the fake answers only what is selected, as Graph does.
func TestBackendsAttachmentInfo(t *testing.T) {
	backends(t, func(t *testing.T, srv *testserver.Server, c *Client) {
		ctx := testCtx(t)
		ids := seedInbox(srv.Default(), testserver.Item{Subject: "with logo", Body: `<p><img src="cid:logo"></p>`,
			BodyType: "HTML", Attachments: []testserver.Attachment{
				{Name: "logo.png", ContentType: "image/png", IsInline: true, ContentID: "logo", Content: []byte{0x89, 'P', 'N', 'G'}},
				{Name: "earlier", Item: &testserver.Item{ItemClass: "IPM.Note", Subject: "earlier", Body: "inner"}},
			}})
		infos, err := c.Mail().Attachments(ctx, ids[0])
		if err != nil {
			t.Fatalf("Attachments: %v", err)
		}
		m, err := c.Mail().Get(ctx, ids[0])
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		for what, list := range map[string][]AttachmentInfo{"Attachments": infos, "Get": m[0].Attachments} {
			if len(list) != 2 {
				t.Fatalf("%s: %d attachments: %+v", what, len(list), list)
			}
			byName := map[string]AttachmentInfo{}
			for _, a := range list {
				byName[a.Name] = a
			}
			if a := byName["logo.png"]; a.ContentID != "logo" || !a.Inline || a.IsItem || a.Size == 0 {
				t.Errorf("%s: inline image = %+v", what, a)
			}
			if a := byName["earlier"]; !a.IsItem || a.ContentID != "" {
				t.Errorf("%s: attached message = %+v", what, a)
			}
		}
	})
}
