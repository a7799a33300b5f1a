package soap

// Flag is a t:Flag (FlagType, Exchange 2013 and later): FlagStatus, StartDate, DueDate, CompleteDate in schema
// order.
type Flag struct {
	FlagStatus   string `xml:"t:FlagStatus"` // NotFlagged, Flagged, Complete
	StartDate    string `xml:"t:StartDate,omitempty"`
	DueDate      string `xml:"t:DueDate,omitempty"`
	CompleteDate string `xml:"t:CompleteDate,omitempty"`
}
