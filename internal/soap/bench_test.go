package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// getItemResponse builds a GetItem response of n messages with bodies of bodySize bytes of HTML, in the
// shape Exchange 2019 sends.
func getItemResponse(n, bodySize int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1118" MinorBuildNumber="7" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>`)
	body := strings.Repeat("&lt;p&gt;Lorem ipsum dolor sit amet, consectetur adipiscing elit.&lt;/p&gt;", bodySize/50+1)[:bodySize]
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="AAMkADk0ZjM2NzQ2LWM1OGQtNGI0OS05OWUwLTk1ZmNhNGI0ZjI1MQBGAAAAAAAB%06d" ChangeKey="CQAAABYAAAD"/><t:Subject>Message number %d about the quarterly report</t:Subject><t:Body BodyType="HTML" IsTruncated="false">%s</t:Body><t:DateTimeReceived>2024-01-02T03:04:05Z</t:DateTimeReceived><t:Size>%d</t:Size><t:HasAttachments>false</t:HasAttachments><t:From><t:Mailbox><t:Name>Sender %d</t:Name><t:EmailAddress>sender%d@example.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:From><t:IsRead>false</t:IsRead></t:Message></m:Items></m:GetItemResponseMessage>`, i, i, body, bodySize+500, i, i)
	}
	b.WriteString(`</m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>`)
	return b.Bytes()
}

// BenchmarkDecodeGetItem100 decodes a 100-message GetItem response (2 KB HTML bodies) with DecodeResponse (the
// hand-written decoder); see ns/item, and B/op and allocs/op divided by 100.
func BenchmarkDecodeGetItem100(b *testing.B) {
	data := getItemResponse(100, 2048)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	per := perItem(b)
	for b.Loop() {
		var r GetItemResponse
		if _, err := DecodeResponse(bytes.NewReader(data), &r); err != nil {
			b.Fatal(err)
		}
		if len(r.ResponseMessages) != 100 {
			b.Fatalf("%d messages", len(r.ResponseMessages))
		}
	}
	per(100)
}

// perItem starts counting allocations; the function it returns reports ns/item, B/item and allocs/item for n
// items per iteration.
func perItem(b *testing.B) func(n int) {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	return func(n int) {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		items := float64(b.N * n)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/items, "ns/item")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/items, "B/item")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/items, "allocs/item")
	}
}

// BenchmarkEncodeFindItem encodes a paged FindItem request with a restriction and sort order.
func BenchmarkEncodeFindItem(b *testing.B) {
	req := &FindItem{
		Traversal:       "Shallow",
		ItemShape:       ItemShape{BaseShape: "IdOnly", AdditionalProperties: PathList{{FieldURI: "item:Subject"}, {FieldURI: "item:DateTimeReceived"}}},
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 1000, Offset: 0, BasePoint: "Beginning"},
		Restriction: &Restriction{Expr: Expr{Op: OpAnd, Children: []Expr{
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:IsRead"}, Value: "false"},
			{Op: OpContains, Path: Path{FieldURI: "item:Subject"}, Value: "invoice", ContainmentMode: "Substring", ContainmentComparison: "IgnoreCase"},
		}}},
		SortOrder:       SortOrder{{Order: "Descending", Path: Path{FieldURI: "item:DateTimeReceived"}}},
		ParentFolderIDs: []FolderRef{{Distinguished: "inbox"}},
	}
	h := Header{Version: "Exchange2016", TimeZoneID: "UTC"}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteRequest(io.Discard, h, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeGetItem100Std decodes the response of BenchmarkDecodeGetItem100 with encoding/xml, as every
// response was decoded before the hand-written decoder.
func BenchmarkDecodeGetItem100Std(b *testing.B) {
	data := getItemResponse(100, 2048)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	per := perItem(b)
	for b.Loop() {
		var r GetItemResponse
		if _, err := decodeStd(bytes.NewReader(data), &r); err != nil {
			b.Fatal(err)
		}
	}
	per(100)
}

// BenchmarkTokensStd reads the tokens of the response with encoding/xml's RawToken (no namespaces, no reflection):
// the tokenizer's own speed.
func BenchmarkTokensStd(b *testing.B) {
	data := getItemResponse(100, 2048)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.RawToken(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkTokensScanner reads the tokens of the same response with the scanner of the hand-written decoder
// (with its checks: names, matching tags, entities, UTF-8 and character range).
func BenchmarkTokensScanner(b *testing.B) {
	data := getItemResponse(100, 2048)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := newScanner(bytes.NewReader(data))
		for {
			if err := s.next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		s.release()
	}
}
