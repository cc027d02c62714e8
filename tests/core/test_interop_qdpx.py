"""REFI-QDA: files in the shapes other tools write, the structure we write, and what is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotator.core.errors import InputError
from annotator.core.formats import qdpx
from annotator.core.formats.qdpx import NS, export_qdpx, import_qdpx

Q = f"{{{NS}}}"
U = {name: f"{n:08d}-0000-4000-8000-000000000000" for n, name in enumerate(
    ["user1", "user2", "code1", "code2", "parent1", "child1", "parent2", "child2", "src1", "src2", "src3", "sel1",
     "sel2", "sel3", "cod1", "cod2", "cod3", "cod4", "link1", "pdf1", "case1", "var1", "set1", "sel4"], 1)}


def make_qdpx(path: Path, xml: str, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


def project(body: str) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="t">{body}</Project>'


CODEBOOK = f"""
<Users><User guid="{U['user1']}" name="Jane"/><User guid="{U['user2']}" name="Ahmed"/></Users>
<CodeBook><Codes>
  <Code guid="{U['code1']}" name="Emotion" isCodable="true" color="#F00"/>
  <Code guid="{U['parent1']}" name="Economy" isCodable="false">
    <Code guid="{U['child1']}" name="Cost" isCodable="true" color="#00ff00"><Description>money</Description></Code>
  </Code>
  <Code guid="{U['parent2']}" name="Health" isCodable="true">
    <Code guid="{U['child2']}" name="Cost" isCodable="true"/>
  </Code>
</Codes></CodeBook>
"""


def test_a_maxqda_like_project_imports_as_described(store, tmp_path):
    crlf = "First line\r\nSecond line with caf\u00e9\r\nThird 🙂 line\r\n"
    xml = project(CODEBOOK + f"""
<Variables><Variable guid="{U['var1']}" name="Age" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="{U['case1']}" name="Interview A"/></Cases>
<Sources>
  <TextSource guid="{U['src1']}" name="Interview" plainTextPath="internal://{U['src1']}.txt">
    <PlainTextSelection guid="{U['sel1']}" startPosition="{crlf.index('Second')}" endPosition="{crlf.index(' with')}"
        creatingUser="{U['user1']}" creationDateTime="2020-01-01T10:00:00Z">
      <Description>both codes</Description>
      <Coding guid="{U['cod1']}" creatingUser="{U['user1']}"><CodeRef targetGUID="{U['code1']}"/></Coding>
      <Coding guid="{U['cod2']}" creatingUser="{U['user2']}"><CodeRef targetGUID="{U['child1']}"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="{U['sel2']}" startPosition="{crlf.index('Third')}" endPosition="{crlf.index(' line', 40)}">
      <Coding guid="{U['cod3']}" creatingUser="{U['user2']}"><CodeRef targetGUID="{U['child2']}"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <TextSource guid="{U['src2']}" name="Relative" plainTextPath="texts/relative.txt">
    <PlainTextSelection guid="{U['sel3']}" startPosition="0" endPosition="8">
      <Coding guid="{U['cod4']}"><CodeRef targetGUID="{U['code1']}"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <TextSource guid="{U['src3']}" name="Inline"><PlainTextContent>Inline text, coded</PlainTextContent>
    <PlainTextSelection guid="{U['sel4']}" startPosition="13" endPosition="18">
      <Coding guid="{U['link1']}" creatingUser="{U['user1']}"><CodeRef targetGUID="{U['code1']}"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <PDFSource guid="{U['pdf1']}" name="scan.pdf" path="internal://scan.pdf"/>
