"""Entry point: a Ctrl-C while the program is still loading ends with one line, not a traceback."""

import sys


def run() -> None:
    """Load the command line and run it."""
    try:
        from stancetracker.cli.main import main
    except KeyboardInterrupt:  # the command line takes a moment to load; nothing was touched yet
        sys.stderr.write("\nInterrupted; nothing was left half-done\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
