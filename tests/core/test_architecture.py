"""The house rules as checks that fail: import contracts (pyproject.toml [tool.importlinter]) and file sizes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: No source file grows past this many lines (split it along a seam instead).
MAX_LINES = 700


def lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install '.[test]').")
    return found


def test_import_contracts_are_kept():
    """Core imports no Qt and nothing of the window or the CLI; only the store and migrations import sqlite."""
    done = subprocess.run([lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_source_file_is_over_700_lines():
    big = {str(p.relative_to(ROOT)): n for p in (ROOT / "annotator").rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}
