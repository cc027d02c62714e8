"""Adding web pages, Word documents and PDFs: extraction rules, metadata, bad input, batches.

Every input is made by the test: HTML as text, .docx with python-docx, PDFs
written by hand below (a few objects with a Helvetica text stream and a
correct cross-reference table), and encrypted PDFs with pypdf's writer.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import socket
import sys

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from annotator import cli_progress
from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.formats import importers
from annotator.core.formats.documents import SUPPORTED_SUFFIXES, Article, add_documents, read_article
from annotator.core.store import Store
from annotator.core.text import document_id


# ------------------------------------------------------------------- makers
def make_pdf(pages: list[list[str]], info: dict[str, str] | None = None, xref_shift: int = 0) -> bytes:
    """A PDF with one text line per string (Helvetica, WinAnsi), one page per list.

    ``xref_shift`` moves the ``startxref`` pointer to make a damaged but recoverable file.
    """

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    page_ids = [4 + 2 * i for i in range(len(pages))]
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in page_ids)}] /Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for pid, lines in zip(page_ids, pages):
        stream = ("BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({esc(t)}) Tj T*" for t in lines) + " ET").encode(
            "cp1252"
        )
        objs[pid] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {pid + 1} 0 R >>"
        ).encode()
        objs[pid + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    info_id = None
    if info:
        info_id = max(objs) + 1
        objs[info_id] = ("<< " + " ".join(f"/{k} ({esc(v)})" for k, v in info.items()) + " >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += b"%010d 00000 n \n" % offsets[i]
    out += f"trailer\n<< /Size {size} /Root 1 0 R{f' /Info {info_id} 0 R' if info_id else ''} >>\n".encode()
    out += b"startxref\n%d\n%%%%EOF\n" % (xref + xref_shift)
    return bytes(out)


def encrypt(pdf: bytes, user_password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs: list[str], title: str | None = None, created: dt.datetime | None = None,
              table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_PAGES = [
    [
        "Envoy heads to Moscow",
        "Steve Witkoff will meet Vladimir Putin in Moscow this week to discuss",
        "the peace plan for Ukraine, which has twenty-eight points and an exam-",
        "ple of how the negotiators hope to close the remaining gaps.",
        "The US president said his negotiators had made tremendous progress",
        "in ending the war, but that he would wait for a deal before meeting",
    ],
    [
        "the leaders of both countries in person.",
        "Talks continue in Abu Dhabi.",
    ],
]
PDF_TEXT = (
    "Envoy heads to Moscow\n"
    "Steve Witkoff will meet Vladimir Putin in Moscow this week to discuss the peace plan for Ukraine, which has "
    "twenty-eight points and an example of how the negotiators hope to close the remaining gaps.\n"
    "The US president said his negotiators had made tremendous progress in ending the war, but that he would wait "
    "for a deal before meeting the leaders of both countries in person.\n"
    "Talks continue in Abu Dhabi."
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Envoy heads to Moscow | Test Wire</title>
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2025-11-25T23:30:00-05:00">
<link rel="canonical" href="https://news.example.org/2025/envoy">
<link rel="stylesheet" href="http://example.com/site.css">
<style>p::before { content: "STYLE"; }</style>
<script>var tracker = "SCRIPT"; document.write("<p>INJECTED</p>");</script>
</head>
<body>
<header><a href="/">Test Wire HEADER</a></header>
<nav><ul><li>World NAV</li><li>Business NAV</li></ul></nav>
<div role="navigation">Skip to content ROLE</div>
<main>
<article>
<header><h1>Envoy heads to
   Moscow</h1></header>
<img src="http://example.com/x.png" alt="ALT TEXT">
<p>Steve Witkoff will meet
   Vladimir Putin &amp; aides.<br>He said &ldquo;tremendous progress&rdquo; was made.</p>
<iframe src="http://example.com/embed">IFRAME</iframe>
<p>The plan has <b>28</b> points<span aria-hidden="true"> HIDDEN</span>.</p>
<aside>Read more ASIDE</aside>
<noscript>NOSCRIPT</noscript>
<form><button>Subscribe BUTTON</button></form>
<footer>Share FOOTER</footer>
</article>
</main>
<aside>Trending ASIDE</aside>
<footer>&copy; Test Wire FOOTER</footer>
<script src="http://example.com/tracker.js"></script>
</body></html>
"""
PAGE_TEXT = (
    "Envoy heads to Moscow\n"
    "Steve Witkoff will meet Vladimir Putin & aides.\n"
    "He said “tremendous progress” was made.\n"
    "The plan has 28 points."
)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test loudly."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ----------------------------------------------------------------------- HTML
def test_html_keeps_the_article_paragraphs_only_and_never_touches_the_network(tmp_path, no_network):
    article = read_article(write(tmp_path, "envoy.html", PAGE))
    assert article.text == PAGE_TEXT
    assert (article.title, article.source, article.published, article.url) == (
        "Envoy heads to Moscow", "Test Wire", "2025-11-25", "https://news.example.org/2025/envoy"
    )
    assert no_network == []


