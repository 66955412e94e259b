"""Fuzz every input loader with mutated copies of the project's own files (``make fuzz``).

Usage::

    .venv/bin/python scripts/fuzz.py --cases 2000 --seed 1 [--targets scenario sweep]

Prints, per target, how many variants were accepted, refused with one line, or ended in a
traceback, and the first tracebacks found; exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the fuzzer's home
from fuzz_targets import TARGETS, run


def main() -> int:
    """Run the campaign; return 1 if any variant ended in a traceback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="variants per target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--show", type=int, default=3, help="tracebacks to print")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="migmodel-fuzz-") as scratch:
        campaign = run(tuple(args.targets), args.cases, args.seed, Path(scratch))
    for target in args.targets:
        print(campaign.line(target))
    print(f"{time.perf_counter() - started:.0f} s")
    kinds = Counter(
        f"{t}: {trace.strip().splitlines()[-1][:120]}" for t, _, trace in campaign.tracebacks
    )
    for kind, n in kinds.most_common():
        print(f"{n:6d}  {kind}")
    shown = {}
    for target, text, trace in campaign.tracebacks:
        last = trace.strip().splitlines()[-1]
        if len(shown) < args.show and last not in shown:
            shown[last] = True
            print(f"\n--- {target} ---\n{text[:600]}\n{trace}")
    return 1 if campaign.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
