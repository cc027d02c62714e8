"""Undoable edits of the label scheme: add, edit (rename, recolour, key, description), move, delete, import.

Like :mod:`annotator.gui.commands.annotations`, ``_do``/``_undo`` only call Store methods
(several of them inside one ``store.transaction()``, so a step lands
completely or not at all) and then announce the change: ``labels_changed``
always, ``annotations_changed(document)`` for every document whose
annotations changed (a rename relabels them, a delete removes them),
``links_changed`` when links went or came back, and ``saved(text)``.

Undo relies on the stack's order: when a command is undone, every later
command has been undone first, so the scheme is exactly as the command left it.

Positions: the store can only set label positions through
``reorder_labels`` (which numbers them 0, 1, 2, …), so commands that add,
move or remove labels leave the positions numbered that way; undo then
restores every label's position exactly as long as they were numbered so
before (always, unless an older project had gaps; the order is restored
regardless).
"""

from __future__ import annotations

from annotator.core.errors import InputError
from annotator.core.model import Annotation, AttributeDecl, Label, Link
from annotator.core.scheme import check_label_key
from annotator.core.store.label_tree import CHILDREN_DELETE, CHILDREN_UP, LabelRemoval
from annotator.gui.commands.annotations import StoreCommand

_Snapshot = tuple[Label, list[Annotation], list[Link]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def merged_order(before: list[str], incoming: list[str]) -> list[str]:
    """The label order after merging a scheme listing ``incoming`` into a project ordered ``before``.

    Known labels named by the scheme take the scheme's order among the places
    they held; a new label goes right after the label preceding it in the
    scheme (before the first known one when it comes first). Labels the scheme
    does not name stay where they were, so a full scheme gives the same order
    as the file and a partial one moves little.

    >>> merged_order(["Claim", "Actor", "Figure"], ["Figure", "Place", "Claim"])
    ['Figure', 'Place', 'Actor', 'Claim']
    """
    known = set(before)
    refill = iter([name for name in incoming if name in known])
    wanted = set(incoming)
    order = [next(refill) if name in wanted else name for name in before]
    for i, name in enumerate(incoming):
        if name in known:
            continue
        if i > 0:
            order.insert(order.index(incoming[i - 1]) + 1, name)
        else:
            first = next((n for n in incoming if n in known), None)
            order.insert(order.index(first) if first is not None else len(order), name)
    return order


def _arrange(store, order: list[str]) -> None:
    """Number the labels 0, 1, 2, … in ``order`` unless they already are (positions stay untouched then)."""
    if [(lb.name, lb.position) for lb in store.labels()] != [(name, i) for i, name in enumerate(order)]:
        store.reorder_labels(order)


def check_free_key(key: str | None, label: str) -> None:
    """Refuse a label key that a menu action already uses (both would silently stop working): core's check,
    before the command is built, so the refusal never reaches the undo stack."""
    check_label_key(key, label)


class SchemeCommand(StoreCommand):
    """Base of the scheme commands: one announcement helper."""

    def _announce(self, what: str, documents=(), links: bool = False) -> None:
        self.session.announce_labels()
        for document in sorted(set(documents)):
            self.session.announce(document)
        if links:
            self.session.announce_links()
        self.session.saved.emit(what)

    def _documents_of(self, label: str) -> set[str]:
        return {a.document for a in self.session.store.iter_annotations(label=label)}


class AddLabel(SchemeCommand):
    """A new label at the end of the scheme; it takes the next unused palette colour unless ``color`` is given."""

    def __init__(self, session, name: str, color: str | None = None, shortcut: str = "", description: str = ""):
        check_free_key(shortcut, name.strip())
        super().__init__(session, f"Add label '{name.strip()}'")
        self.args = (name, color, shortcut, description)
        self.before: list[str] = []
        self.label: Label | None = None
        self.snapshot: _Snapshot | None = None

    def _do(self) -> None:
        store = self.session.store
        with store.transaction():
            self.before = [lb.name for lb in store.labels()]
            if self.snapshot is not None:  # redo: exactly the label that was undone
                store.restore_label(*self.snapshot)
            else:
                name, color, shortcut, description = self.args
                label = store.add_label(name)
                # update_label checks the colour and that the key is free (add_label does not).
                if color is not None or shortcut or description:
                    label = store.update_label(label.name, color=color, shortcut=shortcut or None,
                                               description=description or None)
                self.label = label
            _arrange(store, [*self.before, self.label.name])
        documents = {a.document for a in self.snapshot[1]} if self.snapshot else set()
        self._announce(self.text(), documents, bool(self.snapshot and self.snapshot[2]))

    def _undo(self) -> None:
        # The stack undid everything tagged with this label since; annotations made
        # outside the stack (an imported set) are kept in the snapshot for redo.
        store = self.session.store
        with store.transaction():
            snapshot = store.delete_label(self.label.name)
            _arrange(store, self.before)
        self.snapshot = snapshot
        self._announce("Undo: " + self.text(), {a.document for a in snapshot[1]}, bool(snapshot[2]))


class EditLabel(SchemeCommand):
    """Change any of a label's name, colour, key, description, parent (its place in the tree: moving a label is
    one step) and whether it is a category; undo puts the old values back."""

    FIELDS = ("color", "shortcut", "description", "parent", "codable")

    def __init__(self, session, name: str, *, new_name: str | None = None, color: str | None = None,
                 shortcut: str | None = None, description: str | None = None, parent: str | None = None,
                 codable: bool | None = None):
        check_free_key(shortcut, name)
        self.old = session.store.label(name)
        if parent is not None:
            session.store.check_parent(name, parent.strip())  # refused before anything is pushed
        self.new_name = new_name.strip() if new_name is not None and new_name.strip() != name else None
        self.changes = {k: v for k, v in (("color", color), ("shortcut", shortcut), ("description", description),
                                          ("parent", parent), ("codable", codable))
                        if v is not None}
        super().__init__(session, self._describe())
        self.new: Label | None = None

    def _describe(self) -> str:
        name, changes = self.old.name, self.changes
        if self.new_name is not None and not changes:
            return f"Rename label '{name}' to '{self.new_name}'"
        if self.new_name is None and list(changes) == ["color"]:
            return f"Recolour label '{name}' to {changes['color'].upper()}"
        if self.new_name is None and list(changes) == ["shortcut"]:
            key = changes["shortcut"].strip()
            return f"Set key of label '{name}' to {key}" if key else f"Remove key of label '{name}'"
        if self.new_name is None and list(changes) == ["description"]:
            return f"Describe label '{name}'"
        if self.new_name is None and list(changes) == ["parent"]:
            parent = changes["parent"].strip()
            return f"Move label '{name}' under '{parent}'" if parent else f"Move label '{name}' to the top"
        if self.new_name is None and list(changes) == ["codable"]:
            return f"Make label '{name}' a {'label that tags' if changes['codable'] else 'category'}"
        return f"Edit label '{name}'" + (f" (now '{self.new_name}')" if self.new_name else "")

    def is_noop(self) -> bool:
        """True when applying would change nothing (the dialog then pushes nothing)."""
        old = self.old
        return self.new_name is None and all(_normal(k, v) == getattr(old, k) for k, v in self.changes.items())

    def _do(self) -> None:
        self.new = self.session.store.update_label(self.old.name, new_name=self.new_name, **self.changes)
        documents = self._documents_of(self.new.name) if self.new_name else ()
        self._announce(self.text(), documents)

    def _undo(self) -> None:
        old = self.old
        restore = {k: getattr(old, k) for k in self.changes if getattr(old, k) != getattr(self.new, k)}
        label = self.session.store.update_label(
            self.new.name, new_name=old.name if self.new_name else None, **restore
        )
        documents = self._documents_of(label.name) if self.new_name else ()
        self._announce("Undo: " + self.text(), documents)


def _normal(field: str, value):
    """A field's value as the store keeps it."""
    if field == "codable":
        return bool(value)
    return value.upper() if field == "color" else value.strip()


class MoveLabel(SchemeCommand):
    """Move a label to ``index`` in the scheme's order (the label bar and number keys follow the order)."""

    def __init__(self, session, name: str, index: int):
        self.before = [lb.name for lb in session.store.labels()]
        if name not in self.before:
            raise InputError(f"There is no label {name!r} in this project.")
        index = max(0, min(index, len(self.before) - 1))
        self.after = [n for n in self.before if n != name]
        self.after.insert(index, name)
        old = self.before.index(name)
        where = "up" if index < old else "down"
        steps = abs(index - old)
        super().__init__(session, f"Move label '{name}' {where}" + (f" {steps} places" if steps > 1 else ""))

    def is_noop(self) -> bool:
        return self.before == self.after

    def _do(self) -> None:
        self.session.store.reorder_labels(self.after)
        self._announce(self.text())

    def _undo(self) -> None:
        self.session.store.reorder_labels(self.before)
        self._announce("Undo: " + self.text())


class DeleteLabel(SchemeCommand):
    """Delete a label with its annotations and their links; the labels under it move up to its parent
    (``children="up"``) or go with it, with their annotations (``"delete"``). Undo restores it all exactly."""

    def __init__(self, session, name: str, children: str = CHILDREN_UP):
        store = session.store
        store.label(name)  # NotFoundError for an unknown label, before anything is pushed
        self.names = [name] + (store.descendants(name) if children == CHILDREN_DELETE else [])
        counts = store.label_counts()
        self.count = sum(counts.get(n, 0) for n in self.names)
        suffix = f" ({_plural(self.count, 'annotation')})" if self.count else ""
        held = len(self.names) - 1
        also = f" and {_plural(held, 'label')} under it" if held else ""
        super().__init__(session, f"Delete label '{name}'{also}{suffix}")
        self.name, self.children = name, children
        self.before: list[str] = []
        self.removal: LabelRemoval | None = None
        self.declared: list[AttributeDecl] = []  # the deleted labels' attributes and their spans' values (undo)
        self.values: dict[str, dict[str, str]] = {}

    def _do(self) -> None:
        store = self.session.store
        with store.transaction():
            self.before = [lb.name for lb in store.labels()]
            names = set(self.names)
            self.declared = [d for d in store.label_attributes() if d.label in names]
            self.values = store.attributes_for(a.id for n in self.names for a in store.iter_annotations(label=n))
            removal = store.delete_label_tree(self.name, self.children)
            gone = {lb.name for lb in removal.labels}
            _arrange(store, [n for n in self.before if n not in gone])
        self.removal = removal
        self._announce(self.text(), {a.document for a in removal.annotations}, bool(removal.links))

    def _undo(self) -> None:
        store = self.session.store
        removal = self.removal
        with store.transaction():
            store.restore_label_tree(removal)
            store.import_label_attributes(self.declared)
            store.put_attributes(self.values)
            _arrange(store, self.before)
        self._announce("Undo: " + self.text(), {a.document for a in removal.annotations}, bool(removal.links))


class EditLabelAttributes(SchemeCommand):
    """Make ``decls`` the attributes a label declares (the values its spans carry stay)."""

    def __init__(self, session, name: str, decls: list[AttributeDecl]):
        session.store.label(name)  # NotFoundError for an unknown label, before anything is pushed
        super().__init__(session, f"Edit the attributes of '{name}'")
        self.name, self.decls = name, list(decls)
        self.old: list[AttributeDecl] | None = None

    def is_noop(self) -> bool:
        return self.session.store.label_attributes(self.name) == self.decls

    def _do(self) -> None:
        old = self.session.store.set_label_attributes(self.name, self.decls)
        if self.old is None:
            self.old = old
        self._announce(self.text())

    def _undo(self) -> None:
        self.session.store.set_label_attributes(self.name, self.old or [])
        self._announce("Undo: " + self.text())


class ImportScheme(SchemeCommand):
    """Merge a scheme (from a file): known labels take its colour, key and description; new ones are added.

    The incoming keys win: a project label holding one of them loses its key.
    The order follows the file where it can (see :func:`merged_order`), so a
    full scheme gives everyone the same label bar while the project's own
    extra labels stay where they were.
    Undo puts the previous scheme back exactly (fields, keys and order) and
    removes the labels the import added.
    """

    def __init__(self, session, labels: list[Label], source: str = ""):
        for lb in labels:
            check_free_key(lb.shortcut, lb.name)
        self.labels = list(labels)
        known = {lb.name for lb in session.store.labels()}
        new = sum(lb.name not in known for lb in self.labels)
        counts = f"{new} new, {len(self.labels) - new} updated"
        super().__init__(session, f"Import label scheme{f' {source}' if source else ''} ({counts})")
        self.before: list[Label] | None = None
        self.added: list[str] = []
        self.updated: list[str] = []
        self.kept: list[_Snapshot] = []
        self.declared: dict[str, list[AttributeDecl]] = {}

    def _do(self) -> None:
        store = self.session.store
        with store.transaction():
            before = store.labels()
            named = {lb.name for lb in self.labels if lb.attributes is not None}
            self.declared = {lb.name: store.label_attributes(lb.name) for lb in before if lb.name in named}
            self.added, self.updated = store.import_scheme(self.labels)
            _arrange(store, merged_order([lb.name for lb in before], [lb.name for lb in self.labels]))
            for label, anns, links in self.kept:  # annotations made outside the stack on an added label
                store.insert_annotations(anns)
                for link in links:
                    store.restore_link(link)
        self.before = before
        documents = {a.document for _, anns, _ in self.kept for a in anns}
        links = any(k for _, _, k in self.kept)
        self.kept = []
        self._announce(self.text(), documents, links)

    def _undo(self) -> None:
        store = self.session.store
        before = {lb.name: lb for lb in self.before}
        kept: list[_Snapshot] = []
        with store.transaction():
            # Known labels the import moved go to the top first: none then sits under a label about to go, and
            # putting them back below builds only the old (cycle-free) tree.
            for lb in store.labels():
                if lb.name in before and lb.parent != before[lb.name].parent:
                    store.update_label(lb.name, parent="")
            for name in sorted(self.added, key=lambda n: -len(store.label_path(n))):  # children first
                snapshot = store.delete_label(name)
                if snapshot[1]:
                    kept.append(snapshot)
            current = store.labels()
            # Free the keys first so that swapping keys between labels never clashes midway.
            current = [lb for lb in current if lb.name in before]
            for lb in current:
                if lb.shortcut and lb.shortcut != before[lb.name].shortcut:
                    store.update_label(lb.name, shortcut="")
            for lb in current:
                old = before[lb.name]
                changes = {k: getattr(old, k) for k in ("color", "shortcut", "description", "parent", "codable")
                           if getattr(old, k) != getattr(store.label(lb.name), k)}
                if changes:
                    store.update_label(lb.name, **changes)
            if [(lb.name, lb.position) for lb in store.labels()] != [(lb.name, lb.position) for lb in self.before]:
                store.reorder_labels([lb.name for lb in self.before])
            for name, decls in self.declared.items():  # the attributes the scheme replaced
                store.set_label_attributes(name, decls)
        self.kept = kept
        documents = {a.document for _, anns, _ in kept for a in anns}
        self._announce("Undo: " + self.text(), documents, any(k for _, _, k in kept))
