"""The CSV annotation set: one row per annotation (see docs/formats.md).

UTF-8 (with a byte order mark for Excel: ``excel=True``, so that it reads Arabic, Cyrillic
and every other script as UTF-8), a header row, RFC 4180 quoting and CRLF row ends. Text cells that begin
with ``=``, ``+``, ``-``, ``@``, TAB or CR get a leading ``'`` so spreadsheets
never evaluate them (OWASP CSV injection); strip it with :func:`unescape_cell`
to get the exact text back. Numbers are written as numbers. After the fixed columns comes one column per
attribute some label declares (:meth:`Store.attribute_names`, in scheme order), named ``attribute:NAME``,
empty where a span does not carry it; a set flag reads ``true``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TextIO

from annotator.core.formats import BATCH
from annotator.core.formats.json_set import Selection
from annotator.core.model import EXCHANGED_FIELDS
from annotator.core.store import Store

#: The CSV names of the exchanged fields named otherwise here; the document's title and source follow its id.
_HEADER = {"id": ("annotation_id",), "document": ("document_id", "document_title", "source")}
#: The header, in the order of the rows of ``Store.annotation_row_batches(with_document=True)``.
COLUMNS = tuple(name for field in EXCHANGED_FIELDS for name in _HEADER.get(field, (field,)))
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: An attribute's column is its name after this (so ``certainty`` is ``attribute:certainty``, and an attribute
#: named ``source`` is not taken for the document's source).
ATTRIBUTE_COLUMN = "attribute:"
#: Written first for Excel (``excel=True``): without it Excel reads a CSV in the system's legacy code page.
BOM = "\ufeff"


def escape_cell(value: str) -> str:
    """Prefix a text cell with ``'`` when a spreadsheet would treat it as a formula."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell`."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_DANGEROUS) else value


def export_csv(
    store: Store,
    out: TextIO,
    selection: Selection | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    excel: bool = False,
) -> int:
    """Write the selected annotations as CSV rows to ``out`` (opened with ``newline=''``); returns the count.

    ``excel`` writes a UTF-8 byte order mark first (:data:`BOM`), for Excel (``-f csv --excel``).

    Rows come from the store as plain tuples, a document at a time, with the
    formula escaping of :func:`escape_cell` already applied in SQL, and go to
    ``csv.writer`` a batch at a time. The document's three cells (id, title,
    source) are the same on each of its rows: a row carries a one-character
    marker in their place, and the batch's text gets them, written once, in
    one ``str.replace`` (a batch whose text holds the marker elsewhere is
    written row by row instead). ``progress(done, total)`` is called after
    every 1,000 rows (``total``: how many the selection holds); it may raise
    :class:`~annotator.core.errors.CancelledError` to stop, leaving ``out``
    incomplete (write through ``atomic_writer`` to discard it).
    """
    selection = selection or Selection()
    for doc_id in selection.documents or ():
        store.document(doc_id)  # an unknown document is an error, as in the JSON export
    filters = selection.filters()
    total = store.count_annotations(**filters) if progress else None
    writer = csv.writer(out)  # excel dialect: RFC 4180 quoting, CRLF line ends
    if excel:
        out.write(BOM)
    names = store.attribute_names()
    writer.writerow(COLUMNS + tuple(ATTRIBUTE_COLUMN + n for n in names))
    lines = _Lines()
    batch_writer = csv.writer(lines)
    rendered: dict[tuple[str, str, str], str] = {}
    count = 0
    batches = store.document_row_batches(**filters, escape="".join(_DANGEROUS), size=BATCH, marker=_MARKER)
    for cells, rows in batches:
        if cells not in rendered:
            rendered[cells] = _render(cells)
        if names:
            rows = _with_attributes(store, rows, names)
        batch_writer.writerows(rows)
        text = "".join(lines)
        lines.clear()
        if text.count(_MARKER) == len(rows):
            out.write(text.replace(_MARKER, rendered[cells]))
        else:  # the marker occurs in the annotations' own cells
            writer.writerows(row[:_AT] + cells + row[_AT + 1 :] for row in rows)
        count += len(rows)
        if progress:
            progress(count, total)
    return count


def _with_attributes(store: Store, rows: list[tuple], names: list[str]) -> list[tuple]:
    """The rows with one cell per declared attribute appended (empty where the annotation does not carry it)."""
    values = store.attributes_for(row[_ID] for row in rows)
    empty: dict[str, str] = {}
    return [row + tuple(escape_cell(values.get(row[_ID], empty).get(n, "")) for n in names) for row in rows]


#: Stands for a row's three document cells in a batch's text (NUL: no text of a document is expected to hold it).
_MARKER = "\x00"
#: Where the document's cells (and so the marker) stand in a row.
_AT = EXCHANGED_FIELDS.index("document")
#: Where the annotation's id stands in a row (before the document's cells).
_ID = EXCHANGED_FIELDS.index("id")


class _Lines(list):
    """A list that ``csv.writer`` writes into: one string per row."""

    write = list.append


def _render(cells: tuple[str, ...]) -> str:
    """``cells`` as ``csv.writer`` writes them within a row (no line end)."""
    line = io.StringIO()
    csv.writer(line).writerow(cells)
    return line.getvalue()[: -len("\r\n")]


LINK_COLUMNS = (
    "link_id", "type", "source_id", "source_document", "source_label", "source_quote", "target_id",
    "target_document", "target_label", "target_quote", "annotator", "note", "created",
)


def export_links_csv(store: Store, out: TextIO, selection: Selection | None = None) -> int:
    """Write the links between selected annotations as CSV (``-f links-csv``); returns the count."""
    selection = selection or Selection()
    doc_ids = selection.document_ids(store)
    anns = {a.id: a for a in selection.annotations(store, doc_ids)}
    titles = {d.id: d.title for d in store.documents()}
    writer = csv.writer(out)
    writer.writerow(LINK_COLUMNS)
    count = 0
    for link in store.links(annotator=selection.annotator):
        src, dst = anns.get(link.source), anns.get(link.target)
        if src is None or dst is None:
            continue
        writer.writerow(
            (
                escape_cell(link.id), escape_cell(link.type), escape_cell(src.id), escape_cell(titles[src.document]),
                escape_cell(src.label), escape_cell(src.quote), escape_cell(dst.id), escape_cell(titles[dst.document]),
                escape_cell(dst.label), escape_cell(dst.quote), escape_cell(link.annotator), escape_cell(link.note),
                escape_cell(link.created),
            )
        )
        count += 1
    return count
