"""Helpers shared by the GUI tests (imported by name: the test folders are not packages)."""

from __future__ import annotations


def tag(window, pane: int, quote: str, label: str):
    """Select the first ``quote`` in pane ``pane`` and tag it with ``label``; returns the new annotation."""
    view = window.panes[pane].view
    start = view.text().index(quote)
    window._set_active(pane)
    view.set_selection(start, start + len(quote))
    window.apply_label(label)
    return window.session.store.annotation(view.selected_span())
