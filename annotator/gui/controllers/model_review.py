"""Review > Mark document reviewed, and the Model dock's Evaluation tab.

*Mark document reviewed* (Ctrl+Alt+D) works in any project: it marks the active pane's document done by the
analyst (``store.mark_done``; in a project joined to a team, by the analyst's team name) through an undoable
command, and its check mark follows the active pane's document. The evaluation
(:mod:`annotator.core.llm.evaluate`) scores the rules and every model and prompt version with cached answers
against the reviewed documents' tags: computed from the project alone (no network), in the background on a
read-only connection of its own, when the Evaluation tab is shown, the match mode changes or *Refresh* is pressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from annotator.core.lazy import lazy_module
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.store import Store
from annotator.gui import actions as A
from annotator.gui.background import run_in_background
from annotator.gui.commands.model import MarkReviewed
from annotator.gui.panels.model_dock import ModelDock
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # import-linter reads these imports: the contracts still see the dependency
    from annotator.core.llm import evaluate as llm_evaluate
else:
    llm_evaluate = lazy_module("annotator.core.llm.evaluate")

EVALUATION_TAB = 2


def compute_evaluation(path: str, match: str) -> tuple[llm_evaluate.Evaluation, list[str], int]:
    """The evaluation of every suggester over the reviewed documents of the project at ``path``, the reviewed
    documents' titles and the number of documents (read-only; no network: models are scored from the cache)."""
    with Store.open(path, create=False, readonly=True) as store:
        titles = {d.id: d.title for d in store.documents()}
        reviewed = [titles[d] for d in llm_evaluate.reviewed_documents(store)]
        return llm_evaluate.project_evaluation(store, match=match), reviewed, len(titles)


class ModelReview(QObject):
    """The reviewed mark of the active pane's document, and the evaluation in the Model dock."""

    def __init__(self, session, panes: PaneState, status: Status, dock: ModelDock):
        super().__init__(status.dialog_parent)
        self.session = session
        self.panes = panes
        self.status = status
        self.dock = dock
        self.action: QAction | None = None
        self.evaluation: llm_evaluate.Evaluation | None = None
        dock.evaluation_requested.connect(self.compute)
        dock.tabs.currentChanged.connect(lambda tab: tab == EVALUATION_TAB and self.dock.isVisible() and
                                         self.compute())

    def connect(self, actions: dict[str, QAction]) -> None:
        self.action = actions[A.MARK_REVIEWED]
        self.action.triggered.connect(self.mark_reviewed)
        actions[A.MODEL_EVALUATION].triggered.connect(self.show_evaluation)
        self.panes.active_changed.connect(self.update_action)
        self.panes.document_shown.connect(self.update_action)

    def reviewer(self) -> str:
        """Who marks: the analyst, by their team name in a project joined to a team."""
        link = self.session.store.team()
        return link.member if link is not None else self.session.user

    def is_reviewed(self, doc: str) -> bool:
        return self.reviewer() in self.session.store.done_documents().get(doc, set())

    def update_action(self, *_) -> None:
        """The check mark follows the active pane's document."""
        doc = self.panes.document()
        if self.action is not None:
            self.action.setChecked(doc is not None and self.is_reviewed(doc))

    def mark_reviewed(self) -> bool:
        """Review > Mark document reviewed: mark the active pane's document (again: take the mark back)."""
        doc = self.panes.document()
        if doc is None:
            self.status.show("Open a document first, then mark it reviewed.", 4000)
            self.update_action()
            return False
        title = self.session.store.document(doc).title
        reviewed = not self.is_reviewed(doc)
        done = self.session.perform(MarkReviewed(self.session, doc, title, reviewed, self._changed))
        if done:
            self.status.show(f"'{title}' is {'now' if reviewed else 'no longer'} marked reviewed.", 5000)
        self.update_action()
        return done

    def _changed(self) -> None:
        self.update_action()
        if self.dock.isVisible() and self.dock.tabs.currentIndex() == EVALUATION_TAB:
            self.compute()

    # ------------------------------------------------------------------ evaluation
    def show_evaluation(self) -> None:
        """Analyse > Model evaluation: the Model dock's Evaluation tab, computed afresh."""
        self.dock.show()
        self.dock.raise_()
        if self.dock.tabs.currentIndex() != EVALUATION_TAB:
            self.dock.tabs.setCurrentIndex(EVALUATION_TAB)  # computes (currentChanged)
        else:
            self.compute()
        self.dock.evaluation_table.setFocus()

    def compute(self, match: str | None = None) -> llm_evaluate.Evaluation | None:
        match = match or self.dock.match.currentText()
        path = str(self.session.store.path)
        try:
            evaluation, reviewed, total = run_in_background(
                self.status.dialog_parent, "Model evaluation", lambda progress: compute_evaluation(path, match),
                text="Scoring the suggesters against the reviewed documents…")
        except CancelledError:
            return None
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return None
        self.evaluation = evaluation
        self.dock.set_evaluation(evaluation.rows, reviewed, total)
        return evaluation
