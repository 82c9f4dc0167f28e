"""The `reverie` command line: argument parsing, output, and error reporting."""
