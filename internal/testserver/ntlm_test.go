package testserver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	ntlmssp "github.com/Azure/go-ntlmssp"
)

// ntlmTestUsers maps {user, domain} exactly as the client sends them to the password.
var ntlmTestUsers = map[[2]string]string{
	{"alice", "CORP"}:             "Tr0ub4dor&3",
	{"alice", "corp"}:             "Tr0ub4dor&3",
	{"alice@example.com", ""}:     "correct horse battery staple",
	{"bob", ""}:                   "hunter2-bob",
	{"jürgen", "KÖLN"}:            "pässwörd€𝄞",
	{"User", "Domain"}:            "Password", // MS-NLMP 4.2.4 test vector
	{"carol", "CORP"}:             "",         // empty password is a valid password
	{"dave", "CORP"}:              "dave-secret",
	{"ALICE", "CORP"}:             "Tr0ub4dor&3",
	{"alice", "EXAMPLE.INTERNAL"}: "Tr0ub4dor&3",
}

// ntlmTestLookup is a lookup func backed by ntlmTestUsers that records its calls.
type ntlmTestLookup struct {
	mu    sync.Mutex
	calls [][2]string
}

func (l *ntlmTestLookup) lookup(user, domain string) (string, bool) {
	l.mu.Lock()
	l.calls = append(l.calls, [2]string{user, domain})
	l.mu.Unlock()
	pw, ok := ntlmTestUsers[[2]string{user, domain}]
	return pw, ok
}

func ntlmTestFixedChallenge() []byte { return []byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef} }

// ntlmTestConnFixed returns a conn whose next server challenge is 0123456789abcdef.
func ntlmTestConnFixed() *ntlmConn { return &ntlmConn{rand: bytes.NewReader(ntlmTestFixedChallenge())} }

func ntlmTestNegotiate(t testing.TB) []byte {
	t.Helper()
	neg, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatalf("NewNegotiateMessage: %v", err)
	}
	return neg
}

// ntlmTestHandshake runs challenge on c and builds the client's AUTHENTICATE with go-ntlmssp.
func ntlmTestHandshake(t testing.TB, c *ntlmConn, username, password string) []byte {
	t.Helper()
	ch, err := c.challenge(ntlmTestNegotiate(t), "CORP")
	if err != nil {
		t.Fatalf("challenge: %v", err)
	}
	auth, err := ntlmssp.NewAuthenticateMessage(ch, username, password, nil)
	if err != nil {
		t.Fatalf("NewAuthenticateMessage: %v", err)
	}
	return auth
}

func ntlmTestNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error text %q leaks a password", err)
		}
	}
}

func TestNTLMHandshakeAccepted(t *testing.T) {
	tests := []struct {
		name, username, password string
		wantUser, wantDomain     string
	}{
		{"domain user", `CORP\alice`, "Tr0ub4dor&3", "alice", "CORP"},
		// The domain goes into NTOWFv2 with its case preserved, so this checks we don't normalise it.
		{"lower-case domain", `corp\alice`, "Tr0ub4dor&3", "alice", "corp"},
		// The user is upper-cased inside NTOWFv2, but reported/looked up as sent.
		{"upper-case user", `CORP\ALICE`, "Tr0ub4dor&3", "ALICE", "CORP"},
		{"UPN", "alice@example.com", "correct horse battery staple", "alice@example.com", ""},
		{"bare user", "bob", "hunter2-bob", "bob", ""},
		{"dotted domain", `EXAMPLE.INTERNAL\alice`, "Tr0ub4dor&3", "alice", "EXAMPLE.INTERNAL"},
		{"non-ASCII", `KÖLN\jürgen`, "pässwörd€𝄞", "jürgen", "KÖLN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &ntlmConn{}
			auth := ntlmTestHandshake(t, c, tt.username, tt.password)
			var l ntlmTestLookup
			user, domain, err := c.verify(auth, l.lookup)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if user != tt.wantUser || domain != tt.wantDomain {
				t.Errorf("verify = (%q, %q), want (%q, %q)", user, domain, tt.wantUser, tt.wantDomain)
			}
			if want := [][2]string{{tt.wantUser, tt.wantDomain}}; len(l.calls) != 1 || l.calls[0] != want[0] {
				t.Errorf("lookup calls = %q, want %q", l.calls, want)
			}
		})
	}
}