def test_html_without_article_or_main_uses_the_body_and_keeps_pre_and_cells():
    page = (
        "<html><head><title>Notes</title><meta name=\"date\" content=\"2025/11/24\"></head><body>"
        "<header>Site</header><div>First <i>line</i>\n  here</div><p hidden>secret</p>"
        "<p style=\"display: none\">also secret</p><pre>\n  indented\n\tcode  \n</pre>"
        "<table><tr><th>Points</th><td>28</td></tr><tr><td>Rounds</td><td>3</td></tr></table>"
        "<ul><li>one<li>two</ul><time datetime=\"2020-01-01\">old</time></body></html>"
    )
    found = importers.read_html(page.encode(), "notes.html")
    assert found.text == "First line here\n  indented\n\tcode\nPoints 28\nRounds 3\none\ntwo\nold"
    assert (found.title, found.published, found.url, found.source) == ("Notes", "2025-11-24", None, "")


def test_html_picks_the_longest_article_and_reads_time_and_og_metadata():
    page = (
        "<html><head><meta property=\"og:title\" content=\"The real story\">"
        "<meta property=\"og:url\" content=\"https://example.org/story\">"
        "<link rel=\"canonical\" href=\"/relative/is/ignored\"></head><body>"
        "<article><p>Teaser.</p></article>"
        "<article><p>The real story is longer than the teaser.</p><time datetime=\"2025-11-23T10:00Z\">x</time>"
        "</article></body></html>"
    )
    found = importers.read_html(page.encode(), "story.htm")
    assert found.text == "The real story is longer than the teaser.\nx"
    assert (found.title, found.published, found.url) == ("The real story", "2025-11-23", "https://example.org/story")


@pytest.mark.parametrize("declaration", ['<meta charset="iso-8859-1">',
                                         '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'])
def test_html_in_a_declared_single_byte_encoding(declaration):
    page = f"<html><head>{declaration}<title>Caf\u00e9</title></head><body><p>Zelenskyy\u2019s caf\u00e9</p></body></html>"
    found = importers.read_html(page.encode("cp1252"), "cafe.html")
    assert (found.text, found.title) == ("Zelenskyy\u2019s caf\u00e9", "Caf\u00e9")


def test_html_with_a_utf16_byte_order_mark():
    page = "<html><body><p>\u0412\u0456\u0442\u043a\u043e\u0444\u0444 \u548c\u5e73</p></body></html>"
    assert importers.read_html(b"\xff\xfe" + page.encode("utf-16-le"), "u16.html").text == "Віткофф 和平"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('<meta charset="x-klingon"><p>caf\u00e9</p>'.encode("cp1252"), ["odd.html", "x-klingon", "does not know"]),
        ("<p>caf\u00e9 without a declaration</p>".encode("cp1252"), ["odd.html", "not UTF-8"]),
        ('<meta charset="utf-8"><p>caf\u00e9</p>'.encode("cp1252"), ["odd.html", "utf-8"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["odd.html", "binary"]),
        (b"<html><body><nav>only navigation</nav><script>x()</script></body></html>", ["odd.html", "no article text"]),
    ],
    ids=["unknown encoding", "undeclared", "wrong declaration", "binary", "no text"],
)
def test_bad_html_is_refused_with_the_file_and_the_reason(tmp_path, data, words):
    with pytest.raises(InputError) as info:
        read_article(write(tmp_path, "odd.html", data))
    for word in words:
        assert word in str(info.value)


