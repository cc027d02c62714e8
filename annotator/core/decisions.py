"""Review decisions: accept a span into the reviewed set, reject one with a reason, accept all agreed.

The **reviewed set** is the reviewer's own annotations with status
``accepted``; export it with ``--annotator REVIEWER --status accepted``.

- *Accepting* a span marks it ``accepted`` (with reviewer and time). If it
  belongs to someone else, an identical copy (attributes too) is added under the reviewer
  (unless the reviewer already has one, which is accepted instead). The other
  spans of the same review item that differ from it (a label or boundary
  conflict) are marked ``rejected`` with the reason "conflict resolved in
  favour of …": accept one, reject the rest.
- *Rejecting* a span marks it ``rejected`` with the reviewer's reason.
- *Accept all agreed* accepts every agreed item at once.

Each decision is one transaction and returns a :class:`Decision` that
:func:`undo` and :func:`redo` replay exactly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from annotator.core.errors import InputError
from annotator.core.model import Annotation
from annotator.core.store import Store
from annotator.core.timeutil import now


@dataclass
class Decision:
    """What a decision changed: annotations before and after, and reviewer copies created."""

    description: str
    before: list[Annotation] = field(default_factory=list)
    after: list[Annotation] = field(default_factory=list)
    created: list[Annotation] = field(default_factory=list)
    #: The attributes the copies took from the spans they copy, ``{copy id: {name: value}}``.
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def documents(self) -> set[str]:
        return {a.document for a in (*self.before, *self.created)}


def _same_span(x: Annotation, y: Annotation) -> bool:
    return (x.document, x.start, x.end, x.label) == (y.document, y.start, y.end, y.label)


def _accept_into(store: Store, chosen: Annotation, reviewer: str, when: str, decision: Decision,
                 note: str = "") -> None:
    _set(store, chosen, "accepted", reviewer, note, when, decision)
    if chosen.annotator == reviewer:
        return
    own = store.find_span(chosen.document, chosen.start, chosen.end, chosen.label, reviewer)
    if own is not None:
        if all(a.id != own.id for a in decision.before):
            _set(store, own, "accepted", reviewer, "", when, decision)
        return
    copy = Annotation(
        id=str(uuid.uuid4()), document=chosen.document, label=chosen.label, start=chosen.start, end=chosen.end,
        quote=chosen.quote, annotator=reviewer, note=chosen.note, status="accepted", created=when, modified=when,
        reviewer=reviewer, reviewed=when, review_note=f"accepted from {chosen.annotator}",
    )
    store.ensure_annotator(reviewer)
    store.restore_annotation(copy)
    values = store.annotation_attributes(chosen.id)
    if values:  # the copy is identical: its attributes too
        decision.attributes[copy.id] = values
        store.put_attributes({copy.id: values})
    decision.created.append(copy)


def _set(store: Store, ann: Annotation, status: str, reviewer: str, note: str, when: str, decision: Decision) -> None:
    current = store.annotation(ann.id)
    decision.before.append(current)
    decision.after.append(store.set_review(ann.id, status, reviewer, note, when))


def accept(store: Store, chosen: Annotation, members: Sequence[Annotation], reviewer: str, note: str = "") -> Decision:
    """Accept ``chosen`` (one of ``members``, the spans of one review item); reject the members that differ.

    ``note`` is the reviewer's reason, recorded on ``chosen`` (scripted decisions: :mod:`annotator.core.apply`).
    """
    if reviewer.strip() == "":
        raise InputError("A review decision needs a reviewer name.")
    if all(m.id != chosen.id for m in members):
        members = [chosen, *members]
    when = now()
    decision = Decision(f"Accept {chosen.annotator}'s {chosen.label} '{_short(chosen.quote)}'")
    with store.transaction():
        _accept_into(store, chosen, reviewer, when, decision, note.strip())
        for other in members:
            if other.id == chosen.id or any(a.id == other.id for a in decision.before):
                continue
            if _same_span(other, chosen):
                _set(store, other, "accepted", reviewer, "", when, decision)
            else:
                reason = f"conflict resolved in favour of {chosen.annotator}'s {chosen.label} span"
                _set(store, other, "rejected", reviewer, reason, when, decision)
    return decision


def reject(store: Store, ann: Annotation, reviewer: str, reason: str = "") -> Decision:
    """Reject ``ann`` with a reason."""
    if reviewer.strip() == "":
        raise InputError("A review decision needs a reviewer name.")
    decision = Decision(f"Reject {ann.annotator}'s {ann.label} '{_short(ann.quote)}'")
    with store.transaction():
        _set(store, ann, "rejected", reviewer, reason.strip(), now(), decision)
    return decision


def accept_agreed(store: Store, groups: Iterable[Sequence[Annotation]], reviewer: str) -> Decision:
    """Accept every agreed item (each given as the list of its identical spans) in one step."""
    decision = Decision("Accept all agreed spans")
    when = now()
    with store.transaction():
        for members in groups:
            if not members:
                continue
            chosen = next((m for m in members if m.annotator == reviewer), members[0])
            for m in sorted(members, key=lambda m: m.id != chosen.id):
                if any(a.id == m.id for a in decision.before):
                    continue
                if m.id == chosen.id:
                    _accept_into(store, m, reviewer, when, decision)
                else:
                    _set(store, m, "accepted", reviewer, "", when, decision)
    return decision


def undo(store: Store, decision: Decision) -> None:
    """Put every annotation back as it was before ``decision`` and remove the copies it made."""
    with store.transaction():
        for copy in decision.created:
            store.delete_annotation(copy.id)
        for ann in reversed(decision.before):
            store.restore_review(ann)


def redo(store: Store, decision: Decision) -> None:
    """Apply ``decision`` again exactly as first applied."""
    with store.transaction():
        for ann in decision.after:
            store.restore_review(ann)
        for copy in decision.created:
            store.restore_annotation(replace(copy))
        store.put_attributes(decision.attributes)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
