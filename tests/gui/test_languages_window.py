"""Languages in the window: the Discrepancies dock follows the panes, accepted suggestions keep their reason
out of the note, the document's language in its details, right-to-left paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QDialog, QInputDialog

from annotator.gui import actions as A
from annotator.gui.panels.library_dock import DocumentDetailsDialog
from annotator.gui.views.span_painting import visual_ranges

from gui_helpers import require_script_font, tag

ARABIC = ("أعلن الرئيس الأمريكي دونالد ترامب أنه سيرسل المبعوث الخاص ستيف ويتكوف (Steve Witkoff) إلى موسكو "
          "للقاء بوتين، في إطار خطة من ٢٨ نقطة. وقتل سبعة أشخاص.\n\nEnglish paragraph inside.\n")


def test_discrepancy_sides_follow_the_panes_not_the_link(window, monkeypatch):
    thirty = tag(window, 1, "30 countries", "Figure")  # right pane
    dozen = tag(window, 0, "three dozen countries", "Figure")  # left pane
    store = window.session.store
    store.add_link("contradicts", thirty.id, dozen.id, "tester")  # the link points right -> left
    window.session.links_changed.emit()
    dock = window.cross.discrepancies_dock
    [d] = dock.items
    assert (d.left.id, d.right.id) == (dozen.id, thirty.id)
    headers = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    assert headers[:4] == ["", "Kind", "Left document", "Left"]
    assert dock.table.item(0, 2).text() == "Financial Times · en"
    assert dock.table.item(0, 3).text() == "three dozen countries" and dock.table.item(0, 0).text() == "≠ differs"
    # Swap the panes' documents: the sides follow.
    left, right = window.pane_document(0), window.pane_document(1)
    window.show_document(0, right)
    window.show_document(1, left)
    assert dock.items[0].left.id == thirty.id and dock.table.item(0, 3).text() == "30 countries"


def test_accepted_suggestions_keep_their_reason_out_of_the_note(window):
    window.focus_pane(0)
    window.actions[A.SUGGEST].trigger()
    window.actions[A.ACCEPT_ACTORS].trigger()
    store = window.session.store
    actors = store.annotations(label="Actor")
    quotes = {a.quote for a in actors}
    assert "Steve Witkoff" in quotes
    for bad in ("Air Force One", "Abu Dhabi", "Financial Times", "Ben Hall", "Ian Johnston", "Henry Foy"):
        assert bad not in quotes
    assert all(a.note == "" and a.origin.startswith("suggested: ") for a in actors)
    assert store.search_annotations("suggested") == []  # note search no longer finds the reason


def test_language_in_the_details_dialog_is_stored_and_undoable(window, monkeypatch):
    store = window.session.store
    doc = store.document(window.pane_document(1))
    assert doc.language == "en"

    def accept_as_russian(dialog):
        assert dialog.language.currentData() == "en"
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DocumentDetailsDialog, "exec", accept_as_russian)
    window.corpus.edit_document(doc.id)
    assert store.document(doc.id).language == "ru"
    assert window.panes[1].view.language == "ru"
    window.session.undo_stack.undo()
    assert store.document(doc.id).language == "en"


def _show_arabic(window):
    store = window.session.store
    doc, _ = store.add_document(ARABIC, "Arabic report", "Arabic wire")
    window.session.documents_changed.emit()
    window.show_document(1, doc.id)
    return doc, window.panes[1].view


def test_arabic_paragraphs_are_right_aligned_and_spans_sit_on_their_glyphs(window, qtbot):
    require_script_font("Arabic")
    doc, view = _show_arabic(window)
    assert doc.language == "ar" and view.language == "ar"
    qtbot.wait(10)
    blocks = {}
    block = view.document().begin()
    while block.isValid():
        view.document().documentLayout().blockBoundingRect(block)
        if block.text():
            line = block.layout().lineAt(block.layout().lineCount() - 1)
            blocks[block.text()[:7]] = (block.layout().textOption().alignment(), line.cursorToX(0)[0])
        block = block.next()
    arabic, english = blocks["أعلن ال"], blocks["English"]
    assert arabic[0] & Qt.AlignmentFlag.AlignRight and not english[0] & Qt.AlignmentFlag.AlignRight
    # A span across both directions is painted where its glyphs are: the Latin name and the Arabic around it.
    start = ARABIC.index("ويتكوف (Steve")
    end = start + len("ويتكوف (Steve")
    first = view.document().begin()
    line = first.layout().lineForTextPosition(start)
    pieces = visual_ranges(line, start, end, True)
    name = visual_ranges(line, ARABIC.index("Steve"), ARABIC.index("Steve") + 5, True)
    arabic_word = visual_ranges(line, start, start + len("ويتكوف"), True)
    assert len(pieces) >= 1
    covered = lambda r: any(a - 0.5 <= r[0] and r[1] <= b + 0.5 for a, b in pieces)  # noqa: E731
    assert covered(name[0]) and covered(arabic_word[0])
    witkoff = ARABIC.index("Witkoff")
    assert not covered(visual_ranges(line, witkoff, witkoff + 7, True)[0])  # not the rest of the name


def test_a_missing_script_font_skips_naming_the_package_but_fails_under_ci(qapp, monkeypatch):
    """A fresh machine without fonts-noto-core skips the Arabic layout test, saying what to install; CI fails."""
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *system: ["DejaVu Sans"]))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install fonts-noto-core"):
        require_script_font("Arabic")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="fonts-noto-core"):
        require_script_font("Arabic")
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *system: ["Noto Sans Arabic"]))
    require_script_font("Arabic")


def test_selection_by_keyboard_in_arabic_gives_exact_offsets(window, qtbot):
    _doc, view = _show_arabic(window)
    start = ARABIC.index("ستيف")
    view.set_selection(start, start)
    cursor = view.textCursor()
    for _ in range(len("ستيف ويتكوف")):
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    s, e = view.selection_range()
    assert ARABIC[s:e] == "ستيف ويتكوف"


_MIXED = ["ستيف ويتكوف", " (Steve Witkoff) ", "٢٨ نقطة", "🇺🇦", "𝐁", "، ", "\n", "سبعة", "abc", "\u200f"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_MIXED), min_size=1, max_size=12), st.data())
def test_offsets_stay_exact_in_the_view_on_rtl_and_mixed_text(window, pieces, data):
    text = "".join(pieces)
    view = window.panes[1].view
    view.set_document(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    view.set_selection(start, end)
    assert view.selection_range() == (start, end)
    assert view.text()[start:end] == text[start:end]
