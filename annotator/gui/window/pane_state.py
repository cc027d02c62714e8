"""Which document each reading pane shows, and which pane is active.

:class:`PaneState` is the one owner of that state. It shows a document in a
pane (reading it from the store) and says so with :attr:`PaneState.document_shown`;
the window's :class:`~annotator.gui.window.span_sync.SpanSync` then paints that
pane's spans. Controllers use it instead of reaching into the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.model import Annotation
from annotator.gui.panels.document_pane import DocumentPane


class PaneState(QObject):
    #: A pane now shows another document (or none: ""); arguments: pane index, document id.
    document_shown = Signal(int, str)
    #: The analyst moved to another pane (or the same one was confirmed); argument: pane index.
    active_changed = Signal(int)

    def __init__(self, session, panes: list[DocumentPane], parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.panes = panes
        self.active = 0

    def __len__(self) -> int:
        return len(self.panes)

    def view(self, index: int | None = None):
        """The document view of pane ``index`` (the active pane by default)."""
        return self.panes[self.active if index is None else index].view

    def document(self, index: int | None = None) -> str | None:
        """The id of the document pane ``index`` shows (the active pane by default), or None."""
        return self.panes[self.active if index is None else index].document_id

    def shown(self) -> list[str]:
        """The documents on screen, each once, left pane first."""
        return list(dict.fromkeys(d for d in (p.document_id for p in self.panes) if d))

    def index_of(self, doc_id: str) -> int | None:
        """The first pane showing ``doc_id``, or None."""
        return next((i for i, p in enumerate(self.panes) if p.document_id == doc_id), None)

    def set_active(self, index: int) -> None:
        self.active = index
        self.active_changed.emit(index)

    def focus(self, index: int) -> None:
        """Make pane ``index`` active and give its text the keyboard."""
        self.set_active(index)
        self.panes[index].view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show(self, index: int, doc_id: str) -> bool:
        """Open ``doc_id`` in pane ``index``; on failure the session reports why and the pane stays as it was."""
        store = self.session.store
        try:
            doc = store.document(doc_id)
            text = store.document_text(doc_id)
        except AnnotatorError as exc:
            self.session.report(exc)
            return False
        self.panes[index].show_document(doc, text)
        self.document_shown.emit(index, doc_id)
        return True

    def show_near(self, doc_id: str) -> int:
        """Show ``doc_id`` in the pane that has it, else in the active pane; returns that pane."""
        index = self.index_of(doc_id)
        if index is None:
            index = self.active
            self.show(index, doc_id)
        return index

    def clear(self, index: int) -> None:
        pane = self.panes[index]
        pane.document_id = None
        pane.view.set_document("")
        self.document_shown.emit(index, "")

    def selected_span(self, index: int | None = None) -> str | None:
        return self.view(index).selected_span()

    def selected_annotation(self, index: int | None = None) -> Annotation | None:
        """The full record of the span selected in pane ``index`` (None if none, a suggestion, or gone)."""
        ann_id = self.selected_span(index)
        if not ann_id:
            return None
        try:
            return self.session.store.annotation(ann_id)
        except AnnotatorError:
            return None
