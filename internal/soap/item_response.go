package soap

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// DateTime is an xs:dateTime in a response. It accepts the forms servers send: with "Z", with an offset, with
// or without fractional seconds, and without a zone (read as UTC).
type DateTime struct {
	time.Time
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *DateTime) UnmarshalText(b []byte) error {
	if t, ok := parseUTC(b); ok {
		d.Time = t
		return nil
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		d.Time = time.Time{}
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			d.Time = t
			return nil
		}
	}
	return &time.ParseError{Layout: time.RFC3339, Value: s, Message: ": not an xs:dateTime"}
}

// parseUTC reads the form Exchange sends times in, "2006-01-02T15:04:05Z", without allocating; it reports false
// for any other form (and for values time.Parse would refuse, such as a 31st of February).
func parseUTC(b []byte) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, s := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // normalized: not a valid date
	}
	return t, true
}

// SingleRecipientResp is a SingleRecipientType in a response.
type SingleRecipientResp struct {
	Mailbox MailboxResp `xml:"Mailbox"`
}

// AttendeeResp is a t:Attendee in a response.
type AttendeeResp struct {
	Mailbox          MailboxResp `xml:"Mailbox"`
	ResponseType     string      `xml:"ResponseType"`
	LastResponseTime DateTime    `xml:"LastResponseTime"`
	ProposedStart    DateTime    `xml:"ProposedStart"`
	ProposedEnd      DateTime    `xml:"ProposedEnd"`
}

// InternetHeader is one t:InternetMessageHeader.
type InternetHeader struct {
	Name  string `xml:"HeaderName,attr"`
	Value string `xml:",chardata"`
}

// AttachmentResp is a t:FileAttachment or t:ItemAttachment (XMLName tells which) in a response.
type AttachmentResp struct {
	XMLName          xml.Name
	AttachmentID     AttachmentIDResp `xml:"AttachmentId"`
	Name             string           `xml:"Name"`
	ContentType      string           `xml:"ContentType"`
	ContentID        string           `xml:"ContentId"`
	ContentLocation  string           `xml:"ContentLocation"`
	Size             int64            `xml:"Size"`
	LastModifiedTime DateTime         `xml:"LastModifiedTime"`
	IsInline         bool             `xml:"IsInline"`
	IsContactPhoto   bool             `xml:"IsContactPhoto"`
	Content          string           `xml:"Content"` // base64, file attachments with content
	Items            []Item           `xml:",any"`    // item attachments: the attached item
}

// AttachmentIDResp is a t:AttachmentId in a response; CreateAttachment fills in the item it was added to (whose
// change key the addition changed).
type AttachmentIDResp struct {
	ID                string `xml:"Id,attr"`
	RootItemID        string `xml:"RootItemId,attr"`
	RootItemChangeKey string `xml:"RootItemChangeKey,attr"`
}

// AttachmentsResp is the t:Attachments of an item in a response.
type AttachmentsResp struct {
	Attachments []AttachmentResp `xml:",any"`
}

// ExtendedPropertyResp is a t:ExtendedProperty in a response.
type ExtendedPropertyResp struct {
	ExtendedFieldURI ExtendedFieldURI `xml:"ExtendedFieldURI"`
	Value            string           `xml:"Value"`
	Values           []string         `xml:"Values>Value"`
}

// PhysicalAddressResp is an entry of a PhysicalAddressDictionaryType in a response.
type PhysicalAddressResp struct {
	Key             string `xml:"Key,attr"`
	Street          string `xml:"Street"`
	City            string `xml:"City"`
	State           string `xml:"State"`
	CountryOrRegion string `xml:"CountryOrRegion"`
	PostalCode      string `xml:"PostalCode"`
}

// RecurrenceResp is the part of a t:Recurrence the SDK reads.
type RecurrenceResp struct {
	Daily *struct {
		Interval int `xml:"Interval"`
	} `xml:"DailyRecurrence"`
	Weekly *struct {
		Interval   int    `xml:"Interval"`
		DaysOfWeek string `xml:"DaysOfWeek"`
	} `xml:"WeeklyRecurrence"`
	AbsoluteMonthly *struct {
		Interval   int `xml:"Interval"`
		DayOfMonth int `xml:"DayOfMonth"`
	} `xml:"AbsoluteMonthlyRecurrence"`
	NoEnd    *RecurrenceRangeResp `xml:"NoEndRecurrence"`
	EndDate  *RecurrenceRangeResp `xml:"EndDateRecurrence"`
	Numbered *RecurrenceRangeResp `xml:"NumberedRecurrence"`
}

