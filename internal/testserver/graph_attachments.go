package testserver

import (
	"net/http"
	"strings"
)

// $select on attachments, as Graph reads it: the properties of the attachment base type by name, those of a
// derived type only cast to it ("microsoft.graph.fileAttachment/contentId"; a plain "contentId" is refused with
// Graph's "Could not find a property named 'contentId' on type 'microsoft.graph.attachment'"). The answer holds
// the selected properties (a cast one only on attachments of that type), the id and @odata.type.

var attachmentProps = map[string]bool{"id": true, "name": true, "contentType": true, "size": true,
	"isInline": true, "lastModifiedDateTime": true}

var derivedAttachmentProps = map[string]map[string]bool{
	"microsoft.graph.fileAttachment": {"contentBytes": true, "contentId": true, "contentLocation": true},
	"microsoft.graph.itemAttachment": {"item": true},
}

// attachmentSelect returns the projection a $select value asks for (nil: every property).
func attachmentSelect(v string) (func(map[string]any) map[string]any, *graphError) {
	if v == "" {
		return nil, nil
	}
	base := map[string]bool{}
	cast := map[string]map[string]bool{} // "#microsoft.graph.fileAttachment" -> properties
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if typ, prop, ok := strings.Cut(p, "/"); ok {
			if !derivedAttachmentProps[typ][prop] {
				return nil, gerr(http.StatusBadRequest, "RequestBroker--ParseUri", "Could not find a property named '%s' on type '%s'.", prop, typ)
			}
			if cast["#"+typ] == nil {
				cast["#"+typ] = map[string]bool{}
			}
			cast["#"+typ][prop] = true
			continue
		}
		if !attachmentProps[p] {
			return nil, gerr(http.StatusBadRequest, "RequestBroker--ParseUri", "Could not find a property named '%s' on type 'microsoft.graph.attachment'.", p)
		}
		base[p] = true
	}
	return func(m map[string]any) map[string]any {
		typ, _ := m["@odata.type"].(string)
		out := map[string]any{"@odata.type": typ, "id": m["id"]}
		for k, v := range m {
			if base[k] || cast[typ][k] {
				out[k] = v
			}
		}
		return out
	}, nil
}
