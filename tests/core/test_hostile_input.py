"""Hostile input, through the command line: each is refused in one sentence, exit 2, the project byte-identical.

The corpus is made by the tests themselves (into ``tmp_path``): JSON nested
100,000 deep in every position, a 100 MB single line, invalid UTF-8 and NUL
bytes, UTF-16 with a byte-order mark (which is read, not refused), a Word zip
bomb, XML entity bombs and zip-slip names, web pages that would fetch things,
and broken and encrypted PDFs.
"""

from __future__ import annotations

import io
import socket
import zipfile

import pytest
from test_importers import encrypt, make_docx, make_pdf

from annotator.cli import main
from annotator.core.formats import importers
from annotator.core.store import Store

DEEP = 100_000


@pytest.fixture
def project(tmp_path, digest):
    """A project with one document; yields its path and checks after the test that it was not changed."""
    path = tmp_path / "p.sqlite"
    with Store.open(path) as store:
        store.add_document("Envoy heads to Moscow.\nThe plan has 28 points.\n", "Envoy")
    before = digest(path)
    yield path
    assert digest(path) == before
    assert not (tmp_path / "p.sqlite-wal").exists()


def refused(capsys, *args) -> str:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith("annotator: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


HEAD = '{"format": "annotator.annotation-set", "version": 1, '


@pytest.mark.parametrize(
    "text",
    [
        HEAD + '"documents": [], "x": ' + "[" * DEEP + "]" * DEEP + ', "annotations": []}',
        HEAD + '"documents": [], "annotations": [' + '{"a":' * DEEP + "1" + "}" * DEEP + "]}",
        HEAD + '"documents": [{"id": "x", "title": ' + "[" * DEEP + "]" * DEEP + '}], "annotations": []}',
        HEAD + '"documents": [], "annotations": [], "links": [' + "[" * DEEP + "]" * DEEP + "]}",
        "[" * DEEP,  # and never closed
    ],
    ids=["after documents", "inside annotations", "deep title", "inside links", "unclosed"],
)
def test_json_sets_nested_100000_deep_are_refused_at_once(tmp_path, capsys, project, text):
    err = refused(capsys, "import", project, write(tmp_path, "deep.json", text))
    assert "deep.json is nested more than 64 levels deep" in err


def test_the_parsed_set_and_scheme_readers_refuse_deep_json_too(tmp_path, capsys, project):
    from annotator.core.errors import InputError
    from annotator.core.formats.json_import import parse_set

    deep_title = HEAD + '"documents": [{"id": "x", "title": ' + "[" * DEEP + "]" * DEEP + '}], "annotations": []}'
    with pytest.raises(InputError, match="nested more than 64 levels deep"):
        parse_set(deep_title, "set.json")
    with pytest.raises(InputError, match="nested more than 64 levels deep"):  # deep, but within Python's limit
        parse_set(HEAD + '"documents": [], "annotations": [], "x": ' + "[" * 500 + "]" * 500 + "}", "set.json")
    scheme = '{"format": "annotator.label-scheme", "version": 1, "labels": [' + "[" * DEEP + "]" * DEEP + "]}"
    err = refused(capsys, "scheme", project, "--import", write(tmp_path, "deep-scheme.json", scheme))
    assert "deep-scheme.json is nested more than 64 levels deep" in err
    refused(capsys, "init", tmp_path / "new.sqlite", "--scheme", tmp_path / "deep-scheme.json")
    assert not (tmp_path / "new.sqlite").exists()


def test_a_huge_string_in_a_set_is_refused(tmp_path, capsys, project, monkeypatch):
    from annotator.core.formats import json_import

    monkeypatch.setattr(json_import, "MAX_STRING", 1000)
    text = HEAD + '"documents": [{"id": "x", "text": "' + "a" * 5000 + '"}], "annotations": []}'
    err = refused(capsys, "import", project, write(tmp_path, "long.json", text))
    assert "holds a text of 5,000 characters" in err


# ------------------------------------------------------------------ text files
def test_a_100_mb_single_line_is_refused_before_it_is_read(tmp_path, capsys, project, monkeypatch):
    path = tmp_path / "line.txt"
    with open(path, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB without writing them
        fh.seek(0)
        fh.write(b"one line that never ends ")

    read_bytes = type(path).read_bytes

    def never(self):
        assert self.name != "line.txt", "the file was read"
        return read_bytes(self)

    monkeypatch.setattr(type(path), "read_bytes", never)
    err = refused(capsys, "add", project, path)
    assert "line.txt is 100 MB; annotator adds articles of up to 64 MB." in err


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Caf\xe9 owners\n", "is not UTF-8 text (undecodable byte at position 3)"),
        (b"text\x00with a NUL\n", "looks like a binary file"),
        (b"a" * 20_000 + b"\x00late NUL\n", "holds NUL characters"),
        ("\ufeffUTF-16 half\n".encode("utf-16-le")[:-1], "is not UTF-16 text"),
    ],
    ids=["invalid UTF-8", "NUL", "late NUL", "broken UTF-16"],
)
def test_undecodable_and_binary_text_is_refused(tmp_path, capsys, project, data, words):
    err = refused(capsys, "add", project, write(tmp_path, "bad.txt", data))
    assert "bad.txt" in err and words in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path, capsys, encoding):
    text = "Віткофф met Putin 🇺🇦.\r\nSecond line.\n"
    data = ("\ufeff" + text).encode(encoding) if encoding.endswith("-be") else text.encode(encoding)  # adds a BOM
    path = write(tmp_path, "wide.txt", data)
    assert main(["add", str(tmp_path / "w.sqlite"), str(path)]) == 0
    with Store.open(tmp_path / "w.sqlite") as store:
        (doc,) = store.documents()
        assert store.document_text(doc.id) == "Віткофф met Putin 🇺🇦.\nSecond line.\n"


