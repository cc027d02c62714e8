"""Test data shared by the core and the GUI tests (no Qt): importable by name, as tests/ is on ``sys.path`` (its
conftest.py sits there, and pytest puts a rootless conftest's folder on the path)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from annotator.core import migrations as mig
from annotator.core.formats.qdpx import export_qdpx
from annotator.core.store import Store


def code_system_qdpx(path: Path, codes: int) -> Path:
    """A REFI-QDA project of one document coded with ``codes`` codes, each coding one passage once (the shape of a
    MAXQDA code system)."""
    source = path.with_suffix(".sqlite")
    with Store.open(source, create=True) as s:
        text = "".join(f"Passage {n}. " for n in range(codes))
        doc, _ = s.add_document(text, "Interview")
        for n in range(codes):
            s.add_label(f"Code {n:03d}")
            start = text.index(f"Passage {n}.")
            s.add_annotation(doc.id, f"Code {n:03d}", start, start + len(f"Passage {n}"), "alice")
        export_qdpx(s, str(path))
    return path


def project_before(path: Path, migration: str, documents: dict[str, str]) -> Path:
    """A project as an older annotator left it: migrated up to (not including) ``migration``, holding
    ``documents`` (``{id: text}``, added in the schema of then)."""
    db = Database(path)
    mig.migrations.apply(db, stop_before=migration)
    for doc_id, text in documents.items():
        db.execute("INSERT INTO documents (id, title, source, published, url, length, added, position) "
                   "VALUES (?, 'R', '', NULL, NULL, ?, '2025-11-25T00:00:00Z', 0)", [doc_id, len(text)])
        db.execute("INSERT INTO document_texts VALUES (?, ?)", [doc_id, text])
    db.conn.commit()
    db.close()
    return path