// TestNTLMHandshakeProcessChallenge covers the older (deprecated) go-ntlmssp entry point, which is a thin
// wrapper around NewAuthenticateMessage.
func TestNTLMHandshakeProcessChallenge(t *testing.T) {
	c := &ntlmConn{}
	ch, err := c.challenge(ntlmTestNegotiate(t), "CORP")
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the deprecated entry point is still used by callers; cover it deliberately.
	auth, err := ntlmssp.ProcessChallenge(ch, `CORP\alice`, "Tr0ub4dor&3", true)
	if err != nil {
		t.Fatal(err)
	}
	var l ntlmTestLookup
	if u, d, err := c.verify(auth, l.lookup); err != nil || u != "alice" || d != "CORP" {
		t.Fatalf("verify = (%q, %q, %v), want (alice, CORP, nil)", u, d, err)
	}
}

func TestNTLMEmptyPassword(t *testing.T) {
	c := &ntlmConn{}
	auth := ntlmTestHandshake(t, c, `CORP\carol`, "")
	var l ntlmTestLookup
	if _, _, err := c.verify(auth, l.lookup); err != nil {
		t.Fatalf("empty password: %v", err)
	}
	c = &ntlmConn{}
	auth = ntlmTestHandshake(t, c, `CORP\carol`, "x")
	if _, _, err := c.verify(auth, l.lookup); err == nil {
		t.Fatal("non-empty password accepted for user with empty password")
	}
}

func TestNTLMWrongPasswordRejected(t *testing.T) {
	const right, wrong = "Tr0ub4dor&3", "Tr0ub4dor&4"
	for _, username := range []string{`CORP\alice`, "alice@example.com", "bob"} {
		t.Run(username, func(t *testing.T) {
			c := &ntlmConn{}
			auth := ntlmTestHandshake(t, c, username, wrong)
			var l ntlmTestLookup
			user, domain, err := c.verify(auth, l.lookup)
			if err == nil {
				t.Fatalf("wrong password accepted: (%q, %q)", user, domain)
			}
			if user != "" || domain != "" {
				t.Errorf("failed verify returned identity (%q, %q)", user, domain)
			}
			if len(l.calls) != 1 {
				t.Errorf("lookup called %d times, want 1", len(l.calls))
			}
			ntlmTestNoSecret(t, err, right, wrong, "correct horse battery staple", "hunter2-bob")
		})
	}
}

// The domain is part of the NTLMv2 key: a password that is right for CORP\alice must not verify when the
// lookup says the password for the (sent) domain is different.
func TestNTLMDomainBoundToResponse(t *testing.T) {
	c := &ntlmConn{}
	auth := ntlmTestHandshake(t, c, `CORP\alice`, "Tr0ub4dor&3")
	// Rewrite the domain in the AUTHENTICATE message from CORP to CORQ, keeping the response.
	dom, err := ntlmField(auth, 28)
	if err != nil || !bytes.Equal(dom, ntlmUTF16("CORP")) {
		t.Fatalf("DomainName field = %x, %v", dom, err)
	}
	dom[6] = 'Q' // aliases auth
	var l ntlmTestLookup
	lookup := func(user, domain string) (string, bool) {
		l.lookup(user, domain)
		return "Tr0ub4dor&3", true // same password for every account
	}
	if _, _, err := c.verify(auth, lookup); err == nil {
		t.Fatal("response for CORP accepted for domain CORQ")
	}
	if len(l.calls) != 1 || l.calls[0] != [2]string{"alice", "CORQ"} {
		t.Errorf("lookup calls = %q", l.calls)
	}
}

func TestNTLMUnknownUserRejected(t *testing.T) {
	c := &ntlmConn{}
	auth := ntlmTestHandshake(t, c, `CORP\mallory`, "Tr0ub4dor&3")
	var l ntlmTestLookup
	_, _, err := c.verify(auth, l.lookup)
	if err == nil {
		t.Fatal("unknown user accepted")
	}
	if len(l.calls) != 1 || l.calls[0] != [2]string{"mallory", "CORP"} {
		t.Errorf("lookup calls = %q", l.calls)
	}
	ntlmTestNoSecret(t, err, "Tr0ub4dor&3")
}