def test_an_unknown_declared_encoding_on_utf8_text_is_read_as_utf8():
    page = '<meta charset="x-klingon"><p>caf\u00e9</p>'.encode()
    assert importers.read_html(page, "k.html").text == "café"


def test_deeply_nested_html_does_not_overflow():
    page = "<div>" * 5000 + "deep" + "</div>" * 5000
    assert importers.read_html(page.encode(), "deep.html").text == "deep"


# ----------------------------------------------------------------------- Word
def test_docx_paragraphs_tables_and_core_properties(tmp_path):
    data = make_docx(
        ["Envoy heads to Moscow", "", "Steve Witkoff will meet Vladimir Putin.\r\nIn Moscow."],
        title="Envoy (official title)", created=dt.datetime(2025, 11, 25, 8, 30), table=[["Points", "28"]],
    )
    article = read_article(write(tmp_path, "envoy.docx", data))
    assert article.text == "Envoy heads to Moscow\nSteve Witkoff will meet Vladimir Putin.\nIn Moscow.\nPoints\n28"
    assert (article.title, article.published, article.source, article.url) == (
        "Envoy (official title)", "2025-11-25", "", None
    )


def test_docx_without_properties_takes_its_first_line_as_title(tmp_path):
    article = read_article(write(tmp_path, "plain.docx", make_docx(["  First line  ", "Second."])))
    assert (article.title, article.text) == ("First line", "First line\nSecond.")
    assert article.published is None  # python-docx's template stamp is not a publication date


def test_docx_merged_table_cells_are_read_once():
    document = docx.Document()
    grid = document.add_table(rows=2, cols=3)
    for r in range(2):
        for c in range(3):
            grid.cell(r, c).text = f"r{r}c{c}"
    grid.cell(0, 0).merge(grid.cell(1, 0))  # vertical
    grid.cell(0, 1).merge(grid.cell(0, 2))  # horizontal
    out = io.BytesIO()
    document.save(out)
    assert importers.read_docx(out.getvalue(), "t.docx").text.split("\n") == [
        "r0c0", "r1c0", "r0c1", "r0c2", "r1c1", "r1c2"
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bytes(range(256)) * 4, "damaged or not a Word document"),
        (b"PK\x03\x04" + bytes(200), "damaged or not a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old Word (.doc) file or a password-protected"),
        (make_docx([" ", ""]), "no text"),
    ],
    ids=["random bytes", "broken zip", "old .doc", "no text"],
)
def test_bad_docx_is_refused(tmp_path, data, words):
    with pytest.raises(InputError) as info:
        read_article(write(tmp_path, "report.docx", data))
    assert "report.docx" in str(info.value) and words in str(info.value)


# ------------------------------------------------------------------------ PDF
def test_pdf_pages_are_joined_and_broken_words_mended(tmp_path):
    data = make_pdf(PDF_PAGES, {"Title": "Envoy heads to Moscow (PDF)", "Author": "A. Reporter",
                                "CreationDate": "D:20251125093000+01'00'"})
    article = read_article(write(tmp_path, "envoy.pdf", data))
    assert article.text == PDF_TEXT
    assert (article.title, article.published, article.source) == ("Envoy heads to Moscow (PDF)", "2025-11-25", "")


def test_pdf_without_metadata_takes_its_first_line_as_title(tmp_path):
    article = read_article(write(tmp_path, "plain.pdf", make_pdf([["Just one line."]])))
    assert (article.title, article.published, article.text) == ("Just one line.", None, "Just one line.")


