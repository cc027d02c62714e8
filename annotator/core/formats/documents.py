"""Bringing articles into a project: ``.txt`` and ``.md`` files, and the shipped seed corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Document
from annotator.core.paths import seeds_dir
from annotator.core.store import Store
from annotator.core.text import decode_article, title_from_text

SUPPORTED_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Article:
    """An article read from a file, ready to add: its text and suggested metadata."""

    path: Path
    text: str
    title: str


def read_article(path: str | Path) -> Article:
    """Read a UTF-8 ``.txt`` or ``.md`` file; the title is its first line.

    Raises :class:`InputError` naming the file for an unsupported type, a
    missing, empty, binary or non-UTF-8 file.
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"{path.name}: only .txt and .md articles can be added.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror}).") from None
    text = decode_article(data, path.name)
    return Article(path, text, title_from_text(text))


@dataclass(frozen=True)
class AddResult:
    path: Path
    document: Document | None
    created: bool
    error: str | None = None


def add_files(
    store: Store, paths: list[str | Path], source: str = "", published: str | None = None, title: str | None = None
) -> list[AddResult]:
    """Add each file as a document; one bad file is reported and the others still land.

    Each document is its own transaction. ``title`` overrides the first-line
    title (meant for a single file).
    """
    results = []
    for p in paths:
        try:
            article = read_article(p)
            doc, created = store.add_document(article.text, title or article.title, source, published)
            results.append(AddResult(Path(p), doc, created))
        except AnnotatorError as exc:
            results.append(AddResult(Path(p), None, False, str(exc)))
    return results


def import_seeds(store: Store, folder: Path | None = None) -> list[Document]:
    """Add the sample corpus (``seeds/`` with its ``metadata.json``) to ``store``; returns the documents."""
    folder = folder or seeds_dir()
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"The sample corpus in {folder} cannot be read ({exc}).") from None
    docs = []
    with store.transaction():
        for item in meta["documents"]:
            article = read_article(folder / item["file"])
            doc, _ = store.add_document(
                article.text, item.get("title") or article.title, item.get("source", ""),
                item.get("published"), item.get("url"),
            )
            docs.append(doc)
        store.set_meta("seeded", "1")
    return docs