func TestNTLMReplayRejected(t *testing.T) {
	c := &ntlmConn{}
	auth := ntlmTestHandshake(t, c, `CORP\alice`, "Tr0ub4dor&3")
	var l ntlmTestLookup
	if _, _, err := c.verify(auth, l.lookup); err != nil {
		t.Fatalf("first verify: %v", err)
	}
	// Same message again, no new challenge.
	if _, _, err := c.verify(auth, l.lookup); err == nil {
		t.Fatal("replayed AUTHENTICATE accepted without a new challenge")
	}
	// Same message again after a new challenge: the response is bound to the old server challenge.
	if _, err := c.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.verify(auth, l.lookup); err == nil {
		t.Fatal("replayed AUTHENTICATE accepted against a fresh challenge")
	}
	// Replay on a different connection.
	c2 := &ntlmConn{}
	if _, err := c2.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c2.verify(auth, l.lookup); err == nil {
		t.Fatal("AUTHENTICATE accepted on another connection")
	}
}

func TestNTLMVerifyWithoutChallenge(t *testing.T) {
	// A message that verifies with the fixed challenge on a conn that did issue it...
	good := ntlmTestHandshake(t, ntlmTestConnFixed(), `CORP\alice`, "Tr0ub4dor&3")
	c := ntlmTestConnFixed()
	if _, err := c.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
		t.Fatal(err)
	}
	var l ntlmTestLookup
	if _, _, err := c.verify(good, l.lookup); err != nil {
		t.Fatalf("control: %v", err)
	}
	// ...is rejected on a conn that never issued a challenge, even though the zero challenge state is
	// all zeroes; and lookup is not consulted.
	l = ntlmTestLookup{}
	if _, _, err := (&ntlmConn{}).verify(good, l.lookup); err == nil {
		t.Fatal("verify without challenge succeeded")
	}
	if len(l.calls) != 0 {
		t.Errorf("lookup called without challenge: %q", l.calls)
	}
}

func TestNTLMFailedVerifyConsumesChallenge(t *testing.T) {
	c := ntlmTestConnFixed()
	good := ntlmTestHandshake(t, c, `CORP\alice`, "Tr0ub4dor&3")
	var l ntlmTestLookup
	if _, _, err := c.verify([]byte("garbage"), l.lookup); err == nil {
		t.Fatal("garbage accepted")
	}
	if _, _, err := c.verify(good, l.lookup); err == nil {
		t.Fatal("challenge survived a failed verify")
	}
}

func TestNTLMNewChallengeReplacesOld(t *testing.T) {
	c := &ntlmConn{}
	auth := ntlmTestHandshake(t, c, `CORP\alice`, "Tr0ub4dor&3")
	if _, err := c.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
		t.Fatal(err)
	}
	var l ntlmTestLookup
	if _, _, err := c.verify(auth, l.lookup); err == nil {
		t.Fatal("response to a superseded challenge accepted")
	}
}

// TestNTLMKnownAnswer verifies the MS-NLMP 4.2.4 NTLMv2 example (User / Domain / Password, server
// challenge 0123456789abcdef), independent of go-ntlmssp.
func TestNTLMKnownAnswer(t *testing.T) {
	ntResp, _ := hex.DecodeString("68cd0ab851e51c96aabc927bebef6a1c" +
		"01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000" +
		"02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000" +
		"00000000")
	auth := ntlmTestBuildAuth(ntlmFlagUnicode, nil, ntResp, ntlmUTF16("Domain"), ntlmUTF16("User"), ntlmUTF16("COMPUTER"))

	c := ntlmTestConnFixed()
	if _, err := c.challenge(ntlmTestNegotiate(t), "Domain"); err != nil {
		t.Fatal(err)
	}
	var l ntlmTestLookup
	user, domain, err := c.verify(auth, l.lookup)
	if err != nil || user != "User" || domain != "Domain" {
		t.Fatalf("verify = (%q, %q, %v), want (User, Domain, nil)", user, domain, err)
	}
	if got := hex.EncodeToString(ntlmOWFv2("Password", "User", "Domain")); got != "0c868a403bfd7a93a3001ef22ef02e3f" {
		t.Errorf("NTOWFv2 = %s", got)
	}

	// Modify each byte of the response: every variant must fail.
	for i := range ntResp {
		bad := bytes.Clone(ntResp)
		bad[i] ^= 0x04
		c := ntlmTestConnFixed()
		if _, err := c.challenge(ntlmTestNegotiate(t), "Domain"); err != nil {
			t.Fatal(err)
		}
		auth := ntlmTestBuildAuth(ntlmFlagUnicode, nil, bad, ntlmUTF16("Domain"), ntlmUTF16("User"), nil)
		if _, _, err := c.verify(auth, l.lookup); err == nil {
			t.Fatalf("response with byte %d modified accepted", i)
		}
	}
}

