package testserver

// Server side of the NTLM handshake (MS-NLMP), used by the fake Exchange server so that tests exercise a
// real NTLM exchange rather than a canned header check.
//
// Only what the fake server needs is implemented:
//   - NEGOTIATE (Type 1) is parsed and validated, CHALLENGE (Type 2) is generated with a fresh random
//     server challenge and a TargetInfo AV list.
//   - AUTHENTICATE (Type 3) is parsed and its NTLMv2 response is verified against the configured password.
//     NTLMv1 / NTLM2-session (24-byte) responses, LM-only and anonymous authentication are rejected.
//   - No session security: no signing/sealing, no key exchange, and the MIC (if a client sends one) is not
//     checked. Replay protection comes from the one-shot server challenge.

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	//lint:ignore SA1019 NTLM is defined on MD4; the fake server must compute it to verify real handshakes.
	"golang.org/x/crypto/md4"
)

// NEGOTIATE flags (MS-NLMP 2.2.2.5) used by the server.
const (
	ntlmFlagUnicode                 uint32 = 1 << 0  // NTLMSSP_NEGOTIATE_UNICODE
	ntlmFlagOEM                     uint32 = 1 << 1  // NTLM_NEGOTIATE_OEM
	ntlmFlagRequestTarget           uint32 = 1 << 2  // NTLMSSP_REQUEST_TARGET
	ntlmFlagNTLM                    uint32 = 1 << 9  // NTLMSSP_NEGOTIATE_NTLM
	ntlmFlagOEMDomainSupplied       uint32 = 1 << 12 // NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED
	ntlmFlagOEMWorkstationSupplied  uint32 = 1 << 13 // NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED
	ntlmFlagAlwaysSign              uint32 = 1 << 15 // NTLMSSP_NEGOTIATE_ALWAYS_SIGN
	ntlmFlagTargetTypeDomain        uint32 = 1 << 16 // NTLMSSP_TARGET_TYPE_DOMAIN
	ntlmFlagExtendedSessionSecurity uint32 = 1 << 19 // NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
	ntlmFlagTargetInfo              uint32 = 1 << 23 // NTLMSSP_NEGOTIATE_TARGET_INFO
	ntlmFlagVersion                 uint32 = 1 << 25 // NTLMSSP_NEGOTIATE_VERSION
	ntlmFlag128                     uint32 = 1 << 29 // NTLMSSP_NEGOTIATE_128
	ntlmFlag56                      uint32 = 1 << 31 // NTLMSSP_NEGOTIATE_56
)

// AV pair IDs (MS-NLMP 2.2.2.1).
const (
	ntlmAvEOL             uint16 = 0
	ntlmAvNbComputerName  uint16 = 1
	ntlmAvNbDomainName    uint16 = 2
	ntlmAvDNSComputerName uint16 = 3
	ntlmAvDNSDomainName   uint16 = 4
	ntlmAvTimestamp       uint16 = 7
)

const (
	// ntlmComputerName is the NetBIOS name the fake server claims in its TargetInfo.
	ntlmComputerName = "EXCHANGE"
	// ntlmMaxNameBytes bounds the UTF-16 size of names put into the CHALLENGE so all length fields fit.
	ntlmMaxNameBytes = 512
	// ntlmNegotiateMinLen is the fixed part of a NEGOTIATE message up to and including NegotiateFlags.
	// (MS-NLMP has DomainNameFields/WorkstationFields after it, but very old clients omit them.)
	ntlmNegotiateMinLen = 16
	// ntlmAuthenticateMinLen is the fixed part of an AUTHENTICATE message up to and including
	// NegotiateFlags (the Version and MIC fields that may follow are optional).
	ntlmAuthenticateMinLen = 64
	// ntlmV2BlobMinLen is the minimal NTLMv2_CLIENT_CHALLENGE: RespType, HiRespType, Reserved1 (2),
	// Reserved2 (4), TimeStamp (8), ChallengeFromClient (8), Reserved3 (4).
	ntlmV2BlobMinLen = 28
	// ntlmFiletimeUnixEpoch is 1970-01-01 in Windows FILETIME (100ns ticks since 1601-01-01).
	ntlmFiletimeUnixEpoch = 116444736000000000
)

