"""Speed and memory benchmarks on BBC News: `make bench` prints one table and writes JSON.

The entry point of the `benchmarks.newsbench` package, for the parent run and for each child
(`--child SPEC`). README.md ("Performance") has the table from the development machine and how
to read it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/bench.py` from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.newsbench.cli import main  # noqa: E402

logger = logging.getLogger(__name__)

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