// TestNTLMOEMStrings re-encodes a go-ntlmssp AUTHENTICATE without the UNICODE flag (OEM user/domain);
// NTOWFv2 is defined on the Unicode form, so the response stays valid.
func TestNTLMOEMStrings(t *testing.T) {
	c := ntlmTestConnFixed()
	auth := ntlmTestHandshake(t, c, `CORP\alice`, "Tr0ub4dor&3")
	nt, err := ntlmField(auth, 20)
	if err != nil {
		t.Fatal(err)
	}
	flags := binary.LittleEndian.Uint32(auth[60:64])&^ntlmFlagUnicode | ntlmFlagOEM
	oem := ntlmTestBuildAuth(flags, nil, nt, []byte("CORP"), []byte("alice"), nil)
	var l ntlmTestLookup
	user, domain, err := c.verify(oem, l.lookup)
	if err != nil || user != "alice" || domain != "CORP" {
		t.Fatalf("verify = (%q, %q, %v), want (alice, CORP, nil)", user, domain, err)
	}
}

func TestNTLMUnsupportedResponsesRejected(t *testing.T) {
	v1 := bytes.Repeat([]byte{0x42}, 24)
	tests := []struct {
		name string
		msg  []byte
	}{
		{"NTLMv1", ntlmTestBuildAuth(ntlmFlagUnicode, v1, v1, ntlmUTF16("CORP"), ntlmUTF16("alice"), nil)},
		{"LM only", ntlmTestBuildAuth(ntlmFlagUnicode, v1, nil, ntlmUTF16("CORP"), ntlmUTF16("alice"), nil)},
		{"anonymous", ntlmTestBuildAuth(ntlmFlagUnicode, []byte{0}, nil, nil, nil, nil)},
		{"short v2", ntlmTestBuildAuth(ntlmFlagUnicode, nil, make([]byte, 16+27), ntlmUTF16("CORP"), ntlmUTF16("alice"), nil)},
		{"blob version", ntlmTestBuildAuth(ntlmFlagUnicode, nil, append(make([]byte, 16), 2, 2, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ntlmUTF16("CORP"), ntlmUTF16("alice"), nil)},
		{"odd UTF-16 user", ntlmTestBuildAuth(ntlmFlagUnicode, nil, make([]byte, 60), ntlmUTF16("CORP"), []byte("abc"), nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &ntlmConn{}
			if _, err := c.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
				t.Fatal(err)
			}
			var l ntlmTestLookup
			if u, d, err := c.verify(tt.msg, l.lookup); err == nil {
				t.Fatalf("accepted as (%q, %q)", u, d)
			}
		})
	}
}

