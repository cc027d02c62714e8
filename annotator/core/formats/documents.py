"""Bringing articles into a project: text, Markdown, web pages, Word and PDF files, and the seed corpus.

The format readers live in :mod:`annotator.core.formats.importers`; this module
picks one by the file's suffix, and adds the result to a project.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
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
    """An article read from a file, ready to add: its text and the metadata the file suggests.

    ``language`` None: detected when the article is added (the window detects it beforehand, off its thread).
    """

    path: Path
    text: str
    title: str
    source: str = ""
    published: str | None = None
    url: str | None = None
    language: str | None = None


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
class AddedDocument:
    """One article given to :func:`add_documents`: its document, and whether that call created it."""

    document: Document
    created: bool


@dataclass(frozen=True)
class AddedDocuments:
    """What one :func:`add_documents` call did, article by article in the order given."""

    items: tuple[AddedDocument, ...]

    @property
    def created(self) -> list[Document]:
        """The documents the call added."""
        return [item.document for item in self.items if item.created]

    @property
    def present(self) -> list[Document]:
        """The documents whose text was already in the project (or earlier in the call), left as they were."""
        return [item.document for item in self.items if not item.created]

    @property
    def created_ids(self) -> list[str]:
        """The ids of the documents the call added: deleting those documents undoes it."""
        return [doc.id for doc in self.created]


def add_documents(
    store: Store,
    articles: Iterable[Article],
    *,
    source: str = "",
    published: str | None = None,
    title: str | None = None,
) -> AddedDocuments:
    """Add articles (from :func:`read_article`, or built by the caller) as documents, in one transaction.

    ``title``, ``source`` and ``published`` given here win over each article's
    own; when they are empty the article's are used (``title`` is meant for a
    single article). A text already in the project is recognised by its id and
    not added again. Raises :class:`InputError` (an article without text) with
    nothing added. The result says which documents were created, so that
    deleting them undoes the call.
    """
    items = []
    with store.transaction():
        for article in articles:
            doc, created = store.add_document(article.text, title or article.title, source or article.source,
                                              published or article.published, article.url, article.language)
            items.append(AddedDocument(doc, created))
    return AddedDocuments(tuple(items))


def import_seeds(store: Store, folder: Path | None = None) -> list[Document]:
    """Add the sample corpus (``seeds/`` with its ``metadata.json``) to ``store``; returns the documents.

    Each entry may give its ``language``, so the first start need not load the language model to detect it.
    """
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
                item.get("published"), item.get("url"), item.get("language"),
            )
            docs.append(doc)
        store.set_meta("seeded", "1")
    return docs
