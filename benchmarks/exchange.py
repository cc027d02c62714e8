"""Export and import of 1,000,000 annotations, against raw baselines measured in the same run.

Uses (and builds once, cached; see ``generate.py``) a project with ``--n``
annotations (default 1,000,000) over 8 documents. Every measurement runs in a
fresh Python process, so its peak memory is its own: the figure reported is
the growth of the resident set during the work (``VmHWM`` at the end minus
``VmRSS`` just before), the maximum over the runs. Times are medians of
``--runs`` runs (default 3); annotator's runs alternate with its baseline's, so
a change in machine load falls on both alike and the ratio stays fair.

Annotator's paths, timed end to end (file opened, written, closed):

* export CSV: ``annotator.core.formats.csv_set.export_csv(store, out)``;
* export JSON: ``annotator.core.formats.json_set.export_json(store, out)``;
* import JSON: ``import_json_file(store, path)`` (streaming, with ijson) into
  a freshly created project (creating the empty project is not timed).

Raw baselines, the same work done the plainest fast way:

* CSV: one ``sqlite3`` cursor over the same join and order, straight into
  ``csv.writer.writerows`` (same columns and header; no formula-escaping);
* JSON: the same document shape, the annotations streamed from one cursor
  and encoded one by one with the C encoder (``json.dumps``); for reference
  also plain ``json.dump`` of the whole object built in memory (it uses the
  pure-Python encoder, so it is the slower of the two; the ratio is taken
  against the faster one);
* import: ``json.load`` of the same file, then ``executemany`` of documents,
  texts, labels, annotators and annotations into an empty project of the same
  schema (its full-text triggers included), ``foreign_keys=ON``, one transaction.

Plain baselines (the targets of the bulk-import issue), the plainest realistic way to keep such data:

* import: ``json.load`` of the same file, then one ``executemany`` into ONE
  table with a TEXT primary key and three secondary indexes (document+start,
  label, annotator), WAL and ``synchronous=FULL``; annotator's import must stay
  within 1.5x of it;
* CSV: ``csv.writer`` over ``SELECT *`` of that table (no join, no order, no
  escaping); annotator's CSV export (formula escaping kept) within 1.2x.

With ``--growth`` (default on) the annotator paths also run once at N/10, so
the table shows whether their memory grows with the number of annotations.

Usage: ``python benchmarks/exchange.py [--n 1000000] [--runs 3] [--imports N] [--no-growth] [--no-dump-reference]
[--profile DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

EXPORT_RATIO = 1.5
IMPORT_RATIO = 2.0
JSON_EXPORT_RATIO = 1.0
#: Targets against the plain baselines (one table, three indexes; ``csv.writer`` over ``SELECT *``).
PLAIN_IMPORT_RATIO = 1.5
PLAIN_CSV_RATIO = 1.2

CSV_COLUMNS = (
    "annotation_id", "document_id", "document_title", "source", "label", "start", "end",
    "quote", "annotator", "note", "status", "created", "modified", "reviewer", "reviewed", "review_note",
)
ANN_KEYS = ("id", "document", "label", "start", "end", "quote", "annotator", "note", "status", "created", "modified",
            "reviewer", "reviewed", "review_note")
ORDER = 'ORDER BY a.document, a.start, a."end", a.id'


def mem(field: str) -> float:
    """``/proc/self/status`` field in MB (VmRSS, VmHWM); psutil where there is no /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import psutil

    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", 0) if field == "VmHWM" else 0  # Windows keeps a peak; elsewhere, now
    return (peak or info.rss) / 2**20


def reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the peak is the work's own."""
    try:
        with open(f"/proc/{os.getpid()}/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


# ----------------------------------------------------------------------- workers
def w_export_csv(project: str, out: str) -> dict:
    from annotator.core.formats.csv_set import export_csv
    from annotator.core.store import Store

    store = Store.open(project, readonly=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        count = export_csv(store, fh)
    store.close()
    return {"count": count}


def w_baseline_csv(project: str, out: str) -> dict:
    conn = sqlite3.connect(project)
    cursor = conn.execute(
        'SELECT a.id, a.document, d.title, d.source, a.label, a.start, a."end", a.quote, a.annotator, a.note, '
        "a.status, a.created, a.modified, a.reviewer, a.reviewed, a.review_note "
        f"FROM annotations a JOIN documents d ON d.id = a.document {ORDER}"
    )
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(cursor)
    conn.close()
    return {}


def w_export_json(project: str, out: str) -> dict:
    from annotator.core.formats.json_set import export_json
    from annotator.core.store import Store

    store = Store.open(project, readonly=True)
    with open(out, "w", encoding="utf-8") as fh:
        count = export_json(store, fh)
    store.close()
    return {"count": count}


def _json_head(conn: sqlite3.Connection) -> dict:
    return {
        "format": "annotator.annotation-set",
        "version": 2,
        "exported": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "generator": "baseline",
        "labels": [dict(zip(("name", "color", "shortcut", "description"), r)) for r in
                   conn.execute("SELECT name, color, shortcut, description FROM labels ORDER BY position, name")],
        "documents": [dict(zip(("id", "title", "source", "published", "url", "length", "text"), r)) for r in
                      conn.execute("SELECT d.id, title, source, published, url, length, t.text FROM documents d "
                                   "JOIN document_texts t ON t.id = d.id ORDER BY position, added, d.id")],
    }


def _annotation_rows(conn: sqlite3.Connection):
    return conn.execute(
        'SELECT a.id, a.document, a.label, a.start, a."end", a.quote, a.annotator, a.note, a.status, a.created, '
        f"a.modified, a.reviewer, a.reviewed, a.review_note FROM annotations a {ORDER}"
    )


def w_baseline_json(project: str, out: str) -> dict:
    conn = sqlite3.connect(project)
    head = _json_head(conn)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(dumps(head)[:-1] + ', "annotations": [')
        first = True
        for row in _annotation_rows(conn):
            if not first:
                fh.write(",\n")
            first = False
            fh.write(dumps(dict(zip(ANN_KEYS, row))))
        fh.write("],\n")
        annotators = [{"id": i, "name": n} for i, n in conn.execute("SELECT id, name FROM annotators ORDER BY id")]
        fh.write(f'"annotators": {dumps(annotators)}, "links": []}}\n')
    conn.close()
    return {}


def w_dump_json(project: str, out: str) -> dict:
    conn = sqlite3.connect(project)
    data = _json_head(conn)
    data["annotations"] = [dict(zip(ANN_KEYS, row)) for row in _annotation_rows(conn)]
    data["annotators"] = [{"id": i, "name": n} for i, n in conn.execute("SELECT id, name FROM annotators ORDER BY id")]
    data["links"] = []
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    conn.close()
    return {}


def w_import(source: str, out: str) -> dict:
    from annotator.core.formats.json_set import import_json_file
    from annotator.core.store import Store

    store = Store.open(out)  # the fresh project; created before the clock starts (see main)
    report = import_json_file(store, source)
    store.close()
    return {"count": report.added}


def w_baseline_import(source: str, out: str) -> dict:
    conn = sqlite3.connect(out)
    conn.execute("PRAGMA foreign_keys = ON")
    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    with conn:
        conn.executemany(
            "INSERT INTO documents (id, title, source, published, url, length, added, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(d["id"], d["title"], d["source"], d["published"], d["url"], d["length"], data["exported"], i)
             for i, d in enumerate(data["documents"])],
        )
        conn.executemany("INSERT INTO document_texts (id, text) VALUES (?, ?)",
                         [(d["id"], d["text"]) for d in data["documents"]])
        conn.executemany("INSERT OR IGNORE INTO labels (name, color, shortcut, description, position) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(lb["name"], lb["color"], lb["shortcut"], lb["description"], i)
                          for i, lb in enumerate(data["labels"])])
        conn.executemany("INSERT OR IGNORE INTO annotators (id, name) VALUES (?, ?)",
                         [(a["id"], a["name"]) for a in data["annotators"]])
        conn.executemany(
            'INSERT INTO annotations (id, document, label, start, "end", quote, annotator, note, status, created, '
            f"modified, reviewer, reviewed, review_note) VALUES ({', '.join('?' * len(ANN_KEYS))})",
            ([a[k] for k in ANN_KEYS] for a in data["annotations"]),
        )
    count = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    conn.close()
    return {"count": count}


#: The plain baseline of the issue: one table with a TEXT primary key and three secondary indexes.
PLAIN_SCHEMA = """
CREATE TABLE annotations (
    id TEXT PRIMARY KEY, document TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, quote TEXT NOT NULL, annotator TEXT NOT NULL, note TEXT NOT NULL,
    status TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL, reviewer TEXT NOT NULL,
    reviewed TEXT NOT NULL, review_note TEXT NOT NULL
);
CREATE INDEX annotations_document_start ON annotations(document, start);
CREATE INDEX annotations_label ON annotations(label);
CREATE INDEX annotations_annotator ON annotations(annotator);
"""


