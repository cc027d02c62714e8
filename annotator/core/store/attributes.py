"""Attributes on spans: what each label declares (``label_attributes``) and what annotations carry
(``annotation_attributes``). The rules for names, kinds and values are in :mod:`annotator.core.attributes`.

An annotation keeps its attributes when its label changes or a declaration is removed: only setting values is
checked against the declarations. Exports read the values of one batch of annotations at a time
(:meth:`AttributesMixin.attributes_for`), so a million annotations stream in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.attributes import check_decl, check_decls, check_value, check_values, choices_from, choices_text
from annotator.core.errors import InputError
from annotator.core.model import AttributeDecl
from annotator.core.store.base import StoreBase
from annotator.core.timeutil import now

#: SQLite's limit on the parameters of one statement is 32,766 from 3.32 on; stay well below it.
_CHUNK = 900


class AttributesMixin(StoreBase):
    # -------------------------------------------------------------- declarations
    def label_attributes(self, label: str | None = None) -> list[AttributeDecl]:
        """The attributes a label declares (every label's, in scheme order, when ``label`` is None)."""
        sql = ("SELECT a.label, a.name, a.type, a.choices FROM label_attributes a JOIN labels l ON l.name = a.label"
               + (" WHERE a.label = ?" if label is not None else "")
               + " ORDER BY l.position, l.name, a.position, a.name")
        rows = self._read(sql, [label] if label is not None else [])
        return [AttributeDecl(lb, name, kind, choices_from(choices)) for lb, name, kind, choices in rows]

    def set_label_attributes(self, label: str, decls: Iterable[AttributeDecl]) -> list[AttributeDecl]:
        """Make ``decls`` (in their order) the attributes ``label`` declares; returns the ones it had (for undo).

        Values annotations already carry stay, also for an attribute no longer declared.
        """
        self.label(label)
        checked = check_decls(AttributeDecl(label, d.name, d.type, tuple(d.choices)) for d in decls)
        old = self.label_attributes(label)
        with self.transaction():
            self._write_label_attributes(label, checked)
        return old

    def _write_label_attributes(self, label: str, decls: list[AttributeDecl]) -> None:
        self.db.conn.execute("DELETE FROM label_attributes WHERE label = ?", [label])
        self.db.conn.executemany(
            "INSERT INTO label_attributes (label, name, type, choices, position) VALUES (?, ?, ?, ?, ?)",
            [(label, d.name, d.type, choices_text(d.choices), i) for i, d in enumerate(decls)])

    def import_label_attributes(self, decls: Iterable[AttributeDecl]) -> None:
        """Merge declarations read from a file (scheme, JSON set, brat's ``annotation.conf``): each named label
        gets exactly the attributes the file gives it; labels the file declares nothing for keep theirs."""
        by_label: dict[str, list[AttributeDecl]] = {}
        for d in check_decls(decls):
            by_label.setdefault(d.label, []).append(d)
        with self.transaction():
            for label, group in by_label.items():
                self.label(label)
                self._write_label_attributes(label, group)

    # -------------------------------------------------------------------- values
    def annotation_attributes(self, ann_id: str) -> dict[str, str]:
        """The attributes an annotation carries, ``{name: value}`` in name order."""
        return self.attributes_for([ann_id]).get(ann_id, {})

    def carries_attributes(self) -> bool:
        """Whether any annotation carries an attribute (a listing of many then looks their values up)."""
        return bool(self._read("SELECT 1 FROM annotation_attributes LIMIT 1"))

    def attributes_for(self, ann_ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """The attributes of these annotations (those that carry any), ``{id: {name: value}}``."""
        ids = list(ann_ids)
        out: dict[str, dict[str, str]] = {}
        for i in range(0, len(ids), _CHUNK):
            part = ids[i:i + _CHUNK]
            rows = self._read("SELECT annotation, key, value FROM annotation_attributes WHERE annotation IN "
                              f"({', '.join('?' * len(part))}) ORDER BY annotation, key", part)
            for ann, key, value in rows:
                out.setdefault(ann, {})[key] = value
        return out

    def set_annotation_attributes(self, ann_id: str, values: dict[str, str]) -> dict[str, str]:
        """Give an annotation exactly these attributes (checked against its label's declarations; an empty value
        or a flag set to false leaves one out); stamps ``modified``. Returns the attributes it had (for undo)."""
        ann = self.annotation(ann_id)
        old = self.annotation_attributes(ann_id)
        decls = self.label_attributes(ann.label)
        declared = {d.name for d in decls}
        # A value the span already carries of an attribute no longer declared may stay as it is.
        kept = {k: v for k, v in values.items() if k not in declared and old.get(k) == v}
        checked = check_values(ann.label, decls, {k: v for k, v in values.items() if k not in kept})
        checked.update(kept)
        with self.transaction():
            self._write_attributes(ann_id, checked)
            self.db.conn.execute("UPDATE annotations SET modified = ? WHERE id = ?", [now(), ann_id])
        return old

    def restore_annotation_attributes(self, ann_id: str, values: dict[str, str], modified: str) -> None:
        """Put back attributes exactly as they were, and the annotation's ``modified`` stamp (undo)."""
        self.annotation(ann_id)
        with self.transaction():
            self._write_attributes(ann_id, values)
            self.db.conn.execute("UPDATE annotations SET modified = ? WHERE id = ?", [modified, ann_id])

    def put_attributes(self, values: dict[str, dict[str, str]]) -> None:
        """Put back the attributes of annotations restored after a delete (undo), ``{id: {name: value}}``,
        exactly as they were: nothing is checked and no ``modified`` stamp changes."""
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO annotation_attributes (annotation, key, value) VALUES (?, ?, ?)",
                [(ann, k, v) for ann, pairs in values.items() for k, v in pairs.items()])

    def _write_attributes(self, ann_id: str, values: dict[str, str]) -> None:
        self.db.conn.execute("DELETE FROM annotation_attributes WHERE annotation = ?", [ann_id])
        self.db.conn.executemany("INSERT INTO annotation_attributes (annotation, key, value) VALUES (?, ?, ?)",
                                 [(ann_id, k, v) for k, v in values.items() if v])

    def insert_attribute_rows(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """Insert ``(annotation, label, name, value)`` rows read by an import, inside the import's transaction.

        A value of a declared flag or choice is checked (one sentence for the first that does not fit); a name
        the label does not declare is declared as free text, so the scheme explains every value.
        """
        rows = [(a, lb, k.strip() if isinstance(k, str) else k, v) for a, lb, k, v in rows]
        if not rows:
            return
        decls = {(d.label, d.name): d for d in self.label_attributes()}
        values = []
        with self.transaction():
            for ann, label, key, value in rows:
                decl = decls.get((label, key))
                if decl is None:
                    decl = decls[(label, key)] = check_decl(AttributeDecl(label, str(key), "text"))
                    self.db.conn.execute(
                        "INSERT INTO label_attributes (label, name, type, choices, position) VALUES (?, ?, 'text', "
                        "'', (SELECT COUNT(*) FROM label_attributes WHERE label = ?))", [label, decl.name, label])
                checked = check_value(decl, value)
                if checked:
                    values.append((ann, decl.name, checked))
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO annotation_attributes (annotation, key, value) VALUES (?, ?, ?)", values)

    def attribute_names(self) -> list[str]:
        """Every attribute name declared by some label, in scheme order, each once (the CSV's extra columns)."""
        seen: dict[str, None] = {}
        for d in self.label_attributes():
            seen.setdefault(d.name, None)
        return list(seen)

    def annotations_with_attribute(self, key: str, value: str) -> set[str]:
        """The ids of the annotations whose attribute ``key`` is ``value`` (the list's filter)."""
        if not key:
            raise InputError("An attribute filter needs a name.")
        rows = self._read("SELECT annotation FROM annotation_attributes WHERE key = ? AND value = ?", [key, value])
        return {r[0] for r in rows}
