package ews_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/ewstest"
)

// A program moves to Microsoft Graph with one setting, Config.Backend; the services, types and errors stay.
// Against Exchange Online, App is the application registration (tenant, client id, secret or certificate) and
// GraphEndpoint and AuthorityHost are left empty (or set with a Cloud preset); here they point at the fake server.
func ExampleBackend() {
	srv := ewstest.NewServer(nil)
	defer srv.Close()
	srv.AddMessage("inbox", ewstest.Message{Subject: "Suspicious login", From: "alerts@idp.example.com"})

	cfg := srv.GraphConfig() // Backend: ews.BackendGraph, App: &ews.OAuth2App{...}, EmailAddress: ...
	c, err := ews.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for m, err := range c.Mail().Unread(ctx, ews.UnreadOptions{MarkRead: true}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Backend(), m.Subject, "from", m.From.Email)
	}
	// Output: graph Suspicious login from alerts@idp.example.com
}

// National clouds have their own Graph endpoint and sign-in host.
func ExampleCloud_Apply() {
	cfg := ews.Config{Backend: ews.BackendGraph, EmailAddress: "soc@agency.example"}
	ews.CloudUSGovHigh.Apply(&cfg)
	fmt.Println(cfg.GraphEndpoint, cfg.AuthorityHost)
	// Output: https://graph.microsoft.us https://login.microsoftonline.us
}
