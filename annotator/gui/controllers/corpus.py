"""Corpus work in the window: adding documents (files, drops, clipboard), the library, search, find, tag all.

:class:`Corpus` owns the Library and Search docks and the find bar; the main
window connects actions and signals to the slots here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.formats.documents import SUPPORTED_SUFFIXES, Article, read_article
from annotator.core.language import detect_language
from annotator.core.occurrences import whole_word_occurrences
from annotator.core.text import normalize, title_from_text
from annotator.gui.dialogs.file_dialogs import open_files
from annotator.gui.background import BackgroundJobError, run_in_background
from annotator.gui.commands.annotations import AddDocuments, DeleteDocument, EditDocument, TagAll, short_quote
from annotator.gui.dialogs.add_documents import AddDocumentsDialog
from annotator.gui.panels.find_bar import FindBar
from annotator.gui.panels.library_dock import DocumentDetailsDialog, LibraryDock
from annotator.gui.panels.search_dock import SearchDock
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

#: Batches larger than this are read in the background behind a cancellable progress dialog.
BACKGROUND_FROM = 3


def read_in_background(parent, paths: list[str]) -> tuple[list[Article], list[str]] | None:
    """Read articles off the GUI thread, showing progress; None if the analyst cancelled.

    The window keeps painting and answering while PDFs and Word files are parsed.
    A file that cannot be read is named in the errors and the others still land.
    """
    articles: list[Article] = []
    errors: list[str] = []

    def work(progress=None) -> tuple[list[Article], list[str]]:
        for n, p in enumerate(paths):
            if progress is not None:
                progress(n, len(paths), f"Reading {Path(p).name}…")
            try:
                articles.append(read_article(p))
            except AnnotatorError as exc:
                errors.append(str(exc))
        return articles, errors

    if len(paths) < BACKGROUND_FROM:
        return work()
    try:
        return run_in_background(parent, "Adding documents", work, text="Reading documents…")
    except CancelledError:
        return None
    except BackgroundJobError as exc:  # a reader's bug: keep what was read, name the failure
        return articles, [*errors, str(exc)]


def with_languages(parent, articles: list[Article]) -> list[Article] | None:
    """The articles with their language detected in a worker thread; None if the analyst cancelled.

    The language model's first load takes a second or two: never on the GUI thread.
    """

    def work(progress) -> list[Article]:
        found = []
        for n, article in enumerate(articles):
            progress(n, len(articles))
            found.append(article if article.language is not None else
                         replace(article, language=detect_language(article.text)))
        return found

    try:
        return run_in_background(parent, "Adding documents", work, text="Detecting the languages…")
    except CancelledError:
        return None


class Corpus:
    def __init__(self, session, panes: PaneState, status: Status):
        self.session = session
        self.panes = panes
        self.status = status
        self.parent = status.dialog_parent  # for the docks, the find bar and dialogs
        self.library = LibraryDock(session, self.parent)
        self.search = SearchDock(session, self.parent)
        self.find_bar = FindBar(self.parent)

    def docks(self):
        return (self.library, self.search)

    # ---------------------------------------------------------------- adding
    def add_from_dialog(self) -> None:
        """File > Add documents."""
        patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        paths = open_files(self.parent, "Add documents", f"Articles ({patterns});;All files (*)")
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: list[str]) -> None:
        """Read ``paths`` (in the background for many), let the analyst check the details, then add."""
        result = read_in_background(self.parent, paths)
        if result is None:
            self.status.show("Adding documents cancelled; nothing was added.", 5000)
            return
        self._confirm_and_add(*result)

    def paste_document(self) -> None:
        """Ctrl+Shift+V: the clipboard's text as a new document."""
        text = normalize(QApplication.clipboard().text())
        if not text.strip():
            self.status.show("The clipboard holds no text to add.", 5000)
            return
        self._confirm_and_add([Article(Path("clipboard"), text, title_from_text(text))], [])

    def _confirm_and_add(self, articles: list[Article], errors: list[str]) -> None:
        """The analyst checks the titles, sources and dates; then one undoable step adds them all."""
        dialog = AddDocumentsDialog(articles, errors, self.parent)
        if dialog.exec() != AddDocumentsDialog.DialogCode.Accepted:
            return
        chosen = [Article(article.path, article.text, meta["title"], meta["source"], meta["published"], meta["url"])
                  for article, meta in dialog.entries()]
        chosen = with_languages(self.parent, chosen)
        if chosen is None:
            self.status.show("Adding documents cancelled; nothing was added.", 5000)
            return
        command = AddDocuments(self.session, chosen)
        if not self.session.perform(command):
            return
        result = command.result
        docs = [item.document for item in result.items]
        first = docs[0].id if docs else None
        shown = False
        if first and self._may_replace(self.panes.active, first):
            self.panes.show(self.panes.active, first)
            shown = True
        added, skipped = len(result.created_ids), len(articles) - len(result.created_ids)
        self.status.show(f"{added} document{'s' if added != 1 else ''} added"
                         + (f"; {skipped} already in the project" if skipped else "")
                         + ("" if shown or not first else "; open it from the Library or a pane's chooser")
                         + ". Ctrl+Z takes them out again.", 8000)

    def _may_replace(self, pane: int, doc_id: str) -> bool:
        """Show a new document in ``pane`` only if the pane is empty or the analyst says so."""
        current = self.panes.document(pane)
        if current is None or current == doc_id:
            return True
        old = self.session.store.document(current).title
        new = self.session.store.document(doc_id).title
        side = "left" if pane == 0 else "right"
        answer = QMessageBox.question(self.parent, "Show the new document?",
                                      f"Show “{new}” in the {side} pane now, in place of “{old}”?")
        return answer == QMessageBox.StandardButton.Yes

    # --------------------------------------------------------------- library
    def open_document(self, doc_id: str, pane: int) -> None:
        self.panes.show(pane, doc_id)
        self.panes.focus(pane)

    def edit_document(self, doc_id: str) -> None:
        try:
            doc = self.session.store.document(doc_id)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        dialog = DocumentDetailsDialog(doc, self.parent)
        if dialog.exec() != DocumentDetailsDialog.DialogCode.Accepted:
            return
        changed = {k: v for k, v in dialog.values().items() if v != getattr(doc, k)}
        if changed:
            self.session.perform(EditDocument(self.session, doc, **changed))

    def delete_document(self, doc_id: str) -> None:
        store = self.session.store
        try:
            doc = store.document(doc_id)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        n = store.annotation_counts_by_document().get(doc_id, 0)
        answer = QMessageBox.question(
            self.parent, "Delete document",
            f"Delete “{doc.title}” and its {n} annotation{'s' if n != 1 else ''}? You can undo this with Ctrl+Z.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.perform(DeleteDocument(self.session, doc))

    # ------------------------------------------------------------ find, search
    def find(self) -> None:
        view = self.panes.view()
        start, end = view.selection_range()
        phrase = view.text()[start:end] if 0 < end - start <= 200 and "\n" not in view.text()[start:end] else ""
        self.find_bar.open_on(view, phrase)

    def show_search_hit(self, doc_id: str, start: int, end: int) -> None:
        pane = self.panes.show_near(doc_id)
        self.panes.view(pane).set_selection(start, end)
        self.panes.focus(pane)

    def tag_all(self, phrase: str | None = None) -> None:
        """Tag every whole-word occurrence of the phrase (the selection, or the find text) in this document
        or the whole corpus, as one undoable step."""
        view = self.panes.view()
        if not phrase:
            start, end = view.selection_range()
            phrase = view.text()[start:end]
        phrase = phrase.strip()
        if not phrase:
            self.status.show("Select a phrase first, then Tag all occurrences.", 5000)
            return
        labels = [lb.name for lb in self.session.store.labels()]
        label, ok = QInputDialog.getItem(self.parent, "Tag all occurrences", f"Tag every '{short_quote(phrase)}' as:",
                                         labels, 0, False)
        if not ok:
            return
        scopes = ["This document", "Every document"]
        scope, ok = QInputDialog.getItem(self.parent, "Tag all occurrences", "Where:", scopes, 0, False)
        if not ok:
            return
        store = self.session.store
        doc_ids = [self.panes.document()] if scope == scopes[0] else [d.id for d in store.documents()]
        places = []
        for doc_id in filter(None, doc_ids):
            existing = {(a.start, a.end) for a in store.annotations(document=doc_id, label=label,
                                                                     annotator=self.session.user)}
            places += [(doc_id, a, b) for a, b in whole_word_occurrences(store.document_text(doc_id), phrase)
                       if (a, b) not in existing]
        if not places:
            self.status.show(f"Every occurrence of '{short_quote(phrase)}' is already tagged as {label}.",
                                      5000)
            return
        self.session.perform(TagAll(self.session, phrase, label, places))

    # ------------------------------------------------------------- drag & drop
    @staticmethod
    def dropped_paths(mime) -> list[str]:
        """Local files in a drop that annotator can read."""
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls()
                if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in SUPPORTED_SUFFIXES]
