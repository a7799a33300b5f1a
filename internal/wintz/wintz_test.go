package wintz

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so the tests do not depend on the system's zoneinfo
)

// instants at which zones that should agree are compared: both halves of the
// year, recent enough that merged and renamed zones keep the same clock.
var instants = []time.Time{
	time.Date(2025, time.January, 15, 12, 0, 0, 0, time.UTC),
	time.Date(2025, time.July, 15, 12, 0, 0, 0, time.UTC),
}

func sameClock(t *testing.T, what string, a, b *time.Location) {
	t.Helper()
	for _, at := range instants {
		_, oa := at.In(a).Zone()
		_, ob := at.In(b).Zone()
		if oa != ob {
			t.Errorf("%s: at %s, %s is %+ds from UTC but %s is %+ds", what, at.Format(time.DateOnly), a, oa, b, ob)
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time.LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestTableConsistency(t *testing.T) {
	ix := getIndex()
	for _, c := range ix.conflicts {
		t.Error(c)
	}
	if n := len(cldrZones); n < 130 {
		t.Errorf("only %d Windows ids in the CLDR table", n)
	}
	for _, z := range cldrZones {
		if z.Display == "" {
			t.Errorf("%q has no display name", z.ID)
		}
		if len(z.Territories) < 1 || z.Territories[0].Territory != "001" || len(z.Territories[0].Zones) != 1 {
			t.Errorf("%q: first territory is not a single-zone 001: %+v", z.ID, z.Territories)
		}
		for _, tz := range z.Territories {
			if len(tz.Zones) == 0 {
				t.Errorf("%q territory %s has no zones", z.ID, tz.Territory)
			}
		}
	}
}

func TestSpotChecks(t *testing.T) {
	cases := []struct{ iana, id string }{
		{"Europe/Berlin", "W. Europe Standard Time"},
		{"America/New_York", "Eastern Standard Time"},
		{"America/Los_Angeles", "Pacific Standard Time"},
		{"Europe/London", "GMT Standard Time"},
		{"Asia/Kolkata", "India Standard Time"},
		{"Asia/Calcutta", "India Standard Time"},
		{"Asia/Tokyo", "Tokyo Standard Time"},
		{"Australia/Sydney", "AUS Eastern Standard Time"},
		{"Australia/Melbourne", "AUS Eastern Standard Time"},
		{"America/Sao_Paulo", "E. South America Standard Time"},
		{"Europe/Paris", "Romance Standard Time"},
		{"Europe/Kiev", "FLE Standard Time"},
		{"Europe/Kyiv", "FLE Standard Time"},
		{"America/Chicago", "Central Standard Time"},
		{"America/Denver", "Mountain Standard Time"},
		{"America/Phoenix", "US Mountain Standard Time"},
		{"Pacific/Honolulu", "Hawaiian Standard Time"},
		{"Asia/Shanghai", "China Standard Time"},
		{"Asia/Singapore", "Singapore Standard Time"},
		{"Africa/Johannesburg", "South Africa Standard Time"},
		{"Etc/GMT+12", "Dateline Standard Time"},
		{"Etc/GMT-14", "Line Islands Standard Time"},
		{"UTC", "UTC"},
		{"Etc/UTC", "UTC"},
		{"Etc/GMT", "UTC"},
		{"GMT", "UTC"},
		{"Etc/Universal", "UTC"},
		{"Zulu", "UTC"},
		{"US/Eastern", "Eastern Standard Time"},
		{"US/Pacific", "Pacific Standard Time"},
		{"EST5EDT", "Eastern Standard Time"},
	}
	for _, c := range cases {
		if got, ok := WindowsIDForName(c.iana); !ok || got != c.id {
			t.Errorf("WindowsIDForName(%q) = %q, %v; want %q", c.iana, got, ok, c.id)
		}
		if got, ok := WindowsID(mustLoad(t, c.iana)); !ok || got != c.id {
			t.Errorf("WindowsID(LoadLocation(%q)) = %q, %v; want %q", c.iana, got, ok, c.id)
		}
	}

	for _, loc := range []*time.Location{time.UTC, nil, time.FixedZone("UTC", 0)} {
		if got, ok := WindowsID(loc); !ok || got != "UTC" {
			t.Errorf("WindowsID(%v) = %q, %v; want UTC", loc, got, ok)
		}
	}
	// Case and surrounding space do not matter.
	if got, ok := WindowsIDForName("  europe/BERLIN "); !ok || got != "W. Europe Standard Time" {
		t.Errorf("WindowsIDForName(case-folded Berlin) = %q, %v", got, ok)
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "Europe", "W. Europe Standard Time"} {
		if got, ok := WindowsIDForName(name); ok {
			t.Errorf("WindowsIDForName(%q) = %q, true; want unknown", name, got)
		}
	}
	for _, loc := range []*time.Location{time.FixedZone("Local", 3600), time.FixedZone("", 3600), time.FixedZone("+01", 3600)} {
		if got, ok := WindowsID(loc); ok {
			t.Errorf("WindowsID(FixedZone %q) = %q, true; want unknown", loc, got)
		}
	}
	if got, ok := IANA("W. Europe Standard Time"); !ok || got != "Europe/Berlin" {
		t.Errorf(`IANA("W. Europe Standard Time") = %q, %v`, got, ok)
	}
	if got, ok := IANA("w. europe STANDARD time"); !ok || got != "Europe/Berlin" {
		t.Errorf("IANA(case-folded W. Europe) = %q, %v", got, ok)
	}
	if got, ok := IANA("India Standard Time"); !ok || got != "Asia/Kolkata" {
		t.Errorf(`IANA("India Standard Time") = %q, %v; want Asia/Kolkata`, got, ok)
	}
	if got, ok := IANA("UTC"); !ok || got != "Etc/UTC" {
		t.Errorf(`IANA("UTC") = %q, %v`, got, ok)
	}
	for _, id := range []string{"", "Europe/Berlin", "Customized Time Zone", "W. Europe"} {
		if got, ok := IANA(id); ok {
			t.Errorf("IANA(%q) = %q, true; want unknown", id, got)
		}
	}
}

// Every Windows id round-trips through its IANA zone.
func TestRoundTrip(t *testing.T) {
	for _, z := range cldrZones {
		name, ok := IANA(z.ID)
		if !ok {
			t.Errorf("IANA(%q) unknown", z.ID)
			continue
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Errorf("IANA(%q) = %q does not load: %v", z.ID, name, err)
			continue
		}
		if got, ok := WindowsIDForName(name); !ok || got != z.ID {
			t.Errorf("WindowsIDForName(IANA(%q) = %q) = %q, %v", z.ID, name, got, ok)
		}
		if got, ok := WindowsID(loc); !ok || got != z.ID {
			t.Errorf("WindowsID(LoadLocation(%q)) = %q, %v; want %q", name, got, ok, z.ID)
		}
		if got, ok := IANA(strings.ToUpper(z.ID)); !ok || got != name {
			t.Errorf("IANA(%q) = %q, %v; want %q", strings.ToUpper(z.ID), got, ok, name)
		}
		// Location by id gives the same clock as CLDR's own 001 zone.
		byID, err := Location(z.ID)
		if err != nil {
			t.Errorf("Location(%q): %v", z.ID, err)
			continue
		}
		sameClock(t, z.ID, byID, mustLoad(t, z.Territories[0].Zones[0]))
		// And by its display name.
		if id, ok := FromDisplayName(z.Display); !ok || id != z.ID {
			t.Errorf("FromDisplayName(%q) = %q, %v; want %q", z.Display, id, ok, z.ID)
		}
	}
}

// Every IANA name of the table loads and maps back to its Windows id.
func TestEveryIANANameLoads(t *testing.T) {
	n := 0
	for _, z := range cldrZones {
		for _, tz := range z.Territories {
			for _, name := range tz.Zones {
				n++
				if _, err := time.LoadLocation(name); err != nil {
					t.Errorf("%q (%s, %s): %v", name, z.ID, tz.Territory, err)
				}
				if got, ok := WindowsIDForName(name); !ok || got != z.ID {
					t.Errorf("WindowsIDForName(%q) = %q, %v; want %q", name, got, ok, z.ID)
				}
			}
		}
	}
	if n < 400 {
		t.Errorf("only %d IANA names in the table", n)
	}
}

func TestAliases(t *testing.T) {
	for alias, target := range ianaAliases {
		a, err := time.LoadLocation(alias)
		if err != nil {
			t.Errorf("alias %q does not load: %v", alias, err)
			continue
		}
		sameClock(t, "alias "+alias, a, mustLoad(t, target))
		want, ok := WindowsIDForName(target)
		if !ok {
			t.Errorf("alias target %q unknown", target)
			continue
		}
		if got, ok := WindowsIDForName(alias); !ok || got != want {
			t.Errorf("WindowsIDForName(%q) = %q, %v; want %q", alias, got, ok, want)
		}
	}
	for old, cur := range preferredIANA {
		sameClock(t, "preferred "+cur, mustLoad(t, cur), mustLoad(t, old))
		if ianaAliases[cur] != old {
			t.Errorf("preferred name %q is not an alias of %q", cur, old)
		}
	}
}

func TestLegacyIDs(t *testing.T) {
	for _, l := range legacyZones {
		name, ok := IANA(l.ID)
		if !ok || name != l.IANA {
			t.Errorf("IANA(%q) = %q, %v; want %q", l.ID, name, ok, l.IANA)
		}
		loc, err := Location(l.ID)
		if err != nil {
			t.Errorf("Location(%q): %v", l.ID, err)
			continue
		}
		sameClock(t, l.ID, loc, mustLoad(t, l.IANA))
		if id, _ := WindowsIDForName(l.IANA); id == l.ID {
			t.Errorf("WindowsIDForName(%q) returned legacy id %q", l.IANA, id)
		}
		for _, d := range l.Displays {
			if id, ok := FromDisplayName(d); !ok || id != l.ID {
				t.Errorf("FromDisplayName(%q) = %q, %v; want %q", d, id, ok, l.ID)
			}
		}
	}
}

func TestFromDisplayName(t *testing.T) {
	cases := []struct{ display, id string }{
		{"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "W. Europe Standard Time"},
		{"  (utc+01:00)   AMSTERDAM,Berlin, Bern,  Rome, Stockholm, Vienna\n", "W. Europe Standard Time"},
		{"(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "W. Europe Standard Time"},
		{"(UTC-05:00) Eastern Time (US & Canada)", "Eastern Standard Time"},
		{"(GMT-05:00) Eastern Time (US & Canada)", "Eastern Standard Time"},
		{"(UTC-08:00) Pacific Time (US & Canada)", "Pacific Standard Time"},
		{"(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
		{"(UTC) Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
		{"(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
		{"(UTC) Coordinated Universal Time", "UTC"},
		{"(UTC) Co-ordinated Universal Time", "UTC"},
		{"(GMT) Coordinated Universal Time", "UTC"},
		{"(UTC-11:00) Co-ordinated Universal Time-11", "UTC-11"},
		{"(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "India Standard Time"},
		{"(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi", "India Standard Time"},
		{"(UTC+09:00) Osaka, Sapporo, Tokyo", "Tokyo Standard Time"},
		{"(UTC+10:00) Canberra, Melbourne, Sydney", "AUS Eastern Standard Time"},
		{"(UTC-03:00) Brasilia", "E. South America Standard Time"},
		{"(GMT-11:00) Midway Island, Samoa", "Samoa Standard Time"},
		{"(GMT+02:00) Athens, Bucharest, Istanbul", "GTB Standard Time"},
		{"(GMT+03:00) Moscow, St. Petersburg, Volgograd", "Russian Standard Time"},
		{"(UTC+03:00) Moscow, St Petersburg", "Russian Standard Time"},
		{"(UTC+08:00) Beijing, Chongqing, Hong Kong SAR, Urumqi", "China Standard Time"},
		{"(GMT+02:00) Minsk", "E. Europe Standard Time"},
		{"(UTC+03:00) Minsk", "Belarus Standard Time"},
		{"(UTC−03:00) Brasilia", "E. South America Standard Time"}, // U+2212 minus
		// Offset changed since the name was recorded; the text is unique.
		{"(UTC+03:00) Volgograd", "Volgograd Standard Time"},
		{"(UTC+04:00) Moscow, St. Petersburg, Volgograd", "Russian Standard Time"},
		{"(UTC-02:00) Mid-Atlantic - Old", "Mid-Atlantic Standard Time"},
	}
	for _, c := range cases {
		if got, ok := FromDisplayName(c.display); !ok || got != c.id {
			t.Errorf("FromDisplayName(%q) = %q, %v; want %q", c.display, got, ok, c.id)
		}
	}
	for id, displays := range extraDisplayNames {
		for _, d := range displays {
			if got, ok := FromDisplayName(d); !ok || got != id {
				t.Errorf("FromDisplayName(%q) = %q, %v; want %q", d, got, ok, id)
			}
		}
	}
	for _, bad := range []string{
		"",
		"   ",
		"garbage",
		"(UTC+01:00)",
		"(UTC+01:00) Atlantis",
		"(UTC+05:00) Minsk", // E. Europe or Belarus: ambiguous without a known offset
		"W. Europe Standard Time",
		"Europe/Berlin",
		"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
	} {
		if got, ok := FromDisplayName(bad); ok {
			t.Errorf("FromDisplayName(%q) = %q, true; want unknown", bad, got)
		}
	}
}

func TestLocation(t *testing.T) {
	cases := []struct{ in, want string }{
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"  w. europe standard time ", "Europe/Berlin"},
		{"Eastern Standard Time", "America/New_York"},
		{"India Standard Time", "Asia/Kolkata"},
		{"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
		{"(GMT-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"},
		{"Europe/Berlin", "Europe/Berlin"},
		{"US/Eastern", "US/Eastern"},
		{"Asia/Calcutta", "Asia/Calcutta"},
		{"europe/berlin", "Europe/Berlin"},
		{"Antarctica/Troll", "Antarctica/Troll"}, // an IANA zone with no Windows id
		{"Etc/GMT+5", "Etc/GMT+5"},
		{"UTC-02", "Etc/GMT+2"},
		{"Mid-Atlantic Standard Time", "Etc/GMT+2"},
		{"Kamchatka Standard Time", "Asia/Kamchatka"},
	}
	for _, c := range cases {
		loc, err := Location(c.in)
		if err != nil {
			t.Errorf("Location(%q): %v", c.in, err)
			continue
		}
		if loc.String() != c.want {
			t.Errorf("Location(%q) = %q; want %q", c.in, loc, c.want)
		}
	}
	for _, in := range []string{"UTC", "utc", "(UTC) Coordinated Universal Time", "tzone://Microsoft/Utc"} {
		if loc, err := Location(in); err != nil || loc != time.UTC {
			t.Errorf("Location(%q) = %v, %v; want time.UTC", in, loc, err)
		}
	}

	for _, in := range []string{"Customized Time Zone", "customized time zone", "Customized Time Zone 1", "tzone://Microsoft/Custom"} {
		loc, err := Location(in)
		if err == nil {
			t.Errorf("Location(%q) = %v; want an error", in, loc)
			continue
		}
		if !errors.Is(err, ErrCustomZone) || errors.Is(err, ErrUnknownZone) {
			t.Errorf("Location(%q) error %v does not wrap (only) ErrCustomZone", in, err)
		}
		if !strings.Contains(err.Error(), strconv.Quote(in)) || !strings.Contains(err.Error(), "custom") {
			t.Errorf("Location(%q) error %q does not name the input and say it is custom", in, err)
		}
	}
	for _, in := range []string{"garbage", "Not A Zone", "Mars/Olympus_Mons", "Local", "(UTC+01:00) Atlantis", "../../etc/passwd", "W. Europe"} {
		loc, err := Location(in)
		if err == nil {
			t.Errorf("Location(%q) = %v; want an error", in, loc)
			continue
		}
		if !errors.Is(err, ErrUnknownZone) {
			t.Errorf("Location(%q) error %v does not wrap ErrUnknownZone", in, err)
		}
		if !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("Location(%q) error %q does not name the input", in, err)
		}
	}
	if _, err := Location(""); !errors.Is(err, ErrUnknownZone) {
		t.Errorf(`Location("") error = %v; want ErrUnknownZone`, err)
	}
}

func TestEtcFixed(t *testing.T) {
	for name, offset := range map[string]int{"Etc/GMT+5": -5 * 3600, "Etc/GMT-14": 14 * 3600, "Etc/GMT+12": -12 * 3600} {
		loc := etcFixed(name)
		if loc == nil {
			t.Errorf("etcFixed(%q) = nil", name)
			continue
		}
		sameClock(t, name, loc, mustLoad(t, name))
		if _, off := instants[0].In(loc).Zone(); off != offset {
			t.Errorf("etcFixed(%q) offset %d; want %d", name, off, offset)
		}
	}
	for _, name := range []string{"Etc/GMT", "Etc/GMT+", "Etc/GMT+99", "Etc/UTC", "Europe/Berlin", "Etc/GMT+x"} {
		if loc := etcFixed(name); loc != nil {
			t.Errorf("etcFixed(%q) = %v; want nil", name, loc)
		}
	}
}

// WindowsID(time.Local) follows the name package time gives the local zone,
// which comes from $TZ. Each case runs this test binary in a child process.
func TestWindowsIDLocal(t *testing.T) {
	if os.Getenv("WINTZ_TEST_LOCAL_CHILD") == "1" {
		id, ok := WindowsID(time.Local)
		os.Stdout.WriteString("RESULT " + strconv.Quote(id) + " " + strconv.FormatBool(ok) + "\n")
		return
	}
	if testing.Short() {
		t.Skip("runs child processes")
	}
	cases := []struct {
		tz, id string
		ok     bool
	}{
		{"Europe/Berlin", "W. Europe Standard Time", true},
		{":America/New_York", "Eastern Standard Time", true},
		{"Asia/Kolkata", "India Standard Time", true},
		{"UTC", "UTC", true},
		{"", "UTC", true}, // TZ set but empty means UTC
	}
	if _, err := os.Stat("/usr/share/zoneinfo/Asia/Tokyo"); err == nil {
		cases = append(cases, struct {
			tz, id string
			ok     bool
		}{"/usr/share/zoneinfo/Asia/Tokyo", "Tokyo Standard Time", true})
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWindowsIDLocal$", "-test.count=1")
		cmd.Env = append(os.Environ(), "WINTZ_TEST_LOCAL_CHILD=1", "TZ="+c.tz)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("TZ=%q: child failed: %v\n%s", c.tz, err, out)
		}
		want := "RESULT " + strconv.Quote(c.id) + " " + strconv.FormatBool(c.ok)
		if !strings.Contains(string(out), want) {
			t.Errorf("TZ=%q: child printed %q; want %q", c.tz, out, want)
		}
	}
}