func TestNTLMChallengeMessage(t *testing.T) {
	c := &ntlmConn{}
	before := time.Now()
	msg, err := c.challenge(ntlmTestNegotiate(t), "CORP")
	if err != nil {
		t.Fatal(err)
	}
	if len(msg) < 48 || string(msg[:8]) != "NTLMSSP\x00" || binary.LittleEndian.Uint32(msg[8:12]) != 2 {
		t.Fatalf("not a CHALLENGE message: %x", msg)
	}
	flags := binary.LittleEndian.Uint32(msg[20:24])
	for _, f := range []uint32{ntlmFlagUnicode, ntlmFlagNTLM, ntlmFlagTargetInfo, ntlmFlagRequestTarget, ntlmFlagTargetTypeDomain} {
		if flags&f == 0 {
			t.Errorf("flags %#08x lack %#08x", flags, f)
		}
	}
	const lmKey, keyExch = 1 << 7, 1 << 30 // go-ntlmssp refuses either
	if flags&(lmKey|keyExch|ntlmFlagOEM) != 0 {
		t.Errorf("flags %#08x contain LM_KEY, KEY_EXCH or OEM", flags)
	}
	field := func(off int) []byte {
		n := int(binary.LittleEndian.Uint16(msg[off:]))
		p := int(binary.LittleEndian.Uint32(msg[off+4:]))
		if p+n > len(msg) {
			t.Fatalf("field at %d out of bounds", off)
		}
		return msg[p : p+n]
	}
	if got := field(12); !bytes.Equal(got, ntlmUTF16("CORP")) {
		t.Errorf("TargetName = %x", got)
	}
	info := field(40)
	var ids []uint16
	avs := map[uint16][]byte{}
	for len(info) >= 4 {
		id, n := binary.LittleEndian.Uint16(info), int(binary.LittleEndian.Uint16(info[2:]))
		if 4+n > len(info) {
			t.Fatalf("AV pair %d overflows", id)
		}
		ids = append(ids, id)
		avs[id] = info[4 : 4+n]
		info = info[4+n:]
	}
	if len(info) != 0 || len(ids) == 0 || ids[len(ids)-1] != 0 {
		t.Fatalf("TargetInfo not terminated by MsvAvEOL: ids %v, rest %x", ids, info)
	}
	for _, id := range []uint16{1, 2, 3, 4, 7} {
		if _, ok := avs[id]; !ok {
			t.Errorf("TargetInfo lacks AV id %d (have %v)", id, ids)
		}
	}
	if !bytes.Equal(avs[2], ntlmUTF16("CORP")) {
		t.Errorf("MsvAvNbDomainName = %x", avs[2])
	}
	if len(avs[7]) != 8 {
		t.Fatalf("MsvAvTimestamp has %d bytes", len(avs[7]))
	}
	ft := int64(binary.LittleEndian.Uint64(avs[7]) - ntlmFiletimeUnixEpoch)
	ts := time.Unix(0, ft*100)
	if ts.Before(before.Add(-time.Second)) || ts.After(time.Now().Add(time.Second)) {
		t.Errorf("MsvAvTimestamp = %v, want about %v", ts, before)
	}

	// Fresh random challenge each time.
	seen := map[string]bool{}
	for range 20 {
		m, err := c.challenge(ntlmTestNegotiate(t), "CORP")
		if err != nil {
			t.Fatal(err)
		}
		seen[string(m[24:32])] = true
	}
	if len(seen) != 20 {
		t.Errorf("only %d distinct server challenges in 20", len(seen))
	}
}

