"""Crash soak: SIGKILL ingests at random moments, many times, and check the index after each.

The long variant of tests/retrieval/test_crash_safety.py. Every run ingests a new edition of
some articles into an embedded store and is killed at a random moment; after each kill a new
process opens the store, repairs it if needed, finishes the interrupted write and checks that
every article reported done is complete and searchable and that Chroma and the manifest
agree. A last uninterrupted run must leave exactly the last corpus. Prints what it found:

    python benchmarks/crash_soak.py --kills 200
    python benchmarks/crash_soak.py --kills 100 --sync-threshold 20   # HNSW saves often

`--sync-threshold N` makes Chroma save its HNSW files every N writes instead of every 1000,
so kills land in the middle of a save far more often (the way a store gets damaged).
Exits 1 on the first violation, with the worker's log.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/crash_soak.py` from a checkout
    sys.path.insert(0, str(ROOT))

from tests.retrieval.ingest_worker import CrashSoak, Worker  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs to survive (200)")
    parser.add_argument("--articles", type=int, default=400, help="corpus size (400)")
    parser.add_argument("--changes", type=int, default=40, help="articles changed per run (40)")
    parser.add_argument("--sync-threshold", type=int, help="Chroma hnsw:sync_threshold")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="count, instead of failing on, reported articles a loadable store has lost",
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each repair")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="crash-soak-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        worker = Worker(folder / "worker.log")
        try:
            soak = CrashSoak(
                worker,
                folder,
                articles=args.articles,
                changes=args.changes,
                seed=args.seed,
                strict=not args.lenient,
                sync_threshold=args.sync_threshold,
                log=print if args.verbose else lambda _: None,
            )
            try:
                stats = soak.run(args.kills)
            except AssertionError as err:
                print(f"FAILED after {soak.stats.kills} kills: {err}", file=sys.stderr)
                print(soak.stats.summary(), file=sys.stderr)
                print(worker.tail(), file=sys.stderr)
                return 1
        finally:
            worker.close()
    print(stats.summary())
    for problem in sorted(set(stats.probe_failures)):
        print(f"  damage seen: {problem}")
    if args.json:
        figures = stats.__dict__ | {"sync_threshold": args.sync_threshold, "seed": args.seed}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
