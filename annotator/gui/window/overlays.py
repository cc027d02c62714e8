"""What decorates a document's spans beyond the stored annotations: suggestions, the review's patterns.

A mode that changes what the panes paint does not reach into the window: it
is an :class:`Overlay`, added once to the window's :class:`Overlays`, and it
emits :attr:`Overlays.changed` when its decoration changes. The window's
:class:`~annotator.gui.window.span_sync.SpanSync` asks the overlays, for each
document it paints, for extra spans and whether the document may be patched
edit by edit (a decorated document is repainted whole).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal

from annotator.gui.views.document_view import SpanStyle


class Overlay(Protocol):
    def decorates(self, doc_id: str) -> bool:
        """True while this overlay changes how ``doc_id`` is painted (then its panes are repainted whole)."""

    def spans(self, doc_id: str, colors: dict[str, str]) -> list[SpanStyle]:
        """Extra spans painted over ``doc_id``'s own annotations (``colors``: label -> colour)."""


class Overlays(QObject):
    #: An overlay's decoration of a document changed ("": of every document); the panes showing it repaint.
    changed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._overlays: list[Overlay] = []

    def add(self, overlay: Overlay) -> None:
        self._overlays.append(overlay)

    def decorates(self, doc_id: str) -> bool:
        return any(o.decorates(doc_id) for o in self._overlays)

    def spans(self, doc_id: str, colors: dict[str, str]) -> list[SpanStyle]:
        return [s for o in self._overlays for s in o.spans(doc_id, colors)]
