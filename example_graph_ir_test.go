package ews_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// Containing a compromised Exchange Online mailbox over Graph: the same Rules and OOF calls as over EWS.
func ExampleRulesService_graph() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	srv.Mailbox().AddInboxRule(ewstest.InboxRule{Name: ".", Enabled: true, RedirectTo: []string{"drop@evil.example"}, MarkAsRead: true})

	c, err := ews.New(srv.GraphConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	rules, err := c.Rules().List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rules {
		if out := r.ForwardsOutside("example.com"); len(out) > 0 {
			if err := c.Rules().Delete(ctx, r.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted rule %q redirecting to %v\n", r.Name, out)
		}
	}
	if err := c.OOF().Set(ctx, ews.OOFSettings{State: ews.OOFEnabled, InternalReply: "Account under review; call the SOC."}); err != nil {
		log.Fatal(err)
	}
	o, err := c.OOF().Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Backend(), o.State, o.ExternalAudience)
	// Output:
	// deleted rule "." redirecting to [drop@evil.example]
	// graph Enabled None
}
