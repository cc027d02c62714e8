"""Reading a project's write-ahead log (``NAME-wal``) the way SQLite's recovery does, without SQLite (issue 20, D10).

SQLite replays a log only up to its last commit frame whose checksums hold; everything after it is ignored, and
the next connection that writes deletes the log, so edits after a damaged frame are lost for good. This module
reads the log itself, so that ``check`` can say when that is about to happen and every open can keep a copy of
the log first (:func:`keep_damaged_log`).

The format (SQLite's "WAL file format"): a 32-byte header — magic ``0x377f0682`` or ``0x377f0683`` (its low bit:
checksums over big-endian words), the version 3007000, the page size, the checkpoint sequence, two salts and a
checksum of the first 24 bytes — then frames of a 24-byte header (page number, the database size after the commit
for a commit frame and 0 otherwise, the two salts, a checksum) and one page. Checksums run over pairs of 32-bit
words and carry on from frame to frame; a frame counts only while its salts are the header's and its checksum
holds. Frames after the valid ones that carry other salts are left over from before the log was last restarted:
that is normal, not damage.

A log that merely ends in part of a frame is either cut short (commits lost) or a transaction that failed
half-written on a full disk (nothing lost). The shared-memory index a crashed writer leaves beside the log
(``-shm``) records its last commit and tells which; the first connection that opens the project rebuilds that
index, so every open looks before SQLite does, and a copy kept earlier remembers the verdict.
"""

from __future__ import annotations

import contextlib
import filecmp
import io
import os
import shutil
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from glob import escape as glob_escape
from pathlib import Path
from typing import BinaryIO

MAGIC = (0x377F0682, 0x377F0683)
VERSION = 3007000
HEADER = 32
FRAME_HEADER = 24
_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class WalState:
    """What a write-ahead log holds, as SQLite's recovery will see it."""

    #: Size of the log in bytes (0 when there is none).
    size: int
    #: False when the log has bytes but its header is not a valid WAL header (SQLite then ignores all of it).
    header_ok: bool = True
    #: Frames SQLite will replay: every frame up to and including the last valid commit frame.
    committed: int = 0
    #: Valid frames after the last commit: a transaction that never committed (nothing acknowledged is in them).
    unfinished: int = 0
    #: Frames of this log (its salts) after the valid ones that SQLite will ignore because they are damaged.
    damaged: int = 0
    #: Commit frames among :attr:`damaged`: transactions that were committed and will be dropped.
    damaged_commits: int = 0
    #: Bytes after the last valid commit (the whole file when the header is bad).
    tail_bytes: int = 0
    #: How many frames the last writer had committed, from the shared-memory index (``-shm``) beside the log when
    #: it describes this log; None when there is no such index (or it was not read).
    indexed: int | None = None

    @property
    def lost(self) -> bool:
        """True when committed edits are in the log that SQLite cannot replay.

        A damaged commit frame, or any damaged frame followed by more of this log, is proof. A log that merely
        ends in part of a frame after its last commit is either cut short or a transaction that failed
        half-written (a full disk): the index, when it describes this log, tells which (its writer's last
        commit); without it, or with a bad header, the log counts as damaged.
        """
        if self.size == 0:
            return False
        if not self.header_ok:
            return self.indexed is None or self.indexed > 0
        if self.damaged_commits or self.damaged > 1 or (self.indexed or 0) > self.committed:
            return True
        return self.damaged == 1 and self.indexed is None

    @property
    def unreadable(self) -> bool:
        """True when SQLite will ignore bytes of this log (a bad header, damaged frames), lost or not."""
        return self.size > 0 and (not self.header_ok or self.damaged > 0)

    @property
    def healthy(self) -> bool:
        return not self.lost

    def describe(self) -> str:
        """One clause for an analyst: what is wrong with the log (call only when it is not :attr:`healthy`)."""
        if not self.header_ok:
            return f"the write-ahead log has a damaged header, so none of its {self.size:,} bytes can be read"
        past = self.unfinished + self.damaged
        return (f"the write-ahead log holds {past} frame{'s' if past != 1 else ''} (~{self.tail_bytes:,} bytes) "
                "past its last valid commit that SQLite cannot replay")


