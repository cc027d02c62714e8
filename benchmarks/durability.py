"""Kill -9 and two-writer trials at the sizes docs/durability.md reports; prints trials / acknowledged / lost.

    python benchmarks/durability.py [--apply-trials 25] [--import-trials 15] [--import-size 300000]
                                    [--writer-trials 5] [--seed 13]

``apply`` runs 2,000-line edit files and is SIGKILLed after a random number
of acknowledgements (0-1,500); ``import`` runs a JSON set and is SIGKILLed at a
random moment of its run; two ``apply`` processes write one project at once.
After every trial the project is reopened and checked (``PRAGMA
integrity_check``, every acknowledged id present, an import all or nothing).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))

from crash_harness import (  # noqa: E402
    Tally,
    kill_apply_trial,
    kill_import_trial,
    make_project,
    two_writers_trial,
    write_edits,
    write_set,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply-trials", type=int, default=25)
    parser.add_argument("--import-trials", type=int, default=15)
    parser.add_argument("--import-size", type=int, default=300_000)
    parser.add_argument("--writer-trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = tmp / "apply.sqlite"
        doc = make_project(project)
        tally = Tally()
        for trial in range(args.apply_trials):
            edits = write_edits(tmp / "e.jsonl", doc, 2000, seed=trial)
            kill_apply_trial(project, edits, rng.randrange(0, 1500), tally)
        print(f"kill -9 of apply:   {tally}")

        set_file = write_set(tmp / "set.json", make_project(tmp / "probe.sqlite"), args.import_size)
        started = time.perf_counter()
        full = Tally()
        kill_import_trial(tmp / "probe.sqlite", set_file, 3600, args.import_size, full)
        whole = time.perf_counter() - started
        print(f"one uninterrupted import of {args.import_size:,} annotations: {whole:.1f} s")
        tally, outcomes = Tally(), {"nothing": 0, "everything": 0}
        for trial in range(args.import_trials):
            project = tmp / f"import{trial}.sqlite"
            make_project(project)
            landed = kill_import_trial(project, set_file, rng.uniform(0.05, 0.95) * whole, args.import_size, tally)
            outcomes["everything" if landed else "nothing"] += 1
            project.unlink()
        print(f"kill -9 of import:  {tally}; outcomes {outcomes}")

        tally = Tally()
        for trial in range(args.writer_trials):
            project = tmp / f"writers{trial}.sqlite"
            doc = make_project(project)
            edits = [write_edits(tmp / f"w{i}.jsonl", doc, 1000, seed=1000 * trial + i, annotator=f"w{i}")
                     for i in range(2)]
            codes, count = two_writers_trial(project, edits, tally)
            if codes != [0, 0] or count != 2000:
                print(f"  trial {trial}: exit codes {codes}, {count} annotations; {tally.errors[-1:]}")
        print(f"two writers (2 x 1,000 edits): {tally}")


if __name__ == "__main__":
    main()
