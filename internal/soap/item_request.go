package soap

import (
	"encoding/xml"
	"strconv"
)

// Body is a t:Body: in a request, and (also as UniqueBody and TextBody) in a response. Its fields are attributes
// and text, which have no namespace prefix, so one type serves both directions.
type Body struct {
	BodyType string `xml:"BodyType,attr"`
	// IsTruncated is read from responses (Exchange 2010 on); requests never set it.
	IsTruncated bool   `xml:"IsTruncated,attr,omitempty"`
	Text        string `xml:",chardata"`
}

// Strings is an ArrayOfStringsType (t:Categories), written as t:String children.
type Strings struct {
	Strings []string `xml:"t:String"`
}

// Recipients is an ArrayOfRecipientsType (t:ToRecipients and friends).
type Recipients struct {
	Mailboxes []Mailbox `xml:"t:Mailbox"`
}

// SingleRecipient is a SingleRecipientType (t:From, t:Sender, t:Organizer).
type SingleRecipient struct {
	Mailbox Mailbox `xml:"t:Mailbox"`
}

// Attendee is a t:Attendee in a request.
type Attendee struct {
	Mailbox      Mailbox `xml:"t:Mailbox"`
	ResponseType string  `xml:"t:ResponseType,omitempty"`
}

// Attendees is a NonEmptyArrayOfAttendeesType.
type Attendees struct {
	Attendees []Attendee `xml:"t:Attendee"`
}

// MimeContent is a t:MimeContent (base64 of the MIME message), in a request and in a response.
type MimeContent struct {
	CharacterSet string `xml:"CharacterSet,attr,omitempty"`
	Base64       string `xml:",chardata"`
}

// TimeZoneDefinition names a time zone by its Windows id (t:StartTimeZone, t:EndTimeZone), in a request and in
// a response (which also gives its Name).
type TimeZoneDefinition struct {
	ID   string `xml:"Id,attr"`
	Name string `xml:"Name,attr,omitempty"`
}

// MeetingTimeZone is the Exchange 2007 form of an event's time zone (TimeZoneType): the base offset from UTC
// (negated, as an xs:duration: "-PT1H" for UTC+1) and, for zones with daylight saving time, the two yearly
// changes.
type MeetingTimeZone struct {
	TimeZoneName string      `xml:"TimeZoneName,attr,omitempty"`
	BaseOffset   string      `xml:"t:BaseOffset"`
	Standard     *TimeChange `xml:"t:Standard,omitempty"`
	Daylight     *TimeChange `xml:"t:Daylight,omitempty"`
}

// TimeChange is a TimeChangeType: the offset added to BaseOffset from a yearly date and local time on.
type TimeChange struct {
	TimeZoneName             string                    `xml:"TimeZoneName,attr,omitempty"`
	Offset                   string                    `xml:"t:Offset"`
	RelativeYearlyRecurrence *RelativeYearlyRecurrence `xml:"t:RelativeYearlyRecurrence,omitempty"`
	AbsoluteDate             string                    `xml:"t:AbsoluteDate,omitempty"`
	Time                     string                    `xml:"t:Time"`
}

// RelativeYearlyRecurrence is a yearly date such as "the last Sunday of March".
type RelativeYearlyRecurrence struct {
	DaysOfWeek     string `xml:"t:DaysOfWeek"`
	DayOfWeekIndex string `xml:"t:DayOfWeekIndex"` // First, Second, Third, Fourth, Last
	Month          string `xml:"t:Month"`
}

// ExtendedProperty sets a MAPI property.
type ExtendedProperty struct {
	ExtendedFieldURI ExtendedFieldURI `xml:"t:ExtendedFieldURI"`
	Value            string           `xml:"t:Value"`
}

// FileAttachment is a t:FileAttachment in a request; Content is base64.
type FileAttachment struct {
	XMLName     xml.Name `xml:"t:FileAttachment"`
	Name        string   `xml:"t:Name"`
	ContentType string   `xml:"t:ContentType,omitempty"`
	ContentID   string   `xml:"t:ContentId,omitempty"`
	IsInline    *bool    `xml:"t:IsInline,omitempty"`
	Content     string   `xml:"t:Content"`
}

