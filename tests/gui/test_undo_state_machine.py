"""A stateful property test: random sequences of edits, imports, undos and redos against a plain Python model.

The edits go through the window's own undoable commands (:mod:`annotator.gui.commands.annotations`)
on a :class:`ProjectSession`; the model is a dict of annotations and links with a
list of (do, undo) steps behaving like ``QUndoStack`` (a new step drops the redo
tail; an import, as in the window, is one step). After every step the
project, read back from the store, must equal the model.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test

from annotator.core.formats.json_set import import_json
from annotator.core.store import Store
from annotator.core.text import document_id
from annotator.gui.commands.annotations import CreateAnnotation, CreateLink, DeleteAnnotation, EditAnnotation
from annotator.gui.commands.imports import ImportSet
from annotator.gui.session import ProjectSession

TEXTS = ("Steve Witkoff will meet Vladimir Putin in Moscow.\n", "The plan has 28 points 🇺🇦 and a deadline.\n")
LABELS = ("Claim", "Actor", "Figure")
IMPORTED = [("imp-1", 0, 0, 13, "Actor"), ("imp-2", 0, 24, 38, "Actor"), ("imp-3", 1, 13, 15, "Figure")]


class UndoMachine(RuleBasedStateMachine):
    @initialize()
    def open_project(self):
        self.folder = Path(tempfile.mkdtemp())
        self.store = Store.open(self.folder / "p.sqlite")
        self.docs = [self.store.add_document(t, f"Doc {i}")[0].id for i, t in enumerate(TEXTS)]
        self.session = ProjectSession(self.store, "tester")
        self.anns: dict[str, tuple] = {}  # id -> (document, label, start, end, note)
        self.links: dict[str, tuple] = {}  # id -> (source, target, type)
        self.steps: list[tuple] = []  # (do, undo) on the model
        self.done = 0  # how many of self.steps are applied

    def teardown(self):
        if hasattr(self, "session"):
            self.session.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------ the model
    def _push(self, do, undo) -> None:
        del self.steps[self.done:]
        self.steps.append((do, undo))
        self.done += 1
        do()

    def _drop(self, ann_id: str) -> dict:
        """Remove an annotation and, as the foreign key cascade does, its links; returns those links."""
        self.anns.pop(ann_id)
        gone = {k: v for k, v in self.links.items() if ann_id in v[:2]}
        for k in gone:
            del self.links[k]
        return gone

    def _perform(self, command) -> None:
        assert self.session.perform(command)

    # ---------------------------------------------------------------- rules
    @rule(doc=st.integers(0, 1), label=st.sampled_from(LABELS), data=st.data())
    def add(self, doc, label, data):
        length = len(TEXTS[doc])
        start = data.draw(st.integers(0, length - 1))
        end = data.draw(st.integers(start + 1, length))
        document = self.docs[doc]
        command = CreateAnnotation(self.session, document, label, start, end, TEXTS[doc][start:end])
        self._perform(command)
        ann_id, row = command.annotation.id, (document, label, start, end, "")
        self._push(lambda: self.anns.__setitem__(ann_id, row), lambda: self._drop(ann_id))

    @precondition(lambda self: self.anns)
    @rule(data=st.data())
    def delete(self, data):
        ann_id = data.draw(st.sampled_from(sorted(self.anns)))
        self._perform(DeleteAnnotation(self.session, self.store.annotation(ann_id)))
        row = self.anns[ann_id]
        saved = {}

        def do():
            saved.clear()
            saved.update(self._drop(ann_id))

        def undo():
            self.anns[ann_id] = row
            self.links.update(saved)

        self._push(do, undo)

    @precondition(lambda self: self.anns)
    @rule(data=st.data(), field=st.sampled_from(("label", "note")))
    def edit(self, data, field):
        ann_id = data.draw(st.sampled_from(sorted(self.anns)))
        value = data.draw(st.sampled_from(LABELS) if field == "label" else st.text(max_size=8))
        self._perform(EditAnnotation(self.session, self.store.annotation(ann_id), field, value))
        index = 1 if field == "label" else 4
        old = self.anns[ann_id]

        def put(row):
            self.anns[ann_id] = row

        new = (*old[:index], value, *old[index + 1:])
        self._push(lambda: put(new), lambda: put(old))

    @precondition(lambda self: len(self.anns) >= 2)
    @rule(data=st.data())
    def link(self, data):
        source, target = data.draw(st.lists(st.sampled_from(sorted(self.anns)), min_size=2, max_size=2, unique=True))
        command = CreateLink(self.session, self.store.annotation(source), self.store.annotation(target), "same as")
        self._perform(command)
        link_id = command.link.id
        self._push(lambda: self.links.__setitem__(link_id, (source, target, "same as")),
                   lambda: self.links.pop(link_id))

    @rule()
    def import_set(self):
        data = {"format": "annotator.annotation-set", "version": 1,
                "documents": [{"id": document_id(t)} for t in TEXTS],
                "annotations": [{"id": i, "document": self.docs[d], "label": lb, "start": s, "end": e,
                                 "quote": TEXTS[d][s:e], "annotator": "colleague"} for i, d, s, e, lb in IMPORTED]}
        report = import_json(self.store, data)
        added = {i: (self.docs[d], lb, s, e, "") for i, d, s, e, lb in IMPORTED if i not in self.anns}
        if not report.rows:  # nothing new: the window pushes no step
            assert not added
            return
        self._perform(ImportSet(self.session, report, "set.json"))  # as the window does after an import

        def undo():
            for ann_id in added:
                self._drop(ann_id)

        self._push(lambda: self.anns.update(added), undo)

    @precondition(lambda self: self.done > 0)
    @rule()
    def undo(self):
        self.session.undo_stack.undo()
        self.done -= 1
        self.steps[self.done][1]()

    @precondition(lambda self: self.done < len(self.steps))
    @rule()
    def redo(self):
        self.session.undo_stack.redo()
        self.steps[self.done][0]()
        self.done += 1

    # ------------------------------------------------------------ invariant
    @invariant()
    def project_equals_model(self):
        if not hasattr(self, "store"):
            return
        stored = {a.id: (a.document, a.label, a.start, a.end, a.note) for a in self.store.annotations()}
        assert stored == self.anns
        for ann_id, (document, _, start, end, _) in self.anns.items():
            assert self.store.annotation(ann_id).quote == TEXTS[self.docs.index(document)][start:end]
        assert {k.id: (k.source, k.target, k.type) for k in self.store.links()} == self.links
        stack = self.session.undo_stack
        assert (stack.index(), stack.count()) == (self.done, len(self.steps))


def test_store_and_undo_stack_follow_a_plain_model(qapp):
    run_state_machine_as_test(
        UndoMachine,
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
