"""Helpers shared by the GUI tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from builders import code_system_qdpx
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui.dialogs.agreement import AgreementDialog
from annotator.gui.opening_backup import OpeningBackup


def tag(window, pane: int, quote: str, label: str):
    """Select the first ``quote`` in pane ``pane`` and tag it with ``label``; returns the new annotation."""
    view = window.panes[pane].view
    start = view.text().index(quote)
    window.pane_state.set_active(pane)
    view.set_selection(start, start + len(quote))
    window.apply_label(label)
    return window.session.store.annotation(view.selected_span())


def colleague_set(window, tmp_path, monkeypatch, quote: str = "Vladimir Putin"):
    """Tag one Actor span, export it, and make it a colleague's set (new ids) that the file dialogs will offer
    and that is imported as "bob"; returns its path."""
    tag(window, 0, quote, "Actor")
    out = tmp_path / "theirs.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions[A.EXPORT_JSON].trigger()
    data = json.loads(out.read_text(encoding="utf-8"))
    for a in data["annotations"]:
        a["id"] = a["id"][:-4] + "beef"
    out.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("bob", True))
    return out


def open_dialog(window, qtbot) -> AgreementDialog:
    """The agreement dialog, shown."""
    dialog = AgreementDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click_offset(qtbot, view, offset: int) -> None:
    """A real left click on the character at code-point ``offset`` of ``view`` (scrolled into sight first)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    view.scroll_to_offset(offset)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._map.to_utf16(offset) + 1)
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def import_sets(window, tmp_path, monkeypatch, spans: dict[str, list[tuple[str, str]]]) -> None:
    """Import one JSON set per annotator: ``{"bob": [(quote, label), ...]}`` on the left pane's document."""
    from annotator.gui import actions as A

    store = window.session.store
    doc = window.panes[0].document_id
    text = store.document_text(doc)
    for name, items in spans.items():
        anns = []
        for i, (quote, label) in enumerate(items):
            start = text.index(quote)
            anns.append({"id": f"{name}-{i}", "document": doc, "label": label, "start": start,
                         "end": start + len(quote), "quote": quote, "annotator": name})
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"format": "annotator.annotation-set", "version": 1,
                                    "documents": [{"id": doc}], "annotations": anns}), encoding="utf-8")
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        window.actions[A.IMPORT_SET].trigger()


def require_script_font(script: str, package: str = "fonts-noto-core") -> None:
    """Skip the test unless a font family named for ``script`` ("Arabic", "Hebrew": Noto Sans Arabic…) is
    installed; the README calls ``package`` optional. Under ``CI=true`` (``.ci/run`` installs the fonts) a missing
    font fails instead of skipping, so CI always runs the test. Call it inside the test (a QApplication exists)."""
    system = getattr(QFontDatabase.WritingSystem, script)
    if any(script in family for family in QFontDatabase.families(system)):
        return
    message = f"no font with {script} glyphs: install {package}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: .ci/run installs it)")
    pytest.skip(message)


def code_system(path: Path, codes: int) -> Path:
    """A REFI-QDA project as MAXQDA writes one for a code system of ``codes`` codes, each coding one passage of an
    interview, with a PDF source and a case that annotator leaves out (so the import has a summary to show)."""
    code_system_qdpx(path, codes)
    with zipfile.ZipFile(path) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    qde = files["project.qde"].decode("utf-8")
    guid = "00000000-0000-4000-8000-0000000000{:02d}"
    qde = qde.replace("<Sources>", f'<Sources><PDFSource guid="{guid.format(1)}" name="scan.pdf"/>', 1)
    qde = qde.replace("</Project>", f'<Cases><Case guid="{guid.format(2)}" name="Interview A"/></Cases></Project>')
    files["project.qde"] = qde.encode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def open_project_window(qtbot, path):
    """A main window on the project at ``path`` (as ``annotator PATH`` opens it), once its opening backup (taken in
    the background since issue 24) has ended, so the test's edits come after it; close it with close_windows()."""
    window = gui_app.open_window(str(path), gui_app.settings(), user="tester")
    assert window is not None
    qtbot.addWidget(window)
    backup = window.findChild(OpeningBackup)
    if backup is not None:
        qtbot.waitUntil(lambda: backup.done)
    return window


def close_windows() -> None:
    """Close every window open_window opened, and their projects."""
    for window in list(gui_app._WINDOWS):
        window.close()
        window.session.store.close()
    gui_app._WINDOWS.clear()