// ItemAttachment is a t:ItemAttachment in a request, holding one item (a *Message, usually).
type ItemAttachment struct {
	XMLName xml.Name `xml:"t:ItemAttachment"`
	Name    string   `xml:"t:Name"`
	Item    any
}

// Attachments is a NonEmptyArrayOfAttachmentsType; its elements are *FileAttachment or *ItemAttachment.
type Attachments struct {
	Attachments []any
}

// Message is a t:Message in a request (MessageType). Base item fields come first, in schema order, then the
// message's own fields. Pointers and empty strings are omitted.
type Message struct {
	XMLName                    xml.Name           `xml:"t:Message"`
	MimeContent                *MimeContent       `xml:"t:MimeContent,omitempty"`
	ItemClass                  string             `xml:"t:ItemClass,omitempty"`
	Subject                    string             `xml:"t:Subject,omitempty"`
	Sensitivity                string             `xml:"t:Sensitivity,omitempty"`
	Body                       *Body              `xml:"t:Body,omitempty"`
	Attachments                *Attachments       `xml:"t:Attachments,omitempty"`
	Categories                 *Strings           `xml:"t:Categories,omitempty"`
	Importance                 string             `xml:"t:Importance,omitempty"`
	InReplyTo                  string             `xml:"t:InReplyTo,omitempty"`
	ExtendedProperty           []ExtendedProperty `xml:"t:ExtendedProperty,omitempty"`
	Flag                       *Flag              `xml:"t:Flag,omitempty"`
	Sender                     *SingleRecipient   `xml:"t:Sender,omitempty"`
	ToRecipients               *Recipients        `xml:"t:ToRecipients,omitempty"`
	CcRecipients               *Recipients        `xml:"t:CcRecipients,omitempty"`
	BccRecipients              *Recipients        `xml:"t:BccRecipients,omitempty"`
	IsReadReceiptRequested     *bool              `xml:"t:IsReadReceiptRequested,omitempty"`
	IsDeliveryReceiptRequested *bool              `xml:"t:IsDeliveryReceiptRequested,omitempty"`
	From                       *SingleRecipient   `xml:"t:From,omitempty"`
	InternetMessageID          string             `xml:"t:InternetMessageId,omitempty"`
	IsRead                     *bool              `xml:"t:IsRead,omitempty"`
	References                 string             `xml:"t:References,omitempty"`
	ReplyTo                    *Recipients        `xml:"t:ReplyTo,omitempty"`
}

// CalendarItem is a t:CalendarItem in a request (CalendarItemType).
type CalendarItem struct {
	XMLName                    xml.Name            `xml:"t:CalendarItem"`
	Subject                    string              `xml:"t:Subject,omitempty"`
	Sensitivity                string              `xml:"t:Sensitivity,omitempty"`
	Body                       *Body               `xml:"t:Body,omitempty"`
	Categories                 *Strings            `xml:"t:Categories,omitempty"`
	Importance                 string              `xml:"t:Importance,omitempty"`
	ReminderIsSet              *bool               `xml:"t:ReminderIsSet,omitempty"`
	ReminderMinutesBeforeStart *int                `xml:"t:ReminderMinutesBeforeStart,omitempty"`
	ExtendedProperty           []ExtendedProperty  `xml:"t:ExtendedProperty,omitempty"`
	Start                      string              `xml:"t:Start,omitempty"`
	End                        string              `xml:"t:End,omitempty"`
	IsAllDayEvent              *bool               `xml:"t:IsAllDayEvent,omitempty"`
	LegacyFreeBusyStatus       string              `xml:"t:LegacyFreeBusyStatus,omitempty"`
	Location                   string              `xml:"t:Location,omitempty"`
	IsResponseRequested        *bool               `xml:"t:IsResponseRequested,omitempty"`
	RequiredAttendees          *Attendees          `xml:"t:RequiredAttendees,omitempty"`
	OptionalAttendees          *Attendees          `xml:"t:OptionalAttendees,omitempty"`
	Resources                  *Attendees          `xml:"t:Resources,omitempty"`
	Recurrence                 *Recurrence         `xml:"t:Recurrence,omitempty"`
	MeetingTimeZone            *MeetingTimeZone    `xml:"t:MeetingTimeZone,omitempty"`
	StartTimeZone              *TimeZoneDefinition `xml:"t:StartTimeZone,omitempty"`
	EndTimeZone                *TimeZoneDefinition `xml:"t:EndTimeZone,omitempty"`
}