def test_a_damaged_but_recoverable_pdf_is_read_quietly(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    article = read_article(write(tmp_path, "shifted.pdf", make_pdf([["Still readable."]], xref_shift=7)))
    assert article.text == "Still readable."
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert logging.getLogger("pypdf").level == logging.NOTSET  # restored


def test_a_pdf_with_an_empty_user_password_opens(tmp_path):
    data = encrypt(make_pdf([["Permissions only."]]), "", "AES-128")
    assert read_article(write(tmp_path, "restricted.pdf", data)).text == "Permissions only."


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: encrypt(make_pdf([["Secret."]]), "secret", "RC4-128"), "is encrypted"),
        (lambda: encrypt(make_pdf([["Secret."]]), "secret", "AES-256"), "is encrypted"),
        (blank_pdf, "has no text layer (a scanned image?)"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)), "damaged or not a PDF"),
        (lambda: make_pdf(PDF_PAGES)[:600], "damaged"),
        (lambda: b"Plain words in a file named .pdf", "not a PDF"),
    ],
    ids=["password RC4", "password AES", "image only", "garbage", "truncated", "not a PDF"],
)
def test_bad_pdfs_are_refused(tmp_path, make, words):
    with pytest.raises(InputError) as info:
        read_article(write(tmp_path, "report.pdf", make()))
    assert "report.pdf" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("an exam-\nple", "an example"),
        ("a well-known fact, a well-\nknown one", "a well-known fact, a well-known one"),
        ("Jean-\nPierre and 2025-\n26", "Jean-Pierre and 2025-26"),
        ("soft\u00ad\nhyphen", "softhyphen"),
        ("a dash -\nthen more", "a dash - then more"),
        ("He said:\nit ends.\n\u201cQuoted.\u201d\nNext", "He said:\nit ends.\n\u201cQuoted.\u201d\nNext"),
        ("a list\n\u2022 one\n\u2022 two", "a list\n\u2022 one\n\u2022 two"),
        ("para one\n\npara two", "para one\npara two"),
        ("  spaced    out  \nline", "spaced out line"),
    ],
)
def test_pdf_line_rules(raw, expected):
    assert importers.pdf_paragraphs(raw) == expected


def test_pdf_short_lines_before_a_capital_end_a_paragraph():
    long = "A line of ordinary running text that fills the column"
    raw = "\n".join(["Headline here", long, long, long, "the last words", "Next paragraph " + long, long])
    assert importers.pdf_paragraphs(raw).split("\n") == [
        "Headline here", " ".join([long, long, long, "the last words"]), "Next paragraph " + long + " " + long,
    ]


# --------------------------------------------------------------- all formats
@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_an_empty_file_of_any_type_is_refused_by_name(tmp_path, suffix):
    with pytest.raises(InputError, match=rf"empty{suffix}.* is empty"):
        read_article(write(tmp_path, f"empty{suffix}", b""))


