"""Reading articles out of web pages, Word documents and PDFs: their text and what they say about themselves.

Each reader takes the file's bytes and its name (for messages) and returns an
:class:`Extracted`: the article text, with paragraphs separated by one LF like
the shipped seeds, plus the title, source, publication date (``YYYY-MM-DD``)
and URL the file declares, where it declares them. Anything unusable raises
:class:`InputError` with a message that names the file and the reason.

The rules, so that the same file always gives the same text (and so the same
document id):

HTML (standard library ``html.parser`` only; nothing is ever fetched and no
URL is resolved)
    * Encoding: a byte-order mark, else the ``<meta charset>`` or
      ``http-equiv="content-type"`` declaration, else UTF-8. Latin-1 and ASCII
      declarations mean windows-1252, as in browsers; that is the only way a
      page is read as windows-1252. A page that does not decode in its declared
      (or, failing an unknown declaration, in UTF-8) encoding is refused.
    * Dropped with their content: ``head``, ``script``, ``style``,
      ``noscript``, ``template``, ``svg``, ``math``, ``nav``, ``footer``,
      ``aside``, ``form``, ``button``, ``iframe``, embedded objects and media;
      a ``header`` unless it sits inside an ``article`` or ``main`` (there it
      holds the headline); elements that are ``hidden``, ``aria-hidden="true"``,
      styled ``display: none``, or have the role of navigation, banner,
      content info, complementary, search or a menu.
    * The text comes from the longest ``<article>``, else the first ``<main>``
      (or ``role="main"``), else the whole body.
    * Block elements (paragraphs, headings, list items, quotes, divisions,
      sections, table rows, ``<br>`` ...) end a paragraph; whitespace runs inside
      a paragraph become one space; ``<pre>`` keeps its whitespace; table
      cells in a row are separated by a space; entities are decoded.

Word (python-docx)
    Body paragraphs and table cells in document order, one per line, empty
    ones skipped (headers, footers, footnotes and comments are not included).
    Before python-docx sees it, the zip is checked from its directory alone:
    a member whose name leaves the archive (``../``, an absolute path), more
    than 256 MB unpacked in all, or a member that unpacks to over 100 times
    its packed size and more than 16 MB (a zip bomb) is refused; so is an XML
    part that declares a DOCTYPE (entity bombs; Word never writes one). No
    member is ever written to disk.

PDF (pypdf)
    All pages, joined. A line break is kept as a paragraph break when the line
    ends a sentence (``. ! ? : …``, closing quotes or brackets allowed after
    it), when an empty line or a bullet (•) follows, or when the line is short
    (under 60 % of the median line length, with at least five lines to judge
    by) and the next starts with a capital, a digit or a quote — a headline or
    the last line of a paragraph. Other line breaks become a space. A word
    broken at the end of a line (``exam-`` / ``ple``: a lowercase letter on
    both sides of the hyphen) is mended to ``example``; the hyphen is kept
    (``well-known``) when the same pair is written hyphenated elsewhere in the
    document. Any other word that ends a line with a hyphen (``Jean-`` /
    ``Pierre``, ``2025-`` / ``26``) is joined to the next line with its hyphen
    kept. Soft hyphens at a line end are always removed.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import posixpath
import re
import statistics
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser

from annotator.core.errors import InputError


@dataclass(frozen=True)
class Extracted:
    """The text of a file and the metadata it declares (empty or ``None`` when it declares none)."""

    text: str
    title: str | None = None
    source: str = ""
    published: str | None = None
    url: str | None = None


# ------------------------------------------------------------------------ shared
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASHED = re.compile(r"\s*(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"\s*(?:D:)?(\d{4})(\d{2})(\d{2})(?:\d{6})?(?!\d)")  # 20251125, D:20251125093000


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` for a date, a datetime or a string that starts with one; ``None`` otherwise.

    A time and time zone after the date are ignored: the date is the one written.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    for pattern in (_ISO, _SLASHED, _COMPACT):
        m = pattern.match(value)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                return None
    return None


def _clean(value: object) -> str:
    """A metadata string with its whitespace runs collapsed ("" for anything that is not a string)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _web_url(value: str) -> str | None:
    """``value`` if it is an absolute http(s) URL (relative ones are never resolved)."""
    value = value.strip()
    return value if re.match(r"https?://[^\s/]", value, re.I) else None