// Recurrence is a t:Recurrence in a request: one pattern and one range.
type Recurrence struct {
	DailyRecurrence    *DailyRecurrence  `xml:"t:DailyRecurrence,omitempty"`
	WeeklyRecurrence   *WeeklyRecurrence `xml:"t:WeeklyRecurrence,omitempty"`
	NoEndRecurrence    *RecurrenceRange  `xml:"t:NoEndRecurrence,omitempty"`
	EndDateRecurrence  *RecurrenceRange  `xml:"t:EndDateRecurrence,omitempty"`
	NumberedRecurrence *RecurrenceRange  `xml:"t:NumberedRecurrence,omitempty"`
}

// DailyRecurrence repeats every Interval days.
type DailyRecurrence struct {
	Interval int `xml:"t:Interval"`
}

// WeeklyRecurrence repeats on DaysOfWeek (space-separated day names) every Interval weeks.
type WeeklyRecurrence struct {
	Interval       int    `xml:"t:Interval"`
	DaysOfWeek     string `xml:"t:DaysOfWeek"`
	FirstDayOfWeek string `xml:"t:FirstDayOfWeek,omitempty"`
}

// RecurrenceRange is NoEndRecurrence, EndDateRecurrence or NumberedRecurrence.
type RecurrenceRange struct {
	StartDate           string `xml:"t:StartDate"`
	EndDate             string `xml:"t:EndDate,omitempty"`
	NumberOfOccurrences int    `xml:"t:NumberOfOccurrences,omitempty"`
}

// DictEntry is an entry of an email address or phone number dictionary: <t:Entry Key="...">value</t:Entry>, in a
// request and in a response.
type DictEntry struct {
	Key   string `xml:"Key,attr"`
	Value string `xml:",chardata"`
}

// DictEntries is an EmailAddressDictionaryType or PhoneNumberDictionaryType.
type DictEntries struct {
	Entries []DictEntry `xml:"t:Entry"`
}

// PhysicalAddressEntry is an entry of a PhysicalAddressDictionaryType.
type PhysicalAddressEntry struct {
	Key             string `xml:"Key,attr"`
	Street          string `xml:"t:Street,omitempty"`
	City            string `xml:"t:City,omitempty"`
	State           string `xml:"t:State,omitempty"`
	CountryOrRegion string `xml:"t:CountryOrRegion,omitempty"`
	PostalCode      string `xml:"t:PostalCode,omitempty"`
}

// PhysicalAddresses is a PhysicalAddressDictionaryType.
type PhysicalAddresses struct {
	Entries []PhysicalAddressEntry `xml:"t:Entry"`
}

// Contact is a t:Contact in a request (ContactItemType).
type Contact struct {
	XMLName           xml.Name           `xml:"t:Contact"`
	Subject           string             `xml:"t:Subject,omitempty"`
	Body              *Body              `xml:"t:Body,omitempty"`
	Categories        *Strings           `xml:"t:Categories,omitempty"`
	FileAs            string             `xml:"t:FileAs,omitempty"`
	DisplayName       string             `xml:"t:DisplayName,omitempty"`
	GivenName         string             `xml:"t:GivenName,omitempty"`
	Initials          string             `xml:"t:Initials,omitempty"`
	MiddleName        string             `xml:"t:MiddleName,omitempty"`
	Nickname          string             `xml:"t:Nickname,omitempty"`
	CompanyName       string             `xml:"t:CompanyName,omitempty"`
	EmailAddresses    *DictEntries       `xml:"t:EmailAddresses,omitempty"`
	PhysicalAddresses *PhysicalAddresses `xml:"t:PhysicalAddresses,omitempty"`
	PhoneNumbers      *DictEntries       `xml:"t:PhoneNumbers,omitempty"`
	AssistantName     string             `xml:"t:AssistantName,omitempty"`
	Birthday          string             `xml:"t:Birthday,omitempty"`
	BusinessHomePage  string             `xml:"t:BusinessHomePage,omitempty"`
	Department        string             `xml:"t:Department,omitempty"`
	JobTitle          string             `xml:"t:JobTitle,omitempty"`
	Manager           string             `xml:"t:Manager,omitempty"`
	OfficeLocation    string             `xml:"t:OfficeLocation,omitempty"`
	Surname           string             `xml:"t:Surname,omitempty"`
}

