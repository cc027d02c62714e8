"""Helpers shared by the GUI tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.gui import actions as A
from annotator.gui.dialogs.agreement import AgreementDialog


def tag(window, pane: int, quote: str, label: str):
    """Select the first ``quote`` in pane ``pane`` and tag it with ``label``; returns the new annotation."""
    view = window.panes[pane].view
    start = view.text().index(quote)
    window._set_active(pane)
    view.set_selection(start, start + len(quote))
    window.apply_label(label)
    return window.session.store.annotation(view.selected_span())


def colleague_set(window, tmp_path, monkeypatch):
    """Tag one Actor span, export it, and make it a colleague's set (new ids) that the file dialogs will offer
    and that is imported as "bob"; returns its path."""
    tag(window, 0, "Vladimir Putin", "Actor")
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
