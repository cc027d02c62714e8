"""Scripted edits: one JSON object a line, each applied in its own transaction and acknowledged after its commit.

This is how an NLP pipeline feeds a project (``annotator apply PROJECT FILE|-``)::

    {"op": "add", "document": ID, "start": 0, "end": 5, "label": "Actor", "annotator": "ner", "note": "..."}
    {"op": "delete", "id": ANNOTATION}
    {"op": "label", "id": ANNOTATION, "label": "Claim"}
    {"op": "note", "id": ANNOTATION, "note": "checked"}
    {"op": "link", "source": ANNOTATION, "target": ANNOTATION, "type": "contradicts"}
    {"op": "review", "id": ANNOTATION, "status": "accepted", "reviewer": "bob", "note": "..."}

``document`` takes what ``--doc`` takes (an id, a unique id prefix or a title);
``annotator`` and ``note`` are optional (the annotator defaults to the one
given to :func:`apply_lines`). Each line calls the Store method (or, for
``review``, the :mod:`annotator.core.decisions` function) the window's undoable
command for that edit calls, so a scripted edit is stored exactly as a
hand-made one: accepting another annotator's span adds the reviewer's copy,
as Review > Accept does. After the line's commit one JSON line
``{"line": n, "id": ...}`` is written and flushed: the id of the annotation
added, deleted, changed or reviewed, or of the link made. An acknowledged line
survives a crash of the process (the transaction is durable, ``synchronous=FULL``)
and is never applied twice by this run.

An ``add`` may carry its own ``id``: applied again (a rerun after a lost
acknowledgement), a line whose annotation is already there with the same
document, bounds, label, annotator and note is acknowledged again and not
added twice; one whose id is taken by other content is an error. A ``review``
applied again records the same decision again.

The first line that cannot be applied stops the run with :class:`ApplyError`
naming it; the lines before it stay applied. Blank lines are skipped. When an
acknowledgement cannot be written (standard output full or closed), the run
stops with :class:`AcknowledgementError`, which names the last line committed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import IO, Any

from annotator.core import decisions
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.store import Store

#: Longest line read, in bytes (a note may be long; a line of this size is certainly not an edit).
MAX_LINE = 4 * 1024 * 1024

_FIELDS: dict[str, dict[str, type]] = {
    "add": {"document": str, "start": int, "end": int, "label": str},
    "delete": {"id": str},
    "label": {"id": str, "label": str},
    "note": {"id": str, "note": str},
    "link": {"source": str, "target": str, "type": str},
    "review": {"id": str, "status": str, "reviewer": str},
}
_OPTIONAL: dict[str, dict[str, type]] = {
    "add": {"annotator": str, "note": str, "id": str},
    "link": {"annotator": str, "note": str},
    "review": {"note": str},
}
#: The decisions a ``review`` line records.
_DECISIONS = ("accepted", "rejected")


class ApplyError(InputError):
    """A line of scripted edits that cannot be applied; ``line`` is its number (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}" if not message.startswith("Line ") else message)
        self.line = line


class AcknowledgementError(AnnotatorError):
    """Line ``line`` was committed but its acknowledgement could not be written (standard output full or closed)."""

    def __init__(self, line: int, reason: str):
        super().__init__(
            f"Standard output could not be written ({reason}); lines 1–{line} were saved, so rerun from line "
            f"{line + 1}, or rerun them all if every added line carries its own id."
        )
        self.line = line


