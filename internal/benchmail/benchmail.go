// Package benchmail is the mailbox of the SDK's throughput benchmarks: messages with a subject, a sender, a
// received time, a read flag and an HTML body of 1 to 4 KB, served by the fake EWS server in a child process
// (so that the memory the benchmark measures is the client's alone), and the measures of memory.
package benchmail

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

var words = strings.Fields(`invoice payment quarterly report account security update password meeting review
	budget forecast customer order shipment delivery contract renewal policy compliance audit incident phishing
	alert login unusual activity verify confirm document attached please find below regards thanks team project
	deadline schedule status approval request urgent action required access granted denied server network backup
	restore migration release notes summary minutes agenda follow reminder overdue balance statement transfer`)

var base = time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)

// Message returns the i-th message of the benchmark mailbox. Its HTML body is 1 to 4 KB of words drawn from a
// generator seeded with i, so bodies differ (as real mail does, for compression) and are the same on every run.
func Message(i int) testserver.Item {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	size := 1024 + r.IntN(3072)
	var b strings.Builder
	b.Grow(size + 64)
	b.WriteString("<html><head><meta charset=\"utf-8\"></head><body>")
	for b.Len() < size-20 {
		b.WriteString("<p>")
		for n := 8 + r.IntN(30); n > 0 && b.Len() < size-10; n-- {
			w := words[r.IntN(len(words))]
			if r.IntN(12) == 0 {
				w = "<b>" + w + "</b>"
			}
			b.WriteString(w)
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</body></html>")
	s := r.IntN(200)
	return testserver.Item{
		ItemClass:        "IPM.Note",
		Subject:          fmt.Sprintf("%s %s #%d", strings.ToUpper(words[r.IntN(len(words))][:1])+words[r.IntN(len(words))][1:], words[r.IntN(len(words))], i),
		Body:             b.String(),
		BodyType:         "HTML",
		From:             testserver.Address{Name: fmt.Sprintf("Sender %d", s), Email: fmt.Sprintf("sender%d@example.com", s)},
		DateTimeReceived: base.Add(time.Duration(i) * time.Minute),
		IsRead:           i%3 == 0,
	}
}

// Seed stores messages 0..n-1 in the Inbox of srv's default mailbox.
func Seed(srv *testserver.Server, n int) {
	mb := srv.Default()
	for i := range n {
		mb.AddItem("inbox", Message(i))
	}
}

// GraphApp is the application the benchmark server registers for its Graph token endpoint (the same mailbox
// over Microsoft Graph: GraphURL, app-only OAuth2).
var GraphApp = testserver.GraphApp{TenantID: "bench.onmicrosoft.com", ClientID: "bench-app", ClientSecret: "bench-secret-value"}

// GraphURL returns the Graph service root of the server (the host of its EWS URL).
func (s *Server) GraphURL() string {
	u, _, _ := strings.Cut(s.URL, "/EWS/")
	return u
}

// EnvServe names the environment variable that makes a process that calls MaybeServe serve the benchmark
// mailbox instead: "n" or "n,gzip".
const EnvServe = "EWS_BENCHMAIL_SERVE"

// EnvServerProfile names the environment variable that makes the server process write a CPU profile there.
const EnvServerProfile = "EWS_BENCHMAIL_SERVER_CPUPROFILE"

// MaybeServe, when EnvServe is set, serves a fake server with that many messages, writes its URL and
// credentials to stdout, and exits when stdin closes. Otherwise it returns at once.
func MaybeServe() {
	if os.Getenv(EnvServe) == "" {
		return
	}
	serve()
	os.Exit(0)
}

func serve() {
	v := os.Getenv(EnvServe)
	count, opt, _ := strings.Cut(v, ",")
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchmail:", err)
		os.Exit(2)
	}
	var opts []testserver.Option
	if opt == "gzip" {
		opts = append(opts, testserver.WithGzip())
	}
	srv := testserver.NewServer(append(opts, testserver.WithGraphApp(GraphApp))...)
	Seed(srv, n)
	// EnvServerProfile names a file for a CPU profile of the server process, for looking into its share.
	if path := os.Getenv(EnvServerProfile); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer func() { pprof.StopCPUProfile(); f.Close() }()
			}
		}
	}
	fmt.Printf("%s %s %s %s\n", srv.URL, srv.Username(), srv.Password(), srv.Email())
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// Server is a fake server with the benchmark mailbox, running in a child process.
type Server struct {
	URL, Username, Password, Email string

	cmd   *exec.Cmd
	stdin io.Closer
}

// Start runs the current executable as a child process that serves n messages (gzip-compressing its responses
// when gzip is set). The executable must call MaybeServe first thing (in main, or TestMain for a test binary).
func Start(n int, gzip bool) (*Server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	v := strconv.Itoa(n)
	if gzip {
		v += ",gzip"
	}
	cmd.Env = append(os.Environ(), EnvServe+"="+v)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 4 {
		stdin.Close()
		_ = cmd.Wait()
		return nil, errors.Join(errors.New("benchmail: the server process did not start"), err)
	}
	return &Server{URL: f[0], Username: f[1], Password: f[2], Email: f[3], cmd: cmd, stdin: stdin}, nil
}

// Close stops the server process.
func (s *Server) Close() error {
	s.stdin.Close()
	return s.cmd.Wait()
}