def wal_path(project: str | os.PathLike) -> Path:
    return Path(f"{project}-wal")


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (here: the 24 bytes of the header before its checksum), from ``(s0, s1)``."""
    for x0, x1 in struct.iter_unpack(">2I" if big_endian else "<2I", data):
        s0 = (s0 + x0 + s1) & _MASK
        s1 = (s1 + x1 + s0) & _MASK
    return s0, s1


def _frame_sums(chunk: bytes, frame: int, big_endian: bool) -> tuple[tuple[int, ...], list[int], list[int]]:
    """For each whole frame in ``chunk``: what its checksum adds to the one it carries on from.

    Each step of SQLite's checksum is linear, ``(s0, s1) <- (s0 + s1 + x0, s0 + 2*s1 + x0 + x1)``, so over a frame
    (its first 8 bytes, then its page) it is ``M**n (s0, s1) + (d0, d1)``, where ``(d0, d1)`` depends on the frame
    alone: numpy computes it for many frames at once (uint64 wraps modulo 2**64, a multiple of 2**32, so the low
    32 bits come out right). Returns the entries of ``M**n`` and the lists of ``d0`` and ``d1``.
    """
    import numpy as np  # heavy: loaded only when a log has frames to read

    count = len(chunk) // frame
    raw = np.frombuffer(chunk, dtype=np.uint8, count=count * frame).reshape(count, frame)
    payload = np.ascontiguousarray(np.concatenate([raw[:, :8], raw[:, FRAME_HEADER:]], axis=1))
    words = payload.view(">u4" if big_endian else "<u4").astype(np.uint64)
    x0, x1 = words[:, 0::2], words[:, 1::2]
    both = x0 + x1
    p00, p01, p10, p11 = (row[1:] for row in _step_powers(x0.shape[1]))
    d0 = ((x0 * p00).sum(axis=1) + (both * p01).sum(axis=1)) & np.uint64(_MASK)
    d1 = ((x0 * p10).sum(axis=1) + (both * p11).sum(axis=1)) & np.uint64(_MASK)
    step = tuple(int(row[0]) for row in _step_powers(x0.shape[1]))
    return step, d0.tolist(), d1.tolist()


_POWERS: dict[int, tuple] = {}


def _step_powers(n: int) -> tuple:
    """The entries of M**n, M**(n-1), ..., M**0 (M = [[1, 1], [1, 2]], modulo 2**32), as four numpy arrays:
    entry ``1 + k`` weighs the ``k``-th word pair in the checksum after all ``n`` pairs."""
    import numpy as np  # heavy: see _frame_sums

    if n not in _POWERS:
        rows = np.zeros((4, n + 1), dtype=np.uint64)
        m = (1, 0, 0, 1)
        for k in range(n + 1):  # rows[:, n - k] holds M**k
            rows[:, n - k] = m
            m = ((m[0] + m[2]) & _MASK, (m[1] + m[3]) & _MASK,
                 (m[0] + 2 * m[2]) & _MASK, (m[1] + 2 * m[3]) & _MASK)
        _POWERS[n] = tuple(rows)
    return _POWERS[n]


def read_wal(project: str | os.PathLike, index: bool = True) -> WalState:
    """What the write-ahead log beside ``project`` holds (a missing or empty log is healthy and empty).

    Read a few frames at a time: a log may be as large as the biggest transaction. With ``index`` the ``-shm``
    beside it is read too. Never pass it in a process that has the project open: SQLite locks ``-shm`` with
    POSIX locks, and closing any descriptor of that file drops them all.
    """
    shm = None
    if index:
        try:
            with open(f"{project}-shm", "rb") as fh:
                shm = fh.read(2 * _INDEX_HEADER)
        except OSError:
            shm = None
    try:
        with open(wal_path(project), "rb") as fh:  # the -wal, never the project file (its locks, see files.py)
            return _scan(fh, os.fstat(fh.fileno()).st_size, shm)
    except FileNotFoundError:
        return WalState(0)


def parse_wal(data: bytes, shm: bytes | None = None) -> WalState:
    """What the write-ahead log ``data`` holds (see :class:`WalState`); ``shm``: the start of its ``-shm``."""
    return _scan(io.BytesIO(data), len(data), shm)


#: The wal-index header in ``-shm``: two identical copies of 48 bytes, in the machine's byte order.
_INDEX_HEADER = 48
#: How many bytes of frames are checked at once.
_CHUNK = 1 << 20


def _indexed(shm: bytes | None, salts: bytes) -> int | None:
    """The last committed frame recorded in the index ``shm``, if it is intact and describes the log of ``salts``."""
    if shm is None or len(shm) < 2 * _INDEX_HEADER or shm[:_INDEX_HEADER] != shm[_INDEX_HEADER:2 * _INDEX_HEADER]:
        return None
    version, _unused, _change, is_init = struct.unpack_from("=3IB", shm, 0)
    if version != VERSION or is_init != 1 or (salts and shm[32:40] != salts):
        return None
    return struct.unpack_from("=I", shm, 16)[0]


def _scan(fh: BinaryIO, size: int, shm: bytes | None) -> WalState:
    if size == 0:
        return WalState(0)
    head = fh.read(HEADER)
    if size >= HEADER:
        magic, version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(">8I", head)
    if (size < HEADER or magic not in MAGIC or version != VERSION or page_size < 512 or page_size > 65536
            or page_size & (page_size - 1) or _checksum(head[:24], bool(magic & 1), 0, 0) != (c0, c1)):
        return WalState(size, header_ok=False, tail_bytes=size, indexed=_indexed(shm, b""))
    frame = FRAME_HEADER + page_size
    valid, committed, commit_end = _valid_frames(fh, frame, (salt1, salt2), (c0, c1), bool(magic & 1))
    offset = HEADER + valid * frame
    damaged, commits = _ours_after(fh, size, offset, frame, (salt1, salt2))
    return WalState(size, committed=committed, unfinished=valid - committed, damaged=damaged,
                    damaged_commits=commits, tail_bytes=size - commit_end, indexed=_indexed(shm, head[16:24]))


def _valid_frames(fh: BinaryIO, frame: int, salts: tuple[int, int], sums: tuple[int, int],
                  big_endian: bool) -> tuple[int, int, int]:
    """Walk the frames after the header while their salts and checksums hold: how many are valid, how many of
    those end with the last commit frame, and the offset just after that commit frame."""
    s0, s1 = sums
    valid = committed = 0
    commit_end = HEADER
    per_chunk = max(1, _CHUNK // frame)
    while True:
        chunk = fh.read(per_chunk * frame)
        count = len(chunk) // frame
        if count == 0:
            return valid, committed, commit_end
        (m00, m01, m10, m11), d0, d1 = _frame_sums(chunk, frame, big_endian)
        for i in range(count):
            pgno, commit, f1, f2, k0, k1 = struct.unpack_from(">6I", chunk, i * frame)
            s0, s1 = (m00 * s0 + m01 * s1 + d0[i]) & _MASK, (m10 * s0 + m11 * s1 + d1[i]) & _MASK
            if pgno == 0 or (f1, f2) != salts or (s0, s1) != (k0, k1):
                return valid, committed, commit_end
            valid += 1
            if commit:
                committed, commit_end = valid, HEADER + valid * frame
        if count < per_chunk:
            return valid, committed, commit_end


def _ours_after(fh: BinaryIO, size: int, offset: int, frame: int, salts: tuple[int, int]) -> tuple[int, int]:
    """How many frames from ``offset`` on carry this log's salts, and how many of them are whole commit frames.

    A cut-off last frame counts when it carries them, or when it is too short to tell. SQLite writes a log from
    its start, so the first frames of other salts (left from before the log was restarted) end the search; one
    is passed over, in case the damage hit that frame's salts.
    """
    count = commits = foreign = 0
    while offset < size and foreign < 2:
        fh.seek(offset)
        head = fh.read(16)
        if len(head) < 16:
            count += 1
        else:
            _pgno, commit, f1, f2 = struct.unpack(">4I", head)
            if (f1, f2) == salts:
                count += 1
                foreign = 0
                commits += bool(commit) and offset + frame <= size  # a cut-off commit may never have been made
            else:
                foreign += 1
        offset += frame
    return count, commits


def inspect_wal(project: str | os.PathLike, index: bool = True) -> WalState | None:
    """The state of the log beside ``project`` when it is damaged, else None. ``index``: see :func:`read_wal`.

    Read twice when it looks damaged: a log another program is writing right now may show a frame half written,
    which the second look no longer shows. A log that ends in part of a frame and was found damaged before (an
    identical copy lies beside it) stays damaged: the first look had the proof, which SQLite has since erased by
    rebuilding the index.
    """
    state = read_wal(project, index)
    if not state.healthy:
        state = read_wal(project, index)
    if state.healthy and not (state.unreadable and _earlier_copy(wal_path(project)) is not None):
        return None
    return state


def _earlier_copy(source: Path) -> Path | None:
    """A copy of the log ``source`` kept earlier with exactly its bytes, if there is one."""
    try:
        size = source.stat().st_size
        earlier = sorted(source.parent.glob(f"{glob_escape(source.name)}.damaged-*"))
    except OSError:
        return None
    for path in earlier:
        with contextlib.suppress(OSError):
            if path.stat().st_size == size and filecmp.cmp(path, source, shallow=False):
                return path
    return None


def keep_damaged_copy(project: str | os.PathLike) -> Path:
    """Copy the log beside the project as ``NAME-wal.damaged-YYYYMMDD-HHMMSS``; an identical copy kept earlier is
    reused (each command that meets the log would otherwise add one)."""
    source = wal_path(project)
    earlier = _earlier_copy(source)
    if earlier is not None:
        return earlier
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = source.with_name(f"{source.name}.damaged-{stamp}-{n}")
    try:
        shutil.copyfile(source, target)
    except OSError:
        with contextlib.suppress(OSError):
            target.unlink()  # no half copy on a full disk
        raise
    return target


def damage_sentence(project: Path, state: WalState, copy: Path | None, error: OSError | None = None) -> str:
    """One sentence for an analyst about a damaged log: what is wrong, since when edits may be lost, the copy."""
    try:
        written = datetime.fromtimestamp(wal_path(project).stat().st_mtime, timezone.utc)
        since = f"edits saved up to {written:%Y-%m-%d %H:%M:%S} UTC may be lost"
    except OSError:
        since = "recent edits may be lost"
    kept = (f"a copy of the log was kept at {copy}" if copy is not None
            else f"no copy of the log could be kept ({error.strerror if error else 'unknown reason'}), so the "
                 "project is only read until one can be")
    return f"In {project.name}, {state.describe()}: {since}; {kept}."


@dataclass(frozen=True)
class DamagedLog:
    """What an open found: the sentence for the analyst, and whether a copy of the log could be kept."""

    sentence: str
    kept: bool


def keep_damaged_log(project: str | os.PathLike, index: bool = True) -> DamagedLog | None:
    """Before a project is opened: when the log beside ``project`` is damaged, copy it beside the project and
    say so; None for a healthy log. ``index``: see :func:`read_wal`.

    Any open looks, not only a read-write one (which makes SQLite drop what it cannot replay): the first
    connection after a crash rebuilds the index, and with it the proof that a cut-short log lost commits.
    """
    project = Path(project)
    state = inspect_wal(project, index)
    if state is None:
        return None
    try:
        return DamagedLog(damage_sentence(project, state, keep_damaged_copy(project)), True)
    except OSError as exc:
        return DamagedLog(damage_sentence(project, state, None, exc), False)
