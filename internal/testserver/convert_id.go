package testserver

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
)

func init() { register("ConvertId", handleConvertId) }

// idFormats are the IdFormatType values ConvertId converts between.
var idFormats = map[string]bool{"EwsLegacyId": true, "EwsId": true, "EntryId": true, "HexEntryId": true,
	"StoreId": true, "OwaId": true}

// handleConvertId answers ConvertId as Microsoft documents it: one ConvertIdResponseMessage per AlternateId, with
// the id in DestinationFormat; an id that is not one of the mailbox's gets ErrorInvalidIdMalformed. The fake
// server's EwsId is base64 of its entry id, EntryId and StoreId are base64 of the same bytes, HexEntryId their
// upper-case hex, OwaId the EwsId URL-escaped, and EwsLegacyId the EwsId (clients of Exchange 2007 used it).
// exchangelib sends a ConvertId of a dummy id first to learn the server's version from the answer's header.
func handleConvertId(r *request, body *node) error {
	dest := body.attr("DestinationFormat")
	if !idFormats[dest] {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The 'DestinationFormat' attribute is invalid - The value '%s' is invalid according to its datatype '%s:IdFormatType' - The Enumeration constraint failed.", dest, nsTypes)
	}
	src := body.child("SourceIds")
	if src == nil || len(src.Children) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: SourceIds is required.")
	}
	r.messages()
	for _, n := range src.Children {
		if n.Name.Local != "AlternateId" {
			// AlternatePublicFolderId and AlternatePublicFolderItemId: the fake server has no public folders.
			r.failure("ErrorInvalidRequest", "Public folder ids are not supported by this server.", "")
			continue
		}
		format, mailbox := n.attr("Format"), n.attr("Mailbox")
		raw, ok := idBytes(format, n.attr("Id"))
		_, _, valid := decodeID(base64.StdEncoding.EncodeToString(raw))
		if !ok || !valid || !idFormats[format] {
			r.failure("ErrorInvalidIdMalformed", "Id is malformed.", "")
			continue
		}
		r.success()
		r.w.empty("m:AlternateId", "xsi:type", "t:AlternateIdType", "Format", dest, "Id", idIn(dest, raw),
			"Mailbox", mailbox)
		r.w.close()
	}
	return nil
}

// idBytes returns the entry id bytes of an id written in format.
func idBytes(format, id string) ([]byte, bool) {
	switch format {
	case "HexEntryId":
		b, err := hex.DecodeString(id)
		return b, err == nil
	case "OwaId":
		u, err := url.QueryUnescape(id)
		if err != nil {
			return nil, false
		}
		id = u
	}
	b, err := base64.StdEncoding.DecodeString(id)
	return b, err == nil
}

// idIn writes entry id bytes in format.
func idIn(format string, raw []byte) string {
	switch format {
	case "HexEntryId":
		return strings.ToUpper(hex.EncodeToString(raw))
	case "OwaId":
		return url.QueryEscape(base64.StdEncoding.EncodeToString(raw))
	}
	return base64.StdEncoding.EncodeToString(raw)
}