func TestNTLMChallengeRejectsMalformed(t *testing.T) {
	good := ntlmTestNegotiate(t)
	withDomain, err := ntlmssp.NewNegotiateMessage("WORKGROUP", "PC1")
	if err != nil {
		t.Fatal(err)
	}
	type3 := append([]byte("NTLMSSP\x00"), 3, 0, 0, 0, 1, 0, 0, 0)
	badSig := bytes.Clone(good)
	badSig[0] = 'X'
	noCharset := bytes.Clone(good)
	binary.LittleEndian.PutUint32(noCharset[12:], binary.LittleEndian.Uint32(noCharset[12:])&^(ntlmFlagUnicode|ntlmFlagOEM))
	domainOOB := bytes.Clone(withDomain)
	binary.LittleEndian.PutUint32(domainOOB[20:], 0xffffffff)
	domainLong := bytes.Clone(withDomain)
	binary.LittleEndian.PutUint16(domainLong[16:], 0xffff)

	cases := map[string][]byte{
		"nil": nil, "empty": {}, "type 3": type3, "bad signature": badSig, "no charset": noCharset,
		"domain offset out of bounds": domainOOB, "domain length out of bounds": domainLong,
		"truncated after domain flag": withDomain[:20],
		"text":                        []byte("this is not an NTLM message at all"),
	}
	for i := range 16 {
		cases["prefix "+string(rune('a'+i))] = good[:i]
	}
	for name, msg := range cases {
		c := &ntlmConn{}
		if _, err := c.challenge(msg, "CORP"); err == nil {
			t.Errorf("%s: challenge accepted %x", name, msg)
		}
		var l ntlmTestLookup
		if _, _, err := c.verify(good, l.lookup); err == nil {
			t.Errorf("%s: failed challenge left a usable challenge", name)
		}
	}

	// Control: well-formed variants are accepted.
	for name, msg := range map[string][]byte{"plain": good, "with domain": withDomain, "16-byte": good[:16]} {
		if _, err := (&ntlmConn{}).challenge(msg, "CORP"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := (&ntlmConn{}).challenge(good, ""); err == nil {
		t.Error("empty target domain accepted")
	}
	if _, err := (&ntlmConn{}).challenge(good, strings.Repeat("D", 1000)); err == nil {
		t.Error("huge target domain accepted")
	}
}

func TestNTLMVerifyRejectsMalformed(t *testing.T) {
	good := ntlmTestHandshake(t, ntlmTestConnFixed(), `CORP\alice`, "Tr0ub4dor&3")
	check := func(name string, msg []byte, wantOK bool) {
		t.Helper()
		c := ntlmTestConnFixed()
		if _, err := c.challenge(ntlmTestNegotiate(t), "CORP"); err != nil {
			t.Fatal(err)
		}
		var l ntlmTestLookup
		_, _, err := c.verify(msg, l.lookup)
		if wantOK && err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !wantOK && err == nil {
			t.Errorf("%s: accepted", name)
		}
		if err != nil {
			ntlmTestNoSecret(t, err, "Tr0ub4dor&3")
		}
	}
	check("control", good, true)

	// Every truncation fails (the user name is the last non-empty field go-ntlmssp writes).
	for i := range len(good) {
		check("truncated", good[:i], false)
	}
	// Every modification of the payload (responses, domain, user) fails.
	for i := ntlmAuthenticateMinLen; i < len(good); i++ {
		bad := bytes.Clone(good)
		bad[i] ^= 0xff
		check("payload byte modified", bad, false)
	}
	// Hostile field descriptors.
	for _, off := range []int{12, 20, 28, 36, 44, 52} {
		bad := bytes.Clone(good)
		binary.LittleEndian.PutUint16(bad[off:], 0xffff)
		binary.LittleEndian.PutUint32(bad[off+4:], 0xfffffff0)
		check("field overflow", bad, false)
		bad = bytes.Clone(good)
		binary.LittleEndian.PutUint16(bad[off:], 1)
		binary.LittleEndian.PutUint32(bad[off+4:], uint32(len(bad)))
		check("field one past end", bad, false)
	}
	typ := bytes.Clone(good)
	typ[8] = 1
	check("wrong type", typ, false)
	sig := bytes.Clone(good)
	sig[7] = 'X'
	check("bad signature", sig, false)
	check("type 2 message", func() []byte {
		m, _ := (&ntlmConn{}).challenge(ntlmTestNegotiate(t), "CORP")
		return m
	}(), false)
	check("garbage", bytes.Repeat([]byte{0xa5}, 300), false)
}

// TestNTLMNegotiatorEndToEnd runs go-ntlmssp's http.RoundTripper against an HTTP server that keeps one
// ntlmConn per TCP connection, i.e. the real wire flow (anonymous request, NEGOTIATE, CHALLENGE,
// AUTHENTICATE).
func TestNTLMNegotiatorEndToEnd(t *testing.T) {
	type connKey struct{}
	var l ntlmTestLookup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(connKey{}).(*ntlmConn)
		_, _ = io.Copy(io.Discard, r.Body)
		deny := func(token []byte) {
			h := "NTLM"
			if token != nil {
				h += " " + base64.StdEncoding.EncodeToString(token)
			}
			w.Header().Set("WWW-Authenticate", h)
			w.WriteHeader(http.StatusUnauthorized)
		}
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		msg, err := base64.StdEncoding.DecodeString(tok)
		if scheme != "NTLM" || err != nil || len(msg) < 12 {
			deny(nil)
			return
		}
		switch binary.LittleEndian.Uint32(msg[8:12]) {
		case 1:
			ch, err := c.challenge(msg, "CORP")
			if err != nil {
				deny(nil)
				return
			}
			deny(ch)
		case 3:
			user, domain, err := c.verify(msg, l.lookup)
			if err != nil {
				deny(nil)
				return
			}
			_, _ = io.WriteString(w, domain+`\`+user)
		default:
			deny(nil)
		}
	}))
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, &ntlmConn{})
	}
	srv.Start()
	defer srv.Close()

	do := func(username, password string) (int, string) {
		t.Helper()
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: ntlmssp.Negotiator{RoundTripper: tr}}
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("<soap/>"))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(username, password)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := do(`CORP\alice`, "Tr0ub4dor&3"); code != http.StatusOK || body != `CORP\alice` {
		t.Errorf("domain user: %d %q", code, body)
	}
	if code, body := do("alice@example.com", "correct horse battery staple"); code != http.StatusOK || body != `\alice@example.com` {
		t.Errorf("UPN: %d %q", code, body)
	}
	if code, _ := do(`CORP\alice`, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", code)
	}
}

func TestNTLMConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	shared := &ntlmConn{}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var l ntlmTestLookup
			handshake := func(c *ntlmConn) ([]byte, error) {
				neg, err := ntlmssp.NewNegotiateMessage("", "")
				if err != nil {
					return nil, err
				}
				ch, err := c.challenge(neg, "CORP")
				if err != nil {
					return nil, err
				}
				return ntlmssp.NewAuthenticateMessage(ch, `CORP\alice`, "Tr0ub4dor&3", nil)
			}
			c := &ntlmConn{}
			auth, err := handshake(c)
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
				return
			}
			if _, _, err := c.verify(auth, l.lookup); err != nil {
				t.Errorf("goroutine %d: %v", i, err)
			}
			// Misuse: many goroutines on one conn must not race (outcomes don't matter).
			if a, err := handshake(shared); err == nil {
				_, _, _ = shared.verify(a, l.lookup)
			} else {
				t.Errorf("goroutine %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
}

func FuzzNTLMVerify(f *testing.F) {
	neg := ntlmTestNegotiate(f)
	withDomain, err := ntlmssp.NewNegotiateMessage("WORKGROUP", "PC1")
	if err != nil {
		f.Fatal(err)
	}
	good := ntlmTestHandshake(f, ntlmTestConnFixed(), `CORP\alice`, "Tr0ub4dor&3")
	upn := ntlmTestHandshake(f, ntlmTestConnFixed(), "alice@example.com", "correct horse battery staple")
	f.Add(neg, good)
	f.Add(withDomain, upn)
	f.Add([]byte{}, []byte{})
	f.Add(neg[:12], good[:64])
	f.Add([]byte("NTLMSSP\x00\x01\x00\x00\x00"), []byte("NTLMSSP\x00\x03\x00\x00\x00"))

	var secrets []string
	for _, pw := range ntlmTestUsers {
		if pw != "" {
			secrets = append(secrets, pw)
		}
	}
	f.Fuzz(func(t *testing.T, negotiate, authenticate []byte) {
		var l ntlmTestLookup
		// Random bytes for both steps.
		c := &ntlmConn{}
		_, _ = c.challenge(negotiate, "CORP")
		_, _, _ = c.verify(authenticate, l.lookup)

		// Random AUTHENTICATE against the fixed challenge the seeds were made for, so that mutations
		// reach the cryptographic check.
		c = ntlmTestConnFixed()
		if _, err := c.challenge(neg, "CORP"); err != nil {
			t.Fatal(err)
		}
		l = ntlmTestLookup{}
		user, domain, err := c.verify(authenticate, l.lookup)
		if err != nil {
			ntlmTestNoSecret(t, err, secrets...)
			return
		}
		// Success is only possible for a known account, and reports what lookup was asked.
		if _, ok := ntlmTestUsers[[2]string{user, domain}]; !ok {
			t.Fatalf("accepted unknown account (%q, %q)", user, domain)
		}
		if len(l.calls) != 1 || l.calls[0] != [2]string{user, domain} {
			t.Fatalf("result (%q, %q) but lookup calls %q", user, domain, l.calls)
		}
	})
}

// ntlmTestBuildAuth assembles an AUTHENTICATE message (64-byte header, no Version/MIC) from raw parts.
func ntlmTestBuildAuth(flags uint32, lm, nt, domain, user, workstation []byte) []byte {
	m := make([]byte, 64)
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 3)
	for i, p := range [][]byte{lm, nt, domain, user, workstation} {
		off := 12 + 8*i
		binary.LittleEndian.PutUint16(m[off:], uint16(len(p)))
		binary.LittleEndian.PutUint16(m[off+2:], uint16(len(p)))
		binary.LittleEndian.PutUint32(m[off+4:], uint32(len(m)))
		m = append(m, p...)
	}
	binary.LittleEndian.PutUint32(m[52+4:], uint32(len(m))) // empty EncryptedRandomSessionKey
	binary.LittleEndian.PutUint32(m[60:], flags)
	return m
}

// Independent check of the test helper ntlmUTF16 against unicode/utf16 for non-BMP input.
func TestNTLMUTF16RoundTrip(t *testing.T) {
	s := "pässwörd€𝄞"
	b := ntlmUTF16(s)
	if len(b) != 2*len(utf16.Encode([]rune(s))) {
		t.Fatalf("len %d", len(b))
	}
	got, err := ntlmFromUTF16(b)
	if err != nil || got != s {
		t.Fatalf("round trip = %q, %v", got, err)
	}
}
