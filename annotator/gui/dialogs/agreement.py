"""Analyse > Agreement: inter-annotator agreement between chosen annotators (FORMATS.md, "Agreement").

The dialog only gathers the inputs (annotators, an optional document and an
optional label), calls :func:`annotator.core.agreement.agreement_from_store` and
shows the result: one row per metric with its plain-English meaning, one row
per label, and, for more than two annotators, an annotator x annotator matrix.
It recomputes whenever a control changes; "Copy as JSON" copies the report as
the CLI's ``--json`` prints it. Small selections are computed at once; larger
ones in a child process that opens the project read-only, behind a
cancellable progress dialog (:mod:`annotator.gui.background`), so the window
never freezes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QListWidget, QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.agreement import agreement_from_store, explain, store_steps
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.store import Store
from annotator.gui.background import Progress, run_in_background, run_in_process
from annotator.gui.window_fit import fit_dialog

#: Characters the document and label choices are sized for (a longer title is elided; the list shows it whole).
CHOICE_CHARS = 24
#: Shown in the results instead of numbers when fewer than two annotators are checked.
NEED_TWO = "Choose at least two annotators to compare."
#: How an undefined (``None``) value is shown.
NOT_DEFINED = "not defined"
#: Shown when the analyst cancels a computation (the figures of the previous one stay).
CANCELLED = "Cancelled: the figures below are still those of the previous choices. Press Compute to try again."
#: Selections with fewer annotations than this, over less text than :data:`INLINE_TEXT_BELOW`
#: code points, are computed at once in the GUI thread (well under 100 ms); larger ones in the background.
INLINE_BELOW = 5_000
INLINE_TEXT_BELOW = 250_000

INTRO = (
    "Tokens are words and single punctuation marks. For the token coefficients (Cohen's and Fleiss' kappa, "
    "Krippendorff's alpha) every token gets a category from each annotator: its label, or \u201cO\u201d where the "
    "text is uncoded, so text both left uncoded counts as agreement. That is why only documents that at least "
    "one compared annotator annotated are counted (QualCoder's figure is inflated by uncoded text; ours is not). "
    "Span F1 compares the spans themselves and ignores uncoded text."
)

#: The metric rows of the results table: (report key, row title). Dotted keys reach into ``span_f1``.
METRICS = (
    ("documents", "Documents counted"),
    ("tokens", "Tokens"),
    ("cohen_kappa", "Cohen's kappa"),
    ("fleiss_kappa", "Fleiss' kappa"),
    ("krippendorff_alpha", "Krippendorff's alpha (nominal)"),
    ("krippendorff_alpha_u", "Krippendorff's unitizing alpha"),
    ("span_f1.exact", "Span F1 (exact)"),
    ("span_f1.overlap", "Span F1 (overlap)"),
)

#: Metrics the pairwise matrix can show: (key in a pairwise entry, title).
PAIRWISE_METRICS = (
    ("cohen_kappa", "Cohen's kappa"),
    ("span_f1.exact", "Span F1 (exact)"),
    ("span_f1.overlap", "Span F1 (overlap)"),
    ("krippendorff_alpha_u", "Unitizing alpha"),
)

_TOKEN_KEYS = ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha")
#: Item data role holding the report key of a row (results table).
KEY_ROLE = Qt.ItemDataRole.UserRole


def _lookup(entry: dict, key: str):
    """``entry[key]``, where ``"a.b"`` means ``entry["a"]["b"]``."""
    value = entry
    for part in key.split("."):
        value = value[part]
    return value


def format_value(value) -> str:
    """Counts as whole numbers, coefficients with three decimals, ``None`` as "not defined"."""
    if value is None:
        return NOT_DEFINED
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def why_undefined(key: str, report: dict) -> str:
    """Why the overall metric ``key`` of ``report`` is ``None``, in a few words."""
    m = len(report.get("annotators", []))
    if m < 2:
        return "needs at least two annotators"
    if key == "cohen_kappa" and m != 2:
        return "needs exactly two annotators (see the pairs below)"
    if key.startswith("span_f1"):
        return "no spans on either side"
    if not report.get("documents"):
        return "no document has annotations by the compared annotators"
    if key in _TOKEN_KEYS:
        if not report.get("tokens"):
            return "the counted text has no tokens"
        return "no disagreement possible: every token has the same category for everyone"
    if key == "krippendorff_alpha_u":
        if not report.get("per_label"):
            return "no spans to compare"
        return "no disagreement possible: the spans cover all of the counted text"
    return "its denominator is zero"


def _why_pair_undefined(key: str, report: dict) -> str:
    if key.startswith("span_f1"):
        return "neither annotator has spans"
    if key == "krippendorff_alpha_u" and not report.get("per_label"):
        return "no spans to compare"
    if key == "cohen_kappa" and not report.get("tokens"):
        return "the counted text has no tokens"
    return "no disagreement possible"


def build_report(
    store: Store, names: list[str], doc: str | None, label: str | None, progress: Callable[..., None] | None = None
) -> dict:
    """The agreement report for ``names`` (optionally one document, one label) read from ``store``.

    ``progress(done, total, text)``, when given, is called after each annotator's annotations are read and
    after each step of the computation, with a text saying "step n of N".
    """
    def step(done: int, total: int | None) -> None:
        if progress is not None:
            progress(done, total, step_text(done, total))

    return agreement_from_store(store, names, doc, label, step)


def step_text(done: int, total: int) -> str:
    """The progress dialog's text after ``done`` of ``total`` steps (reading, then computing)."""
    return f"Computing agreement: step {done} of {total}…"


