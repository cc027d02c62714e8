"""The label scheme and the annotators."""

from __future__ import annotations


from annotator.core.errors import InputError, NotFoundError
from annotator.core.model import Annotator, Label
from annotator.core.store.base import PALETTE, StoreBase


class LabelsMixin(StoreBase):
    # -------------------------------------------------------------------- labels
    def labels(self) -> list[Label]:
        rows = self._read("SELECT name, color, shortcut, description, position FROM labels ORDER BY position, name")
        return [Label(*row) for row in rows]

    def label(self, name: str) -> Label:
        rows = self._read("SELECT name, color, shortcut, description, position FROM labels WHERE name = ?", [name])
        if not rows:
            raise NotFoundError(f"There is no label {name!r} in this project.")
        return Label(*rows[0])

    def next_color(self) -> str:
        """The first palette colour no label uses yet (the palette cycles when all are taken)."""
        used = {label.color.upper() for label in self.labels()}
        for color in PALETTE:
            if color.upper() not in used:
                return color
        return PALETTE[len(used) % len(PALETTE)]

    def add_label(self, name: str, color: str | None = None, shortcut: str = "", description: str = "") -> Label:
        """Create a label; it takes the next unused palette colour unless ``color`` is given."""
        name = name.strip()
        if not name:
            raise InputError("A label needs a name.")
        if self._read("SELECT 1 FROM labels WHERE name = ?", [name]):
            raise InputError(f"There is already a label {name!r}.")
        with self.transaction():
            position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM labels")[0][0]
            label = Label(name, color or self.next_color(), shortcut, description, position)
            self._insert_label(label)
        return label

    def ensure_label(self, name: str, color: str | None = None, description: str = "") -> Label:
        """The label ``name``, created if missing (used by imports)."""
        try:
            return self.label(name)
        except NotFoundError:
            return self.add_label(name, color=color, description=description)

    def _insert_label(self, label: Label) -> None:
        self.db["labels"].insert(
            {
                "name": label.name,
                "color": label.color,
                "shortcut": label.shortcut,
                "description": label.description,
                "position": label.position,
            }
        )

    # ---------------------------------------------------------------- annotators
    def annotators(self) -> list[Annotator]:
        return [Annotator(*row) for row in self._read("SELECT id, name FROM annotators ORDER BY id")]

    def ensure_annotator(self, annotator_id: str, name: str = "") -> Annotator:
        """The annotator ``annotator_id``, created if missing; a non-empty ``name`` is recorded."""
        annotator_id = annotator_id.strip()
        if not annotator_id:
            raise InputError("An annotator needs a name.")
        rows = self._read("SELECT id, name FROM annotators WHERE id = ?", [annotator_id])
        if rows and (not name or rows[0][1] == name):
            return Annotator(*rows[0])
        with self.transaction():
            self.db["annotators"].upsert({"id": annotator_id, "name": name or (rows[0][1] if rows else "")}, pk="id")
        return Annotator(annotator_id, name)

