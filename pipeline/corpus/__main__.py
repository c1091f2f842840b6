"""python -m pipeline.corpus [--only SLUG ...] [--seed PATH]: rebuild corpus/ (see corpus/README.md)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import CORPUS_DIR, SLUGS
from .build import build
from .seed import DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.corpus", description=__doc__)
    parser.add_argument("--only", action="append", choices=SLUGS, metavar="SLUG",
                        help="render only this document (repeatable); skips the bundle and images")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED,
                        help="the seed text to split into corpus/source/ (if it exists; otherwise "
                             "the committed sources are used)")
    parser.add_argument("--out", type=Path, default=CORPUS_DIR, help="corpus directory")
    args = parser.parse_args(argv)
    started = time.monotonic()
    build(args.out, seed=args.seed, only=args.only, log=lambda msg: print(msg, file=sys.stderr))
    print(f"corpus built in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