# -------------------------------------------------------------------------- HTML
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([^\s"'/>;]+)|<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""", re.I
)
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_DROP = frozenset(
    "head title script style noscript template svg math nav footer aside form button iframe frame frameset "
    "object embed applet canvas audio video select textarea dialog map".split()
)
_DROP_ROLES = frozenset("navigation banner contentinfo complementary search menu menubar toolbar".split())
_BLOCK = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre div section br tr article main ul ol dl dt dd figure figcaption table "
    "thead tbody tfoot caption hr address details summary fieldset legend center header hgroup body html".split()
)
_CELLS = frozenset(("td", "th"))
_CONTENT = frozenset(("article", "main"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Python codecs that are not character encodings of a web page.
_NOT_PAGE_ENCODINGS = ("escape", "idna", "punycode", "undefined", "rot", "utf_7", "mbcs", "oem")


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    """A forgiving tree of elements and text; end tags close the nearest open element of that name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Node:
        values: dict[str, str] = {}
        for key, value in attrs:
            values.setdefault(key, value or "")
        node = _Node(tag, values)
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag, attrs):
        node = self._element(tag, attrs)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        if tag == "br":  # browsers read a stray </br> as <br>
            self._element("br", [])

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _walk(root: _Node) -> Iterator[tuple[_Node | str, bool]]:
    """Depth-first ``(node, leaving)`` events without recursion (pages can nest thousands deep)."""
    stack: list[tuple[_Node | str, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        yield node, leaving
        if not leaving and isinstance(node, _Node):
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))


def _is_dropped(node: _Node, in_content: bool) -> bool:
    if node.tag in _DROP or (node.tag == "header" and not in_content):
        return True
    attrs = node.attrs
    if "hidden" in attrs or attrs.get("aria-hidden", "").strip().lower() == "true":
        return True
    if _DROP_ROLES.intersection(attrs.get("role", "").lower().split()):
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style", "")))


def _visible(root: _Node) -> Iterator[tuple[_Node | str, bool]]:
    """Like :func:`_walk`, without the dropped elements and their content (``root`` itself is always entered)."""
    content = 0
    stack: list[tuple[_Node | str, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, _Node):
            if not leaving and node is not root and _is_dropped(node, content > 0):
                continue
            if node.tag in _CONTENT:
                content += -1 if leaving else 1
            if not leaving:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.children))
        yield node, leaving


def _paragraphs(root: _Node) -> list[str]:
    """The visible text under ``root`` as paragraphs."""
    out: list[str] = []
    buf: list[str] = []
    pre = 0

    def flush() -> None:
        text = "".join(buf)
        buf.clear()
        if pre:
            text = text.removeprefix("\n").rstrip()
            text = text.lstrip("\n")
        else:
            text = _HTML_SPACE.sub(" ", text).strip()
        if text.strip():
            out.append(text)

    for node, leaving in _visible(root):
        if isinstance(node, str):
            if not leaving:
                buf.append(node)
            continue
        tag = node.tag
        if tag == "br":
            if not leaving:
                if pre:
                    buf.append("\n")
                else:
                    flush()
            continue
        if tag in _BLOCK:
            flush()
        elif tag in _CELLS:
            buf.append(" ")
        if tag == "pre":
            pre += -1 if leaving else 1
    flush()
    return out


def _decode_html(data: bytes, name: str) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name} starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} "
                    f"(undecodable byte at position {exc.start + len(bom)})."
                ) from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file, not a web page.")
    m = _DECLARED.search(data[:16384])
    label = (m[1] or m[2]).decode("ascii", "replace").strip() if m else None
    encoding = None
    if label:
        try:
            codec = codecs.lookup(label)
            known = getattr(codec, "_is_text_encoding", True) and not any(
                bad in codec.name for bad in _NOT_PAGE_ENCODINGS
            )
        except LookupError:
            known = False
        if known:
            encoding = codec.name
            if encoding in ("ascii", "latin-1", "iso8859-1"):
                encoding = "cp1252"  # what browsers do with these labels
            elif encoding.startswith(("utf-16", "utf-32")):
                encoding = "utf-8"  # a page without a BOM cannot really be UTF-16 (WHATWG)
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        where = f"undecodable byte at position {exc.start}"
        if label and encoding is None:
            raise InputError(
                f"{name} declares the character encoding {label!r}, which annotator does not know, "
                f"and it is not UTF-8 either ({where}); save it as UTF-8 and try again."
            ) from None
        if label:
            raise InputError(
                f"{name} is not valid {label} text although it declares that encoding ({where})."
            ) from None
        raise InputError(
            f"{name} is not UTF-8 and does not declare its character encoding ({where}); "
            "save it as UTF-8 and try again."
        ) from None


def read_html(data: bytes, name: str = "the page") -> Extracted:
    """The article text of a web page, with its title, site name, date and canonical URL."""
    text = _decode_html(data, name)
    parser = _TreeBuilder()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # the parser is forgiving; this is a guard, not a path we expect
        raise InputError(f"{name} cannot be read as HTML.") from None
    root = parser.root
    meta, links, title, body = _page_head(root)
    scope, paragraphs = _article_paragraphs(body or root)
    if not paragraphs:
        raise InputError(f"{name} has no article text to add.")
    source = next((_clean(meta[k]) for k in ("og:site_name", "publisher", "application-name", "dc.publisher")
                   if _clean(meta.get(k))), "")
    return Extracted(
        text="\n".join(paragraphs),
        title=_page_title(title, meta, source) or None,
        source=source,
        published=_page_date(meta, scope),
        url=_web_url(links.get("canonical", "")) or _web_url(meta.get("og:url", "")),
    )


def _page_head(root: _Node) -> tuple[dict[str, str], dict[str, str], str, _Node | None]:
    """A page's ``<meta>`` contents by name (lowercase), ``<link>`` targets by rel, ``<title>`` and ``<body>``.

    The first of each counts; a ``<title>`` inside an ``<svg>`` is the drawing's, not the page's.
    """
    meta: dict[str, str] = {}
    links: dict[str, str] = {}
    title = ""
    body = None
    svg = 0
    for node, leaving in _walk(root):
        if not isinstance(node, _Node):
            continue
        if node.tag == "svg":
            svg += -1 if leaving else 1
        if leaving:
            continue
        attrs = node.attrs
        if node.tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
            meta.setdefault(key.strip().lower(), attrs["content"])
        elif node.tag == "link" and attrs.get("href"):
            for rel in attrs.get("rel", "").lower().split():
                links.setdefault(rel, attrs["href"])
        elif node.tag == "title" and not title and not svg:
            title = _clean("".join(c for c in node.children if isinstance(c, str)))
        elif node.tag == "body" and body is None:
            body = node
    return meta, links, title, body


def _article_paragraphs(page: _Node) -> tuple[_Node, list[str]]:
    """Where the article's text is, and its paragraphs: the ``<article>`` with the most text, else ``<main>``
    (or ``role="main"``), else the whole ``page``. No paragraphs when the page has no text."""
    articles: list[_Node] = []
    main = None
    for node, leaving in _visible(page):
        if isinstance(node, _Node) and not leaving:
            if node.tag == "article":
                articles.append(node)
            elif main is None and (node.tag == "main" or "main" in node.attrs.get("role", "").lower().split()):
                main = node
    paragraphs: list[str] = []
    scope = page
    if articles:
        scope, paragraphs = max(((a, _paragraphs(a)) for a in articles), key=lambda ap: sum(map(len, ap[1])))
    if not paragraphs and main is not None:
        scope, paragraphs = main, _paragraphs(main)
    if not paragraphs:
        scope, paragraphs = page, _paragraphs(page)
    return scope, paragraphs


def _page_date(meta: dict[str, str], scope: _Node) -> str | None:
    """The publication date a page declares in its metadata, else the first ``<time datetime>`` of ``scope``."""
    for key in ("article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date.issued",
                "dcterms.issued", "dc.date", "dcterms.created", "og:published_time"):
        published = iso_date(meta.get(key))
        if published:
            return published
    for node, leaving in _visible(scope):
        if isinstance(node, _Node) and not leaving and node.tag == "time" and node.attrs.get("datetime"):
            published = iso_date(node.attrs["datetime"])
            if published:
                return published
    return None


def _page_title(title: str, meta: dict[str, str], source: str) -> str:
    """The page's title (else its Open Graph or Twitter title), without a trailing " | Site name"."""
    title = title or _clean(meta.get("og:title")) or _clean(meta.get("twitter:title"))
    if source:
        for separator in (" | ", " - ", " – ", " — ", " · ", " :: "):
            if title.endswith(separator + source) and len(title) > len(separator + source):
                return title[: -len(separator + source)].rstrip()
    return title


# -------------------------------------------------------------------------- Word
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx's own template carries this creation stamp; it says nothing about the article.
_PYTHON_DOCX_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15)


def _docx_lines(container) -> Iterator[str]:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen = set()  # a merged cell is listed once per grid cell it covers: read it once
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _docx_lines(cell)
        else:
            for line in block.text.split("\n"):
                if line.strip():
                    yield line.strip()


#: Most bytes all members of a Word file may unpack to, and the ratio beyond which a large member is a bomb.
MAX_DOCX_UNPACKED = 256 * 1024 * 1024
_BOMB_RATIO = 100
_BOMB_MIN = 16 * 1024 * 1024
_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _check_docx_zip(data: bytes, name: str) -> None:
    """Refuse zip bombs, names outside the archive and XML with a DOCTYPE before anything is unpacked in full."""
    damaged = InputError(f"{name} cannot be read: it is damaged or not a Word document.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    total = 0
    for info in members:
        member = info.filename.replace("\\", "/")
        if member.startswith("/") or ".." in posixpath.normpath(member).split("/") or ":" in member:
            raise InputError(f"{name} is not a safe Word document: it holds a file named {info.filename!r}.")
        total += info.file_size
        bomb = info.file_size > _BOMB_MIN and info.file_size > _BOMB_RATIO * max(info.compress_size, 1)
        if bomb or total > MAX_DOCX_UNPACKED:
            raise InputError(
                f"{name} unpacks to far more than a Word document holds ({total // (1024 * 1024):,} MB or more): "
                "it looks like a zip bomb, so it was not read."
            )
    for info in members:
        if info.filename.lower().endswith((".xml", ".rels")):
            try:
                with archive.open(info) as fh:
                    head = fh.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                raise damaged from None
            upper = head.upper()
            if any(marker in upper for marker in _DOCTYPE):
                raise InputError(
                    f"{name} declares XML entities (a DOCTYPE in {info.filename}), which Word never writes; "
                    "it was not read."
                )


def read_docx(data: bytes, name: str = "the document") -> Extracted:
    """The paragraphs (and table cells) of a Word document, with its title and creation date."""
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{name} is an old Word (.doc) file or a password-protected document; "
            "save it as .docx without a password and try again."
        )
    _check_docx_zip(data, name)
    import docx

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            lines = list(_docx_lines(document))
            props = document.core_properties
            title, created = props.title, props.created
    except Exception:  # zipfile, lxml and python-docx each have their own ways of saying "broken"
        raise InputError(f"{name} cannot be read: it is damaged or not a Word document.") from None
    if not lines:
        raise InputError(f"{name} has no text to add.")
    if isinstance(created, datetime) and created.replace(tzinfo=None) == _PYTHON_DOCX_TEMPLATE_CREATED:
        created = None
    return Extracted(text="\n".join(lines), title=_clean(title) or None, published=iso_date(created))


# --------------------------------------------------------------------------- PDF
_LINE_HYPHENS = "-\u00ad\u2010"
_CLOSERS = "\"'”’»)]›"
_SENTENCE_END = ".!?:…"
_BULLETS = "•◦▪▫●○■□‣⁃"
_OPENERS = "\"'“‘«(["
_HYPHENATED = re.compile(r"([^\W\d_]+)[-\u2010]([^\W\d_]+)")


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's log messages and warnings about imperfect files: we report what matters ourselves."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _ends_paragraph(line: str, following: str, short: float) -> bool:
    core = line.rstrip(_CLOSERS)
    if core and core[-1] in _SENTENCE_END:
        return True
    if following[0] in _BULLETS:
        return True
    return (
        len(line) < short
        and line[-1] not in ",;"
        and (following[0].isupper() or following[0].isdigit() or following[0] in _OPENERS)
    )


def pdf_paragraphs(raw: str) -> str:
    """Turn the line-by-line text of PDF pages into paragraphs (the rules are in the module docstring)."""
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    kept = {f"{a}-{b}".lower() for line in lines for a, b in _HYPHENATED.findall(line)}
    lengths = [len(line) for line in lines if line]
    short = 0.6 * statistics.median(lengths) if len(lengths) >= 5 else 0.0
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not following:
            current += line
            continue
        if len(line) >= 2 and line[-1] in _LINE_HYPHENS and line[-2].isalnum():
            if line[-2].islower() and following[0].islower():
                left = re.search(r"[^\W\d_]+$", line[:-1])
                right = re.match(r"[^\W\d_]+", following)
                pair = f"{left[0] if left else ''}-{right[0] if right else ''}".lower()
                keep = line[-1] != "\u00ad" and pair in kept
            else:  # "Jean-" / "Pierre", "2025-" / "26": a compound broken at its own hyphen
                keep = line[-1] != "\u00ad"
            current += line if keep else line[:-1]
            continue
        current += line
        if _ends_paragraph(line, following, short):
            paragraphs.append(current)
            current = ""
        else:
            current += " "
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


def read_pdf(data: bytes, name: str = "the PDF") -> Extracted:
    """The text of every page of a PDF (one document per file), with its title and creation date."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name} is not a PDF file.")
    with _quiet_pypdf():
        from pypdf import PasswordType, PdfReader
        from pypdf.errors import DependencyError

        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
        except Exception:
            raise InputError(f"{name} cannot be read: it is damaged or not a PDF.") from None
        if encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except DependencyError:
                raise InputError(
                    f"{name} is encrypted with AES, and reading it needs the 'cryptography' package "
                    "(pip install cryptography)."
                ) from None
            except Exception:
                opened = False
            if not opened:
                raise InputError(
                    f"{name} is encrypted (it needs a password to open); remove the password and try again."
                )
        try:
            count = len(reader.pages)
        except Exception:
            raise InputError(f"{name} cannot be read: it is damaged or not a PDF.") from None
        if count == 0:
            raise InputError(f"{name} has no pages.")
        texts = []
        for number in range(count):
            try:
                texts.append(reader.pages[number].extract_text() or "")
            except Exception:
                raise InputError(f"{name} cannot be read: page {number + 1} is damaged.") from None
        title = published = None
        try:
            info = reader.metadata
            if info is not None:
                title = _clean(info.title) or None
                published = iso_date(info.creation_date)
        except Exception:  # malformed information dictionaries are common and harmless: no metadata
            pass
    if not any(t.strip() for t in texts):
        raise InputError(
            f"{name} has no text layer (a scanned image?): only PDFs with selectable text can be added; "
            "run it through OCR first."
        )
    # pypdf ends each page with a line break; without it a sentence that runs on to the next page is joined.
    joined = "\n".join(t.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") for t in texts)
    text = pdf_paragraphs(joined)
    return Extracted(text=text, title=title, published=published)
