package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ewsgo/ews/connector"
)

func printUsage(w io.Writer) {
	fmt.Fprint(w, `ews: Exchange Web Services from the command line, with the operations of the SOAR Exchange connector.

Usage:
  ews [global flags] <operation> [--params JSON | --<parameter> VALUE ...]
  ews help <operation>        the operation's parameters
  ews fake-server [flags]     a fake EWS server with a seeded mailbox, for testing (ews fake-server --help)
  ews completion bash|zsh|fish   a shell completion script (ews completion --help)
  ews --version               the version: module, VCS revision, Go

Operations:
`)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, op := range connector.Operations() {
		fmt.Fprintf(tw, "  %s\t%s\n", op.Name, op.Summary)
	}
	_ = tw.Flush()
	fmt.Fprint(w, "\nGlobal flags (before or after the operation):\n")
	g := &globals{}
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, f := range g.flags() {
		fmt.Fprintf(tw, "  --%s %s\t%s\n", f.name, f.arg, f.help)
	}
	_ = tw.Flush()
	fmt.Fprint(w, `
The password comes from --password-file, else EWS_PASSWORD, else the --config file; the oauth2 client secret
from --client-secret-file, else EWS_CLIENT_SECRET, else the --config file.

Output: the connector's JSON on stdout, {"status": "Success", "data": ...} or
{"status": "Error", "code": "ErrorItemNotFound", "message": "..."}; with --output ndjson the items of a list
one per line (an error, if one happens, as the last line).
Boolean flags take true or false as --flag=false or --flag false; --flag alone is true.
Progress (items, rate, retries and back-offs) shows on stderr when stderr is a terminal, or with --progress;
--verbose and --trace log the requests to stderr. stdout holds the result only.
Exit status: 0 success; 1 the operation failed (server, network, authentication); 2 bad usage (flags,
parameters, configuration).
`)
}

func helpOperation(e *env, name string) int {
	info, ok := connector.Lookup(name)
	if !ok {
		switch name {
		case "fake-server":
			printFakeServerHelp(e.stdout)
			return exitOK
		case "completion":
			printCompletionHelp(e.stdout)
			return exitOK
		}
		return usageError(e, fmt.Sprintf("unknown operation %q", name))
	}
	printOperationHelp(e.stdout, info)
	return exitOK
}

func printOperationHelp(w io.Writer, op connector.OperationInfo) {
	fmt.Fprintf(w, "Usage: ews [global flags] %s [--params JSON]", op.Name)
	for _, p := range op.Params {
		if p.Required {
			fmt.Fprintf(w, " --%s %s", p.Name, argName(p))
		}
	}
	if len(op.Params) > 0 {
		fmt.Fprint(w, " [--<parameter> VALUE ...]")
	}
	fmt.Fprintf(w, "\n\n%s\n\n", op.Summary)
	if len(op.Params) == 0 {
		fmt.Fprintln(w, "Parameters: none.")
	} else {
		fmt.Fprintln(w, "Parameters (keys of --params, or flags: --start_date or --start-date):")
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
		for _, p := range op.Params {
			var notes []string
			if p.Required {
				notes = append(notes, "required")
			}
			if len(p.Choices) > 0 {
				notes = append(notes, "one of: "+strings.Join(p.Choices, ", "))
			}
			if p.Default != "" {
				notes = append(notes, "default: "+p.Default)
			}
			help := p.Help
			if len(notes) > 0 {
				help += " (" + strings.Join(notes, "; ") + ")"
			}
			fmt.Fprintf(tw, "  --%s %s\t%s\n", p.Name, argName(p), help)
		}
		_ = tw.Flush()
	}
	if op.List {
		fmt.Fprintln(w, "\nResult: {\"status\": \"Success\", \"data\": [...]}, a list; --output ndjson prints one item per line.")
	} else {
		fmt.Fprintln(w, "\nResult: {\"status\": \"Success\", \"data\": {...}}.")
	}
	fmt.Fprintln(w, "Global flags: see ews help.")
}

// argName names a parameter's value in help texts.
func argName(p connector.ParamInfo) string {
	switch p.Type {
	case "boolean":
		return "[=true|false]"
	case "integer":
		return "N"
	case "list":
		return "A,B,..."
	case "datetime":
		return "TIME"
	case "query":
		return "QUERY"
	case "attachments":
		return "FILES"
	}
	if len(p.Choices) > 0 {
		return "CHOICE"
	}
	return "TEXT"
}
