"""The project files a process has open, held by descriptor, and checked against what is on disk.

Why this module exists (issue 10, D1 — a whole project lost in the window):
SQLite locks a project with POSIX advisory locks, and POSIX releases *every* lock a process holds on a file when
the process closes *any* descriptor of that file. A plain ``open(project).read(16)`` followed by ``close()`` in
the window's process (to check the SQLite header) silently took the window's locks away. The next process that
opened and closed the project (``annotator export`` in a terminal, a child process) then believed it was the last
user, checkpointed and deleted ``project.sqlite-wal`` and ``-shm`` while the window was still writing to them:
every later edit went into deleted files.

So:

- a process opens each project file once, here, and keeps that descriptor until the last :class:`Store` on the
  file has closed its SQLite connection (:class:`Held`, counted per device and inode); the header is read
  through it with ``pread``, never by opening the file again;
- anything else that might read or replace a file (imports, exports, adding documents) asks
  :func:`refuse_open_project` first, which uses ``os.stat`` only;
- :meth:`FileGuard.problem` checks cheaply (``fstat`` of the held descriptors, ``stat`` of the paths) that the
  project and its write-ahead log are still the files on disk: not deleted (link count), not replaced (inode).
  A store whose files are gone stops writing (:class:`~annotator.core.errors.ProjectDetachedError`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError, NotAProjectError, ProjectDetachedError, ProjectError

SQLITE_MAGIC = b"SQLite format 3\x00"
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)

Key = tuple[int, int]


def key_of(st: os.stat_result) -> Key:
    return st.st_dev, st.st_ino


@dataclass
class Held:
    """One project file this process has open: its descriptor, its WAL's, and how many stores use them."""

    path: Path
    fd: int
    refs: int = 0
    wal_fd: int | None = None
    #: Identities of the ``-wal`` and ``-shm`` files a store created itself (the only ones it may delete).
    created: set[Key] = field(default_factory=set)
    #: Why the files are no longer the ones on disk, once a check has found it.
    detached: str | None = None


_lock = threading.Lock()
_held: dict[Key, Held] = {}


def _read_at(fd: int, size: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, 0)
    os.lseek(fd, 0, os.SEEK_SET)  # Windows: no pread, and no POSIX lock semantics to protect either
    return os.read(fd, size)


def held_for(path: str | os.PathLike) -> Held | None:
    """The :class:`Held` record of ``path`` if this process has that very file open as a project (stat only)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    with _lock:
        held = _held.get(key_of(st))
        if held is not None:
            return held
        for other in _held.values():
            if other.wal_fd is not None and key_of(os.fstat(other.wal_fd)) == key_of(st):
                return other
    return None


def refuse_open_project(path: str | os.PathLike, doing: str) -> None:
    """Raise :class:`InputError` if ``path`` is a project (or its WAL) this process has open.

    Call it before opening a file the user chose for reading or writing: opening and closing a project file
    in this process would release SQLite's locks on it. ``doing`` completes "cannot be …" ("read as an
    annotation set", "written").
    """
    if held_for(path) is not None or _is_sidecar_of_held(Path(path)):
        raise InputError(f"{Path(path).name} is the open project file; it cannot be {doing}.")


def _is_sidecar_of_held(path: Path) -> bool:
    name = path.name
    for suffix in ("-wal", "-shm", "-journal"):
        if name.endswith(suffix) and held_for(path.with_name(name[: -len(suffix)])) is not None:
            return True
    return False


def read_header(path: str | os.PathLike, size: int = 16) -> bytes:
    """The first ``size`` bytes of ``path`` (b"" if it cannot be read), without disturbing an open project's locks."""
    held = held_for(path)
    if held is not None:
        return _read_at(held.fd, size)
    try:
        fd = os.open(path, os.O_RDONLY | _O_CLOEXEC | _O_BINARY)
    except OSError:
        return b""
    try:
        return _read_at(fd, size)
    finally:
        os.close(fd)  # safe: no SQLite connection of this process has this file open (it is not held)


