"""The label scheme and the annotators."""

from __future__ import annotations

import re

from annotator.core.attributes import choices_from, choices_text
from annotator.core.errors import InputError, NotFoundError
from annotator.core.model import Annotation, Annotator, Label, Link
from annotator.core.scheme import VERSION as SCHEME_VERSION
from annotator.core.scheme import check_label_key, next_label_color
from annotator.core.store.base import StoreBase

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
#: The columns a :class:`Label` is read from, in its fields' order (``parent`` is NULL at the top of the tree).
_LABEL_COLUMNS = "name, color, shortcut, description, position, COALESCE(parent, ''), codable, memo"


def _label(row) -> Label:
    return Label(*row[:6], codable=bool(row[6]), memo=row[7])


class LabelsMixin(StoreBase):
    # -------------------------------------------------------------------- labels
    def labels(self) -> list[Label]:
        rows = self._read(f"SELECT {_LABEL_COLUMNS} FROM labels ORDER BY position, name")
        return [_label(row) for row in rows]

    def codable_labels(self) -> list[Label]:
        """The labels spans may be tagged with, in scheme order (every label but the categories)."""
        return [lb for lb in self.labels() if lb.codable]

    def label(self, name: str) -> Label:
        rows = self._read(f"SELECT {_LABEL_COLUMNS} FROM labels WHERE name = ?", [name])
        if not rows:
            raise NotFoundError(f"There is no label {name!r} in this project.")
        return _label(rows[0])

    def tagging_label(self, name: str) -> Label:
        """The label ``name`` if spans may be tagged with it; a category (not codable) is refused."""
        label = self.label(name)
        if not label.codable:
            raise InputError(f"{name} is a category that holds labels; tag with one of the labels under it.")
        return label

    def next_color(self) -> str:
        """The first palette colour no label uses yet; past the palette, a colour far from every label's."""
        return next_label_color(label.color for label in self.labels())

    def add_label(self, name: str, color: str | None = None, shortcut: str = "", description: str = "",
                  parent: str = "", codable: bool = True) -> Label:
        """Create a label (under ``parent``, which must exist); it takes the next unused palette colour unless
        ``color`` is given. ``codable=False`` makes a category that only holds labels."""
        name = name.strip()
        if not name:
            raise InputError("A label needs a name.")
        if self._read("SELECT 1 FROM labels WHERE name = ?", [name]):
            raise InputError(f"There is already a label {name!r}.")
        if color is not None and not _COLOR.fullmatch(color):
            color = None  # a foreign set's unusable colour: take the next palette colour instead
        shortcut = (shortcut or "").strip()
        if len(shortcut) > 1:
            raise InputError("A label's key is a single character, such as 5.")
        check_label_key(shortcut, name)
        clash = self._read("SELECT name FROM labels WHERE shortcut = ?", [shortcut]) if shortcut else []
        if clash:
            raise InputError(f"The key {shortcut} already belongs to {clash[0][0]}.")
        parent = (parent or "").strip()
        self.check_parent(name, parent)
        with self.transaction():
            position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM labels")[0][0]
            label = Label(name, (color or self.next_color()).upper(), shortcut, description, position, parent,
                          bool(codable))
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
                "parent": label.parent or None,
                "codable": int(label.codable),
                "memo": label.memo,
            }
        )
        self._declare(label)

    def _declare(self, label: Label) -> None:
        """The attributes a label read from a scheme file declares (nothing when the file does not say)."""
        if label.attributes is None:
            return
        self.db.conn.execute("DELETE FROM label_attributes WHERE label = ?", [label.name])
        self.db.conn.executemany(
            "INSERT INTO label_attributes (label, name, type, choices, position) VALUES (?, ?, ?, ?, ?)",
            [(label.name, d.name, d.type, choices_text(d.choices), i) for i, d in enumerate(label.attributes)])

    # ---------------------------------------------------------------- annotators
    def annotators(self) -> list[Annotator]:
        return [Annotator(*row) for row in self._read("SELECT id, name FROM annotators ORDER BY id")]

    def ensure_annotator(self, annotator_id: str, name: str = "") -> Annotator:
        """The annotator ``annotator_id``, created if missing; a non-empty ``name`` is recorded.

        A name with spaces (or tabs, line breaks) before or after it is refused,
        not stripped: the annotation or link written next carries the name as
        given, and ``' alice'`` must never quietly become a second ``alice``.
        """
        if not isinstance(annotator_id, str) or not annotator_id.strip():
            raise InputError("An annotator needs a name.")
        if annotator_id != annotator_id.strip():
            raise InputError(
                f"The annotator name {annotator_id!r} begins or ends with a space; write it without."
            )
        rows = self._read("SELECT id, name FROM annotators WHERE id = ?", [annotator_id])
        if rows and (not name or rows[0][1] == name):
            return Annotator(*rows[0])
        with self.transaction():
            self.db["annotators"].upsert({"id": annotator_id, "name": name or (rows[0][1] if rows else "")}, pk="id")
        return Annotator(annotator_id, name)


    # ------------------------------------------------------------ scheme editing
    def update_label(self, name: str, *, new_name: str | None = None, color: str | None = None,
                     shortcut: str | None = None, description: str | None = None, parent: str | None = None,
                     codable: bool | None = None) -> Label:
        """Rename, recolour, re-key, describe, move (``parent``: a label's name, "" for the top) or make a
        category of a label (``codable=False``); a rename keeps every annotation and the tree (ON UPDATE CASCADE).
        """
        label = self.label(name)
        fields: dict[str, object] = {}
        if parent is not None and parent.strip() != label.parent:
            self.check_parent(name, parent.strip())
            fields["parent"] = parent.strip() or None
        if codable is not None and bool(codable) != label.codable:
            if not codable and self.label_counts().get(name):
                raise InputError(f"{name} tags spans, so it cannot become a category; move its spans first.")
            fields["codable"] = int(bool(codable))
        if new_name is not None and new_name.strip() != name:
            new_name = new_name.strip()
            if not new_name:
                raise InputError("A label needs a name.")
            if self._read("SELECT 1 FROM labels WHERE name = ?", [new_name]):
                raise InputError(f"There is already a label {new_name!r}.")
            fields["name"] = new_name
        if color is not None:
            if not _COLOR.fullmatch(color):
                raise InputError(f"{color!r} is not a colour; use #RRGGBB.")
            fields["color"] = color.upper()
        if shortcut is not None:
            shortcut = shortcut.strip()
            if len(shortcut) > 1:
                raise InputError("A label's key is a single character, such as 5.")
            check_label_key(shortcut, fields.get("name", name))
            clash = self._read("SELECT name FROM labels WHERE shortcut = ? AND name != ? AND shortcut != ''",
                               [shortcut, name])
            if shortcut and clash:
                raise InputError(f"The key {shortcut} already belongs to {clash[0][0]}.")
            fields["shortcut"] = shortcut
        if description is not None:
            fields["description"] = description.strip()
        if fields:
            with self.transaction():
                self.db.conn.execute(
                    f"UPDATE labels SET {', '.join(f'{k} = ?' for k in fields)} WHERE name = ?",
                    [*fields.values(), name],
                )
        return self.label(fields.get("name", label.name))

    def reorder_labels(self, names: list[str]) -> None:
        """Put the labels in this order (every label must be named once)."""
        if sorted(names) != sorted(lb.name for lb in self.labels()):
            raise InputError("Reordering must name every label exactly once.")
        with self.transaction():
            self.db.conn.executemany("UPDATE labels SET position = ? WHERE name = ?",
                                     [(i, n) for i, n in enumerate(names)])

    def delete_label(self, name: str) -> tuple[Label, list[Annotation], list[Link]]:
        """Delete a label with its annotations (and their links); returns them so :meth:`restore_label` can undo."""
        label = self.label(name)
        held = self._read("SELECT name FROM labels WHERE parent = ? ORDER BY position, name", [name])
        if held:
            raise InputError(f"{name} holds other labels ({', '.join(r[0] for r in held)}); "
                             "move them first or delete them with it.")
        anns = self.annotations(label=name)
        ids = {a.id for a in anns}
        links = [k for k in self.links() if k.source in ids or k.target in ids]
        with self.transaction():
            self.db.conn.execute("DELETE FROM annotations WHERE label = ?", [name])
            self.db.conn.execute("DELETE FROM labels WHERE name = ?", [name])
        return label, anns, links

    def restore_label(self, label: Label, anns: list[Annotation], links: list[Link]) -> None:
        """Undo :meth:`delete_label`: the label at its old position, its annotations and links."""
        with self.transaction():
            self._insert_label(label)
            self._insert_annotations(anns)
            for link in links:
                self.db["links"].insert(link.__dict__)

    def scheme(self) -> dict:
        """The label scheme as the JSON object of ``resources/labels.json`` (for sharing with a team), with the
        attributes each label declares."""
        declared: dict[str, list[dict]] = {}
        for lb, name, kind, choices in self._read("SELECT label, name, type, choices FROM label_attributes "
                                                  "ORDER BY label, position, name"):
            declared.setdefault(lb, []).append({"name": name, "type": kind, "choices": list(choices_from(choices))})
        return {
            "format": "annotator.label-scheme",
            "version": SCHEME_VERSION,
            "labels": [{"name": lb.name, "color": lb.color, "shortcut": lb.shortcut, "description": lb.description,
                        "parent": lb.parent, "codable": lb.codable, "attributes": declared.get(lb.name, [])}
                       for lb in self.labels()],
        }

    def import_scheme(self, labels: list[Label]) -> tuple[list[str], list[str]]:
        """Merge a scheme: labels with a known name are updated (colour, key, description, parent, category,
        attributes), others added; the scheme's tree and attributes win for the labels it names. A label whose ``parent`` is None (a scheme
        file of version 1) keeps its place and category.

        Returns ``(added, updated)`` names. One transaction.
        """
        added, updated = [], []
        with self.transaction():
            known = {lb.name for lb in self.labels()}
            # Parents are set once every label exists and the known ones left their old places, so a tree the
            # scheme turns around never holds a cycle midway.
            self.db.conn.executemany("UPDATE labels SET parent = NULL WHERE name = ?",
                                     [(lb.name,) for lb in labels if lb.name in known and lb.parent is not None])
            for lb in labels:
                if lb.shortcut:  # the incoming scheme's keys win
                    self.db.conn.execute("UPDATE labels SET shortcut = '' WHERE shortcut = ? AND name != ?",
                                         [lb.shortcut, lb.name])
                if lb.name in known:
                    self.update_label(lb.name, color=lb.color, shortcut=lb.shortcut, description=lb.description,
                                      codable=None if lb.parent is None else lb.codable)
                    updated.append(lb.name)
                else:
                    self.add_label(lb.name, lb.color, lb.shortcut, lb.description, codable=lb.codable)
                    added.append(lb.name)
            for lb in labels:
                if lb.parent:
                    self.update_label(lb.name, parent=lb.parent)
                self._declare(lb)  # the scheme's attributes win for the labels it names (version 3 on)
        return added, updated
