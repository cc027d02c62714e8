"""Reports in the window: the Reports dock follows the annotations, File > Export report…, the user guide."""

from __future__ import annotations

import pypdf
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from annotator.gui import actions as A
from annotator.gui.dialogs.guide import FIRST_RUN_HINT, GuideDialog

from gui_helpers import tag


def shown_reports(window, qtbot):
    window.actions[A.REPORTS].trigger()
    dock = window.reports.dock
    assert dock.isVisible()
    qtbot.waitUntil(lambda: dock.data is not None and not dock._dirty)
    return dock


def test_reports_dock_redraws_when_annotations_change(window, qtbot):
    dock = shown_reports(window, qtbot)
    assert dock.labels_chart.chart is not None and dock.activity_chart.chart is not None
    before = dock.data.annotation_count
    old_chart = dock.labels_chart.chart
    tag(window, 0, "Steve Witkoff", "Actor")
    qtbot.waitUntil(lambda: dock.data.annotation_count == before + 1)
    assert dock.labels_chart.chart != old_chart
    doc = window.pane_document(0)
    assert dock.data.label_counts[doc]["Actor"].spans >= 1
    dock.label_by.setCurrentIndex(1)  # per source
    assert "source" in dock.labels_chart.accessibleDescription()


def test_claims_matrix_cell_lists_claims_and_jumps(window, qtbot, monkeypatch):
    dock = shown_reports(window, qtbot)
    claim = tag(window, 0, "“tremendous progress”", "Claim")
    actor = tag(window, 0, "Steve Witkoff", "Actor")
    window.session.store.add_link("said by", claim.id, actor.id, "tester")
    window.session.links_changed.emit()
    qtbot.waitUntil(lambda: dock.matrix.rowCount() == 1 and not dock._dirty)
    assert dock.matrix.item(0, 0).text() == "Steve Witkoff"
    column = 1 + dock.data.sources.index(dock.data.source_of(claim.document))
    assert dock.matrix.item(0, column).text() == "1"
    dock.matrix.cellClicked.emit(0, column)
    assert dock.claims.count() == 1 and "tremendous progress" in dock.claims.item(0).text()
    window.panes[0].view.select_span(None)
    dock.claims.itemActivated.emit(dock.claims.item(0))
    assert window.panes[0].view.selected_span() == claim.id


def test_figures_side_by_side_with_sentences(window, qtbot):
    dock = shown_reports(window, qtbot)
    six = tag(window, 0, "at least six people", "Figure")
    seven = tag(window, 1, "seven people", "Figure")
    window.session.store.add_link("contradicts", six.id, seven.id, "tester")
    window.session.links_changed.emit()
    qtbot.waitUntil(lambda: dock.figures.rowCount() == 1 and not dock._dirty)
    assert dock.figures.item(0, 1).text() == "at least 6 people"
    assert dock.figures.item(0, 4).text().startswith("compatible")  # at least 6 and 7 can both be true
    assert "«at least six people»" in dock.figures.item(0, 0).text()


def test_agreement_between_chosen_annotators(window, qtbot):
    store = window.session.store
    doc = window.pane_document(0)
    text = store.document_text(doc)
    start = text.index("Steve Witkoff")
    store.add_annotation(doc, "Actor", start, start + 13, "bob")
    tag(window, 0, "Steve Witkoff", "Actor")
    dock = shown_reports(window, qtbot)
    assert dock.data.agreement == {}  # not computed while its tab is not shown
    dock.tabs.setCurrentWidget(dock._agreement_page)
    qtbot.waitUntil(lambda: dock.data.agreement != {})
    assert set(dock.data.agreement_pair) == {"tester", "bob"}
    assert dock.data.agreement["Actor"]["exact"] == 1.0
    assert any(tip.text.startswith("Actor: span F1, exact 1.00") for tip in dock.agreement_chart.chart.tips)