var ntlmSignature = []byte("NTLMSSP\x00")

// ntlmConn is the handshake state of one TCP connection (NTLM is connection-bound).
// The zero value is ready to use.
type ntlmConn struct {
	mu sync.Mutex
	// serverChallenge is the challenge handed out by the last challenge call; pending reports whether it
	// is still unused. verify consumes it.
	serverChallenge [8]byte
	pending         bool
	// rand is the source of server challenges; nil means crypto/rand. Tests override it.
	rand io.Reader
}

// challenge parses a Type 1 (NEGOTIATE) message and returns a Type 2 (CHALLENGE) message with a fresh
// random 8-byte server challenge, target name targetDomain (NetBIOS domain, e.g. "CORP"), and a TargetInfo
// AV list (MsvAvNbDomainName, MsvAvNbComputerName, MsvAvDnsDomainName, MsvAvDnsComputerName,
// MsvAvTimestamp, MsvAvEOL). It stores the challenge in c for verify. Malformed input returns an error.
//
// A new challenge replaces any unused earlier one on the same connection.
func (c *ntlmConn) challenge(negotiate []byte, targetDomain string) ([]byte, error) {
	clientFlags, err := ntlmParseNegotiate(negotiate)
	if err != nil {
		return nil, err
	}
	if targetDomain == "" {
		return nil, errors.New("ntlm: empty target domain")
	}

	var flags uint32
	switch {
	case clientFlags&ntlmFlagUnicode != 0:
		flags |= ntlmFlagUnicode
	case clientFlags&ntlmFlagOEM != 0:
		flags |= ntlmFlagOEM
	default:
		return nil, errors.New("ntlm: NEGOTIATE offers neither UNICODE nor OEM character set")
	}
	// Never set LM_KEY (implies NTLMv1) or KEY_EXCH (needs session-key handling): go-ntlmssp refuses
	// a CHALLENGE carrying either.
	flags |= ntlmFlagRequestTarget | ntlmFlagNTLM | ntlmFlagTargetTypeDomain | ntlmFlagTargetInfo
	flags |= clientFlags & (ntlmFlagExtendedSessionSecurity | ntlmFlagAlwaysSign | ntlmFlag128 | ntlmFlag56 | ntlmFlagVersion)

	var targetName []byte
	if flags&ntlmFlagUnicode != 0 {
		targetName = ntlmUTF16(targetDomain)
	} else {
		targetName = []byte(targetDomain)
	}
	dnsDomain := strings.ToLower(targetDomain) + ".test"
	dnsComputer := strings.ToLower(ntlmComputerName) + "." + dnsDomain
	if len(targetName) > ntlmMaxNameBytes || len(ntlmUTF16(dnsComputer)) > ntlmMaxNameBytes {
		return nil, errors.New("ntlm: target domain too long")
	}

	var ts [8]byte
	binary.LittleEndian.PutUint64(ts[:], uint64(time.Now().UnixNano()/100)+ntlmFiletimeUnixEpoch)
	var info bytes.Buffer
	ntlmPutAV(&info, ntlmAvNbDomainName, ntlmUTF16(targetDomain))
	ntlmPutAV(&info, ntlmAvNbComputerName, ntlmUTF16(ntlmComputerName))
	ntlmPutAV(&info, ntlmAvDNSDomainName, ntlmUTF16(dnsDomain))
	ntlmPutAV(&info, ntlmAvDNSComputerName, ntlmUTF16(dnsComputer))
	ntlmPutAV(&info, ntlmAvTimestamp, ts[:])
	ntlmPutAV(&info, ntlmAvEOL, nil)

	var sc [8]byte
	src := c.rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := io.ReadFull(src, sc[:]); err != nil {
		return nil, fmt.Errorf("ntlm: generating server challenge: %w", err)
	}

	// Fixed part: Signature(8) MessageType(4) TargetNameFields(8) NegotiateFlags(4) ServerChallenge(8)
	// Reserved(8) TargetInfoFields(8) Version(8), then the payload.
	const headerLen = 56
	msg := make([]byte, headerLen, headerLen+len(targetName)+info.Len())
	copy(msg[0:8], ntlmSignature)
	binary.LittleEndian.PutUint32(msg[8:12], 2)
	ntlmPutField(msg[12:20], len(targetName), headerLen)
	binary.LittleEndian.PutUint32(msg[20:24], flags)
	copy(msg[24:32], sc[:])
	ntlmPutField(msg[40:48], info.Len(), headerLen+len(targetName))
	if flags&ntlmFlagVersion != 0 {
		// Windows Server 2022 (10.0.20348), NTLMSSP_REVISION_W2K3.
		copy(msg[48:56], []byte{10, 0, 0x7c, 0x4f, 0, 0, 0, 15})
	}
	msg = append(msg, targetName...)
	msg = append(msg, info.Bytes()...)

	c.mu.Lock()
	c.serverChallenge = sc
	c.pending = true
	c.mu.Unlock()
	return msg, nil
}

