"""The agreement dialog on the seeded project: figures match the core report, explanations, edge cases."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QTableWidget

from annotator.core.agreement import agreement_report, explain
from annotator.core.errors import NotFoundError
from annotator.gui.dialogs.agreement import NEED_TWO, NOT_DEFINED, AgreementDialog

from gui_helpers import open_dialog

FORMAT_KEYS = {
    "annotators", "documents", "tokens", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
    "krippendorff_alpha_u", "span_f1", "per_label",
}


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def seeded(window):
    """alice and bob on the first seed: one agreement, one label conflict, one span only alice has."""
    store = window.session.store
    doc = store.documents()[0].id
    text = store.document_text(doc)
    steve, putin, progress = (span(text, s) for s in ("Steve Witkoff", "Vladimir Putin", "tremendous progress"))
    store.add_annotation(doc, "Actor", *steve, "alice")
    store.add_annotation(doc, "Actor", *steve, "bob")  # agreement
    store.add_annotation(doc, "Actor", *putin, "alice")
    store.add_annotation(doc, "Figure", *putin, "bob")  # label conflict
    store.add_annotation(doc, "Claim", *progress, "alice")  # only alice
    return window, doc, text, progress


def direct(store, names, doc=None, label=None):
    anns = store.annotations()
    docs = [doc] if doc else sorted({a.document for a in anns if a.annotator in names and label in (None, a.label)})
    return agreement_report({d: store.document_text(d) for d in docs}, anns, names, doc=doc, label=label)


def rows(table: QTableWidget) -> dict[str, list[str]]:
    """Row title -> the texts of the other cells."""
    return {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }


def check(dialog: AgreementDialog, name: str, checked: bool) -> None:
    items = dialog.findChild(QListWidget, "annotators").findItems(name, Qt.MatchFlag.MatchStartsWith)
    items[0].setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def test_two_annotators_match_the_core_report(seeded, qtbot):
    window, _, _, _ = seeded
    store = window.session.store
    dialog = open_dialog(window, qtbot)
    # tester (the analyst at the keyboard) has no annotations, so only alice and bob are checked at first.
    assert dialog.checked_annotators() == ["alice", "bob"]
    expected = direct(store, ["alice", "bob"])
    assert dialog.report() == expected
    assert expected["documents"] == 1 and expected["tokens"] > 100
    assert expected["span_f1"] == {"exact": pytest.approx(2 / 5), "overlap": pytest.approx(2 / 5)}

    shown = rows(dialog.findChild(QTableWidget, "results"))
    meaning = explain()
    assert list(shown) == [
        "Documents counted", "Tokens", "Cohen's kappa", "Fleiss' kappa", "Krippendorff's alpha (nominal)",
        "Krippendorff's unitizing alpha", "Span F1 (exact)", "Span F1 (overlap)",
    ]
    assert shown["Documents counted"][0] == "1"
    assert shown["Tokens"][0] == str(expected["tokens"])
    assert shown["Cohen's kappa"] == [f"{expected['cohen_kappa']:.3f}", meaning["cohen_kappa"]]
    assert shown["Fleiss' kappa"][0] == f"{expected['fleiss_kappa']:.3f}"
    assert shown["Krippendorff's alpha (nominal)"][0] == f"{expected['krippendorff_alpha']:.3f}"
    assert shown["Krippendorff's unitizing alpha"][0] == f"{expected['krippendorff_alpha_u']:.3f}"
    assert shown["Span F1 (exact)"] == ["0.400", meaning["span_f1.exact"]]
    assert shown["Span F1 (overlap)"] == ["0.400", meaning["span_f1.overlap"]]
    assert "O" in dialog.findChild(QLabel, "explanation").text()

    per_label = rows(dialog.findChild(QTableWidget, "per_label"))
    assert set(per_label) == {"Actor", "Figure", "Claim"}
    assert per_label["Actor"][:2] == ["0.667", "0.667"]
    assert per_label["Claim"][:2] == ["0.000", "0.000"]
    assert per_label["Actor"][2] == f"{expected['per_label']['Actor']['krippendorff_alpha_u']:.3f}"
    assert not dialog.findChild(QTableWidget, "pairwise").isVisible()
    assert not dialog.findChild(QLabel, "message").isVisible()


def test_filters_recompute_and_none_shows_not_defined(seeded, qtbot):
    window, doc, _, _ = seeded
    store = window.session.store
    dialog = open_dialog(window, qtbot)
    results = dialog.findChild(QTableWidget, "results")

    labels = dialog.findChild(QComboBox, "label")
    labels.setCurrentIndex(labels.findData("Claim"))  # only alice used Claim: F1 0, alpha_u negative
    assert dialog.report() == direct(store, ["alice", "bob"], label="Claim")
    assert dialog.report()["span_f1"]["exact"] == 0.0

    labels.setCurrentIndex(labels.findData("Plan point"))  # nobody: nothing counted, everything undefined
    report = dialog.report()
    assert report == direct(store, ["alice", "bob"], label="Plan point")
    assert report["documents"] == 0 and report["cohen_kappa"] is None
    shown = rows(results)
    assert shown["Cohen's kappa"][0] == NOT_DEFINED
    assert shown["Span F1 (exact)"][0] == NOT_DEFINED
    assert "no spans" in shown["Span F1 (exact)"][1]
    assert explain()["span_f1.exact"] in shown["Span F1 (exact)"][1]
    assert results.item(2, 1).toolTip().startswith("Not defined")
    assert dialog.findChild(QTableWidget, "per_label").rowCount() == 0

    labels.setCurrentIndex(0)
    documents = dialog.findChild(QComboBox, "document")
    other = store.documents()[1].id
    documents.setCurrentIndex(documents.findData(other))  # a document nobody annotated: all tokens "O"
    report = dialog.report()
    assert report == direct(store, ["alice", "bob"], doc=other)
    assert report["documents"] == 1 and report["tokens"] > 0 and report["fleiss_kappa"] is None
    assert "no disagreement possible" in rows(results)["Fleiss' kappa"][1]
    documents.setCurrentIndex(documents.findData(doc))
    assert dialog.report() == direct(store, ["alice", "bob"], doc=doc)


def test_one_annotator_shows_the_message_and_errors_go_to_the_message_label(seeded, qtbot, monkeypatch):
    window, _, _, _ = seeded
    dialog = open_dialog(window, qtbot)
    check(dialog, "bob", False)
    assert dialog.checked_annotators() == ["alice"]
    assert dialog.report() is None
    results = dialog.findChild(QTableWidget, "results")
    assert results.rowCount() == 1 and results.item(0, 0).text() == NEED_TWO
    assert dialog.findChild(QTableWidget, "per_label").rowCount() == 0
    assert not dialog.findChild(QPushButton, "copy_json").isEnabled()
    check(dialog, "bob", True)
    assert dialog.report()["annotators"] == ["alice", "bob"]

    def broken(*args, **kwargs):
        raise NotFoundError("There is no document sha256:gone in this project.")

    monkeypatch.setattr(window.session.store, "document_text", broken)
    dialog.findChild(QPushButton, "compute").click()
    message = dialog.findChild(QLabel, "message")
    assert message.isVisible() and message.text() == "There is no document sha256:gone in this project."
    assert dialog.report() is None
    assert "Traceback" not in results.item(0, 0).text()


def test_three_annotators_give_the_pairwise_matrix(seeded, qtbot):
    window, doc, _, progress = seeded
    store = window.session.store
    store.add_annotation(doc, "Claim", *progress, "carol")
    dialog = open_dialog(window, qtbot)
    assert dialog.checked_annotators() == ["alice", "bob", "carol"]
    expected = direct(store, ["alice", "bob", "carol"])
    assert dialog.report() == expected
    results = rows(dialog.findChild(QTableWidget, "results"))
    assert results["Cohen's kappa"][0] == NOT_DEFINED
    assert "exactly two annotators" in results["Cohen's kappa"][1]

    pairwise = dialog.findChild(QTableWidget, "pairwise")
    assert pairwise.isVisible()
    assert pairwise.rowCount() == pairwise.columnCount() == 3
    assert [pairwise.horizontalHeaderItem(c).text() for c in range(3)] == ["alice", "bob", "carol"]
    kappa = expected["pairwise"]["alice|bob"]["cohen_kappa"]
    assert pairwise.item(0, 1).text() == pairwise.item(1, 0).text() == f"{kappa:.3f}"
    assert pairwise.item(0, 0).text() == "—"

    metric = dialog.findChild(QComboBox, "pairwise_metric")
    metric.setCurrentIndex(metric.findData("span_f1.exact"))
    f1 = expected["pairwise"]["alice|carol"]["span_f1"]["exact"]
    assert pairwise.item(0, 2).text() == f"{f1:.3f}" == "0.500"
    assert pairwise.item(1, 2).text() == "0.000"  # bob and carol share no span
    metric.setCurrentIndex(metric.findData("krippendorff_alpha_u"))
    alpha = expected["pairwise"]["bob|carol"]["krippendorff_alpha_u"]
    assert pairwise.item(2, 1).text() == (NOT_DEFINED if alpha is None else f"{alpha:.3f}")

    check(dialog, "carol", False)  # back to two: the matrix goes away
    assert not pairwise.isVisible()
    assert dialog.report() == direct(store, ["alice", "bob"])


def test_copy_as_json(seeded, qtbot):
    window, _, _, _ = seeded
    dialog = open_dialog(window, qtbot)
    dialog.findChild(QPushButton, "copy_json").click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert FORMAT_KEYS <= set(copied)
    assert set(copied["span_f1"]) == {"exact", "overlap"}
    assert copied == json.loads(json.dumps(dialog.report()))
