package ewstest

import "strings"

// AddCalendar creates a calendar folder at path (e.g. "Calendar/Team": a calendar Team below the default
// calendar) and returns its id. It is a calendar over both wires: EWS's CalendarFolder, Graph's calendar.
func (m *Mailbox) AddCalendar(path string) (string, error) {
	return m.addFolder(path, "IPF.Appointment")
}

// AddContactsFolder creates a contacts folder at path (e.g. "Contacts/Vendors") and returns its id. It is a
// contacts folder over both wires: EWS's ContactsFolder, Graph's contactFolder.
func (m *Mailbox) AddContactsFolder(path string) (string, error) {
	return m.addFolder(path, "IPF.Contact")
}

func (m *Mailbox) addFolder(path, class string) (string, error) {
	path = strings.Trim(path, "/")
	parent, name := "msgfolderroot", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		parent, name = path[:i], path[i+1:]
	}
	return m.mb.AddFolder(parent, name, class)
}