# ------------------------------------------------------------------------ Word
def _docx_with(members: dict[str, bytes], base: bytes | None = None) -> bytes:
    """A real .docx with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(base or make_docx(["Hello."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info))
        for member, data in members.items():
            target.writestr(member, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> bytes:
    """A 1 MB .docx whose document.xml unpacks to 1 GB."""
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(make_docx(["Hello."])))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, base.read(info))
        with target.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 24)
            for _ in range(64):
                fh.write(chunk)
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_from_its_directory(tmp_path, capsys, project, zip_bomb, monkeypatch):
    assert len(zip_bomb) < 8 * 1024 * 1024
    import docx

    monkeypatch.setattr(docx, "Document", lambda *a: pytest.fail("python-docx was given the bomb"))
    err = refused(capsys, "add", project, write(tmp_path, "bomb.docx", zip_bomb))
    assert "bomb.docx unpacks to far more than a Word document holds" in err and "zip bomb" in err


def test_many_members_adding_up_past_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(importers, "MAX_DOCX_UNPACKED", 100_000)
    data = _docx_with({f"word/media/{i}.bin": bytes(range(256)) * 100 for i in range(5)})
    with pytest.raises(importers.InputError, match="zip bomb"):
        importers.read_docx(data, "many.docx")


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize("member", ["word/document.xml", "docProps/core.xml", "[Content_Types].xml"])
def test_xml_entity_bombs_in_a_docx_are_refused(tmp_path, capsys, project, member):
    err = refused(capsys, "add", project, write(tmp_path, "laughs.docx", _docx_with({member: LAUGHS})))
    assert f"laughs.docx declares XML entities (a DOCTYPE in {member})" in err


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/evil.txt", "word/../../evil.txt", "C:/evil.txt"])
def test_zip_slip_names_are_refused_and_nothing_is_written(tmp_path, capsys, project, name):
    data = _docx_with({name: b"owned"})
    err = refused(capsys, "add", project, write(tmp_path, "slip.docx", data))
    assert "slip.docx is not a safe Word document" in err
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()


# ------------------------------------------------------------------------ HTML
@pytest.fixture
def no_sockets(monkeypatch):
    """Any attempt to open a socket fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a socket was opened: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


