"""Hostile inputs of issue 13 through the real command line: seconds, peak memory and the one-line refusal.

    python benchmarks/hostile.py

Each case runs ``annotator`` in a child process (peak RSS from ``getrusage``
of the children, so each child is measured alone: the largest so far is
reported, cases run from small to large) on a project that must stay
byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

DEEP = 100_000
HEAD = '{"format": "annotator.annotation-set", "version": 1, '


def docx_bomb(path: Path) -> None:
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    source = zipfile.ZipFile(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
        with target.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 24)
            for _ in range(64):
                fh.write(chunk)


def cases(tmp: Path) -> list[tuple[str, list[str]]]:
    deep = tmp / "deep-after-documents.json"
    deep.write_text(HEAD + '"documents": [], "x": ' + "[" * DEEP + "]" * DEEP + ', "annotations": []}')
    objects = tmp / "deep-in-annotations.json"
    objects.write_text(HEAD + '"documents": [], "annotations": [' + '{"a":' * DEEP + "1" + "}" * DEEP + "]}")
    title = tmp / "deep-title.json"
    title.write_text(HEAD + '"documents": [{"id": "x", "title": ' + "[" * DEEP + "]" * DEEP + '}], "annotations": []}')
    line = tmp / "line.txt"
    with open(line, "wb") as fh:
        fh.write(b"x" * (100 * 1024 * 1024))
    bomb = tmp / "bomb.docx"
    docx_bomb(bomb)
    return [
        (f"JSON set, arrays 100,000 deep after documents ({deep.stat().st_size // 1024} KB)", ["import", deep]),
        ("JSON set, objects 100,000 deep inside annotations", ["import", objects]),
        ("JSON set, a title 100,000 deep", ["import", title]),
        ("a 100 MB single line (.txt)", ["add", line]),
        (f"docx zip bomb ({bomb.stat().st_size / 1e6:.1f} MB file, 1 GB document.xml)", ["add", bomb]),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = tmp / "p.sqlite"
        subprocess.run([sys.executable, "-m", "annotator", "init", str(project)], check=True, capture_output=True)
        before = hashlib.sha256(project.read_bytes()).hexdigest()
        for name, args in cases(tmp):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "annotator", args[0], str(project), *map(str, args[1:])],
                                  capture_output=True, env={**os.environ, "ANNOTATOR_HOME": str(tmp / "home")})
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            same = hashlib.sha256(project.read_bytes()).hexdigest() == before
            print(f"{name}: exit {done.returncode}, {seconds:.2f} s, peak RSS so far {peak:.0f} MB, "
                  f"project {'unchanged' if same else 'CHANGED'}\n    {done.stderr.decode().strip()}")


if __name__ == "__main__":
    main()
