package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/benchmail"
)

// fill sets every field of v, recursively, to a value that is not its zero value and differs from field to field
// (so that a field appendEmail forgets, or writes under another's name, shows).
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("v%d \"q\" <%d> é\n", *seed, *seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(1000 + *seed))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), seed)
		fill(v.Index(1), seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2024, 5, 6, 7, 8, *seed%60, 123456789, time.FixedZone("", 5*3600+1800))))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	default:
		panic("fill: no value for a " + v.Kind().String())
	}
}

func TestAppendEmail(t *testing.T) {
	var full connector.Email
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	for name, e := range map[string]*connector.Email{
		"every field": &full,
		"zero":        {},
		"empty lists": {To: []connector.Person{}, Categories: []string{}, Attachments: []connector.AttachmentMeta{}, Headers: []connector.Header{},
			Received: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	} {
		want, err := marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendEmail([]byte("x"), e)
		if !ok || string(got) != "x"+string(want) {
			t.Errorf("%s: appendEmail =\n%s\nwant (encoding/json)\n%s", name, got, want)
		}
	}
	// A time encoding/json refuses: appendEmail leaves it to encoding/json.
	if _, ok := appendEmail(nil, &connector.Email{Sent: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); ok {
		t.Error("appendEmail took a time in year 10000")
	}
}

// encodeString is encoding/json's encoding of s, without HTML escaping.
func encodeString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func TestAppendString(t *testing.T) {
	cases := []string{"", "plain ascii text, long enough for words", "\u2028\u2029", "\xff", "a\xc3", "\xed\xa0\x80", "<p class=\"x\">&amp;</p>"}
	for c := range 256 {
		for _, at := range []int{0, 5, 7, 8, 9, 15, 16, 17} {
			cases = append(cases, strings.Repeat("a", at)+string(rune(c))+string([]byte{byte(c)})+strings.Repeat("b", 11))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "<", ">", "&", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "€", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀"}
	for range 3000 {
		var b strings.Builder
		for n := r.IntN(60); n > 0; n-- {
			if r.IntN(3) == 0 {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteString(strings.Repeat("x", r.IntN(20)))
			}
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		if got, want := string(appendString(nil, s)), encodeString(s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abc", "a\"b\\c\n", "\u2028x\xffé", "01234567\x0189abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendString(nil, s)), encodeString(s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func BenchmarkAppendEmail(b *testing.B) {
	// The benchmark mailbox's messages: HTML bodies of 1-4 KB and their text.
	es := make([]*connector.Email, 100)
	for i := range es {
		m := benchmail.Message(i)
		es[i] = &connector.Email{ID: "AAMkAGI2TG93AAA=", Subject: m.Subject, From: &connector.Person{Name: m.From.Name, Email: m.From.Email},
			Received: m.DateTimeReceived, BodyHTML: m.Body, Body: strings.ReplaceAll(strings.ReplaceAll(m.Body, "<p>", ""), "</p>", "")}
	}
	var buf []byte
	b.Run("appendEmail", func(b *testing.B) {
		for b.Loop() {
			for _, e := range es {
				buf, _ = appendEmail(buf[:0], e)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		var w bytes.Buffer
		enc := json.NewEncoder(&w)
		enc.SetEscapeHTML(false)
		for b.Loop() {
			for _, e := range es {
				w.Reset()
				_ = enc.Encode(e)
			}
		}
	})
}