// RecurrenceRangeResp is the range of a recurrence.
type RecurrenceRangeResp struct {
	StartDate           string `xml:"StartDate"`
	EndDate             string `xml:"EndDate"`
	NumberOfOccurrences int    `xml:"NumberOfOccurrences"`
}

// Item is any item in a response (Message, CalendarItem, Contact, MeetingRequest, Task, PostItem, Item...):
// the union of the fields the SDK reads. XMLName tells the item's element.
type Item struct {
	XMLName xml.Name
	// DecodeError, when set, says why the item could not be decoded (a value that is not a number, boolean or
	// time); the item's other fields are then empty. Its neighbours in the answer are decoded.
	DecodeError string `xml:"-"`

	// ItemType (base) fields.
	MimeContent                *MimeContent           `xml:"MimeContent"`
	ItemID                     *ID                    `xml:"ItemId"`
	ParentFolderID             *ID                    `xml:"ParentFolderId"`
	ItemClass                  string                 `xml:"ItemClass"`
	Subject                    string                 `xml:"Subject"`
	Sensitivity                string                 `xml:"Sensitivity"`
	Body                       *Body                  `xml:"Body"`
	Attachments                *AttachmentsResp       `xml:"Attachments"`
	DateTimeReceived           DateTime               `xml:"DateTimeReceived"`
	Size                       int64                  `xml:"Size"`
	Categories                 []string               `xml:"Categories>String"`
	Importance                 string                 `xml:"Importance"`
	InReplyTo                  string                 `xml:"InReplyTo"`
	IsSubmitted                bool                   `xml:"IsSubmitted"`
	IsDraft                    bool                   `xml:"IsDraft"`
	IsFromMe                   bool                   `xml:"IsFromMe"`
	InternetMessageHeaders     []InternetHeader       `xml:"InternetMessageHeaders>InternetMessageHeader"`
	DateTimeSent               DateTime               `xml:"DateTimeSent"`
	DateTimeCreated            DateTime               `xml:"DateTimeCreated"`
	ReminderDueBy              DateTime               `xml:"ReminderDueBy"`
	ReminderIsSet              bool                   `xml:"ReminderIsSet"`
	ReminderMinutesBeforeStart int                    `xml:"ReminderMinutesBeforeStart"`
	DisplayCc                  string                 `xml:"DisplayCc"`
	DisplayTo                  string                 `xml:"DisplayTo"`
	HasAttachments             bool                   `xml:"HasAttachments"`
	ExtendedProperty           []ExtendedPropertyResp `xml:"ExtendedProperty"`
	LastModifiedTime           DateTime               `xml:"LastModifiedTime"`
	ConversationID             *ID                    `xml:"ConversationId"`
	UniqueBody                 *Body                  `xml:"UniqueBody"`
	Preview                    string                 `xml:"Preview"`
	TextBody                   *Body                  `xml:"TextBody"`
	// FlagStatus is the follow-up flag's status (t:Flag, Exchange 2013 and later): NotFlagged, Flagged, Complete.
	FlagStatus string `xml:"Flag>FlagStatus"`

	// MessageType fields.
	Sender                     *SingleRecipientResp `xml:"Sender"`
	ToRecipients               []MailboxResp        `xml:"ToRecipients>Mailbox"`
	CcRecipients               []MailboxResp        `xml:"CcRecipients>Mailbox"`
	BccRecipients              []MailboxResp        `xml:"BccRecipients>Mailbox"`
	IsReadReceiptRequested     bool                 `xml:"IsReadReceiptRequested"`
	IsDeliveryReceiptRequested bool                 `xml:"IsDeliveryReceiptRequested"`
	ConversationTopic          string               `xml:"ConversationTopic"`
	From                       *SingleRecipientResp `xml:"From"`
	InternetMessageID          string               `xml:"InternetMessageId"`
	IsRead                     bool                 `xml:"IsRead"`
	IsResponseRequested        bool                 `xml:"IsResponseRequested"`
	References                 string               `xml:"References"`
	ReplyTo                    []MailboxResp        `xml:"ReplyTo>Mailbox"`
	ReceivedBy                 *SingleRecipientResp `xml:"ReceivedBy"`

	// CalendarItemType fields.
	UID                  string               `xml:"UID"`
	RecurrenceID         DateTime             `xml:"RecurrenceId"`
	Start                DateTime             `xml:"Start"`
	End                  DateTime             `xml:"End"`
	OriginalStart        DateTime             `xml:"OriginalStart"`
	IsAllDayEvent        bool                 `xml:"IsAllDayEvent"`
	LegacyFreeBusyStatus string               `xml:"LegacyFreeBusyStatus"`
	Location             string               `xml:"Location"`
	IsMeeting            bool                 `xml:"IsMeeting"`
	IsCancelled          bool                 `xml:"IsCancelled"`
	IsRecurring          bool                 `xml:"IsRecurring"`
	CalendarItemType     string               `xml:"CalendarItemType"`
	MyResponseType       string               `xml:"MyResponseType"`
	Organizer            *SingleRecipientResp `xml:"Organizer"`
	RequiredAttendees    []AttendeeResp       `xml:"RequiredAttendees>Attendee"`
	OptionalAttendees    []AttendeeResp       `xml:"OptionalAttendees>Attendee"`
	Resources            []AttendeeResp       `xml:"Resources>Attendee"`
	Duration             string               `xml:"Duration"`
	TimeZone             string               `xml:"TimeZone"`
	Recurrence           *RecurrenceResp      `xml:"Recurrence"`
	StartTimeZone        *TimeZoneDefinition  `xml:"StartTimeZone"`
	EndTimeZone          *TimeZoneDefinition  `xml:"EndTimeZone"`
	// AssociatedCalendarItemID links a meeting request to its calendar item.
	AssociatedCalendarItemID *ID `xml:"AssociatedCalendarItemId"`

	// ContactItemType fields.
	FileAs            string                `xml:"FileAs"`
	DisplayName       string                `xml:"DisplayName"`
	GivenName         string                `xml:"GivenName"`
	Initials          string                `xml:"Initials"`
	MiddleName        string                `xml:"MiddleName"`
	Nickname          string                `xml:"Nickname"`
	CompanyName       string                `xml:"CompanyName"`
	EmailAddresses    []DictEntry           `xml:"EmailAddresses>Entry"`
	PhysicalAddresses []PhysicalAddressResp `xml:"PhysicalAddresses>Entry"`
	PhoneNumbers      []DictEntry           `xml:"PhoneNumbers>Entry"`
	AssistantName     string                `xml:"AssistantName"`
	Birthday          DateTime              `xml:"Birthday"`
	Department        string                `xml:"Department"`
	JobTitle          string                `xml:"JobTitle"`
	Manager           string                `xml:"Manager"`
	OfficeLocation    string                `xml:"OfficeLocation"`
	Surname           string                `xml:"Surname"`
	// Members of a distribution list (DistributionListType).
	Members []struct {
		Mailbox MailboxResp `xml:"Mailbox"`
	} `xml:"Members>Member"`
}

