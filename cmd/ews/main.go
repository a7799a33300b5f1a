// Command ews runs the operations of the SOAR Exchange connector (package connector) from the command line, for
// shell-based playbooks, and serves a fake EWS server for testing them:
//
//	ews --host mail.example.com --username 'CORP\svc-soar' --password-file pw.txt --email soc@example.com \
//	    get_events --from_time '2024-05-06 00:00' --to_time '2024-05-13 00:00'
//	ews --config exchange.json create_event --params '{"subject": "Incident review", "start_date": "..."}'
//	ews fake-server --messages 50
//
// It prints the connector's JSON result on stdout ({"status": "Success", "data": ...} or {"status": "Error",
// "code": ..., "message": ...}) and exits with status 0 on success, 1 when the operation failed (server,
// network, authentication) and 2 on bad usage (flags, parameters, configuration). Run `ews help` for the
// operations and `ews help <operation>` for an operation's parameters.
//
// stdout holds the result only. People get progress on stderr when it is a terminal (or with --progress), and
// the requests with --verbose and --trace; `ews --version` tells the build, `ews completion bash|zsh|fish`
// prints a completion script. See docs/CONNECTOR.md.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
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