// MarshalXML writes the attachments as a sequence of their own elements.
func (a Attachments) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, x := range a.Attachments {
		if err := e.Encode(x); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// MarshalXML writes the attachment's name and then its item.
func (a ItemAttachment) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "t:ItemAttachment"}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeElement(a.Name, xml.StartElement{Name: xml.Name{Local: "t:Name"}}); err != nil {
		return err
	}
	if err := e.Encode(a.Item); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// ItemShape is an ItemResponseShapeType (m:ItemShape), children in schema order.
type ItemShape struct {
	BaseShape                 string   `xml:"t:BaseShape"`
	IncludeMimeContent        *bool    `xml:"t:IncludeMimeContent,omitempty"`
	BodyType                  string   `xml:"t:BodyType,omitempty"`
	FilterHTMLContent         *bool    `xml:"t:FilterHtmlContent,omitempty"`
	ConvertHTMLCodePageToUTF8 *bool    `xml:"t:ConvertHtmlCodePageToUTF8,omitempty"`
	MaximumBodySize           int      `xml:"t:MaximumBodySize,omitempty"`
	AdditionalProperties      PathList `xml:"t:AdditionalProperties,omitempty"`
}

// ItemID is a reference to an item in a request: t:ItemId, or t:OccurrenceItemId when RecurringMasterID is set,
// or t:RecurringMasterItemId when OccurrenceID is set.
type ItemID struct {
	ID                string
	ChangeKey         string
	RecurringMasterID string // with InstanceIndex: an occurrence of a series
	InstanceIndex     int
	OccurrenceID      string // the series of this occurrence
}

// MarshalXML implements xml.Marshaler.
func (r ItemID) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	attr := func(n, v string) xml.Attr { return xml.Attr{Name: xml.Name{Local: n}, Value: v} }
	var start xml.StartElement
	switch {
	case r.RecurringMasterID != "":
		start = xml.StartElement{Name: xml.Name{Local: "t:OccurrenceItemId"}, Attr: []xml.Attr{attr("RecurringMasterId", r.RecurringMasterID)}}
		if r.ChangeKey != "" {
			start.Attr = append(start.Attr, attr("ChangeKey", r.ChangeKey))
		}
		start.Attr = append(start.Attr, attr("InstanceIndex", strconv.Itoa(r.InstanceIndex)))
	case r.OccurrenceID != "":
		start = xml.StartElement{Name: xml.Name{Local: "t:RecurringMasterItemId"}, Attr: []xml.Attr{attr("OccurrenceId", r.OccurrenceID)}}
		if r.ChangeKey != "" {
			start.Attr = append(start.Attr, attr("ChangeKey", r.ChangeKey))
		}
	default:
		start = xml.StartElement{Name: xml.Name{Local: "t:ItemId"}, Attr: []xml.Attr{attr("Id", r.ID)}}
		if r.ChangeKey != "" {
			start.Attr = append(start.Attr, attr("ChangeKey", r.ChangeKey))
		}
	}
	return e.EncodeElement("", start)
}

// FieldOrder is one t:FieldOrder of an m:SortOrder.
type FieldOrder struct {
	Order string `xml:"Order,attr"` // Ascending or Descending
	Path  Path
}

// MarshalXML implements xml.Marshaler.
func (f FieldOrder) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "t:FieldOrder"}, Attr: []xml.Attr{{Name: xml.Name{Local: "Order"}, Value: f.Order}}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := f.Path.MarshalXML(e, xml.StartElement{}); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}