class FileGuard:
    """A store's claim on its project file; see the module docstring."""

    def __init__(self, path: Path, key: Key, held: Held):
        self.path = path
        self.key = key
        self.held = held
        self._released = False

    # ---------------------------------------------------------------- acquiring
    @classmethod
    def existing(cls, path: Path) -> FileGuard:
        """Claim an existing project file; raises if it is not a SQLite file or cannot be read."""
        try:
            st = os.stat(path)
        except OSError as exc:
            raise ProjectError(f"The project {path} cannot be read ({exc.strerror}).") from None
        key = key_of(st)
        with _lock:
            held = _held.get(key)
            if held is not None:
                if held.detached:
                    raise ProjectDetachedError(
                        f"The project {path.name} is already open here but its files were {held.detached}; "
                        "save a copy of it first."
                    )
                held.refs += 1
                return cls(path, key, held)
        if st.st_size == 0:
            raise NotAProjectError(
                f"The project file {path} is empty (0 bytes), so it holds no project; "
                "delete it or choose another file name."
            )
        try:
            fd = os.open(path, os.O_RDONLY | _O_CLOEXEC | _O_BINARY)
        except OSError as exc:
            raise ProjectError(f"The project {path} cannot be read ({exc.strerror}).") from None
        if key_of(os.fstat(fd)) != key or _read_at(fd, 16) != SQLITE_MAGIC:
            os.close(fd)
            raise NotAProjectError(f"{path} is not an annotator project (it is not a SQLite database).")
        return cls._register(path, key, fd)

    @classmethod
    def new(cls, path: Path) -> FileGuard | None:
        """Create ``path`` exclusively and claim it; None if a file appeared there meanwhile (open it instead)."""
        for suffix in ("-wal", "-shm", "-journal"):
            if Path(str(path) + suffix).exists():
                raise ProjectError(
                    f"A leftover file {path.name}{suffix} lies beside the new project; move it away first "
                    "(it may belong to a deleted project)."
                )
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _O_CLOEXEC | _O_BINARY, 0o644)
        except FileExistsError:
            return None
        except OSError as exc:
            raise ProjectError(f"The project {path} cannot be created ({exc.strerror}).") from None
        return cls._register(path, key_of(os.fstat(fd)), fd)

    @classmethod
    def _register(cls, path: Path, key: Key, fd: int) -> FileGuard:
        with _lock:
            held = _held.get(key)
            if held is None:
                held = _held[key] = Held(path, fd)
            else:  # another thread claimed it meanwhile: keep its descriptor
                os.close(fd)
            held.refs += 1
            return cls(path, key, held)

    # ------------------------------------------------------------------ the WAL
    def attach_wal(self, created: bool = False) -> None:
        """Hold the project's ``-wal`` (SQLite has opened it by now); ``created``: this call made it and ``-shm``."""
        if self.held.wal_fd is not None and not created:
            return
        wal = Path(str(self.path) + "-wal")
        with _lock:
            if self.held.wal_fd is None:
                with contextlib.suppress(OSError):
                    self.held.wal_fd = os.open(wal, os.O_RDONLY | _O_CLOEXEC | _O_BINARY)
            if created:
                for suffix in ("-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        self.held.created.add(key_of(os.stat(str(self.path) + suffix)))

    # ----------------------------------------------------------------- checking
    def problem(self) -> str | None:
        """None while the project and its WAL are still the files on disk; else what happened, in words."""
        held = self.held
        if self._released:
            return None  # the store is closed: its descriptors may already belong to other files
        if held.detached:
            return held.detached
        reason = self._look()
        if reason:
            held.detached = reason
        return reason

    def _look(self) -> str | None:
        held = self.held
        try:
            try:
                if key_of(os.stat(self.path)) != self.key:
                    return "replaced by another file"
            except FileNotFoundError:
                return "moved or deleted"  # a rename and an unlink look the same from here
            if os.fstat(held.fd).st_nlink == 0:
                return "deleted"
            if held.wal_fd is not None:
                wal = str(self.path) + "-wal"
                if os.fstat(held.wal_fd).st_nlink == 0:
                    return "changed by another program (its write-ahead log was deleted)"
                try:
                    if key_of(os.stat(wal)) != key_of(os.fstat(held.wal_fd)):
                        return "changed by another program (its write-ahead log was replaced)"
                except FileNotFoundError:
                    return "changed by another program (its write-ahead log was deleted)"
        except OSError:
            return None  # cannot tell (a passing error); the next check looks again
        return None

    # ------------------------------------------------------------ giving it up
    def discard_created(self) -> None:
        """Delete the project file and its ``-wal``/``-shm`` — only the very files this store created."""
        with _lock:
            for suffix in ("-wal", "-shm"):
                side = str(self.path) + suffix
                with contextlib.suppress(OSError):
                    if key_of(os.stat(side)) in self.held.created:
                        os.unlink(side)
            with contextlib.suppress(OSError):
                if key_of(os.stat(self.path)) == self.key:
                    os.unlink(self.path)

    def release(self) -> None:
        """Called after the store's SQLite connection is closed: the last store on a file closes its descriptors."""
        if self._released:
            return
        self._released = True
        with _lock:
            held = self.held
            held.refs -= 1
            if held.refs > 0:
                return
            _held.pop(self.key, None)
            for fd in (held.fd, held.wal_fd):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
