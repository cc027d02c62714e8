"""Timestamps as written in projects and exports: UTC, ISO 8601, second precision, ``Z`` suffix."""

from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
