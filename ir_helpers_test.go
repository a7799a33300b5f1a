package ews

import (
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// reportedPhish is what a user sends to the abuse desk: a report whose attachment is the phishing message, which
// itself carries a malicious file and a further attached message.
func reportedPhish(reporter string) testserver.Item {
	inner := &testserver.Item{ItemClass: "IPM.Note", Subject: "Reset your password", Body: "<p>click <a href='http://evil.example/x'>here</a></p>",
		BodyType: "HTML", From: testserver.Address{Name: "IT Desk", Email: "it-desk@evil.example"},
		To:                []testserver.Address{{Email: reporter}},
		InternetMessageID: "<reset-1@evil.example>",
		Attachments: []testserver.Attachment{
			{Name: "reset.html", ContentType: "text/html", Content: []byte("<form action=http://evil.example/steal>")},
			{Name: "FW: earlier", Item: &testserver.Item{ItemClass: "IPM.Note", Subject: "earlier",
				Body: "deepest", From: testserver.Address{Email: "x@evil.example"},
				Attachments: []testserver.Attachment{{Name: "deep.txt", Content: []byte("level 3")}}}},
		}}
	return testserver.Item{Subject: "Phishing report", Body: "Is this phishing?", From: testserver.Address{Email: reporter},
		To: []testserver.Address{{Email: "soc@example.com"}}, DateTimeReceived: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC),
		Attachments: []testserver.Attachment{{Name: "Reset your password", Item: inner}}}
}
