"""Edits patch the window (spans, list, counts) instead of reloading it: the result must equal a full reload."""

from __future__ import annotations

import random
import re

from PySide6.QtCore import Qt

from annotator.gui.commands.annotations import AdjustBounds, CreateAnnotation, DeleteAnnotation, EditAnnotation


def snapshot(window) -> dict:
    """Everything the window shows about annotations, in comparable form."""
    out = {}
    for i, pane in enumerate(window.panes):
        view = pane.view
        out[f"pane{i}"] = sorted((s.id, s.start, s.end, s.color, s.pattern) for s in view._index.spans)
        lanes = view._index.lanes
        spans = view._index.spans
        for a in spans:  # lanes may differ from a rebuild, but overlapping spans never share one
            for b in view._index.overlapping(a.start, a.end):
                assert a.id == b.id or lanes[a.id] != lanes[b.id]
    window.dock.flush()
    model = window.dock.model
    out["list"] = list(model.ids)
    out["list_cells"] = [model.data(model.index(r, c)) for r in range(len(model.ids)) for c in range(6)]
    out["status"] = window.status_counts.text().rsplit(" · ", 1)[0]
    counts = window.corpus.library.model.counts
    out["library"] = {d: {k: v for k, v in c.items() if v} for d, c in counts.items() if any(c.values())}
    dock = window.annotators_dock
    out["annotators"] = sorted(dock.list.item(i).text() for i in range(dock.list.count()))
    out["spans"] = {k: tuple(v) for k, v in window.sync.spans.items()}
    return out


def full_reload(window) -> dict:
    window.reload_views()
    return snapshot(window)


def words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def test_random_edits_patch_the_window_exactly_like_a_full_reload(window):
    rng = random.Random(11)
    session, store = window.session, window.session.store
    labels = list(window.colors)
    for step in range(60):
        pane = rng.randrange(2)
        doc = window.pane_document(pane)
        text = window.panes[pane].view.text()
        anns = store.annotations(document=doc)
        choice = rng.random()
        if choice < 0.45 or not anns:
            spots = words(text)
            k = rng.randrange(len(spots) - 3)
            start, end = spots[k][0], spots[k + rng.randint(0, 2)][1]
            command = CreateAnnotation(session, doc, rng.choice(labels), start, end, text[start:end])
        elif choice < 0.6:
            command = DeleteAnnotation(session, rng.choice(anns))
        elif choice < 0.75:
            ann = rng.choice(anns)
            command = EditAnnotation(session, ann, "label", rng.choice([x for x in labels if x != ann.label]))
        elif choice < 0.85:
            command = EditAnnotation(session, rng.choice(anns), "note", f"note {step}")
        else:
            ann = rng.choice(anns)
            spots = words(text)
            k = rng.randrange(len(spots) - 2)
            start, end = spots[k][0], spots[k + 1][1]
            command = AdjustBounds(session, ann, start, end, text[start:end])
        assert session.perform(command)
        if rng.random() < 0.2:
            session.undo_stack.undo()
            if rng.random() < 0.5:
                session.undo_stack.redo()
        patched = snapshot(window)
        assert patched == full_reload(window), f"step {step}: {type(command).__name__}"
    assert store.annotation_count() > 10


def test_the_list_follows_filters_and_sorting_through_edits(window):
    session, store = window.session, window.session.store
    doc = window.pane_document(0)
    text = window.panes[0].view.text()
    spots = words(text)
    model = window.dock.model
    model.set_label("Actor")
    for k, label in enumerate(["Actor", "Claim", "Actor", "Figure"]):
        s, e = spots[10 * k + 3]
        assert session.perform(CreateAnnotation(session, doc, label, s, e, text[s:e]))
    window.dock.flush()  # the list applies edits shortly after them
    assert model.ids == store.annotation_list_ids(label="Actor") and len(model.ids) == 2
    model.set_label(None)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    first = store.annotations()[0]
    assert session.perform(EditAnnotation(session, first, "label", "Claim"))
    window.dock.flush()
    assert model.ids == store.annotation_list_ids(column=2, descending=True)
    model.set_text(text[spots[3][0]:spots[3][1]].upper())
    assert model.ids == store.annotation_list_ids(text=text[spots[3][0]:spots[3][1]], column=2, descending=True)
    assert len(model.ids) >= 1


def test_the_list_catches_up_shortly_after_an_edit(window, qtbot):
    session = window.session
    doc = window.pane_document(0)
    text = window.panes[0].view.text()
    start = text.index("Witkoff")
    assert session.perform(CreateAnnotation(session, doc, "Actor", start, start + 7, "Witkoff"))
    window.panes[0].view.select_span(session.store.annotations()[0].id)
    qtbot.waitUntil(lambda: window.dock.model.rowCount() == 1, timeout=2000)
    qtbot.waitUntil(lambda: bool(window.dock.table.selectionModel().selectedRows()), timeout=2000)
    assert window.dock.table.selectionModel().selectedRows()[0].row() == 0
