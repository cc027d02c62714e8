"""Fixtures shared by the core tests: a project file path and an open store on it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from annotator.core.store import Store


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: used to prove that a failed operation changed nothing."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def digest():
    return file_digest


@pytest.fixture
def project_path(tmp_path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def store(project_path):
    s = Store.open(project_path)
    yield s
    s.close()