</Sources>
<Links><Link guid="{U['set1']}" name="explains" originGUID="{U['sel1']}" targetGUID="{U['sel3']}"/></Links>
""")
    path = make_qdpx(tmp_path / "maxqda.qdpx", xml, {f"sources/{U['src1']}.txt": crlf.encode(),
                                                     "texts/relative.txt": "Relative source text".encode()})
    report = import_qdpx(store, path)
    anns = sorted((a.quote, a.label, a.annotator, a.note) for a in store.iter_annotations())
    assert anns == [
        ("Relative", "Emotion", "unknown", ""),
        ("Second line", "Economy/Cost", "Ahmed", "both codes"),
        ("Second line", "Emotion", "Jane", "both codes"),
        ("Third 🙂", "Health/Cost", "Ahmed", ""),
        ("coded", "Emotion", "Jane", ""),
    ]
    for a in store.iter_annotations():
        assert store.document_text(a.document)[a.start:a.end] == a.quote
    assert "\r" not in "".join(store.document_text(d.id) for d in store.documents())
    labels = {lb.name: lb for lb in store.labels()}
    assert labels["Emotion"].color.lower() == "#ff0000"
    assert labels["Economy/Cost"].description == "money"
    assert report.not_imported == {"PDF sources (annotator keeps plain text only)": 1,
                                   "cases (annotator has no cases)": 1, "variables (annotator has no variables)": 1}
    assert "1 × PDF sources" in report.summary()
    assert [(k.type, store.annotation(k.source).quote) for k in store.links()] == [("explains", "Second line")]
    again = import_qdpx(store, path)
    assert again.added == 0 and again.skipped == 5 and again.links_added == 0


def test_selections_that_cannot_be_placed_are_skipped_with_a_reason(store, tmp_path):
    xml = project(CODEBOOK + f"""<Sources>
  <TextSource guid="{U['src1']}" name="A"><PlainTextContent>Short text</PlainTextContent>
    <PlainTextSelection guid="{U['sel1']}" startPosition="5" endPosition="500">
      <Coding guid="{U['cod1']}"><CodeRef targetGUID="{U['code1']}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="{U['sel2']}" startPosition="0" endPosition="5"/>
    <PlainTextSelection guid="{U['sel3']}" startPosition="0" endPosition="5">
      <Coding guid="{U['cod2']}"><CodeRef targetGUID="{U['pdf1']}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="{U['sel4']}" startPosition="6" endPosition="10">
      <Coding guid="{U['cod3']}"><CodeRef targetGUID="{U['code1']}"/></Coding></PlainTextSelection>
  </TextSource>
  <TextSource guid="{U['src2']}" name="Elsewhere" plainTextPath="absolute://C:/data/x.txt"/>
