"""The window and other programs: their edits shown, read-only projects, backups restored, damaged files.

* :class:`ExternalChanges` polls ``PRAGMA data_version`` while the window is
  idle (once a second, microseconds each) and before every undo or redo. When
  another program (``annotator apply``, a second window) committed, the views
  re-read the project, and the undo history is cleared: undoing a step of ours
  could otherwise remove or overwrite that program's work (deleting a span it
  linked to, restoring a label it changed). The window's own background
  writers that announce what they changed (team sync: deltas) are told apart
  by the writes they count and the other programs' commits they notice
  (:meth:`ExternalChanges.add_own_writer`).
* On a read-only project the window shows a banner (:func:`read_only_message`)
  and disables every editing action (:data:`EDITING`); reading and exporting
  still work.
* File > Restore from backup… (:func:`restore_from_backup`) lists the rolling
  backups with their dates and counts and restores one into a new file,
  opened in its own window; the open project is never overwritten.
* :func:`offer_backup` is what the window says when a project cannot be opened
  although backups of it exist: one sentence, and the latest backup offered.
* :func:`tell_damaged_log`: a project whose write-ahead log was damaged (cut
  short, bytes flipped) opens with what SQLite can replay; the store kept a
  copy of the log beside it first, and the window says where.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from annotator.core.store.backup import Backup, list_backups, restore_backup
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.gui import actions as A
from annotator.gui import background
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Opener, Status

#: How often the window looks for other programs' commits while idle.
POLL_MS = 1000
FOREIGN_MESSAGE = ("Another program changed this project; the window now shows its changes, and the undo history "
                   "was cleared so that an undo cannot remove that program's work.")


class ExternalChanges(QObject):
    """Notices commits by other connections and makes the window show them (see the module docstring)."""

    def __init__(self, session, panes: PaneState, status: Status):
        super().__init__(status.dialog_parent)
        self.session = session
        self.panes = panes
        self.status = status
        self._version = self._read()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.stopped = False
        self._own: list = []  # the window's own writers (add_own_writer)
        self._generations: tuple[int, ...] = ()
        self._foreign: tuple[int, ...] = ()
        # Read by StoreCommand before each undo and redo (annotator.gui.commands.annotations).
        self.session.foreign_changes = self.changed_now
        self.session.retry_locked = self.ask_retry

    def stop(self) -> None:
        """The window is closing: no more looks, and nothing queued is shown."""
        self.stopped = True
        self.timer.stop()

    def ask_retry(self, message: str) -> bool:
        """The project stayed locked by another program past the timeout: Retry or Cancel (True: retry)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "annotator", message, parent=self.status.dialog_parent)
        box.setObjectName("locked_box")
        box.setInformativeText("Your edit was not saved yet. Try again once the other program is done.")
        box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        return box.exec() == QMessageBox.StandardButton.Retry

    def _read(self) -> int | None:
        try:
            return self.session.store.data_version()
        except AnnotatorError:
            return None

    def add_own_writer(self, writer) -> None:
        """A connection of this window's own that announces its changes itself (the team sync's, as deltas).

        ``writer.generation()`` changes around each of its write transactions (odd while one runs);
        ``writer.foreign()`` counts other programs' commits it noticed; ``writer.forgive()`` tells it that the next
        commit it notices is not another program's (the window's own background job's, or one already shown). A
        commit seen while the generation changed and no other program's was noticed is the writer's: the views are
        not re-read and the undo history stays.
        """
        self._own.append(writer)
        self._generations, self._foreign = self._writers()

    def _writers(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(w.generation() for w in self._own), tuple(w.foreign() for w in self._own)

    def _foreign_commit(self, moved: bool) -> bool:
        """With own writers: True when another program committed. ``moved``: the version changed since the last look.

        A writer that noticed another program's commit says so even when this connection's version moved earlier
        and was taken for the writer's own commit (the writer looks a few times a second)."""
        generations, foreign = self._writers()  # read after the version: a commit it saw has counted
        wrote = generations != self._generations or any(g % 2 for g in generations)
        other = foreign != self._foreign
        self._generations, self._foreign = generations, foreign
        if other:
            return True
        if moved and not wrote:  # another program's, shown now: the writers must not count it again later
            for writer in self._own:
                writer.forgive()
            return True
        return False

    def resync(self) -> None:
        """Forget commits made by this window's own background jobs (an import)."""
        self._version = self._read()
        for writer in self._own:
            writer.forgive()
        self._generations, self._foreign = self._writers()

    def poll(self) -> bool:
        """One idle look: True (and the views reloaded) when another program committed since the last."""
        if (self.stopped or background.running() or QApplication.activeModalWidget() is not None
                or QApplication.activePopupWidget() is not None):
            return False  # a dialog or a background job is running: not idle
        return self.changed_now()

    def changed_now(self) -> bool:
        if self.stopped:
            return False
        version = self._read()
        if version is None:
            return False
        moved, self._version = version != self._version, version
        if self._own:  # the window's own writers announce what they changed: only other programs' commits count
            if not self._foreign_commit(moved):
                return False
        elif not moved:
            return False
        # Inside QUndoStack.undo() the stack cannot be cleared; right after, it can.
        QTimer.singleShot(0, self._show_foreign_changes)
        return True

    def _show_foreign_changes(self) -> None:
        if self.stopped or self._read() is None:
            return
        steps = self.session.undo_stack.count()
        self.session.undo_stack.clear()
        self.session.announce_everything(self.panes.shown())
        text = FOREIGN_MESSAGE if steps else "Another program changed this project; the window now shows its changes."
        self.status.show(text, 15000)


# --------------------------------------------------------------- read-only
#: The actions a read-only project disables for good.
EDITING = (A.ADD_DOCUMENTS, A.PASTE_DOCUMENT, A.TAG_ALL, A.PICK_LABEL, A.LABEL_SCHEME, A.IMPORT_SET, A.IMPORT_SET_AS,
           A.IMPORT_PROJECT, A.DELETE_SPAN, A.EDIT_NOTE, A.SET_BOUNDS, A.LINK_SPANS, A.MARK_LINK_SOURCE,
           A.ACCEPT_SUGGESTION, A.ACCEPT_SUGGESTION_GROUP, A.ACCEPT_FIGURES, A.ACCEPT_ACTORS, A.ACCEPT_CLAIMS, A.START_REVIEW, A.ACCEPT_SPAN,
           A.REJECT_SPAN, A.ACCEPT_AGREED, A.MARK_REVIEWED)


def read_only_message(project: Path) -> str:
    """The banner of a read-only project."""
    return f"{project.name} is read-only: you can read, search and export, but not tag or change anything."


# ----------------------------------------------------------- backups
def describe(backup: Backup) -> str:
    local = backup.taken.astimezone()
    c = backup.counts
    return (f"{local:%Y-%m-%d %H:%M:%S} — {c['documents']} documents, {c['annotations']} annotations, "
            f"{c['links']} links")


class RestoreDialog(QDialog):
    """The rolling backups of a project, newest first; the chosen one is :attr:`chosen`."""

    def __init__(self, project: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.backups = list_backups(project)
        layout = QVBoxLayout(self)
        if self.backups:
            text = (f"Backups of {project.name}, taken when it was opened after changes. The one you choose is "
                    "restored into a new file and opened in its own window; this project stays as it is.")
        else:
            text = f"There are no backups of {project.name} yet: one is taken each time it is opened after changes."
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        for backup in self.backups:
            item = QListWidgetItem(describe(backup))
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            self.list.addItem(item)
        if self.backups:
            self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(self.backups))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def chosen(self) -> Backup | None:
        row = self.list.currentRow()
        return self.backups[row] if 0 <= row < len(self.backups) else None


def restored_name(project: Path, backup: Backup) -> Path:
    return project.with_name(f"{project.stem} (restored {backup.taken.astimezone():%Y-%m-%d %H%M%S}){project.suffix}")


def restore_from_backup(session, parent, open_project: Opener) -> Path | None:
    """File > Restore from backup…: choose a backup, choose where to put it, open it; returns the new file."""
    project = Path(session.store.path)
    dialog = RestoreDialog(project, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return None
    backup = dialog.chosen
    target, _ = QFileDialog.getSaveFileName(parent, "Restore the backup as", str(restored_name(project, backup)),
                                            "annotator project (*.sqlite)")
    if not target:
        return None
    if Path(target).resolve() == project.resolve():
        QMessageBox.warning(parent, "annotator",
                            "The open project cannot be replaced while it is open; choose another file name.")
        return None
    force = Path(target).exists()
    try:  # checked and copied in a worker thread, behind the progress dialog of imports and exports (Cancel works)
        background.run_in_background(parent, "Restoring the backup",
                                     lambda progress: restore_backup(backup.path, target, force, progress),
                                     text=f"Checking and copying {backup.path.name}…")
    except CancelledError:
        return None  # nothing was written
    except AnnotatorError as exc:
        QMessageBox.warning(parent, "annotator", str(exc))
        return None
    open_project(target, False)
    return Path(target)


def tell_damaged_log(parent, message: str) -> QMessageBox:
    """The project's write-ahead log was damaged (issue 20, D10): say what may be lost and where its copy was kept.

    The store kept the copy before SQLite could drop the log's unreadable frames; the box is window-modal and does
    not block, and the status bar repeats the sentence.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, "annotator", message, parent=parent)
    box.setObjectName("damaged_log_box")
    box.open()
    return box


def offer_backup(project: Path, message: str) -> Path | None:
    """A project that cannot be opened: say why; when backups exist, offer to put the latest in its place.

    The damaged file is kept beside, renamed ``NAME.damaged-YYYYMMDD-HHMMSS``
    (renamed only: not a byte of it is written). Returns the project to open,
    or None.
    """
    backups = list_backups(project) if project.is_file() else []
    if not backups:
        QMessageBox.critical(None, "annotator", message)
        return None
    latest = backups[0]
    answer = QMessageBox.question(
        None, "annotator",
        f"{message}\n\nThe latest backup is from {describe(latest)}. Restore it? The damaged file is kept as "
        f"{project.name}.damaged-….",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    aside = project.with_name(f"{project.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    try:
        for suffix in ("-wal", "-shm", ""):  # a stale log must never be replayed into the restored file
            if Path(f"{project}{suffix}").exists():
                os.replace(f"{project}{suffix}", f"{aside}{suffix}")
        restore_backup(latest.path, project)
    except (OSError, AnnotatorError) as exc:
        QMessageBox.critical(None, "annotator", f"The backup could not be restored: {exc}")
        return None
    return project
