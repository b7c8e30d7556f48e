"""The command line's shape: every command's own help, and a start-up that imports little.

Command modules are imported to build the parser, so they must not import services,
pandas, scipy or Qt at module level (a handler imports what it needs when it runs).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pcn_assistant.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "scipy", "numpy", "PySide6", "openpyxl", "pcn_assistant.services", "pcn_assistant.gui")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps sub-parsers only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def _every_command(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for name, sub in _subparsers(parser).items():
        yield (*path, name), sub
        yield from _every_command(sub, (*path, name))


def _help(argv: list[str], capsys) -> str:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0, argv
    return capsys.readouterr().out


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [opt for action in parser._actions  # noqa: SLF001
            if action.help != argparse.SUPPRESS for opt in action.option_strings]


def test_top_level_help_lists_every_command(capsys):
    out = _help(["--help"], capsys)
    assert out.startswith("usage: pcn-assistant ")
    for name in _subparsers(build_parser()):
        assert f"    {name} " in out or f"    {name}\n" in out, name
    for option in ("--database", "--user", "--version", "--debug"):
        assert option in out


COMMANDS = sorted(" ".join(path) for path, _sub in _every_command(build_parser()))


def test_the_tree_holds_nested_commands():
    assert {"import patients", "import events", "users add", "audit-trail verify", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_shows_its_own_help(command, capsys):
    path = command.split()
    sub = dict(_every_command(build_parser()))[tuple(path)]
    out = _help([*path, "--help"], capsys)
    assert out.startswith(f"usage: pcn-assistant {command} "), out[:200]
    for option in _options(sub):
        assert option in out, (command, option)
    for child in _subparsers(sub):
        assert child in out, (command, child)


def test_help_after_global_options(capsys):
    out = _help(["--database", "x.db", "import", "patients", "--help"], capsys)
    assert out.startswith("usage: pcn-assistant import patients ")
    assert "--full-list" in out


def _fresh_python(code: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def test_importing_the_cli_and_building_the_parser_imports_nothing_heavy():
    loaded = _fresh_python(
        "import json, sys\n"
        "import pcn_assistant.cli as cli\n"
        "cli.build_parser()\n"
        "print(json.dumps(sorted(sys.modules)))\n")
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert not heavy, heavy


def test_help_in_a_new_process_lists_commands_and_imports_nothing_heavy():
    loaded = _fresh_python(
        "import contextlib, io, json, sys\n"
        "from pcn_assistant.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        main(['import', 'patients', '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert out.getvalue().startswith('usage: pcn-assistant import patients'), out.getvalue()\n"
        "print(json.dumps(sorted(sys.modules)))\n")
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert not heavy, heavy


def test_static_choices_match_the_services():
    from pcn_assistant.commands import caseload, demo, directory, users
    from pcn_assistant.services import demo as demo_service
    from pcn_assistant.services import users as user_service
    from pcn_assistant.services.caseload.export import STATUS_CHOICES
    from pcn_assistant.services.directory.oruk_export import CSV_FORMAT, JSON_FORMAT
    from pcn_assistant.services.security import ROLES

    assert caseload.STATUS_CHOICES == STATUS_CHOICES
    assert users.ROLES == ROLES
    assert (demo.DEFAULT_PATIENTS, demo.DEFAULT_SEED) == (demo_service.DEFAULT_PATIENTS, demo_service.DEFAULT_SEED)
    assert (directory.JSON_FORMAT, directory.CSV_FORMAT) == (JSON_FORMAT, CSV_FORMAT)
    for _name, _help_text, function in users.SIMPLE_ACTIONS:
        assert callable(getattr(user_service, function))


def test_stats_in_a_new_process_imports_no_pandas_or_scipy(tmp_path):
    """``stats --json`` counts rows: the feature packages' pandas, scipy and openpyxl stay out."""
    database = tmp_path / "stats.db"
    loaded = _fresh_python(
        "import contextlib, io, json, sys\n"
        "from pcn_assistant.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main(['--database', {str(database)!r}, 'stats', '--json'])\n"
        "assert code == 0 and json.loads(out.getvalue())['patients'] == 0, out.getvalue()\n"
        "print(json.dumps(sorted(sys.modules)))\n")
    heavy = [m for m in loaded if m.split(".")[0] in ("pandas", "scipy", "numpy", "PySide6", "openpyxl")]
    assert not heavy, heavy
