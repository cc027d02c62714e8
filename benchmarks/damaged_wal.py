"""A damaged write-ahead log after kill -9 (issue 20, D10): is it reported, kept, and left alone by readers?

    python benchmarks/damaged_wal.py [--trials 20] [--seed 20]

Each trial runs ``apply`` on a 600-line edit file and SIGKILLs it after a random number of acknowledgements
(so the kill lands anywhere in a transaction), then looks at four copies of the killed project: the log as the
kill left it, cut to half, with 8 bytes flipped a third of the way in, and with a bit of its header flipped.
For each copy: how many acknowledged edits SQLite can no longer read, whether ``check`` reported the log (a loss
must never be silent; a log whose damage fell in frames left from before its last restart loses nothing and is
rightly quiet), whether the copy kept beside the project holds exactly the damaged log, and whether ``documents``
and ``export`` (which only read) left the log byte for byte as it was. The project directory is a temporary one; nothing else is touched.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crash_harness import damage_wal, kill_apply, make_project, write_edits  # noqa: E402

from annotator.cli import main as cli  # noqa: E402
from annotator.core.store import Store  # noqa: E402

DAMAGES = ("none", "half", "flip", "header")


def quiet(*args: str) -> tuple[int, str]:
    """Run a command in this process; its exit code and the last line it printed on standard output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(list(args))
    lines = out.getvalue().splitlines()
    return code, lines[-1] if lines else ""


def one(folder: Path, killed: Path, how: str, acked: list[str], tally: Counter) -> None:
    folder.mkdir()
    project = folder / "p.sqlite"
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{killed}{suffix}", f"{project}{suffix}")
    wal = Path(f"{project}-wal")
    damage_wal(wal, how)
    damaged = wal.read_bytes()
    for reader in (["documents", str(project)], ["export", str(project), "-f", "json"]):
        quiet(*reader)
        tally[f"{how}: log changed by a reader"] += wal.read_bytes() != damaged
    code, verdict = quiet("check", str(project))
    flagged = code == 2 and "DAMAGED" in verdict
    copies = list(folder.glob("p.sqlite-wal.damaged-*"))
    tally[f"{how}: copy"] += len(copies) == 1 and copies[0].read_bytes() == damaged
    with Store.open(project, readonly=True) as store:
        present = {a.id for a in store.iter_annotations()}
    lost = sum(1 for a in acked if a not in present)
    tally[f"{how}: lost"] += lost
    tally[f"{how}: {'lost' if lost else 'kept'}, {'flagged' if flagged else 'quiet'}"] += 1


def run(trials: int, seed: int) -> Counter:
    rng = random.Random(seed)
    tally: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for trial in range(trials):
            killed = tmp / f"killed{trial}.sqlite"
            doc = make_project(killed)
            acked = kill_apply(killed, write_edits(tmp / "e.jsonl", doc, 600, seed=trial), rng.randrange(5, 400))
            tally["acknowledged"] += len(acked)
            for how in DAMAGES:
                one(tmp / f"t{trial}-{how}", killed, how, acked, tally)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    tally = run(args.trials, args.seed)
    print(f"{args.trials} kill -9 trials of apply, {tally['acknowledged']} edits acknowledged")
    print("log     acknowledged edits lost: reported / in silence;  none lost: reported / quiet;  copy;  "
          "log changed by a reader;  edits lost")
    for how in DAMAGES:
        print(f"{how:<8}{tally[f'{how}: lost, flagged']:>34} / {tally[f'{how}: lost, quiet']:<14}"
              f"{tally[f'{how}: kept, flagged']:>11} / {tally[f'{how}: kept, quiet']:<7}{tally[f'{how}: copy']:>5}"
              f"{tally[f'{how}: log changed by a reader']:>26}{tally[f'{how}: lost']:>13}")

if __name__ == "__main__":
    main()
