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
