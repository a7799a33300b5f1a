package wintz

// Hand-maintained data that CLDR's windowsZones.xml does not carry. table.go
// is generated; this file is not.

// preferredIANA renames the deprecated spellings CLDR keeps as the "001" zone
// of some Windows ids to the name IANA's tz database uses today. IANA returns
// the new name; Location falls back to the CLDR spelling when the system's
// zoneinfo is too old to know the new one.
var preferredIANA = map[string]string{
	"America/Buenos_Aires": "America/Argentina/Buenos_Aires",
	"America/Godthab":      "America/Nuuk",
	"America/Indianapolis": "America/Indiana/Indianapolis",
	"Asia/Calcutta":        "Asia/Kolkata",
	"Asia/Katmandu":        "Asia/Kathmandu",
	"Asia/Rangoon":         "Asia/Yangon",
	"Europe/Kiev":          "Europe/Kyiv",
}

// legacyZones are Windows ids that current Windows releases (and so CLDR) no
// longer list, or that only some servers use, but that Exchange servers and
// stored items still carry. IANA and Location accept them; WindowsIDForName
// never returns them.
var legacyZones = []legacyZone{
	// "(UTC-02:00) Mid-Atlantic - Old"; CLDR 1.8 mapped it to Etc/GMT+2.
	{"Mid-Atlantic Standard Time", "Etc/GMT+2", []string{
		"(UTC-02:00) Mid-Atlantic - Old",
		"(GMT-02:00) Mid-Atlantic",
	}},
	// "(UTC+12:00) Petropavlovsk-Kamchatsky - Old".
	{"Kamchatka Standard Time", "Asia/Kamchatka", []string{
		"(UTC+12:00) Petropavlovsk-Kamchatsky - Old",
		"(GMT+12:00) Petropavlovsk-Kamchatsky",
	}},
	{"Mexico Standard Time", "America/Mexico_City", []string{
		"(UTC-06:00) Guadalajara, Mexico City, Monterrey - Old",
	}},
	{"Mexico Standard Time 2", "America/Chihuahua", []string{
		"(UTC-07:00) Chihuahua, La Paz, Mazatlan - Old",
	}},
	// Windows XP's id for Yerevan (CLDR 1.8).
	{"Armenian Standard Time", "Asia/Yerevan", nil},
	// Id the EWS Managed API reports for a StartTimeZone/EndTimeZone that
	// matches no system zone, meaning UTC (OfficeDev/ews-managed-api#148).
	{"tzone://Microsoft/Utc", "Etc/UTC", nil},
}

// extraDisplayNames are display names servers send besides the one in
// windowsZones.xml's comments: older "(GMT±hh:mm)" forms (Windows XP/Vista,
// Exchange 2007), earlier city lists, and en-GB spellings. Forms that differ
// from a known one only in "(GMT" vs "(UTC", "(UTC)" vs "(UTC+00:00)", case,
// white space or "Co-ordinated" vs "Coordinated" need no entry: FromDisplayName
// normalises those.
var extraDisplayNames = map[string][]string{
	"Argentina Standard Time":         {"(GMT-03:00) Buenos Aires"},
	"Cape Verde Standard Time":        {"(GMT-01:00) Cape Verde Is."},
	"Central Asia Standard Time":      {"(GMT+06:00) Astana, Dhaka"},
	"Central Brazilian Standard Time": {"(GMT-04:00) Manaus"},
	"Central Pacific Standard Time":   {"(GMT+11:00) Magadan, Solomon Is., New Caledonia"},
	"China Standard Time":             {"(UTC+08:00) Beijing, Chongqing, Hong Kong SAR, Urumqi"},
	"E. Europe Standard Time":         {"(GMT+02:00) Minsk"},
	"Fiji Standard Time": {
		"(GMT+12:00) Fiji, Kamchatka, Marshall Is.",
		"(GMT+12:00) Fiji, Marshall Is.",
	},
	"GMT Standard Time":               {"(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London"},
	"Georgian Standard Time":          {"(GMT+03:00) Tbilisi"},
	"GTB Standard Time":               {"(GMT+02:00) Athens, Bucharest, Istanbul"},
	"Morocco Standard Time":           {"(GMT) Casablanca"},
	"Mountain Standard Time (Mexico)": {"(UTC-07:00) La Paz, Mazatlan"},
	"N. Central Asia Standard Time": {
		"(GMT+06:00) Almaty, Novosibirsk",
		"(GMT+06:00) Novosibirsk",
	},
	"North Asia East Standard Time":  {"(GMT+08:00) Irkutsk, Ulaan Bataar"},
	"Pacific Standard Time (Mexico)": {"(GMT-08:00) Tijuana, Baja California"},
	"Russian Standard Time": {
		"(GMT+03:00) Moscow, St. Petersburg, Volgograd",
		"(UTC+03:00) Moscow, St Petersburg",
	},
	"SA Eastern Standard Time": {
		"(GMT-03:00) Cayenne",
		"(GMT-03:00) Georgetown",
	},
	"SA Pacific Standard Time": {"(GMT-05:00) Bogota, Lima, Quito"},
	"SA Western Standard Time": {
		"(GMT-04:00) Georgetown, La Paz, San Juan",
		"(GMT-04:00) La Paz",
	},
	"Samoa Standard Time":     {"(GMT-11:00) Midway Island, Samoa"},
	"Venezuela Standard Time": {"(GMT-04:30) Caracas"},
	"West Asia Standard Time": {"(GMT+05:00) Tashkent"},
}