// verify parses a Type 3 (AUTHENTICATE) message, looks up the password with lookup(user, domain) (user
// and domain as sent by the client, decoded from UTF-16LE when the UNICODE flag is set), and checks the
// NTLMv2 response: NTProofStr == HMAC-MD5(NTOWFv2, serverChallenge || blob) where
// NTOWFv2 = HMAC-MD5(MD4(UTF16LE(password)), UTF16LE(UPPER(user) + domain)).
// Returns the user and domain on success; an error (without any password or hash in its text) otherwise.
// A verify without a preceding challenge on this conn is an error. After verify (success or failure) the
// challenge is consumed (cannot be replayed).
func (c *ntlmConn) verify(authenticate []byte, lookup func(user, domain string) (password string, ok bool)) (user, domain string, err error) {
	c.mu.Lock()
	sc, pending := c.serverChallenge, c.pending
	c.serverChallenge, c.pending = [8]byte{}, false
	c.mu.Unlock()
	if !pending {
		return "", "", errors.New("ntlm: AUTHENTICATE without a preceding CHALLENGE on this connection")
	}

	m := authenticate
	if err := ntlmCheckHeader(m, 3, ntlmAuthenticateMinLen); err != nil {
		return "", "", err
	}
	ntResp, err := ntlmField(m, 20)
	if err != nil {
		return "", "", fmt.Errorf("ntlm: NtChallengeResponse: %w", err)
	}
	rawDomain, err := ntlmField(m, 28)
	if err != nil {
		return "", "", fmt.Errorf("ntlm: DomainName: %w", err)
	}
	rawUser, err := ntlmField(m, 36)
	if err != nil {
		return "", "", fmt.Errorf("ntlm: UserName: %w", err)
	}
	// LmChallengeResponse, Workstation and EncryptedRandomSessionKey are not used, but a well-formed
	// message must still have them inside the buffer.
	for _, f := range []struct {
		name string
		off  int
	}{{"LmChallengeResponse", 12}, {"Workstation", 44}, {"EncryptedRandomSessionKey", 52}} {
		if _, err := ntlmField(m, f.off); err != nil {
			return "", "", fmt.Errorf("ntlm: %s: %w", f.name, err)
		}
	}
	flags := binary.LittleEndian.Uint32(m[60:64])

	if flags&ntlmFlagUnicode != 0 {
		if user, err = ntlmFromUTF16(rawUser); err != nil {
			return "", "", fmt.Errorf("ntlm: UserName: %w", err)
		}
		if domain, err = ntlmFromUTF16(rawDomain); err != nil {
			return "", "", fmt.Errorf("ntlm: DomainName: %w", err)
		}
	} else {
		user, domain = string(rawUser), string(rawDomain)
	}

	switch {
	case user == "":
		return "", "", errors.New("ntlm: anonymous authentication is not supported")
	case len(ntResp) == 24:
		return "", "", errors.New("ntlm: NTLMv1 / NTLM2 session responses are not supported, only NTLMv2")
	case len(ntResp) < md5.Size+ntlmV2BlobMinLen:
		return "", "", fmt.Errorf("ntlm: NTLMv2 response too short (%d bytes)", len(ntResp))
	}
	proof, blob := ntResp[:md5.Size], ntResp[md5.Size:]
	if blob[0] != 1 || blob[1] != 1 {
		return "", "", fmt.Errorf("ntlm: unsupported NTLMv2 blob version %d.%d", blob[0], blob[1])
	}

	password, ok := lookup(user, domain)
	if !ok {
		return "", "", fmt.Errorf("ntlm: unknown user %q in domain %q", user, domain)
	}
	mac := hmac.New(md5.New, ntlmOWFv2(password, user, domain))
	mac.Write(sc[:])
	mac.Write(blob)
	if !hmac.Equal(mac.Sum(nil), proof) {
		return "", "", fmt.Errorf("ntlm: invalid NTLMv2 response for user %q in domain %q", user, domain)
	}
	return user, domain, nil
}