def _plain_connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def w_plain_import(source: str, out: str) -> dict:
    """``json.load`` + ``executemany`` into one plain table (TEXT primary key, three indexes), WAL, FULL."""
    conn = _plain_connect(out)
    conn.executescript(PLAIN_SCHEMA)
    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    with conn:
        conn.executemany(f"INSERT INTO annotations VALUES ({', '.join('?' * len(ANN_KEYS))})",
                         ([a[k] for k in ANN_KEYS] for a in data["annotations"]))
    count = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    conn.close()
    return {"count": count}


def w_plain_csv(project: str, out: str) -> dict:
    """``csv.writer`` over ``SELECT *`` of the plain table (``project`` is a plain import's output)."""
    conn = _plain_connect(project)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(ANN_KEYS)
        writer.writerows(conn.execute("SELECT * FROM annotations"))
    conn.close()
    return {}


WORKERS = {
    "plain_import": w_plain_import, "plain_csv": w_plain_csv,
    "export_csv": w_export_csv, "baseline_csv": w_baseline_csv,
    "export_json": w_export_json, "baseline_json": w_baseline_json, "dump_json": w_dump_json,
    "import": w_import, "baseline_import": w_baseline_import,
}


def worker(kind: str, source: str, out: str, profile: str | None) -> dict:
    if kind == "plain_import":
        pass
    elif kind in ("import", "baseline_import"):
        # Create the empty project (schema, default labels) before the clock starts.
        from annotator.core.store import Store

        Store.open(out).close()
        import annotator.core.formats.json_set
    else:
        import annotator.core.formats.csv_set  # noqa: F401
    reset_peak()
    before = mem("VmRSS")
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    t0 = time.perf_counter()
    result = WORKERS[kind](source, out)
    elapsed = time.perf_counter() - t0
    if profiler:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
    result.update(seconds=elapsed, peak_growth_mb=mem("VmHWM") - before, rss_before_mb=before,
                  bytes=Path(out).stat().st_size)
    return result


# ------------------------------------------------------------------------ parent
def run(kind: str, source: Path, out: Path, profile: Path | None = None) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--source", str(source), "--out", str(out)]
    if profile:
        cmd += ["--profile-file", str(profile)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{kind} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {kind:<16} {result['seconds']:8.2f} s   peak +{result['peak_growth_mb']:7.0f} MB   "
          f"{result['bytes'] / 1e6:7.1f} MB written", flush=True)
    return result


def summary(results: list[dict]) -> dict:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "all_seconds": [r["seconds"] for r in results],
        "peak_growth_mb": max(r["peak_growth_mb"] for r in results),
        "bytes": results[-1]["bytes"],
        "count": results[-1].get("count"),
    }


def measure(kind: str, source: Path, out: Path, runs: int) -> dict:
    return summary([run(kind, source, out) for _ in range(runs)])


def measure_pair(kind: str, base: str, source: Path, out: Path, runs: int) -> tuple[dict, dict]:
    """Annotator's path and its baseline, alternated run by run so that a change in machine load
    (other processes, thermal state) falls on both alike."""
    mine, theirs = measure_group([(kind, source, out), (base, source, out.with_name("baseline-" + out.name))], runs)
    return mine, theirs


