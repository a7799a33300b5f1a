package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// Exchange id formats (Graph's exchangeIdFormat), for TranslateExchangeIDs.
const (
	IDFormatEntryID          = "entryId"              // MAPI PR_ENTRYID, base64
	IDFormatEWS              = "ewsId"                // EWS ItemId/FolderId
	IDFormatImmutableEntryID = "immutableEntryId"     // the immutable entry id, base64
	IDFormatREST             = "restId"               // Graph's default id
	IDFormatRESTImmutable    = "restImmutableEntryId" // Graph's id with Prefer: IdType="ImmutableId"
)

// MaxTranslate is the most ids one translateExchangeIds request takes.
const MaxTranslate = 1000

// ConvertIDResult is one id's answer of translateExchangeIds: TargetID, or ErrorDetails when Graph could not
// translate SourceID.
type ConvertIDResult struct {
	SourceID     string        `json:"sourceId"`
	TargetID     string        `json:"targetId,omitempty"`
	ErrorDetails *GenericError `json:"errorDetails,omitempty"`
}

// GenericError is Graph's genericError: a code and a message.
type GenericError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type translateRequest struct {
	InputIDs     []string `json:"inputIds"`
	SourceIDType string   `json:"sourceIdType"`
	TargetIDType string   `json:"targetIdType"`
}

// TranslateExchangeIDs translates ids of the mailbox from one format to another (POST
// /users/{mailbox}/translateExchangeIds), MaxTranslate per request; the results are in the order of ids.
// Microsoft documents the call for delegated permissions only (User.ReadBasic.All): with an app-only token Graph
// refuses it.
func (c *Client) TranslateExchangeIDs(ctx context.Context, ids []string, source, target string) ([]ConvertIDResult, error) {
	out := make([]ConvertIDResult, 0, len(ids))
	for start := 0; start < len(ids); start += MaxTranslate {
		chunk := ids[start:min(start+MaxTranslate, len(ids))]
		a, err := c.do(ctx, &request{method: http.MethodPost, path: c.user + "/translateExchangeIds", idempotent: true,
			body: translateRequest{InputIDs: chunk, SourceIDType: source, TargetIDType: target}})
		if err != nil {
			return nil, err
		}
		var page struct {
			Value []ConvertIDResult `json:"value"`
		}
		if err := decode(a, &page); err != nil {
			return nil, err
		}
		if len(page.Value) != len(chunk) {
			return nil, fmt.Errorf("graph: translateExchangeIds answered %d results for %d ids", len(page.Value), len(chunk))
		}
		out = append(out, page.Value...)
	}
	return out, nil
}

// IsEWSID says whether id has the shape of an EWS ItemId or FolderId that Graph cannot take: standard base64
// holding "+" or "/" (Graph's ids are URL-safe base64 and never hold them). An EWS id without either is the same
// string as its REST id, which Graph takes as it is.
func IsEWSID(id string) bool {
	if !strings.ContainsAny(id, "+/") || len(id)%4 != 0 {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(id)
	return err == nil
}

// RESTID returns the REST id of an EWS id: the same bytes in the URL-safe base64 alphabet, as Office.js's
// convertToRestId makes it (Graph's restId; not the immutable id).
func RESTID(ewsID string) string {
	return strings.NewReplacer("+", "-", "/", "_").Replace(ewsID)
}