FETCHING_PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="https://tracker.example/x.css"><script src="https://tracker.example/x.js"></script>
<meta http-equiv="refresh" content="0; url=https://tracker.example/"></head>
<body><article><h1>Envoy</h1><p>Talks resume.<img src="https://tracker.example/pixel.gif"></p>
<iframe src="https://tracker.example/frame"></iframe><script>fetch("https://tracker.example/beacon")</script>
<object data="https://tracker.example/o.swf"></object><video src="https://tracker.example/v.mp4"></video>
<p style="background:url(https://tracker.example/bg.png)">Second paragraph.</p></article></body></html>"""


def test_html_that_would_fetch_things_opens_no_socket(tmp_path, capsys, no_sockets):
    path = write(tmp_path, "page.html", FETCHING_PAGE)
    assert main(["add", str(tmp_path / "h.sqlite"), str(path)]) == 0
    with Store.open(tmp_path / "h.sqlite") as store:
        (doc,) = store.documents()
        assert store.document_text(doc.id) == "Envoy\nTalks resume.\nSecond paragraph."


def test_html_with_nothing_but_scripts_is_refused_without_a_socket(tmp_path, capsys, project, no_sockets):
    page = '<html><body><script src="https://tracker.example/x.js"></script><iframe src="https://x.example"></iframe>'
    err = refused(capsys, "add", project, write(tmp_path, "empty.html", page))
    assert "empty.html has no article text to add." in err


# ------------------------------------------------------------------------- PDF
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: encrypt(make_pdf([["Secret."]]), "secret", "AES-256"), "is encrypted"),
        (lambda: make_pdf([["Some text here."]])[:300], "damaged"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged or not a PDF"),
    ],
    ids=["encrypted", "truncated", "garbage"],
)
def test_broken_and_encrypted_pdfs_are_refused(tmp_path, capsys, project, make, words):
    err = refused(capsys, "add", project, write(tmp_path, "report.pdf", make()))
    assert "report.pdf" in err and words in err


# ------------------------------------------------------------ annotator names
@pytest.mark.parametrize("name", [" alice", "alice ", "\talice\n"])
def test_an_annotator_name_with_surrounding_space_is_refused_everywhere(tmp_path, capsys, project, name):
    import json

    from annotator.core.errors import InputError

    with Store.open(project) as store:
        doc = store.documents()[0]
        with pytest.raises(InputError, match="begins or ends with a space"):
            store.add_annotation(doc.id, "Claim", 0, 5, name)
        with pytest.raises(InputError, match="begins or ends with a space"):
            store.ensure_annotator(name)
        text = store.document_text(doc.id)
    digest_before = project.read_bytes()
    data = {"format": "annotator.annotation-set", "version": 1, "documents": [{"id": doc.id, "text": text}],
            "annotations": [{"id": "a1", "document": doc.id, "label": "Claim", "start": 0, "end": 5,
                             "quote": text[:5], "annotator": name}]}
    err = refused(capsys, "import", project, write(tmp_path, "set.json", json.dumps(data)))
    assert "begins or ends with a space" in err and "FOREIGN KEY" not in err
    assert project.read_bytes() == digest_before


def test_an_oversized_scheme_file_is_refused_before_it_is_read(tmp_path, capsys, project):
    path = tmp_path / "huge-scheme.json"
    with open(path, "wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    err = refused(capsys, "scheme", project, "--import", path)
    assert "huge-scheme.json is larger than 4 MB, so it is not a label scheme." in err


def test_a_huge_string_inside_the_annotations_is_refused(tmp_path, capsys, project, monkeypatch):
    """The long lists are skipped by their own loop in the first pass: it checks strings too."""
    from annotator.core.formats import json_import

    monkeypatch.setattr(json_import, "MAX_STRING", 1000)
    for where in ('{"id": "' + "a" * 5000 + '"}', '{"' + "k" * 5000 + '": 1}', '"' + "a" * 5000 + '"'):
        text = HEAD + '"documents": [], "annotations": [{"id": "x"}, ' + where + "]}"
        err = refused(capsys, "import", project, write(tmp_path, "long.json", text))
        assert "holds a text of 5,000 characters" in err


def test_the_first_pass_counts_the_items_of_any_list():
    """Items of every kind (objects, lists, strings, numbers, null) and nesting, as ``json`` counts them."""
    import io
    import json
    import random

    import ijson

    from annotator.core.formats import json_import

    rng = random.Random(3)

    def value(depth):
        pick = rng.random()
        if depth > 4 or pick < 0.3:
            return rng.choice(["s", 1, 2.5, None, True, {}, []])
        if pick < 0.65:
            return {f"k{i}": value(depth + 1) for i in range(rng.randint(0, 3))}
        return [value(depth + 1) for _ in range(rng.randint(0, 3))]

    for _ in range(200):
        annotations = [value(1) for _ in range(rng.randint(0, 12))]
        links = [value(1) for _ in range(rng.randint(0, 3))]
        data = json.dumps({"format": "x", "annotations": annotations, "after": value(0), "links": links}).encode()
        events = json_import._Capped(ijson.basic_parse(io.BytesIO(data), use_float=True), "set.json")
        head, spans = json_import._scan(events, None)
        assert spans == {"annotations": (0, len(annotations)), "links": (0, len(links))}
        assert head["after"] == json.loads(data)["after"] and head["annotations"] == []
