"""The report at scale (issue 24): the default report is bounded, ``--all-spans`` lists every span as a stream
written while it is read, the writer's memory does not follow the annotations, and Ctrl+C leaves nothing."""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from annotator.core.report import build_report, span_appendix, write_html
from annotator.core.report.html import MAX_ROWS, RowStream, write_html_page
from annotator.core.store import Store

from report_builders import spans_project
from test_report import Page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    return {n: spans_project(folder / f"p{n}.sqlite", n) for n in (2_000, 20_000)}


def test_default_report_does_not_grow_with_the_annotations(projects, tmp_path):
    sizes = {}
    for n, path in projects.items():
        out = tmp_path / f"r{n}.html"
        with Store.open(path, create=False, readonly=True) as store:
            data = write_html(store, out)
        page = Page(out.read_text(encoding="utf-8"))
        assert page.errors == [] and "all-spans" not in page.table_rows
        assert page.table_rows["spans"] == 4  # the linked figures, the claim and its actor: not every span
        assert data.annotation_count > n // 2
        sizes[n] = out.stat().st_size
    assert sizes[20_000] < sizes[2_000] * 1.1  # ten times the spans, the same few pages


def test_all_spans_lists_every_span(projects, tmp_path):
    out = tmp_path / "all.html"
    with Store.open(projects[2_000], create=False, readonly=True) as store:
        write_html(store, out, all_spans=True)
        total = store.annotation_count()
    page = Page(out.read_text(encoding="utf-8"))
    assert page.errors == [] and page.table_rows["all-spans"] == total == 2_000
    assert f"All {total:,} spans" in " ".join(page.texts)


def test_long_tables_are_capped_and_say_how_many_more(tmp_path):
    with Store.open(tmp_path / "many.sqlite") as store:
        for k in range(MAX_ROWS + 7):
            store.add_document(f"Report number {k}.", f"Report {k}", "Wire")
        out = tmp_path / "r.html"
        write_html(store, out)
    page = Page(out.read_text(encoding="utf-8"))
    assert page.table_rows["documents"] == MAX_ROWS
    assert "… and 7 more documents, left out to keep the report short." in " ".join(page.texts)


class Recorder(io.StringIO):
    """A file that notes how many appendix rows had been read when the first appendix row was written."""

    def __init__(self, read: list[int]):
        super().__init__()
        self.read, self.first = read, None

    def write(self, text: str) -> int:
        if self.first is None and "<tr>" in text and 'id="all-spans"' in self.getvalue():
            self.first = self.read[0]
        return super().write(text)


def counting(stream: RowStream, read: list[int]) -> RowStream:
    def batches():
        for batch in stream.batches:
            read[0] += len(batch)
            yield batch

    return dataclasses.replace(stream, batches=batches())


def test_appendix_rows_are_written_before_the_last_are_read(projects):
    read = [0]
    calls: list[tuple[int, int]] = []
    with Store.open(projects[2_000], create=False, readonly=True) as store:
        data, blocks = build_report(store)
        *head, stream = span_appendix(store, data, size=100)
        out = Recorder(read)
        write_html_page([*blocks, *head, counting(stream, read)], "r", out, lambda d, t: calls.append((d, t)))
    assert out.first == 100 < read[0] == 2_000  # the first batch was on its way out while 1,900 rows were unread
    assert calls[-1] == (2_000, 2_000) and len(calls) >= 20  # after each batch


def _appendix_peak(path: Path) -> int:
    with Store.open(path, create=False, readonly=True) as store:
        data, blocks = build_report(store)
        sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        tracemalloc.start()
        try:
            write_html_page([*blocks, *span_appendix(store, data)], "r", sink)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            sink.close()


def test_html_writer_memory_does_not_follow_the_spans(tmp_path):
    small = _appendix_peak(spans_project(tmp_path / "p10k.sqlite", 10_000))
    big = _appendix_peak(spans_project(tmp_path / "p100k.sqlite", 100_000))
    assert big < 2 * small  # ten times the spans: the same batches in flight


def test_ctrl_c_leaves_no_report(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    project = spans_project(folder / "big.sqlite", 80_000)
    before = project.read_bytes()
    out = folder / "r.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    every_step = ("import sys, annotator.cli_progress as p; p.QUIET_S = 0; p.LINE_EVERY_S = 0; "
                  "from annotator.cli import main; sys.exit(main(sys.argv[1:]))")  # a line at every step
    with subprocess.Popen([sys.executable, "-c", every_step, "report", str(project), "-o", str(out), "--all-spans"],
                          stderr=subprocess.PIPE, text=True, env=env, cwd=folder) as child:
        line = child.stderr.readline()  # the first progress line: the report is being gathered
        assert "the report" in line, line
        child.send_signal(signal.SIGINT)
        rest = child.stderr.read()
        assert child.wait(timeout=60) == 130, rest
    assert "interrupted; nothing was changed" in rest
    assert sorted(p.name for p in folder.iterdir()) == ["big.sqlite"]  # no report, no temporary file
    assert project.read_bytes() == before


def test_gathering_reports_its_steps_and_stops_when_cancelled(projects):
    from annotator.core.errors import CancelledError
    from annotator.core.report.data import GATHER_STEPS, gather

    calls: list[tuple[int, int]] = []
    with Store.open(projects[2_000], create=False, readonly=True) as store:
        gather(store, progress=lambda done, total: calls.append((done, total)))
        assert calls == [(k, GATHER_STEPS) for k in range(GATHER_STEPS + 1)]

        def stop(done, total):
            if done == 2:
                raise CancelledError("stopped")

        with pytest.raises(CancelledError):
            gather(store, progress=stop)