// ianaAliases maps IANA names that windowsZones.xml does not list (tz
// "backward" links, current spellings of names CLDR keeps in their old form,
// legacy System V names and the Etc/GMT and UTC spellings) to a zone that it
// does list and that keeps the same clock.
var ianaAliases = map[string]string{
	// UTC and GMT spellings.
	"UTC":           "Etc/UTC",
	"UCT":           "Etc/UTC",
	"Universal":     "Etc/UTC",
	"Zulu":          "Etc/UTC",
	"Etc/UCT":       "Etc/UTC",
	"Etc/Universal": "Etc/UTC",
	"Etc/Zulu":      "Etc/UTC",
	"GMT":           "Etc/GMT",
	"GMT0":          "Etc/GMT",
	"GMT+0":         "Etc/GMT",
	"GMT-0":         "Etc/GMT",
	"Greenwich":     "Etc/GMT",
	"Etc/GMT0":      "Etc/GMT",
	"Etc/GMT+0":     "Etc/GMT",
	"Etc/GMT-0":     "Etc/GMT",
	"Etc/Greenwich": "Etc/GMT",

	// Current IANA names of zones CLDR lists under an older spelling.
	"Africa/Asmara":                    "Africa/Asmera",
	"America/Argentina/Buenos_Aires":   "America/Buenos_Aires",
	"America/Argentina/Catamarca":      "America/Catamarca",
	"America/Argentina/Cordoba":        "America/Cordoba",
	"America/Argentina/Jujuy":          "America/Jujuy",
	"America/Argentina/Mendoza":        "America/Mendoza",
	"America/Atikokan":                 "America/Coral_Harbour",
	"America/Indiana/Indianapolis":     "America/Indianapolis",
	"America/Kentucky/Louisville":      "America/Louisville",
	"America/Nuuk":                     "America/Godthab",
	"Asia/Ho_Chi_Minh":                 "Asia/Saigon",
	"Asia/Kathmandu":                   "Asia/Katmandu",
	"Asia/Kolkata":                     "Asia/Calcutta",
	"Asia/Yangon":                      "Asia/Rangoon",
	"Atlantic/Faroe":                   "Atlantic/Faeroe",
	"Europe/Kyiv":                      "Europe/Kiev",
	"Pacific/Chuuk":                    "Pacific/Truk",
	"Pacific/Kanton":                   "Pacific/Enderbury",
	"Pacific/Pohnpei":                  "Pacific/Ponape",
	"America/Argentina/ComodRivadavia": "America/Catamarca",

	// tz "backward" links and zones merged into others.
	"Africa/Timbuktu":       "Africa/Bamako",
	"America/Atka":          "America/Adak",
	"America/Ensenada":      "America/Tijuana",
	"America/Fort_Wayne":    "America/Indianapolis",
	"America/Knox_IN":       "America/Indiana/Knox",
	"America/Montreal":      "America/Toronto",
	"America/Nipigon":       "America/Toronto",
	"America/Pangnirtung":   "America/Iqaluit",
	"America/Porto_Acre":    "America/Rio_Branco",
	"America/Rainy_River":   "America/Winnipeg",
	"America/Rosario":       "America/Cordoba",
	"America/Santa_Isabel":  "America/Tijuana",
	"America/Shiprock":      "America/Denver",
	"America/Thunder_Bay":   "America/Toronto",
	"America/Virgin":        "America/St_Thomas",
	"America/Yellowknife":   "America/Edmonton",
	"Antarctica/South_Pole": "Antarctica/McMurdo",
	"Asia/Ashkhabad":        "Asia/Ashgabat",
	"Asia/Chongqing":        "Asia/Shanghai",
	"Asia/Chungking":        "Asia/Shanghai",
	"Asia/Dacca":            "Asia/Dhaka",
	"Asia/Harbin":           "Asia/Shanghai",
	"Asia/Istanbul":         "Europe/Istanbul",
	"Asia/Kashgar":          "Asia/Urumqi",
	"Asia/Macao":            "Asia/Macau",
	"Asia/Tel_Aviv":         "Asia/Jerusalem",
	"Asia/Thimbu":           "Asia/Thimphu",
	"Asia/Ujung_Pandang":    "Asia/Makassar",
	"Asia/Ulan_Bator":       "Asia/Ulaanbaatar",
	"Atlantic/Jan_Mayen":    "Arctic/Longyearbyen",
	"Australia/ACT":         "Australia/Sydney",
	"Australia/Canberra":    "Australia/Sydney",
	"Australia/Currie":      "Australia/Hobart",
	"Australia/LHI":         "Australia/Lord_Howe",
	"Australia/NSW":         "Australia/Sydney",
	"Australia/North":       "Australia/Darwin",
	"Australia/Queensland":  "Australia/Brisbane",
	"Australia/South":       "Australia/Adelaide",
	"Australia/Tasmania":    "Australia/Hobart",
	"Australia/Victoria":    "Australia/Melbourne",
	"Australia/West":        "Australia/Perth",
	"Australia/Yancowinna":  "Australia/Broken_Hill",
	"Brazil/Acre":           "America/Rio_Branco",
	"Brazil/DeNoronha":      "America/Noronha",
	"Brazil/East":           "America/Sao_Paulo",
	"Brazil/West":           "America/Manaus",
	"Canada/Atlantic":       "America/Halifax",
	"Canada/Central":        "America/Winnipeg",
	"Canada/Eastern":        "America/Toronto",
	"Canada/Mountain":       "America/Edmonton",
	"Canada/Newfoundland":   "America/St_Johns",
	"Canada/Pacific":        "America/Vancouver",
	"Canada/Saskatchewan":   "America/Regina",
	"Canada/Yukon":          "America/Whitehorse",
	"Chile/Continental":     "America/Santiago",
	"Chile/EasterIsland":    "Pacific/Easter",
	"Cuba":                  "America/Havana",
	"Egypt":                 "Africa/Cairo",
	"Eire":                  "Europe/Dublin",
	"Europe/Belfast":        "Europe/London",
	"Europe/Nicosia":        "Asia/Nicosia",
	"Europe/Tiraspol":       "Europe/Chisinau",
	"Europe/Uzhgorod":       "Europe/Kiev",
	"Europe/Zaporozhye":     "Europe/Kiev",
	"GB":                    "Europe/London",
	"GB-Eire":               "Europe/London",
	"Hongkong":              "Asia/Hong_Kong",
	"Iceland":               "Atlantic/Reykjavik",
	"Iran":                  "Asia/Tehran",
	"Israel":                "Asia/Jerusalem",
	"Jamaica":               "America/Jamaica",
	"Japan":                 "Asia/Tokyo",
	"Kwajalein":             "Pacific/Kwajalein",
	"Libya":                 "Africa/Tripoli",
	"Mexico/BajaNorte":      "America/Tijuana",
	"Mexico/BajaSur":        "America/Mazatlan",
	"Mexico/General":        "America/Mexico_City",
	"NZ":                    "Pacific/Auckland",
	"NZ-CHAT":               "Pacific/Chatham",
	"Navajo":                "America/Denver",
	"PRC":                   "Asia/Shanghai",
	"Pacific/Johnston":      "Pacific/Honolulu",
	"Pacific/Samoa":         "Pacific/Pago_Pago",
	"Pacific/Yap":           "Pacific/Truk",
	"Poland":                "Europe/Warsaw",
	"Portugal":              "Europe/Lisbon",
	"ROC":                   "Asia/Taipei",
	"ROK":                   "Asia/Seoul",
	"Singapore":             "Asia/Singapore",
	"Turkey":                "Europe/Istanbul",
	"US/Alaska":             "America/Anchorage",
	"US/Aleutian":           "America/Adak",
	"US/Arizona":            "America/Phoenix",
	"US/Central":            "America/Chicago",
	"US/East-Indiana":       "America/Indianapolis",
	"US/Eastern":            "America/New_York",
	"US/Hawaii":             "Pacific/Honolulu",
	"US/Indiana-Starke":     "America/Indiana/Knox",
	"US/Michigan":           "America/Detroit",
	"US/Mountain":           "America/Denver",
	"US/Pacific":            "America/Los_Angeles",
	"US/Samoa":              "Pacific/Pago_Pago",
	"W-SU":                  "Europe/Moscow",

	// System V style names; since tz 2024b these are links to the zones named.
	"CET":     "Europe/Brussels",
	"CST6CDT": "America/Chicago",
	"EET":     "Europe/Athens",
	"EST":     "America/Panama",
	"EST5EDT": "America/New_York",
	"HST":     "Pacific/Honolulu",
	"MET":     "Europe/Brussels",
	"MST":     "America/Phoenix",
	"MST7MDT": "America/Denver",
	"PST8PDT": "America/Los_Angeles",
	"WET":     "Europe/Lisbon",
}
