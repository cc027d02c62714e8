"""Every fixed QAction, defined once with its id, menu text and shortcut.

The main window looks actions up by id (``actions[OPEN]``) and connects them
in one place. Label actions are built from the project's scheme by the label
bar; their shortcuts are the labels' own keys. A plain single key that an action here answers to is one of
:data:`annotator.core.scheme.RESERVED_KEYS` (and taken from there), so no path can give a label that key.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.core.formats import registry
from annotator.core.scheme import NOTE_KEY, reserved_key_owner


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcuts: tuple[str | QKeySequence.StandardKey, ...] = ()
    tip: str = ""


OPEN_PROJECT = "file.open_project"
NEW_PROJECT = "file.new_project"
ADD_DOCUMENTS = "file.add_documents"
IMPORT_SET = "file.import_set"
IMPORT_SET_AS = "file.import_set_as"
IMPORT_PROJECT = "file.import_project"
EXPORT_JSON = "file.export_json"
EXPORT_CSV = "file.export_csv"
IMPORT_OTHER = "file.import_other"
EXPORT_OTHER = "file.export_other"
CHANGE_USER = "file.change_user"
QUIT = "file.quit"
UNDO = "edit.undo"
REDO = "edit.redo"
DELETE_SPAN = "edit.delete_span"
EDIT_NOTE = "edit.note"
EDIT_ATTRIBUTES = "edit.attributes"
NEXT_SPAN = "edit.next_span"
PREVIOUS_SPAN = "edit.previous_span"
SET_BOUNDS = "edit.set_bounds"
FOCUS_LEFT = "view.focus_left"
FOCUS_RIGHT = "view.focus_right"
NEXT_AREA = "view.next_area"
PREVIOUS_AREA = "view.previous_area"
ZOOM_IN = "view.zoom_in"
ZOOM_OUT = "view.zoom_out"
ZOOM_RESET = "view.zoom_reset"
START_REVIEW = "review.start"
NEXT_ITEM = "review.next"
PREVIOUS_ITEM = "review.previous"
ACCEPT_SPAN = "review.accept"
REJECT_SPAN = "review.reject"
ACCEPT_AGREED = "review.accept_agreed"
END_REVIEW = "review.end"
AGREEMENT = "analyse.agreement"
LINK_SPANS = "analyse.link"
MARK_LINK_SOURCE = "analyse.link_source"
SUGGEST = "analyse.suggest"
SHOW_SUGGESTIONS = "analyse.show_suggestions"
ACCEPT_SUGGESTION = "analyse.accept_suggestion"
ACCEPT_SUGGESTION_GROUP = "analyse.accept_suggestion_group"
ACCEPT_FIGURES = "analyse.accept_figures"
ACCEPT_ACTORS = "analyse.accept_actors"
ACCEPT_CLAIMS = "analyse.accept_claims"
SYNC_SCROLL = "view.sync_scroll"
PASTE_DOCUMENT = "file.paste_document"
LABEL_SCHEME = "edit.label_scheme"
FIND = "edit.find"
FIND_NEXT = "edit.find_next"
FIND_PREVIOUS = "edit.find_previous"
TAG_ALL = "edit.tag_all"
PICK_LABEL = "edit.pick_label"
CORPUS_SEARCH = "edit.corpus_search"
REPORTS = "analyse.reports"
PROJECT_MEMO = "analyse.project_memo"
DOCUMENT_MEMO = "analyse.document_memo"
CODE_MEMO = "analyse.code_memo"
EXPORT_REPORT = "file.export_report"
MODEL_RUN = "analyse.model_run"
MODEL_DOCK = "analyse.model_dock"
MODEL_PAIRS = "analyse.model_pairs"
MODEL_EVALUATION = "analyse.model_evaluation"
MARK_REVIEWED = "review.mark_reviewed"
USER_GUIDE = "help.guide"
SHORTCUTS = "help.shortcuts"
ABOUT = "help.about"

SPECS = (
    ActionSpec(NEW_PROJECT, "&New project…", (QKeySequence.StandardKey.New,),
               "Create a project file, with the default labels or a label scheme file's"),
    ActionSpec(OPEN_PROJECT, "&Open project…", (QKeySequence.StandardKey.Open,), "Open or create a project file"),
    ActionSpec(ADD_DOCUMENTS, "&Add documents…", ("Ctrl+Shift+O",), "Add .txt or .md articles to the project"),
    ActionSpec(PASTE_DOCUMENT, "&Paste as new document…", ("Ctrl+Shift+V",), "Add the clipboard's text as a document"),
    ActionSpec(IMPORT_SET, "&Import annotations…", ("Ctrl+I",), "Import a JSON annotation set"),
    ActionSpec(IMPORT_SET_AS, "Import annotations &as…", ("Ctrl+Shift+I",),
               "Import a JSON annotation set under another annotator name"),
    ActionSpec(IMPORT_PROJECT, "Import from &project…", ("Ctrl+Shift+P",),
               "Import every annotation of another project file (a colleague's)"),
    ActionSpec(EXPORT_JSON, "Export as &JSON…", ("Ctrl+E",), "Export every annotation as a JSON set"),
    ActionSpec(EXPORT_CSV, "Export as &CSV…", ("Ctrl+Shift+E",), "Export every annotation as CSV"),
    ActionSpec(IMPORT_OTHER, "Import from other &tools…", (), "Import " + registry.titles(
        [f for f in registry.readable() if f.other_tool], lambda f: f"{f.title} ({f.tools})")),
    ActionSpec(EXPORT_OTHER, "E&xport as…", (), "Export every annotation as " + registry.titles(
        registry.writable(), lambda f: f"{f.title} ({'a folder' if f.folder else f.suffixes[0]})")),
    ActionSpec(EXPORT_REPORT, "Export &report…", ("Ctrl+Alt+E",),
               "Write a comparison report (HTML or PDF) to hand over: discrepancies, claims by actor, charts, quotes"),
    ActionSpec(CHANGE_USER, "Change annotator &name…", (), "Set the name recorded on your annotations"),
    ActionSpec(QUIT, "&Quit", ("Ctrl+Q",)),
    ActionSpec(UNDO, "&Undo", ("Ctrl+Z",)),
    ActionSpec(REDO, "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
    ActionSpec(DELETE_SPAN, "&Delete span", ("Delete", "Backspace"), "Remove the selected span"),
    ActionSpec(EDIT_NOTE, "Write &note…", (NOTE_KEY,), "Write a note on the selected span"),
    ActionSpec(EDIT_ATTRIBUTES, "Att&ributes…", ("Ctrl+Shift+A",),
               "Set the selected span's attributes (those its label declares: certainty, negated …)"),
    ActionSpec(NEXT_SPAN, "Ne&xt span", ("Tab",), "Select the next span in reading order"),
    ActionSpec(PREVIOUS_SPAN, "Pre&vious span", ("Shift+Tab",), "Select the previous span in reading order"),
    ActionSpec(SET_BOUNDS, "Set span &bounds to selection", ("Ctrl+B",),
               "Move the last selected span's bounds to the current text selection"),
    ActionSpec(PICK_LABEL, "Tag with lab&el…", ("Ctrl+K",),
               "Find any label by typing part of its name, then tag the selection with it"),
    ActionSpec(TAG_ALL, "Tag &all occurrences…", ("Ctrl+Shift+T",),
               "Tag every occurrence of the selected phrase, in this document or all"),
    ActionSpec(FIND, "&Find…", ("Ctrl+F",), "Find in the focused pane"),
    ActionSpec(FIND_NEXT, "Find ne&xt", ("F3",)),
    ActionSpec(FIND_PREVIOUS, "Find pre&vious", ("Shift+F3",)),
    ActionSpec(CORPUS_SEARCH, "&Search all documents…", ("Ctrl+Shift+F",),
               "Full-text search over every document, annotation quote and note"),
    ActionSpec(LABEL_SCHEME, "&Label scheme…", ("Ctrl+Alt+L",), "Add, rename, recolour, reorder or delete labels"),
    ActionSpec(FOCUS_LEFT, "&Left pane", ("Ctrl+Left",)),
    ActionSpec(FOCUS_RIGHT, "&Right pane", ("Ctrl+Right",)),
    ActionSpec(NEXT_AREA, "Ne&xt pane or dock", ("F6",), "Move the keyboard focus to the next pane or dock"),
    ActionSpec(PREVIOUS_AREA, "Pre&vious pane or dock", ("Shift+F6",),
               "Move the keyboard focus to the previous pane or dock"),
    ActionSpec(ZOOM_IN, "Zoom &in", ("Ctrl+=", "Ctrl++")),
    ActionSpec(ZOOM_OUT, "Zoom &out", ("Ctrl+-",)),
    ActionSpec(ZOOM_RESET, "&Reset zoom", ("Ctrl+0",)),
    ActionSpec(START_REVIEW, "&Start review…", ("Ctrl+Shift+R",), "Compare annotators and decide on their spans"),
    ActionSpec(NEXT_ITEM, "&Next disagreement", ("F8",)),
    ActionSpec(PREVIOUS_ITEM, "&Previous disagreement", ("Shift+F8",)),
    ActionSpec(ACCEPT_SPAN, "&Accept span", ("Ctrl+Return",),
               "Accept the selected span into the reviewed set; reject the conflicting ones"),
    ActionSpec(REJECT_SPAN, "&Reject span…", ("Ctrl+Shift+Backspace",), "Reject the selected span with a reason"),
    ActionSpec(ACCEPT_AGREED, "Accept all a&greed", ("Ctrl+Shift+Return",), "Accept every agreed span at once"),
    ActionSpec(END_REVIEW, "&End review", (), "Back to normal tagging"),
    ActionSpec(AGREEMENT, "&Agreement…", ("Ctrl+Shift+K",), "Measure agreement between annotators"),
    ActionSpec(LINK_SPANS, "&Link spans…", ("Ctrl+L",),
               "Link the span selected in the other pane (or the marked one) to the selected span"),
    ActionSpec(MARK_LINK_SOURCE, "&Mark link source", ("Ctrl+Shift+L",),
               "Remember the selected span as the start of the next link"),
    ActionSpec(SUGGEST, "&Suggest tags", ("Ctrl+G",), "Show suggested Figures, Actors and Claims for this document"),
    ActionSpec(SHOW_SUGGESTIONS, "Show suggestions &while reading", ("Ctrl+Shift+G",)),
    ActionSpec(ACCEPT_SUGGESTION, "Accept su&ggestion", ("Return",), "Accept the selected suggestion"),
    ActionSpec(ACCEPT_SUGGESTION_GROUP, "&Tag all like this suggestion", ("Shift+Return",),
               "Accept every occurrence of the selected suggestion's quote in this document, as one undo step"),
    ActionSpec(ACCEPT_FIGURES, "Accept all &Figure suggestions", ()),
    ActionSpec(ACCEPT_ACTORS, "Accept all A&ctor suggestions", ()),
    ActionSpec(ACCEPT_CLAIMS, "Accept all Clai&m suggestions", ()),
    ActionSpec(SYNC_SCROLL, "S&ynchronised scrolling", ("Ctrl+Shift+Y",),
               "The other pane follows by content (linked spans are anchors)"),
    ActionSpec(REPORTS, "&Reports", ("Ctrl+Alt+R",),
               "Charts and tables: labels per document and source, claims by actor, figures, activity, agreement"),
    ActionSpec(PROJECT_MEMO, "&Project memo…", (), "Write the project's memo: aims, decisions, what to do next"),
    ActionSpec(DOCUMENT_MEMO, "Memo on this &document…", (), "Write a memo on the document of the active pane"),
    ActionSpec(CODE_MEMO, "Memo on a c&ode…", (),
               "Write a memo on a label (code): how it is used, doubts, examples (the selected span's label first)"),
    ActionSpec(MODEL_RUN, "Model su&ggestions…", ("Ctrl+Alt+G",),
               "Ask a language model for spans in the chosen documents (nothing is sent before Start)"),
    ActionSpec(MODEL_DOCK, "Model suggestions &dock", ("Ctrl+Alt+M",),
               "The model's suggestions: filter by label and confidence, accept or reject the shown ones"),
    ActionSpec(MODEL_PAIRS, "Find the same statement in other &reports", ("Ctrl+Alt+P",),
               "Ask the model which spans in the other reports state the selected Claim or Figure"),
    ActionSpec(MODEL_EVALUATION, "Model e&valuation", ("Ctrl+Alt+V",),
               "Precision, recall and F1 per label of each model and the rules, over the reviewed documents"),
    ActionSpec(MARK_REVIEWED, "Mark document re&viewed", ("Ctrl+Alt+D",),
               "Mark the active pane's document reviewed by you: the model evaluation counts it"),
    ActionSpec(USER_GUIDE, "&User guide", ("Shift+F1",), "How to tag, link, review, exchange and report"),
    ActionSpec(SHORTCUTS, "&Keyboard shortcuts", ("F1",)),
    ActionSpec(ABOUT, "&About annotator", ()),
)

#: Actions whose keys are typed characters: they must not fire while a line edit has focus.
TEXT_KEY_ACTIONS = {EDIT_NOTE, DELETE_SPAN}
#: Tab / Shift+Tab are handled by the document view itself; the menu entries only show the key.
VIEW_HANDLED = {NEXT_SPAN, PREVIOUS_SPAN, ACCEPT_SUGGESTION, ACCEPT_SUGGESTION_GROUP}
#: Toggles, shown with a check mark.
CHECKABLE = {SHOW_SUGGESTIONS, SYNC_SCROLL, MARK_REVIEWED}


def key_owner(key: str) -> str | None:
    """The name of the fixed action that already answers to ``key`` (a label's key), or None if it is free.

    Core's list decides (:func:`~annotator.core.scheme.reserved_key_owner`), so the window, the CLI and the
    scheme files agree; :func:`single_keys` is what the actions here really use, for the test that they match.
    """
    return reserved_key_owner(key)


def single_keys() -> dict[str, str]:
    """Every plain one-character shortcut of the fixed actions (as Qt reads it) -> the action's name."""
    keys = {}
    for spec in SPECS:
        for k in spec.shortcuts:
            text = QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText)
            if len(text) == 1:
                keys[text] = spec.text.replace("&", "").rstrip("…")
    return keys


def create_actions(parent: QWidget) -> dict[str, QAction]:
    """Build every fixed action once, parented to the main window."""
    actions = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        keys = [QKeySequence(k) for k in spec.shortcuts]
        if spec.id in VIEW_HANDLED:
            # Show the key in the menu without stealing it from focus navigation elsewhere.
            action.setText(f"{spec.text}\t{keys[0].toString(QKeySequence.SequenceFormat.NativeText)}")
        else:
            action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(spec.id in CHECKABLE)
        if spec.tip:
            action.setStatusTip(spec.tip)
        actions[spec.id] = action
    return actions


def shortcut_rows(label_actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, description) for the F1 help, in menu order, label keys first (only labels that have a key)."""
    rows = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
            for a in label_actions if not a.shortcut().isEmpty()]
    for spec in SPECS:
        text = spec.text.replace("&", "").rstrip("…")
        keys = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in spec.shortcuts)
        if keys:
            rows.append((keys, text))
    return rows
