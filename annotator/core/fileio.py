"""Writing files safely: a temporary file that replaces the target only when complete."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from annotator.core.errors import InputError
from annotator.core.store.files import SQLITE_MAGIC, read_header, refuse_open_project


def refuse_to_replace_project(target: Path) -> None:
    """Raise :class:`InputError` if writing ``target`` would replace a project file (open or not) or its WAL."""
    refuse_open_project(target, "written over")
    if target.is_file() and read_header(target) == SQLITE_MAGIC:
        raise InputError(f"{target.name} is an annotator project (a SQLite database); "
                         "choose another file name to write to.")


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike) -> Iterator[TextIO]:
    """Yield a UTF-8 text file (``newline=''``) that replaces ``path`` only if the block succeeds."""
    target = Path(path)
    refuse_to_replace_project(target)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        fh = open(tmp, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror}).") from None
    try:
        with fh:
            yield fh
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror}).") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
