"""``python -m bench [--quick] [--only CASE ...] [--runs N] [--size N ...] [--profile] [--merge] [--list]``

``--quick`` runs the 50,000-patient sizes; the default adds 350,000 patients. Results go
to ``bench/results/latest.json`` and a markdown table is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.runner import (
    DEFAULT_RUNS,
    RESULTS_DIR,
    default_sizes,
    machine_line,
    markdown_table,
    prepare_environment,
    run_suite,
    select_cases,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000-patient sizes only")
    parser.add_argument("--only", nargs="+", metavar="CASE", help="run cases whose key starts with CASE")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"timed runs per case (default {DEFAULT_RUNS})")
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up runs (default 1)")
    parser.add_argument("--size", type=int, nargs="+", metavar="N",
                        help="patient counts to use instead of 50k/350k (for trying things out)")
    parser.add_argument("--profile", action="store_true",
                        help="after timing, profile one run of each case with pyinstrument (bench/results/profiles/)")
    parser.add_argument("--merge", action="store_true",
                        help="update these cases' rows in the existing report instead of replacing it")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json", help="JSON report path")
    parser.add_argument("--cache", type=Path, help="dataset cache folder (default bench/cache)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prepare_environment()
    if args.list:
        for case in select_cases(args.only):
            targets = " / ".join("–" if t is None else f"{t:g} {case.unit}" for t in case.targets)
            print(f"{case.key:28} {case.title}  (targets 50k / 350k: {targets})")
        return 0
    if args.runs < 5:
        print(f"note: {args.runs} run(s) per case; the suite's figures use at least 5", file=sys.stderr)
    report = run_suite(
        sizes=args.size or default_sizes(args.quick), only=args.only, runs=args.runs, warmup=args.warmup,
        out=args.out, cache_dir=args.cache,
        profile_dir=RESULTS_DIR / "profiles" if args.profile else None, merge=args.merge,
    )
    print()
    print(markdown_table(report))
    print()
    print(machine_line(report))
    print(f"Written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