def parse_line(raw: bytes, number: int) -> dict[str, Any] | None:
    """The edit on one line, checked for shape (``None`` for a blank line); raises :class:`ApplyError`."""
    if len(raw) > MAX_LINE:
        raise ApplyError(number, f"the line is longer than {MAX_LINE // 1024 // 1024} MB, so it is not an edit.")
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        raise ApplyError(number, "the line is not UTF-8 text.") from None
    if not text.strip():
        return None
    try:
        edit = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ApplyError(number, "the line is not one JSON object (one edit per line).") from None
    if not isinstance(edit, dict):
        raise ApplyError(number, "the line is not one JSON object (one edit per line).")
    op = edit.get("op")
    if op not in _FIELDS:
        raise ApplyError(number, f"unknown op {op!r}; use one of {', '.join(_FIELDS)}.")
    for key, typ in {**_FIELDS[op], **_OPTIONAL.get(op, {})}.items():
        if key not in edit and key not in _FIELDS[op]:
            continue
        value = edit.get(key)
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            kind = "a whole number" if typ is int else "text"
            raise ApplyError(number, f"{op!r} needs {key!r} as {kind}.")
    unknown = set(edit) - {"op", *_FIELDS[op], *_OPTIONAL.get(op, {})}
    if unknown:
        raise ApplyError(number, f"{op!r} has no field {sorted(unknown)[0]!r}.")
    if op == "review" and edit["status"] not in _DECISIONS:
        raise ApplyError(number, f"'review' needs 'status' as \"accepted\" or \"rejected\", not {edit['status']!r}.")
    if op == "add" and "id" in edit and (not edit["id"].strip() or edit["id"] != edit["id"].strip()):
        raise ApplyError(number, "'add' needs 'id' as text without spaces before or after it.")
    return edit


def apply_edit(store: Store, edit: dict[str, Any], annotator: str) -> str:
    """Apply one checked edit (see :func:`parse_line`) in one transaction; returns the id it acknowledges."""
    op = edit["op"]
    if op == "add":
        return _add(store, edit, edit.get("annotator", annotator))
    if op == "delete":
        return store.delete_annotation(edit["id"]).id
    if op in ("label", "note"):
        return store.update_annotation(edit["id"], **{op: edit[op]}).id
    if op == "review":
        ann = store.annotation(edit["id"])
        if edit["status"] == "accepted":
            decisions.accept(store, ann, [ann], edit["reviewer"], edit.get("note", ""))
        else:
            decisions.reject(store, ann, edit["reviewer"], edit.get("note", ""))
        return ann.id
    return store.add_link(edit["type"], edit["source"], edit["target"], edit.get("annotator", annotator),
                          edit.get("note", "")).id


def _add(store: Store, edit: dict[str, Any], annotator: str) -> str:
    """An ``add``: when it carries an id already in the project with the same content, nothing is added."""
    doc = store.find_document(edit["document"])
    note = edit.get("note", "")
    with store.transaction():
        if "id" in edit and store.has_annotation(edit["id"]):
            ann = store.annotation(edit["id"])
            if (ann.document, ann.start, ann.end, ann.label, ann.annotator, ann.note) != (
                    doc.id, edit["start"], edit["end"], edit["label"], annotator, note):
                raise InputError(f"the project already has an annotation {edit['id']!r} with other content, so "
                                 "this line was not applied.")
            return ann.id
        return store.add_annotation(doc.id, edit["label"], edit["start"], edit["end"], annotator, note=note,
                                    id=edit.get("id")).id


def apply_lines(store: Store, source: IO[bytes], out: IO[str], annotator: str,
                on_line: Callable[[int], None] | None = None,
                whole: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> int:
    """Apply every line of ``source``, acknowledging each on ``out`` after its commit; returns how many were applied.

    Stops at the first line that cannot be applied with :class:`ApplyError`, and at the first acknowledgement
    that cannot be written with :class:`AcknowledgementError` (that line is committed). Each edit and its
    acknowledgement run inside ``whole()``: the command line holds Ctrl+C there, so that an edit is never
    committed without its acknowledgement.
    """
    applied = 0
    number = 0
    while True:
        raw = source.readline(MAX_LINE + 1)
        if not raw:
            return applied
        number += 1
        if len(raw) > MAX_LINE:
            raise ApplyError(number, f"the line is longer than {MAX_LINE // 1024 // 1024} MB, so it is not an edit.")
        edit = parse_line(raw, number)
        if edit is None:
            continue
        if on_line is not None:
            on_line(number)
        with whole():
            _apply_and_acknowledge(store, edit, annotator, number, out)
        applied += 1


def _apply_and_acknowledge(store: Store, edit: dict, annotator: str, number: int, out: IO[str]) -> None:
    try:
        ack = apply_edit(store, edit, annotator)
    except AnnotatorError as exc:
        raise ApplyError(number, str(exc)) from None
    try:
        out.write(json.dumps({"line": number, "id": ack}) + "\n")
        out.flush()
    except OSError as exc:  # /dev/full, a closed pipe (BrokenPipeError) ...
        raise AcknowledgementError(number, exc.strerror or type(exc).__name__) from None
