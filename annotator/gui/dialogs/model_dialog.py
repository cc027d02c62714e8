"""Analyse > Model suggestions…: which model, where, and what it may read — nothing is sent before Start.

The base URL, model name, timeout and context size are remembered in settings.ini (``model/base_url``,
``model/name``, ``model/timeout``, ``model/context``); the API key never is: a line says where it is read from
(the ``ANNOTATOR_MODEL_API_KEY`` environment variable or the system keyring) and whether one was found, never its
value. A host that is not this machine needs the analyst's consent, recorded in the project
(``store.allow_model_host``) when the box is ticked and withdrawn when it is cleared; Start stays disabled
without it. *List models* asks the endpoint for its models (in the background, Cancel aborts the request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from annotator.core.lazy import lazy_module
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.llm.endpoint import DEFAULT_BASE_URL, Endpoint, api_key, make_endpoint
from annotator.gui.background import run_in_background
from annotator.gui.commands.annotations import short_quote
from annotator.gui.settings import settings
from annotator.gui.window_fit import fit_dialog

if TYPE_CHECKING:  # import-linter reads these imports: the contracts still see the dependency
    from annotator.core.llm import client as llm_client
else:
    llm_client = lazy_module("annotator.core.llm.client")

BASE_URL_KEY = "model/base_url"
NAME_KEY = "model/name"
TIMEOUT_KEY = "model/timeout"
CONTEXT_KEY = "model/context"
ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ModelRun:
    """What the analyst chose: the endpoint, the documents (ids) and the labels (names) to ask about."""

    endpoint: Endpoint
    documents: list[str]
    labels: list[str]


def _number(value, default: int) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _checklist(name: str, rows: list[tuple[str, str]], checked: set[str]) -> QListWidget:
    """A list of checkable rows ((id, text)); the ids in ``checked`` start ticked."""
    widget = QListWidget()
    widget.setObjectName(name)
    for key, text in rows:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(ID_ROLE) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class ModelDialog(QDialog):
    """The model's settings, the documents and labels to ask about, and the consent for a remote host."""

    def __init__(self, store, documents: list[tuple[str, str]], shown: list[str], labels: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("model_dialog")
        self.setWindowTitle("Model suggestions")
        self.store = store
        remembered = settings()
        self.url = QLineEdit(str(remembered.value(BASE_URL_KEY, DEFAULT_BASE_URL) or DEFAULT_BASE_URL))
        self.url.setObjectName("model_url")
        self.model = QComboBox()
        self.model.setObjectName("model_name")
        self.model.setEditable(True)
        self.model.setEditText(str(remembered.value(NAME_KEY, "") or ""))
        self.list_button = QPushButton("List models")
        self.list_button.setObjectName("model_list")
        self.timeout = self._spin("model_timeout", 1, 3600, _number(remembered.value(TIMEOUT_KEY), 120), " s")
        self.context = self._spin("model_context", 512, 1_000_000, _number(remembered.value(CONTEXT_KEY), 8192),
                                  " tokens")
        self.key_line = QLabel()
        self.key_line.setObjectName("model_key")
        self.key_line.setWordWrap(True)
        self.host_line = QLabel()
        self.host_line.setObjectName("model_host")
        self.consent = QCheckBox()
        self.consent.setObjectName("model_consent")
        self.documents = _checklist("model_documents", documents, set(shown) or {d for d, _ in documents[:1]})
        self.labels = _checklist("model_labels", [(n, n) for n in labels], set(labels))
        self.message = QLabel()
        self.message.setObjectName("model_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #D55E00; }")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("model_start")
        self._host_checked: str | None = None
        self._layout()
        self._connect()
        self._update()
        fit_dialog(self, (760, 640))

    @staticmethod
    def _spin(name: str, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(min(max(value, low), high))
        spin.setSuffix(suffix)
        return spin

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Base URL:", self.url)
        name_row = QHBoxLayout()
        name_row.addWidget(self.model, 1)
        name_row.addWidget(self.list_button)
        form.addRow("Model:", name_row)
        form.addRow("Timeout:", self.timeout)
        form.addRow("Context size:", self.context)
        lists = QHBoxLayout()
        for title, widget in (("Documents", self.documents), ("Labels", self.labels)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title + ":"))
            column.addWidget(widget)
            lists.addLayout(column)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.key_line, self.host_line, self.consent):
            layout.addWidget(widget)
        layout.addLayout(lists, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.url.textChanged.connect(self._update)
        self.model.editTextChanged.connect(self._update)
        self.documents.itemChanged.connect(self._update)
        self.labels.itemChanged.connect(self._update)
        self.consent.toggled.connect(self._consent_toggled)
        self.list_button.clicked.connect(self.list_models)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------------ state
    def endpoint(self, model: str | None = None) -> Endpoint:
        """The endpoint the fields describe; raises :class:`ModelError` (``bad_url``) for a bad URL or name."""
        return make_endpoint(self.url.text().strip(), self.model.currentText().strip() if model is None else model,
                             timeout=float(self.timeout.value()), context_tokens=self.context.value())

    def _base(self) -> Endpoint | None:
        """The endpoint without the model name (enough to list models and to ask for consent)."""
        try:
            return self.endpoint(self.model.currentText().strip() or "any")
        except AnnotatorError:
            return None

    def _update(self) -> None:
        base = self._base()
        remote = base is not None and not base.is_local
        if base is not None and base.host != self._host_checked:
            self._host_checked = base.host
            found = api_key(base) is not None
            self.key_line.setText(
                f"API key: read from ANNOTATOR_MODEL_API_KEY or the system keyring (service annotator-model, user "
                f"{base.host}); {'one was found' if found else 'none found, none sent'}. It is never saved here.")
            self.consent.blockSignals(True)
            self.consent.setChecked(base.host in self.store.model_hosts_allowed())
            self.consent.blockSignals(False)
        self.host_line.setVisible(remote)
        self.consent.setVisible(remote)
        if remote:
            self.host_line.setText(f"Documents will be sent to {base.host}.")
            self.consent.setText(f"Allow sending this project's documents to {base.host}")
        allowed = base is not None and (not remote or self.consent.isChecked())
        self.list_button.setEnabled(allowed)
        self.start_button.setEnabled(allowed and bool(self.model.currentText().strip()) and
                                     bool(_checked(self.documents)) and bool(_checked(self.labels)))
        self.message.setText(self._problem(base))

    def _problem(self, base: Endpoint | None) -> str:
        if base is None:
            try:
                self.endpoint()
            except AnnotatorError as exc:
                return str(exc)
            return ""
        if not base.is_local and not self.consent.isChecked():
            return f"Nothing is sent to {base.host} until you allow it above (or use a model on this computer)."
        if not self.model.currentText().strip():
            return "Name the model to ask (List models shows what the endpoint offers)."
        if not _checked(self.documents):
            return "Tick at least one document."
        if not _checked(self.labels):
            return "Tick at least one label."
        return ""

    def _consent_toggled(self, on: bool) -> None:
        base = self._base()
        if base is None:
            return
        try:
            if on:
                self.store.allow_model_host(base.host)
            else:
                self.store.forbid_model_host(base.host)
        except AnnotatorError as exc:
            self.consent.blockSignals(True)
            self.consent.setChecked(not on)
            self.consent.blockSignals(False)
            self.message.setText(str(exc))
            return
        self._update()

    # ------------------------------------------------------------------ actions
    def list_models(self) -> None:
        """Ask the endpoint which models it has, in the background; a failure is one sentence in the dialog."""
        base = self._base()
        if base is None or not self.list_button.isEnabled():
            return
        client = llm_client.ChatClient(base, api_key(base))
        try:
            names = run_in_background(self, "Listing models", lambda progress: client.models(),
                                      text=f"Asking {base.host} for its models…", on_cancel=client.abort)
        except CancelledError:
            return
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        finally:
            client.close()
        current = self.model.currentText()
        self.model.clear()
        self.model.addItems(names)
        self.model.setEditText(current if current in names or not names else names[0])
        self.message.setText(f"{len(names)} model{'s' if len(names) != 1 else ''} at {base.host}: "
                             f"{short_quote(', '.join(names), 80)}" if names else f"{base.host} lists no models.")

    def start(self) -> None:
        """Start: remember the settings (never the key) and close the dialog; the controller runs the model."""
        self._update()
        if not self.start_button.isEnabled():
            return
        remembered = settings()
        remembered.setValue(BASE_URL_KEY, self.url.text().strip())
        remembered.setValue(NAME_KEY, self.model.currentText().strip())
        remembered.setValue(TIMEOUT_KEY, self.timeout.value())
        remembered.setValue(CONTEXT_KEY, self.context.value())
        remembered.sync()
        self.accept()

    def chosen(self) -> ModelRun:
        return ModelRun(self.endpoint(), _checked(self.documents), _checked(self.labels))
