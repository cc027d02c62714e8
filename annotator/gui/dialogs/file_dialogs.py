"""File dialogs that open where the analyst last was (see :mod:`annotator.gui.settings`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from annotator.gui.settings import remember_folder, start_folder


def open_file(parent: QWidget | None, title: str, filters: str, fallback: str | Path | None = None) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(fallback)), filters)
    if path:
        remember_folder(path)
    return path


def open_files(parent: QWidget | None, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder()), filters)
    if paths:
        remember_folder(paths)
    return paths


def save_file(parent: QWidget | None, title: str, filters: str, name: str = "", fallback: str | Path | None = None,
              confirm_overwrite: bool = True) -> str:
    """A file name to write; ``name`` is suggested in the last folder used."""
    return save_file_and_type(parent, title, filters, name, fallback, confirm_overwrite)[0]


def save_file_and_type(parent: QWidget | None, title: str, filters: str, name: str = "",
                       fallback: str | Path | None = None, confirm_overwrite: bool = True) -> tuple[str, str]:
    """:func:`save_file`, and the file type (one of ``filters``) the analyst chose ("" when none was)."""
    start = start_folder(fallback) / name if name else start_folder(fallback)
    options = QFileDialog.Option(0) if confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(start), filters, options=options)
    if path:
        remember_folder(path)
    return path, chosen