</Sources>""")
    report = import_qdpx(store, make_qdpx(tmp_path / "x.qdpx", xml))
    assert [a.quote for a in store.iter_annotations()] == ["text"]
    assert set(report.not_imported) == {
        "selections whose positions fall outside their source's text", "selections without a code",
        "codings whose code is not in the codebook", "text sources whose text is not in the archive (with their codings)"}


def test_export_structure(store, rich, tmp_path):
    path = tmp_path / "out.qdpx"
    count = export_qdpx(store, path)
    assert count == len(rich["anns"])
    zf = zipfile.ZipFile(path)
    root = ElementTree.fromstring(zf.read("project.qde"))
    assert root.tag == f"{Q}Project"
    assert [_tag(c) for c in root] == ["Users", "CodeBook", "Sources", "Links"]
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    assert len(sources) == 2
    for source in sources:
        ref = source.get("plainTextPath")
        assert ref.startswith("internal://")
        text = zf.read("sources/" + ref.removeprefix("internal://")).decode("utf-8")
        for sel in source.findall(f"{Q}PlainTextSelection"):
            ann = store.annotation(sel.get("guid")) if sel.get("guid") != qdpx.guid_of("-dash-id") else \
                store.annotation("-dash-id")
            assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == ann.quote
            assert (sel.findtext(f"{Q}Description") or "") == ann.note
            coding = sel.find(f"{Q}Coding")
            assert coding.find(f"{Q}CodeRef").get("targetGUID")
    codes = root.findall(f"{Q}CodeBook/{Q}Codes/{Q}Code")
    assert all(c.get("isCodable") == "true" and c.get("color").startswith("#") for c in codes)
    assert {u.get("name") for u in root.findall(f"{Q}Users/{Q}User")} >= {"alice", "=bob"}
    assert len(root.findall(f"{Q}Links/{Q}Link")) == len(rich["links"])


def _tag(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def test_the_note_with_a_carriage_return_survives(store, rich, tmp_path):
    path = tmp_path / "out.qdpx"
    export_qdpx(store, path)
    xml = zipfile.ZipFile(path).read("project.qde")
    assert b"&#13;cr" in xml


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("case", ["not-zip", "truncated", "no-project", "dtd", "entity", "not-xml", "foreign-root",
                                  "dotdot", "absolute"])
def test_bad_archives_are_refused_in_one_sentence_and_change_nothing(store, rich, tmp_path, digest, case):
    good = tmp_path / "good.qdpx"
    export_qdpx(store, good)
    path = tmp_path / f"{case}.qdpx"
    if case == "not-zip":
        path.write_text("hello")
    elif case == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif case == "no-project":
        make_qdpx(path, "").unlink()
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("other.xml", "<a/>")
    elif case == "dtd":
        make_qdpx(path, '<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://example.test/x.dtd">'
                        f'<Project xmlns="{NS}" name="x"/>')
    elif case == "entity":
        make_qdpx(path, '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                        f'<Project xmlns="{NS}" name="&b;"/>')
    elif case == "not-xml":
        make_qdpx(path, "<Project")
    elif case == "foreign-root":
        make_qdpx(path, "<html/>")
    elif case in ("dotdot", "absolute"):
        make_qdpx(path, project(""), {"../evil.txt" if case == "dotdot" else "/etc/evil": b"x"})
    store.checkpoint()
    before = digest(store.path)
    with pytest.raises(InputError) as info:
        import_qdpx(store, path)
    message = str(info.value)
    assert path.name in message and "\n" not in message
    store.checkpoint()
    assert digest(store.path) == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(store, tmp_path, monkeypatch):
    monkeypatch.setattr(qdpx, "MAX_ENTRY_BYTES", 1 << 20)
    path = make_qdpx(tmp_path / "bomb.qdpx", project(""), {"sources/big.txt": b"\0" * (4 << 20)})
    with pytest.raises(InputError, match="would unpack to"):
        import_qdpx(store, path)
    monkeypatch.setattr(qdpx, "MAX_ENTRY_BYTES", 8 << 20)
    monkeypatch.setattr(qdpx, "MAX_TOTAL_BYTES", 6 << 20)
    path = make_qdpx(tmp_path / "bombs.qdpx", project(""), {f"sources/{n}.txt": b"\0" * (4 << 20) for n in range(2)})
    with pytest.raises(InputError, match="more than"):
        import_qdpx(store, path)


def test_an_entry_that_unpacks_to_more_than_it_declares_is_stopped(store, tmp_path):
    path = make_qdpx(tmp_path / "liar.qdpx", project(""))
    archive = qdpx._Archive(path, "liar.qdpx")
    info = archive.entries["project.qde"]
    counted = qdpx._Counted(io.BytesIO(b"x" * (info.file_size + 10)), archive, info)
    with pytest.raises(InputError, match="more bytes than it declares"):
        counted.read()


# QualCoder's "line endings for MAXQDA": the text file has CRLF, the positions count the LF text, and the name of
# each selection is its quote (a line break in it is read as a space: XML normalises attributes).
BOARD = ("Minutes of the board, 2017\nPresent: Ana, Bruno, Chen\nThe budget was approved after a long debate.\n"
         "Bruno asked about the roof;\nChen promised a quote by May.\nAna closed the meeting at nine.\n")
BOARD_QUOTES = ["Minutes", "board", "Ana, Bruno", "budget was approved", "long debate", "roof", "Chen promised",
                "quote by May", "closed the meeting", "nine", "the roof;\nChen", "Present", "2017", "asked",
                "debate.\nBruno", "Ana closed", "Minutes of the"]


def qualcoder_qdpx(path: Path, selections: list[tuple[str, int, int]], memo: str = "The pilot study.",
                   text: str = BOARD) -> Path:
    """A QualCoder-shaped project: a source with no name, its text as CRLF, ``(name, start, end)`` selections."""
    sels = "".join(
        f'<PlainTextSelection guid="{n:08d}-1111-4000-8000-000000000000" name="{name}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{U["user1"]}" creationDateTime="2021-03-04T10:00:00Z">'
        f'<Coding guid="{n:08d}-2222-4000-8000-000000000000" creatingUser="{U["user1"]}">'
        f'<CodeRef targetGUID="{U["code1"]}"/></Coding></PlainTextSelection>\n'
        for n, (name, start, end) in enumerate(selections, 1))
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="qc_tool_demo.qda" '
           f'origin="QualCoder 3.5" creationDateTime="2021-03-04T10:00:00Z">\n'
           f'<Users><User guid="{U["user1"]}" name="default"/></Users>\n'
           f'<CodeBook><Codes><Code guid="{U["code1"]}" name="Governance" isCodable="true" color="#A0A0FF"/>'
           f'</Codes></CodeBook>\n<Sources>\n<TextSource guid="{U["src1"]}" plainTextPath="internal://board_2017.txt" '
           f'creatingUser="{U["user1"]}" creationDateTime="2021-03-04T10:00:00Z">\n{sels}</TextSource>\n</Sources>\n'
           + (f"<Description>{memo}</Description>\n" if memo else "") + "</Project>\n")
    return make_qdpx(path, xml, {"sources/board_2017.txt": text.replace("\n", "\r\n").encode()})


def test_qualcoder_positions_counted_without_cr_are_re_anchored_by_the_quote_they_name(store, tmp_path):
    selections = [(q, BOARD.index(q), BOARD.index(q) + len(q)) for q in BOARD_QUOTES]
    shifted = sum(1 for q in BOARD_QUOTES if BOARD.count("\n", 0, BOARD.index(q)))
    assert (len(selections), shifted) == (17, 13)
    report = import_qdpx(store, qualcoder_qdpx(tmp_path / "qc_tool_demo.qdpx", selections))
    quotes = sorted(a.quote for a in store.iter_annotations())
    assert quotes == sorted(BOARD_QUOTES)
    assert report.added == 17 and report.reanchored == shifted
    assert f"17 annotations imported; {shifted} re-anchored" in report.summary()
    [doc] = store.documents()
    assert doc.title == "board_2017"
    assert report.not_imported == {} and "Not imported" not in report.summary()
    assert store.memo("project") == "The pilot study."  # the project's <Description> is its memo
    again = import_qdpx(store, tmp_path / "qc_tool_demo.qdpx")
    assert (again.added, again.reanchored, again.skipped, again.not_imported) == (0, 0, 17, {})


def test_a_name_that_is_no_quote_near_the_positions_leaves_them_as_they_are(store, tmp_path):
    crlf = BOARD.replace("\n", "\r\n")
    roof, bruno = crlf.index("roof"), crlf.index("Bruno asked")  # positions in the CRLF text, as the standard says
    far = len(BOARD) + qdpx.REANCHOR_REACH + 100  # "Minutes" occurs, but farther away than the reach
    text = BOARD + "z" * (far + 20 - len(BOARD)) + "\n"
    selections = [("line:4", roof, roof + 4), ("Bruno asked", bruno, bruno + 26), ("Minutes", far, far + 7),
                  ("Chen", bruno, bruno + 26)]  # a label that occurs nearby, but is not as long as the selection
    report = import_qdpx(store, qualcoder_qdpx(tmp_path / "labels.qdpx", selections, memo=" ", text=text))
    assert sorted(a.quote for a in store.iter_annotations()) == [
        "Bruno asked about the roof", "Bruno asked about the roof", "roof", "zzzzzzz"]
    assert report.reanchored == 0 and "re-anchored" not in report.summary() and not report.not_imported


def test_positions_counted_in_crlf_text_but_shifted_are_re_anchored_too(store, tmp_path):
    at = BOARD.replace("\n", "\r\n").index("roof;")
    selections = [("roof;\nChen", at + 3, at + 3 + len("roof;\r\nChen"))]  # as long as the quote with its CRLF
    report = import_qdpx(store, qualcoder_qdpx(tmp_path / "shifted.qdpx", selections, memo=""))
    assert [a.quote for a in store.iter_annotations()] == ["roof;\nChen"] and report.reanchored == 1