def report_from_project(
    path: str, names: list[str], doc: str | None, label: str | None, progress: Callable[..., None] | None = None
) -> dict:
    """:func:`build_report` on the project at ``path``, opened read-only (run in a child process)."""
    with Store.open(path, create=False, readonly=True) as store:
        return build_report(store, names, doc, label, progress)


def _item(text: str, tooltip: str = "", align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tooltip:
        item.setToolTip(tooltip)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _read_only_table(columns: list[str], object_name: str, parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    # One line of figures a row (the results table's rows grow with their wrapped explanations).
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(True)
    return table


class AgreementDialog(QDialog):
    """Inter-annotator agreement for the annotators, document and label chosen at the top.

    ``report()`` is the last computed report (``None`` while fewer than two
    annotators are checked or after an error; a cancelled computation keeps
    the previous one).
    """

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._report: dict | None = None
        self._computing = False  # a computation is under way (its progress dialog runs events)
        self._again = False  # the choices changed meanwhile: compute once more afterwards
        self._compute_when_shown = False
        self._explain = explain()
        self.setWindowTitle("Agreement between annotators")

        intro = QLabel(INTRO, self)
        intro.setObjectName("explanation")
        intro.setWordWrap(True)
        controls = self._build_controls(session.store)
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        breakdown = self._build_results()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("Copy as JSON", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copy_json")
        self.copy_button.setToolTip("Copy the report as the command line's --json prints it.")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)  # the breakdown keeps as much: at 1024 × 700 it shows every label row
        layout.addLayout(breakdown, 1)
        layout.addWidget(buttons)
        fit_dialog(self, (900, 800))

        self.annotator_list.itemChanged.connect(self.compute)
        self.document_combo.currentIndexChanged.connect(self.compute)
        self.label_combo.currentIndexChanged.connect(self.compute)
        self.compute_button.clicked.connect(self.compute)
        self.pairwise_metric.currentIndexChanged.connect(self._fill_pairwise)
        self.copy_button.clicked.connect(self.copy_json)
        if self._is_small(self.checked_annotators(), self.document_combo.currentData()):
            self.compute()
        else:  # first show the dialog, then compute with the progress dialog over it
            self._show_notice("Computing…")
            self._compute_when_shown = True

    def _build_controls(self, store: Store) -> QHBoxLayout:
        """The annotator list, the document and label choices and Compute, laid out side by side."""
        self.annotator_list = QListWidget(self)
        self.annotator_list.setObjectName("annotators")
        self.annotator_list.setToolTip("The annotators to compare (at least two).")
        self.annotator_list.setMaximumHeight(84)
        annotators = store.annotators()
        self._counts = store.annotation_counts_by_annotator()
        for a in annotators:
            item = QListWidgetItem(f"{a.id} ({a.name})" if a.name and a.name != a.id else a.id)
            item.setData(KEY_ROLE, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.annotator_list.addItem(item)
        for row in self._default_rows([a.id for a in annotators]):
            self.annotator_list.item(row).setCheckState(Qt.CheckState.Checked)
        self._build_choices(store)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setObjectName("compute")
        self.compute_button.setToolTip("Compute again (it also recomputes whenever a choice changes).")

        form = QFormLayout()
        form.addRow("Document:", self.document_combo)
        form.addRow("Label:", self.label_combo)
        form.addRow("", self.compute_button)
        controls = QHBoxLayout()
        chooser = QVBoxLayout()
        chooser.addWidget(QLabel("Annotators:", self))
        chooser.addWidget(self.annotator_list)
        controls.addLayout(chooser, 1)
        controls.addLayout(form, 2)
        return controls

    def _build_choices(self, store: Store) -> None:
        """The document and label combo boxes (each with "all" first)."""
        self.document_combo = QComboBox(self)
        self.document_combo.setObjectName("document")
        self.document_combo.addItem("All annotated documents", None)
        self._lengths: dict[str, int] = {}
        for d in store.documents():
            self._lengths[d.id] = d.length
            self.document_combo.addItem(d.title or d.id, d.id)
            details = " · ".join(x for x in (d.source, d.published or "") if x)
            if details:
                self.document_combo.setItemData(
                    self.document_combo.count() - 1, f"{details} · {d.title}", Qt.ItemDataRole.ToolTipRole
                )

        self.label_combo = QComboBox(self)
        self.label_combo.setObjectName("label")
        for combo in (self.document_combo, self.label_combo):
            # Sized by a few words, not by the longest title: a long one made the dialog wider than the screen.
            combo.setMinimumContentsLength(CHOICE_CHARS)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.label_combo.addItem("All labels", None)
        self._label_order: dict[str, int] = {}
        for i, lab in enumerate(store.labels()):
            self.label_combo.addItem(lab.name, lab.name)
            self._label_order[lab.name] = i

    def _build_results(self) -> QHBoxLayout:
        """The results table (``self.results``); returns the per-label and pairwise boxes side by side."""
        self.results = _read_only_table(["Metric", "Value", "What it means"], "results", self)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Rows follow the wrapped explanations whenever the width changes.
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.per_label = _read_only_table(
            ["Label", "F1 exact", "F1 overlap", "Unitizing alpha"], "per_label", self
        )
        self.per_label.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.per_label.setToolTip(self._explain.get("per_label", ""))
        per_label_box = QGroupBox("By label", self)
        QVBoxLayout(per_label_box).addWidget(self.per_label)

        self.pairwise_metric = QComboBox(self)
        self.pairwise_metric.setObjectName("pairwise_metric")
        for key, title in PAIRWISE_METRICS:
            self.pairwise_metric.addItem(title, key)
        self.pairwise = _read_only_table([], "pairwise", self)
        self.pairwise.verticalHeader().show()
        self.pairwise.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.pairwise.setToolTip(self._explain.get("pairwise", ""))
        self.pairwise_box = QGroupBox("Pairs of annotators", self)
        pair_layout = QVBoxLayout(self.pairwise_box)
        metric_row = QHBoxLayout()
        metric_row.addWidget(QLabel("Show:", self))
        metric_row.addWidget(self.pairwise_metric, 1)
        pair_layout.addLayout(metric_row)
        pair_layout.addWidget(self.pairwise)
        self.pairwise_box.hide()
        breakdown = QHBoxLayout()
        breakdown.addWidget(per_label_box, 1)
        breakdown.addWidget(self.pairwise_box, 1)
        return breakdown

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._compute_when_shown:
            self._compute_when_shown = False
            QTimer.singleShot(0, self, self.compute)

    # ------------------------------------------------------------------ public API
    def report(self) -> dict | None:
        """The last computed report, or ``None`` if there is none (too few annotators, or an error)."""
        return self._report

    def checked_annotators(self) -> list[str]:
        """The ids of the checked annotators, in list order."""
        out = []
        for row in range(self.annotator_list.count()):
            item = self.annotator_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(KEY_ROLE))
        return out

    def compute(self) -> dict | None:
        """Compute the report for the current choices, show it and return it.

        ``None`` when there is no report: too few annotators, an error (shown
        above the figures), or a cancelled computation (the previous figures
        stay, with a message saying so).
        """
        if self._computing:  # called again while the progress dialog runs events: redo it afterwards
            self._again = True
            return None
        names = self.checked_annotators()
        doc = self.document_combo.currentData()
        label = self.label_combo.currentData()
        if len(names) < 2:
            self._report = None
            self._set_message("")
            self._show_notice(NEED_TWO)
            return None
        self._computing = True
        try:
            report = self._build_report(names, doc, label)
        except CancelledError:
            self._set_message(CANCELLED if self._report is not None else "Cancelled. Press Compute to try again.")
            if self._report is None:
                self._show_notice("No figures: the computation was cancelled.")
            return None
        except AnnotatorError as exc:
            self._report = None
            self._set_message(str(exc))
            self._show_notice("No figures: see the message above.")
            return None
        finally:
            self._computing = False
            if self._again:
                self._again = False
                QTimer.singleShot(0, self, self.compute)
        self._report = report
        self._set_message("")
        self._show(report)
        return report

    def copy_json(self) -> None:
        """Put the last report on the clipboard as indented JSON."""
        if self._report is None:
            return
        QGuiApplication.clipboard().setText(json.dumps(self._report, indent=2))

    # ------------------------------------------------------------------ internals
    def _default_rows(self, ids: list[str]) -> list[int]:
        """Rows to check at first: all when 2–4 candidates, else the first two.

        Candidates are the annotators who have annotations when at least two do
        (the person at the keyboard is always an annotator of the project, with
        or without annotations); otherwise every annotator.
        """
        active = [i for i, name in enumerate(ids) if self._counts.get(name)]
        pool = active if len(active) >= 2 else list(range(len(ids)))
        return pool if 2 <= len(pool) <= 4 else pool[:2]

    def _is_small(self, names: list[str], doc: str | None) -> bool:
        """True when the choices cannot give a slow computation (by upper bounds, without reading anything)."""
        annotations = sum(self._counts.get(name, 0) for name in names)
        text = self._lengths.get(doc, 0) if doc is not None else sum(self._lengths.values())
        return annotations < INLINE_BELOW and text < INLINE_TEXT_BELOW

    def _build_report(self, names: list[str], doc: str | None, label: str | None) -> dict:
        if self._is_small(names, doc):
            return build_report(self.session.store, names, doc, label)
        path = str(self.session.store.path)

        def job(progress: Progress) -> dict:
            # A process of its own: a thread would share the GIL (and garbage collections) with the window.
            return run_in_process(progress, report_from_project, path, names, doc, label, progress_arg="progress")

        total = store_steps(len(names))
        return run_in_background(self, "Computing agreement", job, text=step_text(0, total))

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _show_notice(self, text: str) -> None:
        """One message row in the results instead of numbers; the other tables emptied."""
        self.results.clearSpans()
        self.results.setRowCount(1)
        item = _item(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.results.setItem(0, 0, item)
        for col in (1, 2):
            self.results.setItem(0, col, _item(""))
        self.results.setSpan(0, 0, 1, 3)
        self.per_label.setRowCount(0)
        self._clear_pairwise()
        self.copy_button.setEnabled(False)

    def _show(self, report: dict) -> None:
        self.copy_button.setEnabled(True)
        self.results.clearSpans()
        self.results.setRowCount(len(METRICS))
        for row, (key, title) in enumerate(METRICS):
            value = _lookup(report, key)
            meaning = self._explain.get(key, "")
            name = _item(title, meaning)
            name.setData(KEY_ROLE, key)
            self.results.setItem(row, 0, name)
            if value is None:
                reason = why_undefined(key, report)
                self.results.setItem(row, 1, _item(NOT_DEFINED, f"Not defined: {reason}.", align_right=True))
                self.results.setItem(row, 2, _item(f"Not defined here: {reason}. {meaning}", meaning))
            else:
                self.results.setItem(row, 1, _item(format_value(value), align_right=True))
                self.results.setItem(row, 2, _item(meaning, meaning))

        per_label = report.get("per_label", {})
        order = sorted(per_label, key=lambda lab: (self._label_order.get(lab, len(self._label_order)), lab))
        self.per_label.setRowCount(len(order))
        for row, lab in enumerate(order):
            entry = per_label[lab]
            self.per_label.setItem(row, 0, _item(lab))
            for col, key in enumerate(("span_f1.exact", "span_f1.overlap", "krippendorff_alpha_u"), start=1):
                value = _lookup(entry, key)
                tip = "" if value is not None else (
                    "Not defined: no spans of this label." if key.startswith("span_f1")
                    else "Not defined: no disagreement possible for this label."
                )
                self.per_label.setItem(row, col, _item(format_value(value), tip, align_right=True))

        if "pairwise" in report and len(report["annotators"]) > 2:
            self._fill_pairwise()
        else:
            self._clear_pairwise()

    def _clear_pairwise(self) -> None:
        self.pairwise.setRowCount(0)
        self.pairwise.setColumnCount(0)
        self.pairwise_box.hide()

    def _fill_pairwise(self) -> None:
        report = self._report
        if not report or "pairwise" not in report:
            return
        names = report["annotators"]
        key = self.pairwise_metric.currentData() or PAIRWISE_METRICS[0][0]
        n = len(names)
        self.pairwise.setRowCount(n)
        self.pairwise.setColumnCount(n)
        self.pairwise.setHorizontalHeaderLabels(names)
        self.pairwise.setVerticalHeaderLabels(names)
        for i in range(n):
            for j in range(n):
                if i == j:
                    self.pairwise.setItem(i, j, _item("—", align_right=True))
                    continue
                a, b = (i, j) if i < j else (j, i)
                entry = report["pairwise"].get(f"{names[a]}|{names[b]}")
                if entry is None:
                    self.pairwise.setItem(i, j, _item("", align_right=True))
                    continue
                value = _lookup(entry, key)
                tip = f"{names[a]} and {names[b]}"
                if value is None:
                    tip += f": not defined ({_why_pair_undefined(key, report)})"
                self.pairwise.setItem(i, j, _item(format_value(value), tip, align_right=True))
        self.pairwise_box.show()
