package soap

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBodyReader checks the one size-limited reader that responses and stream envelopes share: exactly n bytes
// pass, the next read fails with ErrResponseTooLarge (and says it was the limit), the head is kept, and a clean
// end is told apart from a broken connection.
func TestBodyReader(t *testing.T) {
	b := &bodyReader{r: strings.NewReader("0123456789"), n: 10, keep: 4}
	got, err := io.ReadAll(b)
	if string(got) != "0123456789" || !errors.Is(err, ErrResponseTooLarge) || !b.exceeded {
		t.Errorf("10 bytes under a limit of 10: %q, %v, exceeded %v; want all bytes, then the limit", got, err, b.exceeded)
	}
	if string(b.head) != "0123" || b.read != 10 || b.err != nil {
		t.Errorf("head %q read %d err %v, want \"0123\" 10 nil", b.head, b.read, b.err)
	}

	b = &bodyReader{r: strings.NewReader("short"), n: 10}
	if got, err := io.ReadAll(b); string(got) != "short" || err != nil || !b.eof || b.err != nil || b.exceeded {
		t.Errorf("short body: %q %v eof %v err %v exceeded %v, want a clean end", got, err, b.eof, b.err, b.exceeded)
	}

	broken := errors.New("connection reset")
	b = &bodyReader{r: io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(broken)), n: 10}
	if _, err := io.ReadAll(b); !errors.Is(err, broken) || b.err != broken || b.eof {
		t.Errorf("broken body: %v err %v eof %v, want the connection's error recorded", err, b.err, b.eof)
	}

	// A stream sets n anew for each envelope: the limit is per envelope, not on the whole stream.
	b = &bodyReader{r: strings.NewReader(strings.Repeat("x", 30)), n: 10}
	buf := make([]byte, 10)
	for i := range 3 {
		if _, err := io.ReadFull(b, buf); err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		b.n = 10
	}
}