def test_a_binary_file_renamed_txt_and_an_unsupported_type(tmp_path):
    with pytest.raises(InputError, match=r"photo\.txt looks like a binary file"):
        read_article(write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    with pytest.raises(InputError, match=r"report\.odt: only .*\.docx and \.pdf files can be added"):
        read_article(write(tmp_path, "report.odt", b"PK\x03\x04"))


def test_article_stays_positionally_compatible(tmp_path):
    article = Article(tmp_path / "a.txt", "Text", "Title")
    assert (article.source, article.published, article.url) == ("", None, None)


def batch(tmp_path) -> tuple[list, list]:
    good = [
        write(tmp_path, "a.txt", "Envoy heads to Moscow\r\nSteve Witkoff 🇺🇦 will meet Putin.\r\n"),
        write(tmp_path, "b.html", PAGE),
        write(tmp_path, "c.docx", make_docx(["Talks continue", "In Abu Dhabi."], title="Talks")),
        write(tmp_path, "d.pdf", make_pdf(PDF_PAGES, {"Title": "PDF report"})),
    ]
    bad = [
        write(tmp_path, "empty.md", b""),
        write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00"),
        write(tmp_path, "broken.docx", b"PK\x03\x04 not really"),
        write(tmp_path, "scan.pdf", blank_pdf()),
        write(tmp_path, "locked.pdf", encrypt(make_pdf([["x"]]), "pw", "RC4-128")),
        write(tmp_path, "klingon.html", '<meta charset="x-klingon">caf\u00e9'.encode("cp1252")),
    ]
    return good, bad


def read_each(paths) -> tuple[list[Article], dict[str, str]]:
    """The articles of the readable files, and the message of each file that cannot be read, by name."""
    articles, failed = [], {}
    for path in paths:
        try:
            articles.append(read_article(path))
        except InputError as exc:
            failed[path.name] = str(exc)
    return articles, failed


def test_a_batch_reports_bad_files_and_adds_the_good_ones(store, tmp_path, no_network):
    good, bad = batch(tmp_path)
    order = [bad[0], good[0], bad[1], good[1], bad[2], good[2], bad[3], good[3], bad[4], bad[5]]
    articles, failed = read_each(order)
    assert set(failed) == {p.name for p in bad}
    assert all(name in message for name, message in failed.items())
    added = add_documents(store, articles)
    assert [a.path for a in articles] == good and added.present == []
    docs = store.documents()
    assert added.created == docs and added.created_ids == [d.id for d in docs]
    assert [(d.title, d.source, d.published, d.url) for d in docs] == [
        ("Envoy heads to Moscow", "", None, None),
        ("Envoy heads to Moscow", "Test Wire", "2025-11-25", "https://news.example.org/2025/envoy"),
        ("Talks", "", None, None),
        ("PDF report", "", None, None),
    ]
    assert store.document_text(docs[1].id) == PAGE_TEXT and store.document_text(docs[3].id) == PDF_TEXT
    assert no_network == []


def test_stored_texts_are_normalised_and_offsets_quote_them(store, tmp_path):
    good, _ = batch(tmp_path)
    articles, _ = read_each(good)
    for article, item in zip(articles, add_documents(store, articles).items, strict=True):
        text = store.document_text(item.document.id)
        assert text == article.text and "\r" not in text
        assert item.document.id == document_id(text) and item.document.length == len(text)
        word = "Moscow" if "Moscow" in text else "Abu Dhabi"
        start = text.index(word)
        ann = store.add_annotation(item.document.id, "Actor", start, start + len(word), "tester")
        assert ann.quote == text[ann.start:ann.end] == word
    flag = store.document_text(store.documents()[0].id)
    assert flag[flag.index("🇺🇦"):flag.index("🇺🇦") + 2] == "🇺🇦"  # code points, not UTF-16 units


def test_the_same_text_added_twice_is_not_duplicated(store, tmp_path):
    page = write(tmp_path, "page.html", PAGE)
    copy = write(tmp_path, "copy.htm", PAGE.replace("\n", "\r\n"))
    first, second, third = add_documents(store, read_each([page, page, copy])[0]).items
    assert first.created and not second.created and not third.created
    assert first.document.id == second.document.id == third.document.id
    assert len(store.documents()) == 1
    again = add_documents(store, [read_article(page)])
    assert again.created == [] and again.created_ids == [] and again.present == [first.document]


def test_the_callers_metadata_wins_over_the_files(store, tmp_path):
    page = write(tmp_path, "page.html", PAGE)
    (item,) = add_documents(store, [read_article(page)], source="Agency", published="2025-12-01", title="Mine").items
    doc = item.document
    assert (doc.title, doc.source, doc.published, doc.url) == (
        "Mine", "Agency", "2025-12-01", "https://news.example.org/2025/envoy"
    )


def test_adding_documents_is_one_transaction(store, tmp_path, project_path, digest):
    page = read_article(write(tmp_path, "page.html", PAGE))
    store.checkpoint()
    before = digest(project_path)
    with pytest.raises(InputError, match="has no text"):
        add_documents(store, [page, Article(tmp_path / "blank.txt", " \n", "Blank")])
    store.checkpoint()
    assert store.documents() == [] and digest(project_path) == before


def test_deleting_the_created_documents_undoes_an_add(store, tmp_path):
    kept = add_documents(store, [read_article(write(tmp_path, "a.txt", "Kept text."))]).created[0]
    added = add_documents(store, [read_article(write(tmp_path, "b.txt", "New text.")),
                                  read_article(write(tmp_path, "a2.txt", "Kept text."))])
    assert [d.title for d in added.created] == ["New text."] and added.present == [kept]
    for doc_id in added.created_ids:
        store.delete_document(doc_id)
    assert store.documents() == [kept]


def test_iso_date():
    assert importers.iso_date("2025-11-25T23:30:00-05:00") == "2025-11-25"
    assert importers.iso_date("20251125") == "2025-11-25"
    assert importers.iso_date("D:20251125093000Z") == "2025-11-25"
    assert importers.iso_date("2025/2/3") == "2025-02-03"
    assert importers.iso_date(dt.datetime(2025, 1, 2, 3, 4)) == "2025-01-02"
    for junk in ("2025-13-40", "yesterday", "", None, 20251125):
        assert importers.iso_date(junk) is None


# ------------------------------------------------------------------------ CLI
class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_add_many_files_with_a_progress_bar_on_a_terminal(tmp_path, capsys, monkeypatch):
    """The command line's progress bar (annotator/cli_progress.py), shown at once here (its quiet threshold and
    redraw interval set to zero): files done of the total, erased before each message and at the end."""
    good, bad = batch(tmp_path)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "BAR_EVERY_S", 0)
    project = tmp_path / "p.sqlite"
    code = main(["add", str(project), *map(str, good + bad[:2])])
    out = capsys.readouterr().out
    assert code == 2
    assert out.splitlines()[-1] == "added 4, already present 0, failed 2"
    assert out.count("\nadded ") + out.startswith("added ") == 5  # four documents and the summary
    shown = terminal.getvalue()
    assert "Adding files: [........................] 0% (0 of 6)" in shown
    assert "Adding files: [############............] 50% (3 of 6)" in shown
    messages = [line.strip("\r ") for line in shown.split("\n") if "annotator:" in line]
    assert [m[m.index("annotator:"):] for m in messages] == [
        "annotator: empty.md is empty: there is no text to add.",
        "annotator: photo.txt looks like a binary file, not a text article.",
    ]
    assert shown.endswith(("\n", "\r"))  # no bar is left behind
    with Store.open(project) as s:
        assert len(s.documents()) == 4


