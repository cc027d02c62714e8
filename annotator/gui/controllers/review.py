"""Reviewing in the window: comparing annotators in the panes, walking the items, deciding.

:class:`Review` holds the review slots and is the review's overlay: while a
review runs, the panes show only the compared annotators' spans, with the
category patterns (:meth:`SpanDisplay.start_review`), and are repainted whole
after each edit. The Review dock lists the items; the main window connects
actions and signals to the slots here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog

from annotator.core import decisions
from annotator.core.model import Annotation
from annotator.gui.commands.annotations import ReviewCommand, short_quote
from annotator.gui.views.document_view import SpanStyle
from annotator.gui.panels.review_dock import ReviewDock
from annotator.gui.views.span_display import SpanDisplay
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status
from annotator.gui.window_fit import make_room

#: Share of the window's height the review dock takes when a review starts (its table needs rows).
REVIEW_SHARE = 0.42


class Review(QObject):
    #: The review started, ended or its items changed: which actions apply has changed.
    state_changed = Signal()

    def __init__(self, session, panes: PaneState, status: Status, dock: ReviewDock, display: SpanDisplay,
                 overlays: Overlays):
        super().__init__(dock)
        self.session = session
        self.panes = panes
        self.status = status
        self.dock = dock
        self.display = display
        self.overlays = overlays
        overlays.add(self)

    # The review's overlay (annotator.gui.window.overlays.Overlay): no spans of its own, but while it runs
    # a pane shows some annotators only, with patterns, so an edit repaints the pane whole.
    def decorates(self, doc_id: str) -> bool:
        return self.display.reviewing

    def spans(self, doc_id: str, colors: dict[str, str]) -> list[SpanStyle]:
        return []

    def start_review(self) -> None:
        """Review > Start review: open the review dock comparing you with a colleague (or the two busiest)."""
        self.dock.prepare(self.session.user)
        self.dock.show()
        self.dock.raise_()
        make_room(self.dock, REVIEW_SHARE)
        self.on_changed()

    def end_review(self) -> None:
        self.dock.hide()
        self.leave()

    def on_visibility(self, visible: bool, window_visible: bool) -> None:
        """Closing the dock ends the review; the hide that comes with closing the window does not."""
        if not visible and window_visible:
            self.leave()

    def leave(self) -> None:
        if not self.display.reviewing:
            return
        self.display.end_review()
        for pane in self.panes.panes:
            pane.show_whose(None)
        self.overlays.changed.emit("")
        self.state_changed.emit()

    def on_changed(self) -> None:
        """The compared annotators or the items changed: show their spans with the category patterns."""
        if not self.dock.isVisible() and not self.display.reviewing:
            return
        self.display.start_review(self.dock.compared(), self.dock.categories())
        for index, pane in enumerate(self.panes.panes):
            pane.show_whose(self.display.pane_annotator.get(index))
        self.overlays.changed.emit("")
        self.state_changed.emit()

    def on_item(self, index: int) -> None:
        """Show the current item's document in both panes and select each side's span."""
        self.state_changed.emit()
        if index < 0:
            return
        group = self.dock.items[index]
        by_name = dict(group.members)
        for pane in range(len(self.panes)):
            if self.panes.document(pane) != group.document:
                self.panes.show(pane, group.document)
            shown = self.display.pane_annotator.get(pane)
            member = by_name.get(shown) if shown else group.members[0][1]
            view = self.panes.view(pane)
            if member is not None:
                view.select_span(member.id)
            else:
                view.select_span(None)
                view.scroll_to_offset(group.start)

    def on_span_selected(self, ann_id: str | None) -> None:
        """A span was clicked or selected in a pane: its review item becomes the current one."""
        index = self.dock.item_of(ann_id) if self.display.reviewing else None
        if index is not None:
            self.dock.select_item(index)

    def decidable(self) -> bool:
        """Whether Accept/Reject apply now: a current item, or a selected span that belongs to one."""
        if not self.display.reviewing:
            return False
        return self.dock.current() is not None or self.dock.item_of(self.panes.selected_span()) is not None

    def has_agreed(self) -> bool:
        return self.display.reviewing and any(g.category == "agreed" for g in self.dock.items)

    def target(self) -> tuple[Annotation, list[Annotation]] | None:
        """(chosen span, all spans of its item): the selected span and its item, else for the current item
        the active pane's annotator's span, else the item's only span."""
        selected = self.panes.selected_span()
        index = self.dock.item_of(selected)
        group = self.dock.items[index] if index is not None else self.dock.current()
        if group is None:
            self.status.show("Nothing to decide: pick an item in the Review dock or click a span.", 5000)
            return None
        members = [a for _, a in group.members]
        chosen = next((a for a in members if a.id == selected), None)
        if chosen is None:
            shown = self.display.pane_annotator.get(self.panes.active)
            chosen = dict(group.members).get(shown) if shown else (members[0] if len(members) == 1 else None)
        if chosen is None:
            self.status.show("Select one of this item's spans first (click it, or Ctrl+Left/Right).", 5000)
            return None
        return chosen, members

    def accept_span(self) -> None:
        target = self.target()
        if target:
            chosen, members = target
            store, user = self.session.store, self.session.user
            self.session.perform(ReviewCommand(self.session, lambda: decisions.accept(store, chosen, members, user)))

    def reject_span(self) -> None:
        target = self.target()
        if not target:
            return
        chosen = target[0]
        reason, ok = QInputDialog.getText(self.status.dialog_parent, "Reject span",
                                          f"Why reject {chosen.annotator}'s {chosen.label} "
                                          f"'{short_quote(chosen.quote)}'?")
        if ok:
            store, user = self.session.store, self.session.user
            self.session.perform(ReviewCommand(self.session, lambda: decisions.reject(store, chosen, user, reason)))

    def accept_agreed(self) -> None:
        groups = [[a for _, a in g.members] for g in self.dock.items if g.category == "agreed"]
        if groups:
            store, user = self.session.store, self.session.user
            self.session.perform(ReviewCommand(self.session, lambda: decisions.accept_agreed(store, groups, user)))
