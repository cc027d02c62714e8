"""What the foreign formats (REFI-QDA, W3C Web Annotation, brat) share: stable ids, line ends, records.

Every foreign import is turned into the records of a JSON annotation set and
handed to :func:`annotator.core.formats.json_import.import_records`, so
idempotency by id, re-anchoring, the single transaction and the report are
those of the JSON import. Ids the other format does not carry are derived with
:func:`stable_id` (uuid5 over stable inputs): importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import uuid
from bisect import bisect_left
from collections.abc import Callable

from annotator.core.text import document_id, normalize

#: The namespace of every id annotator derives (uuid5) for the foreign formats.
NAMESPACE = uuid.UUID("6f1f3c52-2d55-5e4b-9a43-7d0a3e1f6b21")
#: ``progress`` is called every this many items read or written.
PROGRESS_EVERY = 1000

Progress = Callable[[int, int | None], None]


_NAMESPACE_BYTES = NAMESPACE.bytes
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stable_id(*parts: str) -> str:
    """A UUID derived from ``parts``: the same inputs always give the same id.

    It is ``uuid.uuid5(NAMESPACE, "\\x1f".join(parts))``, computed without the
    ``UUID`` class (exports derive one per annotation).
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "\x1f".join(parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def as_uuid(value: str | None) -> str | None:
    """``value`` as a canonical lower-case UUID (braces and case allowed), or None if it is not one."""
    if not isinstance(value, str):
        return None
    if _CANONICAL.fullmatch(value):
        return value
    try:
        return str(uuid.UUID(value.strip().strip("{}")))
    except ValueError:
        return None


def guid_of(our_id: str, kind: str = "annotation") -> str:
    """The UUID that stands for one of our ids in a foreign file: the id itself when it is a UUID.

    Annotation and link ids are UUIDs, so they survive a round trip; any other
    id gets a UUID derived from it (and comes back as that UUID).
    """
    return as_uuid(our_id) or stable_id(kind, our_id)


def current_user() -> str:
    """The OS user name, for annotations whose file names nobody (brat without a folder per annotator)."""
    try:
        return getpass.getuser().strip() or "unknown"
    except Exception:  # no user database entry (containers)
        return "unknown"


class LineEnds:
    """A foreign text and the same text as annotator stores it (CRLF and CR -> LF), with the offset mapping.

    Foreign positions count the characters of the text as the file holds it;
    :meth:`position` moves one with the normalisation (each CRLF before it
    becomes one character). A position between CR and LF maps to the LF.
    """

    __slots__ = ("raw", "text", "_crlf", "_id")

    def __init__(self, raw: str):
        if raw.startswith("\ufeff"):
            raw = raw[1:]
        self.raw = raw
        self.text = normalize(raw)
        self._crlf: list[int] = []
        self._id: str | None = None
        if len(self.text) != len(raw):
            pos = raw.find("\r\n")
            while pos != -1:
                self._crlf.append(pos)
                pos = raw.find("\r\n", pos + 2)

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = document_id(self.text)
        return self._id

    def position(self, raw_pos: int) -> int:
        """The offset in the stored text of offset ``raw_pos`` in the file's text."""
        if not self._crlf:
            return raw_pos
        return raw_pos - bisect_left(self._crlf, raw_pos)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """``(start, end)`` of the file's text in the stored text, or None when not a span inside it."""
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(self.raw):
            return None
        s, e = self.position(start), self.position(end)
        return (s, e) if s < e else None


def document_record(text: str, title: str, source: str = "", published: str | None = None,
                    url: str | None = None) -> dict:
    """A document of a JSON set for an already normalised ``text``."""
    return {"id": document_id(text), "title": title or "Untitled", "source": source or "",
            "published": published, "url": url, "text": text}


def check_cancel(progress: Progress | None, done: int, total: int | None) -> None:
    """Report ``done`` of ``total`` every 1,000 items; a cancelled progress raises ``CancelledError``."""
    if progress and done % PROGRESS_EVERY == 0:
        progress(done, total)




class Present:
    """Annotations already in the project, by content: a foreign file imported again changes nothing.

    Formats that carry no ids of ours (brat), or ids derived from ours
    (REFI-QDA and W3C for an id that is not a UUID), are recognised by
    document, bounds, label and annotator. A document's annotations are read
    once, when the first annotation of it comes.
    """

    def __init__(self, store, as_annotator: str | None = None):
        self.store, self.rename = store, (as_annotator or "").strip() or None
        self._by_doc: dict[str, dict[tuple, str]] = {}

    def find(self, doc_id: str, start: int, end: int, label: str, annotator: str) -> str | None:
        """The id of the project's annotation with this content, or None."""
        spans = self._by_doc.get(doc_id)
        if spans is None:
            spans = self._by_doc[doc_id] = {(a.start, a.end, a.label, a.annotator): a.id
                                            for a in self.store.iter_annotations(document=doc_id)}
        return spans.get((start, end, " ".join(label.split()), self.rename or annotator))

    def has_link(self, link_type: str, source: str, target: str) -> bool:
        return any(k.type == link_type and k.source == source and k.target == target
                   for k in self.store.links_of(source))