// Items is the content of an m:Items or t:Items element.
type Items struct {
	Items []Item `xml:",any"`
}

// UnmarshalXML decodes the items one by one: an item with a value that cannot be read (a number, boolean or
// time that is not one) is kept as an Item with only DecodeError set, and its neighbours are decoded. An answer
// that is not well-formed still fails as a whole. The fast decoder (decode_items.go) does the same.
func (l *Items) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			toks := []xml.Token{t.Copy()}
			for depth := 1; depth > 0; {
				tok, err := d.Token()
				if err != nil {
					return err
				}
				switch tok.(type) {
				case xml.StartElement:
					depth++
				case xml.EndElement:
					depth--
				}
				toks = append(toks, xml.CopyToken(tok))
			}
			l.Items = append(l.Items, Item{})
			it := &l.Items[len(l.Items)-1]
			dec := xml.NewTokenDecoder(&tokenReplay{toks: toks})
			first, _ := dec.Token() // the item's start tag, as the decoder must have read it
			st := first.(xml.StartElement)
			if err := dec.DecodeElement(it, &st); err != nil {
				if !isValueError(err) {
					return err
				}
				*it = Item{DecodeError: err.Error()}
			}
		}
	}
}

// tokenReplay is an xml.TokenReader over tokens read before.
type tokenReplay struct{ toks []xml.Token }

func (r *tokenReplay) Token() (xml.Token, error) {
	if len(r.toks) == 0 {
		return nil, io.EOF
	}
	t := r.toks[0]
	r.toks = r.toks[1:]
	return t, nil
}

// isValueError reports whether err is a value that could not be read (a number, boolean or time), as opposed
// to an answer that is not well-formed.
func isValueError(err error) bool {
	var ne *strconv.NumError
	var te *time.ParseError
	return errors.As(err, &ne) || errors.As(err, &te)
}

// ItemInfoResponseMessage is the response message of GetItem, CreateItem, UpdateItem, MoveItem, CopyItem
// and friends: the result plus the items.
type ItemInfoResponseMessage struct {
	ResponseMessage
	Items Items `xml:"Items"`
}
