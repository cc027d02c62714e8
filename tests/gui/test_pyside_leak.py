"""Regression guard for PySide6 6.12.0 on Python < 3.12, which leaks a reference to None on every
void method call until the interpreter aborts with ``Fatal Python error: none_dealloc``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import PySide6
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from annotator.gui import check_pyside, pyside_is_broken

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

PROBE = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument
app = QGuiApplication([])
doc = QTextDocument("hello world " * 10)
cursor = QTextCursor(doc)
before = sys.getrefcount(None)
for i in range(5000):
    cursor.setPosition(i % 50)
after = sys.getrefcount(None)
print(before - after)
"""


def test_void_calls_do_not_leak_none():
    """5,000 void calls must neither drop None's refcount nor abort the interpreter."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"interpreter aborted: {result.stderr[-500:]}"
    leaked = int(result.stdout.strip().splitlines()[-1])
    assert leaked < 100, f"PySide6 {PySide6.__version__} leaked {leaked} references to None"


def test_installed_pyside_is_not_the_broken_build():
    assert not pyside_is_broken()
    check_pyside()


@pytest.mark.parametrize(
    ("version", "python", "broken"),
    [("6.12.0", (3, 11), True), ("6.12.0", (3, 10), True), ("6.12.0", (3, 12), False),
     ("6.11.3", (3, 11), False), ("6.13.0", (3, 11), False)],
)
def test_broken_build_detection(version, python, broken):
    assert pyside_is_broken(version, python) is broken


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11+")
@pytest.mark.parametrize("python", ["3.10", "3.11", "3.12", "3.13"])
def test_dependency_pins_exclude_the_broken_build(python):
    """No supported Python may resolve PySide6 6.12.0 where it aborts the interpreter."""
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    env = {"python_version": python, "python_full_version": python + ".0"}
    reqs = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    active = [r for r in reqs if r.name.lower() == "pyside6-essentials" and (r.marker is None or r.marker.evaluate(env))]
    assert len(active) == 1, f"exactly one PySide6 requirement must apply on Python {python}"
    allows_broken = Version("6.12.0") in active[0].specifier
    assert allows_broken == (python >= "3.12"), f"Python {python}: {active[0]}"
