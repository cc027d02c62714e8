"""Reviewing in the window: comparing annotators in the panes, walking the items, deciding.

:class:`Review` holds the review slots; the Review dock lists the items and the
main window connects actions and signals to the slots here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog
from shiboken6 import isValid

from annotator.core import decisions
from annotator.core.model import Annotation
from annotator.gui.commands import ReviewCommand, short_quote


class Review:
    def __init__(self, window):
        self.window = window

    def start_review(self) -> None:
        """Review > Start review: open the review dock comparing you with a colleague (or the two busiest)."""
        w = self.window
        w.review_dock.prepare(w.session.user)
        w.review_dock.show()
        w.review_dock.raise_()
        self.on_changed()

    def end_review(self) -> None:
        w = self.window
        w.review_dock.hide()
        self.leave()

    def on_visibility(self, visible: bool) -> None:
        w = self.window
        # Closing the dock ends the review; ignore the hide that comes with closing the window.
        if not visible and isValid(w) and w.isVisible():
            self.leave()

    def leave(self) -> None:
        w = self.window
        if not w.reviewing():
            return
        w.display.review_annotators = None
        w.display.pane_annotator = {}
        w.display.categories = {}
        for index in range(len(w.panes)):
            w._refresh_spans(index)
        w._update_actions()

    def on_changed(self) -> None:
        """The compared annotators or the items changed: show their spans with the category patterns."""
        w = self.window
        if not w.review_dock.isVisible() and not w.reviewing():
            return
        names = w.review_dock.compared()
        w.display.review_annotators = names
        w.display.pane_annotator = {0: names[0], 1: names[1]} if len(names) == 2 else {}
        w.display.categories = w.review_dock.categories()
        for index in range(len(w.panes)):
            w._refresh_spans(index)
        w._update_actions()

    def on_item(self, index: int) -> None:
        """Show the current item's document in both panes and select each side's span."""
        w = self.window
        w._update_actions()
        if index < 0:
            return
        group = w.review_dock.items[index]
        by_name = dict(group.members)
        for pane in range(len(w.panes)):
            if w.pane_document(pane) != group.document:
                w.show_document(pane, group.document)
            shown = w.display.pane_annotator.get(pane)
            member = by_name.get(shown) if shown else group.members[0][1]
            view = w.panes[pane].view
            if member is not None:
                view.select_span(member.id)
            else:
                view.select_span(None)
                view.scroll_to_offset(group.start)

    def on_span_selected(self, ann_id: str | None) -> None:
        """A span was clicked or selected in a pane: its review item becomes the current one."""
        w = self.window
        index = w.review_dock.item_of(ann_id) if w.reviewing() else None
        if index is not None:
            w.review_dock.select_item(index)

    def target(self) -> tuple[Annotation, list[Annotation]] | None:
        """(chosen span, all spans of its item): the selected span and its item, else for the current item
        the active pane's annotator's span, else the item's only span."""
        w = self.window
        dock = w.review_dock
        selected = w.view().selected_span()
        index = dock.item_of(selected)
        group = dock.items[index] if index is not None else dock.current()
        if group is None:
            w.statusBar().showMessage("Nothing to decide: pick an item in the Review dock or click a span.", 5000)
            return None
        members = [a for _, a in group.members]
        chosen = next((a for a in members if a.id == selected), None)
        if chosen is None:
            shown = w.display.pane_annotator.get(w.active_pane)
            chosen = dict(group.members).get(shown) if shown else (members[0] if len(members) == 1 else None)
        if chosen is None:
            w.statusBar().showMessage("Select one of this item's spans first (click it, or Ctrl+Left/Right).", 5000)
            return None
        return chosen, members

    def accept_span(self) -> None:
        w = self.window
        target = self.target()
        if target:
            chosen, members = target
            store, user = w.session.store, w.session.user
            w.session.perform(ReviewCommand(w.session, lambda: decisions.accept(store, chosen, members, user)))

    def reject_span(self) -> None:
        w = self.window
        target = self.target()
        if not target:
            return
        chosen = target[0]
        reason, ok = QInputDialog.getText(w, "Reject span", f"Why reject {chosen.annotator}'s {chosen.label} "
                                                               f"'{short_quote(chosen.quote)}'?")
        if ok:
            store, user = w.session.store, w.session.user
            w.session.perform(ReviewCommand(w.session, lambda: decisions.reject(store, chosen, user, reason)))

    def accept_agreed(self) -> None:
        w = self.window
        groups = [[a for _, a in g.members] for g in w.review_dock.items if g.category == "agreed"]
        if groups:
            store, user = w.session.store, w.session.user
            w.session.perform(ReviewCommand(w.session, lambda: decisions.accept_agreed(store, groups, user)))