def test_export_report_html_and_pdf(window, qtbot, monkeypatch, tmp_path):
    tag(window, 0, "Steve Witkoff", "Actor")
    html = tmp_path / "out.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(html), "Web page (*.html)"))
    window.actions[A.EXPORT_REPORT].trigger()
    page = html.read_text(encoding="utf-8")
    assert "Comparison report" in page and "<svg" in page
    assert "Steve Witkoff" not in page  # an unlinked span: only the appendix lists it
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(html), "Web page with every span (*.html)"))
    window.actions[A.EXPORT_REPORT].trigger()
    page = html.read_text(encoding="utf-8")
    assert "Appendix: every span" in page and "Steve Witkoff" in page
    pdf = tmp_path / "out"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF (*.pdf)"))
    window.actions[A.EXPORT_REPORT].trigger()
    reader = pypdf.PdfReader(tmp_path / "out.pdf")
    assert len(reader.pages) >= 2
    assert "written to" in window.statusBar().currentMessage()


def test_export_asks_which_documents_when_there_are_more(window, monkeypatch, tmp_path):
    store = window.session.store
    store.add_document("A third article about the talks.", "Third", "Wire")
    window.session.documents_changed.emit()
    asked = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (asked.append(a[3]) or (a[3][0], True)))
    out = tmp_path / "r.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions[A.EXPORT_REPORT].trigger()
    assert asked and "Third" not in out.read_text(encoding="utf-8")


def test_user_guide_and_first_run_hint(window, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(GuideDialog, "exec", lambda self: shown.append(self.browser.toPlainText()) or 0)
    window.actions[A.USER_GUIDE].trigger()
    assert shown and "Tag a passage" in shown[0] and "Export report" in shown[0]
    assert "#" not in shown[0].splitlines()[0]  # rendered, not raw Markdown
    assert window.panes[0].view.placeholderText() == FIRST_RUN_HINT
    assert "User guide" in [a.text().replace("&", "") for a in window.menuBar().actions()[-1].menu().actions()]
    file_items = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    assert file_items.index(A.EXPORT_REPORT) == file_items.index(A.EXPORT_CSV) + 1


def test_labels_chart_counts_kept_spans_and_says_who_made_them(window, qtbot):
    """Issue 20, D8 in the dock: the same span by two annotators is one bar unit; hovering it names both."""
    store = window.session.store
    doc = window.pane_document(0)
    text = store.document_text(doc)
    start = text.index("Steve Witkoff")
    store.add_annotation(doc, "Actor", start, start + 13, "bob")
    rejected = text.index("Vladimir Putin")
    store.add_annotation(doc, "Actor", rejected, rejected + 14, "bob", status="rejected")
    for quote, label in (("Steve Witkoff", "Actor"), ("Vladimir Putin", "Claim"), ("28-point", "Figure"),
                         ("peace plan", "Plan point")):
        tag(window, 0, quote, label)  # four labels on two documents: eight bars
    dock = shown_reports(window, qtbot)
    actor = dock.data.label_counts[doc]["Actor"]
    assert (actor.spans, actor.by_annotator) == (1, {"bob": 1, "tester": 1})
    dock.setFloating(True)
    dock.resize(900, 700)  # room to write each bar's count beside it
    view = dock.labels_chart
    qtbot.waitUntil(lambda: len(view.chart.bar_texts) > 0)
    assert "1 (\u2068bob\u2069 1, \u2068tester\u2069 1)" in view.chart.bar_texts  # names isolated (bidi)
    assert (view.chart.width, view.chart.height) == (view.width(), view.height())  # drawn at the dock's size
    tip = next(t for t in view.chart.tips if t.text.startswith("Actor in Donald Trump"))
    point = QPoint(int(tip.x + tip.width / 2), int(tip.y + tip.height / 2))
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), QPointF(view.mapToGlobal(point)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, move)  # the pointer over the bar (QTest's move reaches no offscreen widget)
    assert view.toolTip().startswith("Actor in Donald Trump")
    assert view.toolTip().endswith("1 span kept (bob 1, tester 1)")
    image = view.grab().toImage()  # what the dock shows: the bar in the Actor colour under the pointer
    actor_color = next(lb.color for lb in dock.data.labels if lb.name == "Actor").lower()
    ratio = image.devicePixelRatio()
    assert image.pixelColor(int(point.x() * ratio), int(point.y() * ratio)).name() == actor_color
    assert "Actor in Donald Trump" in view.accessibleDescription()
    dock.resize(900, 180)  # too short for the counts: the bars stay, the writing goes
    qtbot.waitUntil(lambda: view.chart.bar_texts == ())
    assert len(view.chart.tips) == 8