def measure_group(jobs: list[tuple[str, Path, Path]], runs: int) -> list[dict]:
    """Several workers ``(kind, source, out)``, alternated run by run (see :func:`measure_pair`)."""
    results: list[list[dict]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, (kind, source, out) in enumerate(jobs):
            results[i].append(run(kind, source, out))
    return [summary(r) for r in results]


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def table(rows, header=("workload", "measured", "target", "verdict")) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(header)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="annotations (scale down on slow machines)")
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--imports", type=int, help="runs of the imports (default: --runs)")
    parser.add_argument("--no-growth", action="store_true", help="skip the N/10 memory comparison")
    parser.add_argument("--no-dump-reference", action="store_true", help="skip the plain json.dump reference")
    parser.add_argument("--profile", help="write pyinstrument profiles of annotator's three paths here")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.source, args.out, args.profile_file)))
        return

    import generate


    started = time.perf_counter()
    project = generate.exchange_project(args.n, args.docs)
    small = generate.exchange_project(args.n // 10, args.docs) if not args.no_growth else None
    print(f"project {project} ({project.stat().st_size / 1e6:.0f} MB, {args.n:,} annotations); "
          f"{os.cpu_count()} cores; {args.runs} runs each", flush=True)
    results: dict = {"n": args.n, "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="annotator-exchange-") as tmp:
        tmp = Path(tmp)
        source = tmp / "set.json"  # annotator's own export is what every import reads
        run("export_json", project, source)
        plain = tmp / "plain.sqlite"  # the plain table, which the plain CSV baseline reads
        run("plain_import", source, plain)
        results["export_csv"], results["baseline_csv"], results["plain_csv"] = measure_group(
            [("export_csv", project, tmp / "out.csv"), ("baseline_csv", project, tmp / "baseline.csv"),
             ("plain_csv", plain, tmp / "plain.csv")], args.runs)
        results["export_json"], results["baseline_json"] = measure_pair(
            "export_json", "baseline_json", project, tmp / "out.json", args.runs)
        if not args.no_dump_reference:
            results["dump_json"] = measure("dump_json", project, tmp / "dump.json", 1)
        results["import"], results["baseline_import"], results["plain_import"] = measure_group(
            [("import", source, tmp / "imported.sqlite"), ("baseline_import", source, tmp / "baseline.sqlite"),
             ("plain_import", source, tmp / "plain-import.sqlite")], args.imports or args.runs)
        if small is not None:
            print(f"memory growth check at N/10 = {args.n // 10:,}", flush=True)
            small_source = tmp / "small.json"
            results["small_export_csv"] = run("export_csv", small, tmp / "small.csv")
            results["small_export_json"] = run("export_json", small, small_source)
            results["small_import"] = run("import", small_source, tmp / "small.sqlite")
        if args.profile:
            folder = Path(args.profile)
            folder.mkdir(parents=True, exist_ok=True)
            print("profiling", flush=True)
            run("export_csv", project, tmp / "p.csv", folder / "export_csv.txt")
            run("export_json", project, tmp / "p.json", folder / "export_json.txt")
            run("import", source, tmp / "p.sqlite", folder / "import_json.txt")
        for kind in ("export_csv", "export_json", "import"):
            print(f"{kind}: {results[kind]['count']:,} annotations")
    print(f"total {time.perf_counter() - started:.0f} s\n")

    n = f"{args.n:,}"
    r = results
    rows = []

    def ratio_row(name, kind, base, limit, what):
        ratio = r[kind]["seconds"] / r[base]["seconds"]
        rows.append((f"{name}: annotator {fmt_s(r[kind]['seconds'])} / baseline {fmt_s(r[base]['seconds'])}",
                     f"{ratio:.2f}x", f"<= {limit}x {what}", "ok" if ratio <= limit else "MISSED"))

    ratio_row(f"export {n} to CSV (plain: csv.writer over SELECT *)", "export_csv", "plain_csv", PLAIN_CSV_RATIO,
              "plain")
    ratio_row(f"export {n} to CSV", "export_csv", "baseline_csv", EXPORT_RATIO, "baseline")
    ratio_row(f"export {n} to JSON", "export_json", "baseline_json", JSON_EXPORT_RATIO, "baseline")
    if "dump_json" in r:
        rows.append(((f"  reference: plain json.dump of the whole set {fmt_s(r['dump_json']['seconds'])} "
                     f"(export_json is {r['export_json']['seconds'] / r['dump_json']['seconds']:.2f}x of it)"),
                     f"{r['dump_json']['seconds']:.2f} s", "", "info"))
    ratio_row(f"import {n} from JSON (plain: json.load + executemany, one table)", "import", "plain_import",
              PLAIN_IMPORT_RATIO, "plain")
    ratio_row(f"import {n} from JSON", "import", "baseline_import", IMPORT_RATIO, "baseline")
    for kind, base, name in (("export_csv", "baseline_csv", "export CSV"), ("export_json", "baseline_json", "export JSON"),
                             ("import", "baseline_import", "import JSON")):
        peak, base_peak = r[kind]["peak_growth_mb"], r[base]["peak_growth_mb"]
        small_key = f"small_{kind}"
        if small_key in r:
            small_peak = r[small_key]["peak_growth_mb"]
            bounded = peak <= max(2 * small_peak, small_peak + 50)
            rows.append((f"{name} peak memory growth: {n} vs {args.n // 10:,} (baseline {base_peak:.0f} MB)",
                         f"{peak:.0f} MB vs {small_peak:.0f} MB", "bounded (not growing with N)",
                         "ok" if bounded else "MISSED"))
        else:
            rows.append((f"{name} peak memory growth (baseline {base_peak:.0f} MB)", f"{peak:.0f} MB", "bounded", "info"))
    table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
