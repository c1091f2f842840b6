"""The `ja_bigram` FTS5 tokenizer: build it from `fts_ja.c` and load it into connections.

The tokenizer has to be a loadable extension rather than a Python callback: every program that
reads the archive's FTS tables (Datasette, sqlite-utils, the sqlite3 shell) must be able to load
it, or it fails with "no such tokenizer: ja_bigram".

    python -m pipeline.load.fts --build      # compile (the Makefile's `ext` target)
    python -m pipeline.load.fts 区長 世田谷区長  # show the tokens of some text
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

TOKENIZER = "ja_bigram"
SOURCE = Path(__file__).with_name("fts_ja.c")
# SQLite derives the entry point from the file name: fts_ja.so -> sqlite3_ftsja_init.
ENTRYPOINT = "sqlite3_ftsja_init"


def _suffix() -> str:
    if sys.platform == "darwin":
        return ".dylib"
    if sys.platform == "win32":
        return ".dll"
    return ".so"


def _candidates() -> list[Path]:
    """Where the compiled extension may live: beside the source, else a per-user cache (for
    read-only installs)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pipeline"
    name = f"fts_ja{_suffix()}"
    return [SOURCE.with_name(name), cache / name]


def _fresh(path: Path) -> bool:
    return path.exists() and path.stat().st_mtime >= SOURCE.stat().st_mtime


def build(target: Path | None = None) -> Path:
    """Compile `fts_ja.c` with the system C compiler. Written to a temporary name then renamed,
    so concurrent builds (two processes opening the archive at once) never see a partial file."""
    target = target or _candidates()[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    fd, tmp = tempfile.mkstemp(prefix=".fts_ja.", suffix=_suffix(), dir=target.parent)
    os.close(fd)
    try:
        cmd = [*cc.split()[:1], "-O2", "-shared", "-fPIC", "-o", tmp, str(SOURCE)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"could not compile {SOURCE.name} ({' '.join(cmd)}):\n{result.stderr.strip()}\n"
                "The SQLite headers are needed: apt-get install libsqlite3-dev"
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def extension_path() -> Path:
    """The compiled extension, building it first if it is missing or older than its source."""
    for path in _candidates():
        if _fresh(path):
            return path
    try:
        return build(_candidates()[0])
    except PermissionError:
        return build(_candidates()[1])


def load_extension(conn: Any) -> Any:
    """Load `ja_bigram` into a pysqlite3/sqlite3 connection or a `sqlite_utils.Database`
    (returned unchanged, for chaining)."""
    raw = getattr(conn, "conn", conn)  # sqlite_utils.Database wraps the connection
    if not hasattr(raw, "enable_load_extension"):
        raise RuntimeError(
            "this sqlite3 module cannot load extensions; use pysqlite3 "
            "(`import pysqlite3.dbapi2 as sqlite3`), as sqlite-utils and Datasette do"
        )
    raw.enable_load_extension(True)
    try:
        raw.load_extension(str(extension_path()))
    finally:
        raw.enable_load_extension(False)
    return conn


def connect(path: str | os.PathLike[str] = ":memory:", **kwargs: Any):
    """A pysqlite3 connection with `ja_bigram` loaded."""
    from sqlite_utils.db import sqlite3  # pysqlite3 when installed, as sqlite-utils chooses

    conn = sqlite3.connect(str(path), **kwargs)
    return load_extension(conn)


def tokens(text: str) -> list[tuple[int, str]]:
    """The (position, token) pairs `ja_bigram` indexes for `text`, as FTS5 stores them (its
    `fts5vocab` instance table); colocated tokens share a position."""
    conn = connect()
    try:
        conn.execute(f"create virtual table t using fts5(x, tokenize='{TOKENIZER}')")
        conn.execute("create virtual table v using fts5vocab(t, 'instance')")
        conn.execute("insert into t (x) values (?)", [text])
        return conn.execute("select offset, term from v order by offset, length(term) desc").fetchall()
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.load.fts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="compile the extension (always)")
    parser.add_argument("text", nargs="*", help="text to tokenize")
    args = parser.parse_args(argv)
    if args.build:
        print(build(), file=sys.stderr)
    for text in args.text:
        print(" ".join(term for _, term in tokens(text)))
    if not args.build and not args.text:
        print(extension_path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
