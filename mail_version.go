package ews

// versionRank orders the RequestServerVersion values of the schema.
var versionRank = map[string]int{
	"Exchange2007": 1, "Exchange2007_SP1": 2, "Exchange2009": 3, "Exchange2010": 4, "Exchange2010_SP1": 5,
	"Exchange2010_SP2": 6, "Exchange2013": 7, "Exchange2013_SP1": 8, "Exchange2015": 9, "Exchange2016": 10,
	"V2015_10_05": 11, "V2016_01_06": 12, "V2016_04_13": 13, "V2016_07_13": 14, "V2016_10_10": 15,
	"V2017_01_07": 16, "V2017_04_14": 17, "V2017_07_11": 18, "V2017_10_09": 19, "V2018_01_08": 20,
}

// currentVersion returns the RequestServerVersion the next request will carry, and whether it is known (set in
// Config.Version or learnt from the server) rather than the default sent before the first answer.
func (c *Client) currentVersion() (v string, known bool) {
	c.shared.mu.Lock()
	v = c.shared.version
	c.shared.mu.Unlock()
	if v == "" {
		return defaultVersion, false
	}
	return v, true
}

// versionAtLeast reports whether the requests' RequestServerVersion is min or later. Before the server's version
// is known it assumes the default version.
func (c *Client) versionAtLeast(min string) bool {
	v, _ := c.currentVersion()
	return versionRank[v] >= versionRank[min]
}
