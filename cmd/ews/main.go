// Command ews runs the operations of the SOAR Exchange connector (package connector) from the command line, for
// shell-based playbooks, and serves a fake EWS server for testing them:
//
//	ews --host mail.example.com --username 'CORP\svc-soar' --password-file pw.txt --email soc@example.com \
//	    get_events --from_time '2024-05-06 00:00' --to_time '2024-05-13 00:00'
//	ews --config exchange.json create_event --params '{"subject": "Incident review", "start_date": "..."}'
//	ews fake-server --messages 50
//
// It prints the connector's JSON result on stdout ({"status": "Success", "data": ...} or {"status": "Error",
// "code": ..., "message": ...}) and exits with status 0 on success; 1 when the operation failed (server,
// network, authentication) or stopped early (SIGINT, SIGTERM, a timeout: code Cancelled or Timeout; an ndjson
// output then ends with the error line); 2 on bad usage (flags, parameters, configuration); 70 when the command
// itself failed (a panic). Run `ews help` for the operations and `ews help <operation>` for an operation's
// parameters.
//
// stdout holds the result only. People get progress on stderr when it is a terminal (or with --progress), and
// the requests with --verbose and --trace; `ews --version` tells the build, `ews completion bash|zsh|fish`
// prints a completion script. See docs/CONNECTOR.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/ewsgo/ews/connector"
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := runGuarded(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// exitCrash is the status of a run that panicked: not 2, which means bad usage.
const exitCrash = 70 // EX_SOFTWARE

// runGuarded is run, with a panic of the operation reported as an error result and exit status exitCrash
// instead of Go's status 2.
func runGuarded(ctx context.Context, args []string, e *env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "ews: internal error: %v\n%s", r, debug.Stack())
			writeJSON(e.stdout, connector.Failure(&connector.Error{Code: connector.CodeInternal, Message: fmt.Sprintf("internal error: %v", r)}))
			code = exitCrash
		}
	}()
	return run(ctx, args, e)
}

// env is what a run of the command sees of its process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // the operation failed: server, network, authentication
	exitUsage = 2 // bad flags, parameters or configuration
)

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, e *env) int {
	g := &globals{}
	fs := newFlagSet("ews")
	g.register(fs)
	if err := fs.Parse(joinBoolValues(fs, args)); err != nil {
		if isHelp(err) {
			printUsage(e.stdout)
			return exitOK
		}
		return usageError(e, err.Error())
	}
	rest := fs.Args()
	if g.version.v {
		printVersion(e.stdout)
		return exitOK
	}
	if len(rest) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	switch cmd := rest[0]; cmd {
	case "help":
		if len(rest) > 1 {
			return helpOperation(e, rest[1])
		}
		printUsage(e.stdout)
		return exitOK
	case "fake-server":
		return runFakeServer(ctx, rest[1:], e)
	case "completion":
		return runCompletion(rest[1:], e)
	case "version":
		printVersion(e.stdout)
		return exitOK
	default:
		return runOperation(ctx, g, cmd, rest[1:], e)
	}
}
