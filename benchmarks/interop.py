"""Export and import of N annotations as REFI-QDA, W3C Web Annotation and brat, against our own JSON, in one run.

Uses the cached exchange project of ``generate.py`` (``--n`` annotations,
default 100,000, over 8 documents), copied once with 1,000 links added between
spans of the same document and annotator (so that every format writes some).
Every measurement runs in a fresh Python process, so its peak memory is its
own: the figure is the growth of the resident set during the work (``VmHWM``
at the end minus ``VmRSS`` just before; see ``exchange.mem``).

For each format, timed end to end (files opened, written, closed):

* export: ``export_qdpx(store, FILE)``, ``export_w3c(store, fh)``,
  ``export_brat(store, DIR)``, against ``export_json(store, fh)``;
* import into a freshly created project (creating it is not timed):
  ``import_qdpx``, ``import_w3c``, ``import_brat`` of the files just
  exported, against ``import_json_file`` of the JSON export.

Runs alternate format and JSON (``--runs``, default 1; the median is
reported), so a change in machine load falls on both alike. The target: each
format within 2x of JSON, and memory that does not grow with N (``--growth``
runs everything once more at N/10 to show it).

Usage: ``python benchmarks/interop.py [--n 100000] [--runs 1] [--growth] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from exchange import mem, reset_peak  # noqa: E402

RATIO = 2.0
FORMATS = ("qdpx", "w3c", "brat")
SUFFIX = {"json": ".json", "qdpx": ".qdpx", "w3c": ".jsonld", "brat": ""}


# ----------------------------------------------------------------------- workers
def w_export(fmt: str, project: str, out: str) -> dict:
    from annotator.core.store import Store

    store = Store.open(project, readonly=True)
    if fmt == "qdpx":
        from annotator.core.formats.qdpx import export_qdpx

        count = export_qdpx(store, out)
    elif fmt == "brat":
        from annotator.core.formats.brat import export_brat

        count, _ = export_brat(store, out)
    else:
        from annotator.core.formats.json_set import export_json
        from annotator.core.formats.w3c import export_w3c

        with open(out, "w", encoding="utf-8", newline="") as fh:
            count = (export_w3c if fmt == "w3c" else export_json)(store, fh)
    store.close()
    return {"count": count}


def w_import(fmt: str, source: str, out: str) -> dict:
    from annotator.core.formats.detect import import_foreign
    from annotator.core.formats.json_set import import_json_file
    from annotator.core.store import Store

    store = Store.open(out, create=False)
    if fmt == "json":
        report = import_json_file(store, source)
    else:
        report = import_foreign(store, fmt, source, user="bench")
    store.close()
    return {"count": report.added, "links": report.links_added, "left_out": sum(report.not_imported.values())}


def size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def worker(kind: str, fmt: str, source: str, out: str) -> dict:
    from annotator.core.store import Store

    if kind == "import":
        Store.open(out).close()  # the empty project, before the clock starts
    import annotator.core.formats.detect  # noqa: F401 -- imports are not timed
    import annotator.core.formats.json_set  # noqa: F401

    reset_peak()
    before = mem("VmRSS")
    t0 = time.perf_counter()
    result = (w_import if kind == "import" else w_export)(fmt, source, out)
    elapsed = time.perf_counter() - t0
    written = Path(out if kind == "export" else source)
    result.update(seconds=elapsed, peak_growth_mb=mem("VmHWM") - before, bytes=size(written))
    return result


# ------------------------------------------------------------------------ parent
def run(kind: str, fmt: str, source: Path, out: Path) -> dict:
    if kind == "import":
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
    elif out.is_dir():
        shutil.rmtree(out)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--fmt", fmt, "--source", str(source),
           "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{kind} {fmt} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {kind:<6} {fmt:<5} {result['seconds']:8.2f} s   peak +{result['peak_growth_mb']:6.0f} MB   "
          f"{result['bytes'] / 1e6:7.1f} MB   {result['count']} annotations", flush=True)
    return result


def with_links(project: Path, folder: Path, links: int = 1000) -> Path:
    """A copy of ``project`` with ``links`` links between neighbouring spans of one document and annotator."""
    copy = folder / "project.sqlite"
    if copy.exists():
        return copy
    conn = sqlite3.connect(project)
    conn.execute("VACUUM INTO ?", [str(copy)])
    conn.close()
    from annotator.core.store import Store

    store = Store.open(copy, create=False)
    previous: dict[tuple[str, str], str] = {}
    made = 0
    with store.transaction():
        for a in store.iter_annotations():
            key = (a.document, a.annotator)
            if key in previous and made < links:
                store.add_link("same as" if made % 2 else "contradicts", previous[key], a.id, a.annotator)
                made += 1
            previous[key] = a.id
            if made >= links:
                break
    store.close()
    return copy


def measure(n: int, runs: int, folder: Path) -> dict:
    import generate

    project = with_links(generate.exchange_project(n, 8), folder)
    figures: dict[str, dict] = {}
    exported = {fmt: folder / f"export{SUFFIX[fmt]}" if fmt != "brat" else folder / "brat"
                for fmt in ("json", *FORMATS)}
    for fmt in FORMATS:
        mine = {"export": [], "import": []}
        ours = {"export": [], "import": []}
        for _ in range(runs):
            mine["export"].append(run("export", fmt, project, exported[fmt]))
            ours["export"].append(run("export", "json", project, exported["json"]))
            mine["import"].append(run("import", fmt, exported[fmt], folder / "in.sqlite"))
            ours["import"].append(run("import", "json", exported["json"], folder / "in.sqlite"))
        for kind in ("export", "import"):
            a = statistics.median(r["seconds"] for r in mine[kind])
            b = statistics.median(r["seconds"] for r in ours[kind])
            figures[f"{kind} {fmt}"] = {
                "seconds": a, "json_seconds": b, "ratio": a / b,
                "peak_growth_mb": max(r["peak_growth_mb"] for r in mine[kind]),
                "json_peak_growth_mb": max(r["peak_growth_mb"] for r in ours[kind]),
                "count": mine[kind][-1]["count"], "bytes": mine[kind][-1]["bytes"],
            }
    return figures


def table(figures: dict, small: dict | None) -> None:
    header = ["workload", "time", "JSON", "ratio", "peak RSS", "JSON peak"] + (["peak at N/10"] if small else []) + [
        "verdict"]
    rows = []
    for name, f in figures.items():
        row = [name, f"{f['seconds']:.2f} s", f"{f['json_seconds']:.2f} s", f"{f['ratio']:.2f}x",
               f"+{f['peak_growth_mb']:.0f} MB", f"+{f['json_peak_growth_mb']:.0f} MB"]
        if small:
            row.append(f"+{small[name]['peak_growth_mb']:.0f} MB")
        row.append("ok" if f["ratio"] <= RATIO else f"over {RATIO}x")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(header)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="annotations")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--growth", action="store_true", help="also run at N/10, to show memory does not grow")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--worker", choices=("export", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--fmt", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.fmt, args.source, args.out)))
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="annotator-interop-") as tmp:
        print(f"N = {args.n:,} annotations, 1,000 links, {args.runs} run(s) each", flush=True)
        big_dir, small_dir = Path(tmp) / "n", Path(tmp) / "n10"
        big_dir.mkdir()
        figures = measure(args.n, args.runs, big_dir)
        small = None
        if args.growth:
            small_dir.mkdir()
            print(f"N/10 = {args.n // 10:,}", flush=True)
            small = measure(args.n // 10, 1, small_dir)
    print()
    table(figures, small)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"n": args.n, "figures": figures, "n10": small}, indent=2))


if __name__ == "__main__":
    main()
