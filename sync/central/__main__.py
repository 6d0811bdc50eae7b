"""`python -m sync.central ...`: the central service on its own, without the kiosk's command."""

from __future__ import annotations

import argparse
import sys

from .cli import Command, add_central_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")  # help reads as `kiosk central ...`
    commands = parser.add_subparsers(dest="command", required=True)
    add_central_commands(commands)
    args = parser.parse_args(["central", *(sys.argv[1:] if argv is None else argv)])
    handler: Command = args.handler  # set by each command's parser
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
