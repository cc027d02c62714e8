"""The label tree: a label's parent, moving a label, and deleting a label that holds others.

``labels.parent`` holds the parent's name (NULL at the top) and references ``labels(name)`` ``ON UPDATE
CASCADE``, so a rename keeps the tree. The store refuses a parent that does not exist and a move that would put a
label under itself; a label that holds others is deleted only by :meth:`LabelTreeMixin.delete_label_tree`, which
moves its children up or deletes them too, and returns what :meth:`LabelTreeMixin.restore_label_tree` needs to put
everything back (undo).
"""

from __future__ import annotations

from typing import NamedTuple

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Label, Link
from annotator.core.store.base import StoreBase

#: What becomes of the labels under a deleted label: they move up to its parent, or go with it.
CHILDREN_UP = "up"
CHILDREN_DELETE = "delete"


class LabelRemoval(NamedTuple):
    """What :meth:`LabelTreeMixin.delete_label_tree` removed: the labels (parents first), their annotations and
    those annotations' links, and the children that moved up to the deleted label's parent."""

    labels: list[Label]
    annotations: list[Annotation]
    links: list[Link]
    moved: list[str]


class LabelTreeMixin(StoreBase):
    def children(self, name: str) -> list[str]:
        """The names of the labels directly under ``name``, in scheme order."""
        return [r[0] for r in self._read("SELECT name FROM labels WHERE parent = ? ORDER BY position, name", [name])]

    def descendants(self, name: str) -> list[str]:
        """Every label under ``name`` at any depth, parents before their children."""
        out: list[str] = []
        todo = self.children(name)
        while todo:
            child = todo.pop(0)
            out.append(child)
            todo.extend(self.children(child))
        return out

    def label_path(self, name: str) -> list[str]:
        """The names from the top of the tree down to ``name`` (``["Figure", "Casualties"]``)."""
        path = [name]
        parents = dict(self._read("SELECT name, COALESCE(parent, '') FROM labels"))
        while parents.get(path[0]) and len(path) <= len(parents):
            path.insert(0, parents[path[0]])
        return path

    def check_parent(self, name: str, parent: str) -> None:
        """Refuse putting ``name`` under ``parent`` if that label is missing or sits under ``name`` already."""
        if not parent:
            return
        if parent == name:
            raise InputError(f"{name} cannot sit under itself.")
        if not self._read("SELECT 1 FROM labels WHERE name = ?", [parent]):
            raise InputError(f"There is no label {parent!r} to put {name} under.")
        if name in self.label_path(parent):
            raise InputError(f"{name} cannot go under {parent}, which already sits under {name}.")

    def set_label_parent(self, name: str, parent: str) -> Label:
        """Move ``name`` under ``parent`` ("" for the top of the tree); one transaction."""
        return self.update_label(name, parent=parent)

    def delete_label_tree(self, name: str, children: str = CHILDREN_UP) -> LabelRemoval:
        """Delete ``name`` with its annotations; the labels under it move up to its parent (``"up"``) or are
        deleted too, with their annotations (``"delete"``). One transaction; see :meth:`restore_label_tree`."""
        if children not in (CHILDREN_UP, CHILDREN_DELETE):
            raise InputError(f"Children of a deleted label move {CHILDREN_UP!r} or are {CHILDREN_DELETE!r}d.")
        label = self.label(name)
        doomed = [name] + (self.descendants(name) if children == CHILDREN_DELETE else [])
        labels = [self.label(n) for n in doomed]
        anns = [a for n in doomed for a in self.annotations(label=n)]
        ids = {a.id for a in anns}
        links = [k for k in self.links() if k.source in ids or k.target in ids]
        moved = self.children(name) if children == CHILDREN_UP else []
        with self.transaction():
            for child in moved:
                self.db.conn.execute("UPDATE labels SET parent = ? WHERE name = ?", [label.parent or None, child])
            for n in reversed(doomed):
                self.db.conn.execute("DELETE FROM annotations WHERE label = ?", [n])
                self.db.conn.execute("DELETE FROM labels WHERE name = ?", [n])
        return LabelRemoval(labels, anns, links, moved)

    def restore_label_tree(self, removal: LabelRemoval) -> None:
        """Undo :meth:`delete_label_tree`: the labels where they were, their annotations and links, and the
        children that moved up back under their parent."""
        with self.transaction():
            for label in removal.labels:
                self._insert_label(label)
            self._insert_annotations(removal.annotations)
            for link in removal.links:
                self.db["links"].insert(link.__dict__)
            top = removal.labels[0].name
            for child in removal.moved:
                self.db.conn.execute("UPDATE labels SET parent = ? WHERE name = ?", [top, child])
