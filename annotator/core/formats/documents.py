"""Bringing articles into a project: text, Markdown, web pages, Word and PDF files, and the seed corpus.

The format readers live in :mod:`annotator.core.formats.importers`; this module
picks one by the file's suffix, and adds the result to a project.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.store.files import refuse_open_project
from annotator.core.formats import importers
from annotator.core.model import Document
from annotator.core.paths import seeds_dir
from annotator.core.store import Store
from annotator.core.text import decode_article, normalize, title_from_text

#: The largest article file read, in bytes: a bigger one is refused before it is read (a long book is 2 MB).
MAX_ARTICLE_BYTES = 64 * 1024 * 1024

#: The file types that can be added, lowercase, in the order the file dialog lists them.
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")

_READERS: dict[str, Callable[[bytes, str], importers.Extracted]] = {
    ".html": importers.read_html,
    ".htm": importers.read_html,
    ".docx": importers.read_docx,
    ".pdf": importers.read_pdf,
}


@dataclass(frozen=True)
class Article:
    """An article read from a file, ready to add: its text and the metadata the file suggests."""

    path: Path
    text: str
    title: str
    source: str = ""
    published: str | None = None
    url: str | None = None


def _supported() -> str:
    return ", ".join(SUPPORTED_SUFFIXES[:-1]) + " and " + SUPPORTED_SUFFIXES[-1]


def read_article(path: str | Path) -> Article:
    """Read an article file by its suffix: ``.txt``/``.md`` (UTF-8), ``.html``/``.htm``, ``.docx`` or ``.pdf``.

    The title is the one the file declares (HTML ``<title>``, Word and PDF
    document properties), else the text's first line; source, publication date
    and URL are filled where the file declares them. The text is normalised
    (CRLF -> LF) here, once. Raises :class:`InputError` naming the file for an
    unsupported type, a missing, empty, binary, undecodable, damaged,
    encrypted or text-less file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{path.name}: only {_supported()} files can be added.")
    refuse_open_project(path, "added as a document")
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise InputError(
                f"{path.name} is {size / 1024 / 1024:,.0f} MB; annotator adds articles of up to "
                f"{MAX_ARTICLE_BYTES // 1024 // 1024} MB."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror}).") from None
    if not data.strip():
        raise InputError(f"{path.name} is empty: there is no text to add.")
    reader = _READERS.get(suffix)
    if reader is None:
        text = decode_article(data, path.name)
        return Article(path, text, title_from_text(text))
    found = reader(data, path.name)
    text = normalize(found.text)
    if not text.strip():
        raise InputError(f"{path.name} has no text to add.")
    return Article(path, text, found.title or title_from_text(text), found.source, found.published, found.url)


@dataclass(frozen=True)
class AddResult:
    path: Path
    document: Document | None
    created: bool
    error: str | None = None


def add_article(
    store: Store, article: Article, source: str = "", published: str | None = None, title: str | None = None
) -> tuple[Document, bool]:
    """Add one article read by :func:`read_article`; returns ``(document, created)``.

    ``title``, ``source`` and ``published`` given here win over what the file
    says; when they are empty the file's own metadata is used. A text already
    in the project is recognised by its id and not added again.
    """
    return store.add_document(
        article.text, title or article.title, source or article.source, published or article.published, article.url
    )


def add_files(
    store: Store,
    paths: list[str | Path],
    source: str = "",
    published: str | None = None,
    title: str | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[AddResult]:
    """Add each file as a document; one bad file is reported and the others still land.

    Each document is its own transaction. ``title`` overrides the file's title
    (meant for a single file); ``source`` and ``published`` override the
    file's metadata when given. ``progress(done, total, path)`` is called
    before each file is read.
    """
    results = []
    for n, p in enumerate(paths):
        if progress is not None:
            progress(n, len(paths), Path(p))
        try:
            doc, created = add_article(store, read_article(p), source, published, title)
            results.append(AddResult(Path(p), doc, created))
        except InputError as exc:
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
