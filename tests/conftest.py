"""Fixtures shared by the whole suite: paths to the repo, the corpus and the shared data, and a
helper that runs the real `pipeline` command in a subprocess (`run_pipeline`, or `start_pipeline`
in the background)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
EXTERNAL = SHARED / "external"


def run_pipeline(*args: str, cwd: Path | None = None, timeout: float = 600, env: dict | None = None):
    """Run `python -m pipeline ARGS` and return the CompletedProcess (text mode)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def start_pipeline(*args: str, **popen) -> subprocess.Popen:
    """Start `python -m pipeline ARGS` in the background, to be watched, signalled or killed;
    `popen` goes to subprocess.Popen as it is (stdout, stderr, text, start_new_session)."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *map(str, args)], cwd=REPO, **popen)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def external() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/external is not present")
    return EXTERNAL