// ntlmOWFv2 is NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5(MD4(UTF16LE(password)), UTF16LE(UPPER(user) + domain)).
func ntlmOWFv2(password, user, domain string) []byte {
	h := md4.New()
	h.Write(ntlmUTF16(password))
	mac := hmac.New(md5.New, h.Sum(nil))
	mac.Write(ntlmUTF16(strings.ToUpper(user) + domain))
	return mac.Sum(nil)
}

// ntlmParseNegotiate validates a NEGOTIATE message and returns its flags.
func ntlmParseNegotiate(m []byte) (uint32, error) {
	if err := ntlmCheckHeader(m, 1, ntlmNegotiateMinLen); err != nil {
		return 0, err
	}
	flags := binary.LittleEndian.Uint32(m[12:16])
	// The supplied domain/workstation are informational only, but if announced they must be in bounds.
	for _, f := range []struct {
		flag uint32
		name string
		off  int
	}{{ntlmFlagOEMDomainSupplied, "DomainName", 16}, {ntlmFlagOEMWorkstationSupplied, "Workstation", 24}} {
		if flags&f.flag == 0 {
			continue
		}
		if len(m) < f.off+8 {
			return 0, fmt.Errorf("ntlm: NEGOTIATE announces %s but is truncated", f.name)
		}
		if _, err := ntlmField(m, f.off); err != nil {
			return 0, fmt.Errorf("ntlm: NEGOTIATE %s: %w", f.name, err)
		}
	}
	return flags, nil
}

// ntlmCheckHeader checks signature, message type and the minimal length of an NTLM message.
func ntlmCheckHeader(m []byte, msgType uint32, minLen int) error {
	if len(m) < minLen {
		return fmt.Errorf("ntlm: message too short for type %d (%d bytes)", msgType, len(m))
	}
	if !bytes.Equal(m[:8], ntlmSignature) {
		return errors.New("ntlm: bad signature")
	}
	if t := binary.LittleEndian.Uint32(m[8:12]); t != msgType {
		return fmt.Errorf("ntlm: expected message type %d, got %d", msgType, t)
	}
	return nil
}

// ntlmField returns the payload described by the 8-byte field descriptor (Len uint16, MaxLen uint16,
// BufferOffset uint32) at m[off:off+8]. The caller guarantees the descriptor itself is inside m.
func ntlmField(m []byte, off int) ([]byte, error) {
	n := uint64(binary.LittleEndian.Uint16(m[off : off+2]))
	if n == 0 {
		return nil, nil // the offset of an empty field is irrelevant
	}
	start := uint64(binary.LittleEndian.Uint32(m[off+4 : off+8]))
	if start+n > uint64(len(m)) {
		return nil, errors.New("field extends beyond message")
	}
	return m[start : start+n], nil
}

func ntlmPutField(dst []byte, n, offset int) {
	binary.LittleEndian.PutUint16(dst[0:2], uint16(n))
	binary.LittleEndian.PutUint16(dst[2:4], uint16(n))
	binary.LittleEndian.PutUint32(dst[4:8], uint32(offset))
}

func ntlmPutAV(b *bytes.Buffer, id uint16, value []byte) {
	var hdr [4]byte
	binary.LittleEndian.PutUint16(hdr[0:2], id)
	binary.LittleEndian.PutUint16(hdr[2:4], uint16(len(value)))
	b.Write(hdr[:])
	b.Write(value)
}

func ntlmUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return b
}

func ntlmFromUTF16(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", errors.New("odd-length UTF-16 string")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u)), nil
}
