"""Fixtures shared by the whole suite: paths to the repo, the corpus and the shared data, and a
helper that runs the real `pipeline` command in a subprocess."""

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


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def external() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/external is not present")
    return EXTERNAL
