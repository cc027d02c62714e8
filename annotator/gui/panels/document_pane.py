"""One reading pane: a document chooser (source · date · title) over a :class:`DocumentView`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.core.model import Document
from annotator.gui.views.document_view import DocumentView


def document_caption(doc: Document) -> str:
    """``source · date · title`` as shown in the pane header."""
    parts = [p for p in (doc.source, _nice_date(doc.published), doc.title) if p]
    return " · ".join(parts)


def _nice_date(date: str | None) -> str:
    if not date:
        return ""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        y, m, d = (int(x) for x in date[:10].split("-"))
        return f"{d} {months[m - 1]} {y}"
    except (ValueError, IndexError):
        return date


class DocumentPane(QWidget):
    """A header with the document chooser and the view below it."""

    #: The user picked another document in the chooser; argument: document id.
    document_chosen = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.document_id: str | None = None
        self.chooser = QComboBox(self)
        self.chooser.setObjectName(f"{name}_chooser")
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(20)
        self.chooser.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.view = DocumentView(self)
        self.view.setObjectName(f"{name}_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        self.whose = QLabel(self)
        self.whose.setObjectName(f"{name}_whose")
        self.whose.setStyleSheet("QLabel { background: #E8F1FA; color: #0B3D66; padding: 2px 6px; border-radius: 3px; }")
        self.whose.hide()
        header = QHBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.chooser, 1)
        header.addWidget(self.whose)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self.chooser.activated.connect(self._on_activated)

    def set_documents(self, documents: list[Document]) -> None:
        """Refill the chooser, keeping the current document selected."""
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for doc in documents:
            if doc.id == self.document_id:
                self.view.language = doc.language  # edited in the document's details
            self.chooser.addItem(document_caption(doc), doc.id)
            self.chooser.setItemData(self.chooser.count() - 1, f"{doc.title}\n{doc.id}", 3)  # ToolTipRole
        if self.document_id is not None:
            self.chooser.setCurrentIndex(self.chooser.findData(self.document_id))
        self.chooser.blockSignals(False)

    def show_document(self, doc: Document, text: str) -> None:
        self.document_id = doc.id
        self.chooser.setCurrentIndex(self.chooser.findData(doc.id))
        self.chooser.setToolTip(f"{doc.title}\n{doc.id}")
        self.view.language = doc.language
        self.view.set_document(text)

    def show_whose(self, annotator: str | None) -> None:
        """In review mode, say whose tags this pane shows (None: everyone's, no label)."""
        self.whose.setText(f"{annotator}'s tags" if annotator else "")
        self.whose.setToolTip(f"Review mode: this pane shows only {annotator}'s spans" if annotator else "")
        self.whose.setVisible(bool(annotator))
        self.whose.setAccessibleName(self.whose.text())

    def _on_activated(self, index: int) -> None:
        doc_id = self.chooser.itemData(index)
        if doc_id and doc_id != self.document_id:
            self.document_chosen.emit(doc_id)
