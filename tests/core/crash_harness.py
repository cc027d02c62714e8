"""Kill -9 and two-writer trials against real ``annotator`` processes (used by tests and benchmarks/durability.py).

Every trial ends the same way: the project is reopened, ``PRAGMA
integrity_check`` must say ok, and every acknowledged id must be in it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.store import Store

TEXT = "".join(f"Sentence {i} says that the plan has {i % 40} points.\n" for i in range(2000))


@dataclass
class Tally:
    trials: int = 0
    acknowledged: int = 0
    lost: int = 0
    doubled: int = 0
    integrity_failures: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.trials} trials, {self.acknowledged} acknowledged, {self.lost} lost, "
                f"{self.doubled} doubled, {self.integrity_failures} integrity failures")


def make_project(path: Path) -> str:
    """A project with one long document; returns its id."""
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT, "Long")
    return doc.id


def write_edits(path: Path, doc: str, count: int, seed: int, annotator: str = "script") -> Path:
    """``count`` add edits on random spans, with a note so that each is unique."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(count):
            start = rng.randrange(0, len(TEXT) - 20)
            fh.write(json.dumps({"op": "add", "document": doc, "start": start, "end": start + rng.randrange(1, 20),
                                 "label": "Claim", "annotator": annotator, "note": f"{seed}-{i}"}) + "\n")
    return path


def spawn(*args: str | os.PathLike) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "annotator", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


def check(project: Path, acked: list[str], tally: Tally) -> set[str]:
    """Integrity and presence of every acknowledged id; returns the ids in the project."""
    conn = sqlite3.connect(project)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            tally.integrity_failures += 1
        present = {r[0] for r in conn.execute("SELECT id FROM annotations")}
    finally:
        conn.close()
    tally.acknowledged += len(acked)
    tally.lost += sum(1 for a in acked if a not in present)
    return present


def kill_apply_trial(project: Path, edits: Path, kill_after: int, tally: Tally) -> list[str]:
    """Run ``apply``, SIGKILL it once ``kill_after`` acks were read, and check what survived."""
    acked = kill_apply(project, edits, kill_after)
    tally.trials += 1
    check(project, acked, tally)
    return acked


def kill_apply(project: Path, edits: Path, kill_after: int) -> list[str]:
    """Run ``apply`` and SIGKILL it once ``kill_after`` acks were read; returns every acknowledged id.

    The project is left as the kill left it: its ``-wal`` and ``-shm`` beside it, nothing opened since.
    """
    proc = spawn("apply", project, edits)
    acked = []
    try:
        while len(acked) < kill_after:
            line = proc.stdout.readline()
            if not line:
                break
            acked.append(json.loads(line)["id"])
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return acked + [json.loads(line)["id"] for line in rest.decode().splitlines() if line.strip()]


def kill_import_trial(project: Path, set_file: Path, delay: float, expected: int, tally: Tally) -> int:
    """Run ``import``, SIGKILL it after ``delay`` seconds; returns how many annotations landed (0 or all)."""
    proc = spawn("import", project, set_file)
    try:
        proc.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    tally.trials += 1
    present = check(project, [], tally)
    if len(present) not in (0, expected):
        tally.lost += 1
    return len(present)


def two_writers_trial(project: Path, edits: list[Path], tally: Tally) -> tuple[list[int], int]:
    """Run one ``apply`` per edits file at once; returns their exit codes and how many annotations exist."""
    procs = [spawn("apply", project, e) for e in edits]
    acked: list[str] = []
    codes = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        codes.append(proc.returncode)
        if proc.returncode:
            tally.errors.append(err.decode().strip())
        acked += [json.loads(line)["id"] for line in out.decode().splitlines() if line.strip()]
    tally.trials += 1
    present = check(project, acked, tally)
    tally.doubled += len(acked) - len(set(acked))
    conn = sqlite3.connect(project)
    notes = [r[0] for r in conn.execute("SELECT note FROM annotations")]
    conn.close()
    tally.doubled += len(notes) - len(set(notes))
    return codes, len(present)


def write_set(path: Path, doc: str, count: int) -> Path:
    """A JSON set with ``count`` annotations on the document of :func:`make_project`."""
    rng = random.Random(count)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"format": "annotator.annotation-set", "version": 1, ')
        fh.write('"documents": [' + json.dumps({"id": doc, "title": "Long", "text": TEXT}) + '], "annotations": [')
        for i in range(count):
            start = rng.randrange(0, len(TEXT) - 20)
            end = start + rng.randrange(1, 20)
            fh.write(("," if i else "") + json.dumps({"id": f"a{i}", "document": doc, "label": "Claim", "start": start,
                                                       "end": end, "quote": TEXT[start:end], "annotator": "bulk"}))
        fh.write("]}")
    return path


def damage_wal(wal: Path, how: str) -> bytes:
    """Damage a write-ahead log as a fault run found them: ``half`` (cut to half its size), ``flip`` (eight bytes
    inverted a third of the way in) or ``header`` (a byte of the page size); ``none`` leaves it as it is. Returns
    the log's bytes afterwards."""
    data = bytearray(wal.read_bytes())
    if how == "half":
        data = data[: len(data) // 2]
    elif how == "flip":
        for at in range(len(data) // 3, len(data) // 3 + 8):
            data[at] ^= 0xFF
    elif how == "header":
        data[10] ^= 0x01
    wal.write_bytes(bytes(data))
    return bytes(data)
