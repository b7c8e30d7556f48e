"""``pcn-assistant demo --out PATH [--patients N] [--seed S]``"""

from __future__ import annotations

import time

from pcn_assistant.commands.context import CliContext

# services.demo's defaults (a test keeps them equal), so --help need not import the generator.
DEFAULT_PATIENTS = 40_000
DEFAULT_SEED = 20261122


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("demo", help="write a demo PCN database")
    parser.add_argument("--out", required=True, help="database file to write (replaced if it exists)")
    parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.set_defaults(handler=run)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.demo import create_demo_database

    started = time.perf_counter()
    db = create_demo_database(args.out, patients=args.patients, seed=args.seed)
    db.dispose()
    print(f"Demo database written to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0
