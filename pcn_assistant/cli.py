"""The command line: ``pcn-assistant [--database DB] COMMAND``; no command opens the GUI.

Commands live in ``pcn_assistant/commands/``, one module per area, each with a
``register(subparsers)`` function. Those modules are cheap to import (argparse and the
standard library; a handler imports its services when it runs), so building the whole
parser costs milliseconds and ``--help`` at any level lists its own options. Exit codes: 0 ok, 2 usage, 3 invalid input
(nothing written), 4 strict import refused, 5 permission denied.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from pcn_assistant.commands import command_modules
from pcn_assistant.errors import PcnError, user_error

log = logging.getLogger(__name__)

DESCRIPTION = ("PCN Assistant for NHS Primary Care Networks. With no COMMAND it opens the app; "
               "'pcn-assistant COMMAND --help' shows a command's options.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(2, f"pcn-assistant: {message}\n")


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,  # noqa: ANN001
                 help="print the version and exit"):  # noqa: A002, ANN001
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001, ANN204
        from pcn_assistant import __version__

        sys.stdout.write(f"pcn-assistant {__version__}\n")
        parser.exit(0)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--database", metavar="DB", help="database file or SQLAlchemy URL")
    parser.add_argument("--user", metavar="NAME", help="sign in as this user")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("--demo", action="store_true", help="open the GUI on a fresh demo database")


def build_parser(with_commands: bool = True, add_help: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(prog="pcn-assistant", add_help=add_help, description=DESCRIPTION)
    _global_options(parser)
    if with_commands:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
        for module in command_modules():
            module.register(subparsers)
    else:
        parser.set_defaults(command=None)
    return parser


def _is_gui_launch(argv: Sequence[str]) -> bool:
    """True when only global options were given: then no command module need be imported.

    ``-h``/``--help`` is left in ``rest`` here, so help is always printed by the full parser
    and lists the commands (and ``import patients --help`` reaches its own parser)."""
    _known, rest = build_parser(with_commands=False, add_help=False).parse_known_args(argv)
    return not rest


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_commands=not _is_gui_launch(argv))
    args = parser.parse_args(argv)
    from pcn_assistant.logging_setup import configure_logging
    from pcn_assistant.services.safe_files import private_umask

    private_umask()  # the database, backups, exports and logs: owner-only (0600, folders 0700)

    configure_logging(debug=args.debug)
    if args.command is None:
        from pcn_assistant.gui.app import run_gui

        return run_gui(database=args.database, demo=args.demo, user=args.user)
    from pcn_assistant.commands.context import CliContext

    ctx = CliContext(database=args.database or os.environ.get("PCN_ASSISTANT_DATABASE"),
                     user=args.user, debug=args.debug, migrate_on_open=getattr(args, "migrate_on_open", True))
    succeeded = False
    try:
        if ctx.user:
            ctx.actor  # noqa: B018 - a named user is always proven, even where no sign-in is needed
        code = int(args.handler(args, ctx) or 0)
        succeeded = True
        return code
    except PcnError as error:
        if args.debug:
            raise
        print(f"pcn-assistant: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("pcn-assistant: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line for users, traceback with --debug
        if args.debug:
            raise
        translated = user_error(error)  # a folder, a long name, a dropped table...: the user can act
        if translated is not None:
            log.warning("Command %s refused: %s", args.command, type(error).__name__)
            print(f"pcn-assistant: {translated}", file=sys.stderr)
            return translated.exit_code
        log.exception("Command %s failed", args.command)
        print(f"pcn-assistant: {one_line(error)} (run with --debug for details)", file=sys.stderr)
        return 1
    finally:
        ctx.close(succeeded)


def one_line(error: BaseException) -> str:
    """A database error's own message, without SQLAlchemy's multi-line decoration."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


if __name__ == "__main__":
    raise SystemExit(main())
