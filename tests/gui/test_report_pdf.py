"""The PDF report: it opens with pypdf, has the pages the layout planned, extractable text and embedded fonts."""

from __future__ import annotations

import dataclasses
import re

import pypdf
import pytest
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from annotator.cli import main
from annotator.core.report import build_report, report_title, span_appendix
from annotator.core.report.charts import all_charts
from annotator.core.report.html import Table
from annotator.core.store import Store
from annotator.gui.report_pdf import write_pdf

from report_builders import spans_project

TEXT = ("Officials said at least six people died. Путин встретился с Виткоффом. السلام ممكن قريبا 🙂.\n"
        "The envoy wrote <script>alert(1)</script> in a note.")
OTHER = "Reuters reported seven people died. Witkoff met officials."


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    store = Store.open(path)
    a, _ = store.add_document(TEXT, "Заголовок и عنوان", "Financial Times", "2025-11-25")
    b, _ = store.add_document(OTHER, "Reuters story", "Reuters", "2025-11-26")
    six = store.add_annotation(a.id, "Figure", 15, 34, "alice")
    seven = store.add_annotation(b.id, "Figure", 18, 30, "alice")
    store.add_link("contradicts", six.id, seven.id, "alice")
    for quote, label in (("Путин", "Actor"), ("السلام ممكن", "Claim"), ("<script>alert(1)</script>", "Claim")):
        i = TEXT.index(quote)
        store.add_annotation(a.id, label, i, i + len(quote), "bob", note="🙂 note")
    for n in range(120):  # enough rows to run over several pages
        store.add_annotation(b.id, "Actor", 36, 43, f"reader{n % 3}")
    store.close()
    return path


def fonts_of(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Every font used, and whether its program is embedded in the file."""
    found = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                found[str(font.get("/Name", "type3"))] = True  # glyphs drawn by the file itself
                continue
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            found[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_pdf_pages_text_and_fonts(qapp, project, tmp_path):
    out = tmp_path / "report.pdf"
    with Store.open(project, create=False) as store:  # the appendix is read as it is drawn
        data, blocks = build_report(store, all_spans=True)
        pages = write_pdf(blocks, out, report_title(data))
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == pages >= 3
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]  # Qt places words one by one
    for number, text in enumerate(texts, 1):
        assert f"page {number}" in text  # the footer: every planned page was drawn
    whole = "\n".join(texts)
    assert "Comparison report" in whole and "Figures side by side" in whole
    assert "Путин" in whole and "<script>alert(1)</script>" in whole
    assert re.search("[\u0600-\u06ff\ufe70-\ufeff]", whole)  # Arabic glyphs, shaped (presentation forms)
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), fonts
    # Emoji come from the colour emoji font, which Qt draws as images (.ci/run installs it).
    if "Noto Color Emoji" in QFontDatabase.families():
        images = [x for page in reader.pages for x in (page["/Resources"].get("/XObject") or {}).values()
                  if x.get_object().get("/Subtype") == "/Image"]
        assert images
    assert not out.with_name(".report.pdf.tmp").exists()


def test_cli_writes_pdf(qapp, project, tmp_path, capsys):
    out = tmp_path / "cli.pdf"
    assert main(["report", str(project), "-o", str(out), "--doc", "Reuters story"]) == 0
    assert "pages" in capsys.readouterr().err or len(pypdf.PdfReader(out).pages) == 1
    assert "Reuters story" in " ".join(pypdf.PdfReader(out).pages[0].extract_text().split())


def render(chart) -> QImage:
    """A chart drawn by Qt's SVG renderer (as the PDF and the Reports dock draw it), at its own size."""
    renderer = QSvgRenderer(QByteArray(chart.svg.encode("utf-8")))
    assert renderer.isValid()
    image = QImage(int(chart.width), int(chart.height), QImage.Format.Format_ARGB32)
    image.fill(QColor("#808080"))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, chart.width, chart.height))
    painter.end()
    return image


def test_qt_draws_the_charts_bars_in_the_labels_colours(qapp, project):
    with Store.open(project, create=False, readonly=True) as store:
        data, _ = build_report(store)
    colors = {lb.name: lb.color.lower() for lb in data.labels}
    for _, title, chart in all_charts(data):
        image = render(chart)
        assert image.pixelColor(1, 1).name() == "#ffffff", title  # its background: the whole chart is drawn
        for tip in chart.tips:
            if tip.width >= 3 and tip.text.split(" in ")[0] in colors:  # a bar of a label
                middle = image.pixelColor(int(tip.x + tip.width / 2), int(tip.y + tip.height / 2))
                assert middle.name() == colors[tip.text.split(" in ")[0]], tip


def test_pdf_holds_the_charts_with_their_text(qapp, project, tmp_path):
    out = tmp_path / "charts.pdf"
    with Store.open(project, create=False, readonly=True) as store:
        data, blocks = build_report(store)
    write_pdf(blocks, out, report_title(data))
    whole = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(out).pages)
    assert "Labels per document" in whole and "spans kept (accepted and pending)" in whole  # chart text is text
    assert "annotations per day" in whole and "Plan point" not in whole  # legends name only the labels used


def test_cancelled_pdf_leaves_no_file(qapp, project, tmp_path):
    from annotator.core.errors import CancelledError

    store = Store.open(project, create=False)
    data, blocks = build_report(store, all_spans=True)
    out = tmp_path / "c.pdf"
    out.write_bytes(b"old")
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if len(seen) == 2:
            raise CancelledError("cancelled")

    with pytest.raises(CancelledError):
        write_pdf(blocks, out, report_title(data), progress)
    store.close()
    assert out.read_bytes() == b"old" and not out.with_name(".c.pdf.tmp").exists()
    assert all(0 <= d <= t for d, t in seen)


# ---------------------------------------------------------------------------- at scale (issue 24)
@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scaled")
    return {n: spans_project(folder / f"p{n}.sqlite", n) for n in (2_000, 20_000)}


def test_default_pdf_keeps_its_pages_whatever_the_size(qapp, scaled, tmp_path):
    pages = {}
    for n, path in scaled.items():
        with Store.open(path, create=False, readonly=True) as store:
            data, blocks = build_report(store)
        pages[n] = write_pdf(blocks, tmp_path / f"r{n}.pdf", report_title(data))
    assert pages[2_000] == pages[20_000] <= 6


def test_pdf_appendix_is_drawn_while_its_rows_are_read(qapp, scaled, tmp_path):
    read = [0]
    seen: list[tuple[int, int]] = []  # (pieces drawn, appendix rows read) at each progress call
    with Store.open(scaled[2_000], create=False, readonly=True) as store:
        data, blocks = build_report(store)
        *head, stream = span_appendix(store, data, size=100)

        def batches():
            for batch in stream.batches:
                read[0] += len(batch)
                yield batch

        before = len(blocks) + len(head) + 1 + sum(len(b.rows) for b in blocks if isinstance(b, Table))
        out = tmp_path / "all.pdf"
        pages = write_pdf([*blocks, *head, dataclasses.replace(stream, batches=batches())], out, report_title(data),
                          lambda done, total: seen.append((done, read[0])))
    assert read[0] == 2_000 and len(pypdf.PdfReader(out).pages) == pages > 30
    drawing = [rows for done, rows in seen if done > before + 100]  # appendix rows already drawn
    assert drawing and drawing[0] < 2_000  # drawn while most rows were still unread