def test_cli_add_without_a_terminal_prints_no_bar(tmp_path, capsys):
    good, bad = batch(tmp_path)
    project = tmp_path / "p.sqlite"
    assert main(["add", str(project), *map(str, good)]) == 0
    assert main(["add", str(project), str(good[1]), str(bad[3])]) == 2
    out, err = capsys.readouterr()
    assert err == "annotator: scan.pdf has no text layer (a scanned image?): only PDFs with selectable text " \
                  "can be added; run it through OCR first.\n"
    assert out.splitlines()[-2:] == [
        f"already in the project: {document_id(PAGE_TEXT)[:19]}  Envoy heads to Moscow",
        "added 0, already present 1, failed 1",
    ]
    assert "[" not in err


def test_cli_add_without_a_terminal_prints_plain_progress_lines_on_stderr(tmp_path, capsys, monkeypatch):
    """Stderr a log or a pipe: a plain line (at once here: the thresholds set to zero), then "done"; standard
    output unchanged."""
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "LINE_EVERY_S", 0)
    good, bad = batch(tmp_path)
    project = tmp_path / "p.sqlite"
    assert main(["add", str(project), str(good[0]), str(bad[0]), str(good[1])]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == ["Adding files: 0% (0 of 3)", "Adding files: 33% (1 of 3)",
                                "annotator: empty.md is empty: there is no text to add.",
                                "Adding files: 66% (2 of 3)", "Adding files: 100% (3 of 3)", "Adding files: done (3)"]
    assert out.splitlines()[-1] == "added 2, already present 0, failed 1" and "Adding" not in out


def test_cli_add_with_only_bad_files_creates_no_project(tmp_path, capsys):
    _, bad = batch(tmp_path)
    project = tmp_path / "p.sqlite"
    assert main(["add", str(project), *map(str, bad)]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == len(bad) and out == "added 0, already present 0, failed 6\n"
    assert not project.exists()
