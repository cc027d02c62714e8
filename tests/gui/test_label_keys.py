"""Issue 10, D3: a label key that a menu action already uses is refused, naming the action."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.errors import InputError
from annotator.core.model import Label
from annotator.core.scheme import RESERVED_KEYS
from annotator.gui import actions as A
from annotator.gui.dialogs.note_dialog import NoteDialog
from annotator.gui.commands.scheme import AddLabel, EditLabel, ImportScheme

from gui_helpers import tag


def test_key_owner_knows_every_single_key_action(qapp):
    assert A.key_owner("n") == "Write note"
    assert A.key_owner("N") == "Write note"
    assert A.key_owner("7") is None and A.key_owner("") is None


def test_every_single_key_window_shortcut_is_reserved_in_core(qapp):
    """Issue 20, D5: core's list of reserved keys is exactly the window's plain one-key shortcuts."""
    assert A.single_keys() == RESERVED_KEYS
    for key, action in A.single_keys().items():
        assert A.key_owner(key.lower()) == action


@pytest.mark.parametrize("make", [
    lambda s: EditLabel(s, "Claim", shortcut="n"),
    lambda s: AddLabel(s, "Source", None, "n"),
    lambda s: ImportScheme(s, [Label("Source", "#56B4E9", "N")]),
])
def test_every_way_of_setting_a_key_refuses_n(window, make):
    with pytest.raises(InputError, match="already used by Write note"):
        make(window.session)
    assert "n" not in {lb.shortcut.lower() for lb in window.session.store.labels()}


def test_the_scheme_editor_says_which_action_has_the_key(window, monkeypatch, errors):
    from PySide6.QtWidgets import QInputDialog

    from annotator.gui.dialogs.scheme_editor import SchemeEditor

    editor = SchemeEditor(window.session, window)
    editor.select("Claim")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("n", True))
    editor.set_key()
    assert window.session.store.label("Claim").shortcut == "1"
    assert errors and "already used by Write note" in errors[-1]
    editor.close()


def test_a_scheme_with_n_made_elsewhere_keeps_n_for_notes(window, monkeypatch, qtbot):
    """A project whose label was given N outside the window (the CLI): N still writes a note."""
    store = window.session.store
    with store.transaction():  # an older version let the CLI give a label N; the store now refuses it
        store.db.conn.execute("UPDATE labels SET shortcut = 'n' WHERE name = 'Claim'")
    window.session.labels_changed.emit()
    claim = next(a for a in window.label_bar.label_actions if a.objectName() == "label.Claim")
    assert claim.shortcut().isEmpty() and "unavailable: used by Write note" in claim.toolTip()
    ann = tag(window, 0, "Steve Witkoff", "Actor")
    window.panes[0].view.select_span(ann.id)
    asked = []
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(NoteDialog, "get_note", lambda *a, **k: asked.append(a) or ("", False))
    qtbot.keyClick(window.panes[0].view, Qt.Key.Key_N)
    assert asked  # the note dialog opened: N is not ambiguous
