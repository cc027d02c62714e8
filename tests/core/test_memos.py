"""Memos on documents, labels (codes) and the project: the store, the full-text search, the JSON set (version 4)
and REFI-QDA (issue 22)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import project_before

from annotator.core.errors import InputError, NotFoundError
from annotator.core.formats.json_set import export_json, import_json, import_json_file
from annotator.core.formats.qdpx import export_qdpx, import_qdpx
from annotator.core.store import Store


@pytest.fixture
def project(tmp_path):
    with Store.open(tmp_path / "p.sqlite", create=True) as store:
        doc, _ = store.add_document("Witkoff met Driscoll in Riyadh.\nSeven people were killed.", "Board minutes")
        store.add_label("Voices")
        store.add_label("Official", parent="Voices")
        store.add_annotation(doc.id, "Official", 0, 7, "alice")
        yield store, doc.id


def test_memos_are_written_read_and_removed_in_the_store(project):
    store, doc = project
    assert (store.memo("document", doc), store.memo("label", "Voices"), store.memo("project")) == ("", "", "")
    assert store.set_memo("document", doc, "  Ask the press office\r\nabout the date.  ") == ""
    assert store.document(doc).memo == "Ask the press office\nabout the date."
    assert store.set_memo("label", "Voices", "Anyone who acts.") == ""
    assert store.label("Voices").memo == "Anyone who acts."
    assert store.set_memo("project", "", "Pilot coding, round 1.") == ""
    assert store.memo("project") == "Pilot coding, round 1."
    assert store.set_memo("project", "", "") == "Pilot coding, round 1."
    assert store.meta("project.memo") is None
    store.update_label("Voices", new_name="All voices")
    assert store.label("All voices").memo == "Anyone who acts."


def test_a_memo_of_something_missing_is_refused_in_one_sentence(project):
    store, _ = project
    with pytest.raises(NotFoundError, match=r"^There is no label 'Nobody' in this project\.$"):
        store.set_memo("label", "Nobody", "x")
    with pytest.raises(InputError, match=r"^There is no kind of memo called 'case'"):
        store.set_memo("case", "x", "x")


def test_deleting_and_restoring_keeps_the_memos(project):
    store, doc = project
    store.set_memo("document", doc, "Check the casualty figure.")
    store.set_memo("label", "Official", "Named people only.")
    snapshot = store.delete_document(doc)
    store.restore_document(snapshot)
    assert store.memo("document", doc) == "Check the casualty figure."
    label, anns, links = store.delete_label("Official")
    store.restore_label(label, anns, links)
    assert store.memo("label", "Official") == "Named people only."
    assert [h.whose for h in store.search_memos("casualty")] == ["Memo on document Board minutes"]


def test_the_search_finds_memo_text_and_says_whose_memo_it_is(project):
    store, doc = project
    store.set_memo("document", doc, "The casualty figure differs from the wire report.")
    store.set_memo("label", "Voices", "Casualty counts are never actors.")
    store.set_memo("project", "", "Compare every casualty figure with the wire.")
    hits = store.search_memos("casualty")
    assert [(h.kind, h.owner, h.whose) for h in hits] == [
        ("project", "", "Project memo"), ("document", doc, "Memo on document Board minutes"),
        ("label", "Voices", "Memo on code Voices")]
    assert (hits[1].before, hits[1].match, hits[1].after) == ("The ", "casualty", " figure differs from the wire report.")
    store.update_label("Voices", new_name="All voices")
    store.set_memo("project", "", "")
    assert [(h.kind, h.owner) for h in store.search_memos("Casualty")] == [("document", doc), ("label", "All voices")]
    store.delete_document(doc)
    assert [h.owner for h in store.search_memos("casualty")] == ["All voices"]
    assert store.search_memos("wire report") == []


def test_an_older_project_upgrades_with_no_memos_and_finds_new_ones(tmp_path):
    path = project_before(tmp_path / "old.sqlite", "0010_memos", {"sha256:r": "Witkoff met Driscoll."})
    db = sqlite3.connect(path)
    db.execute("INSERT INTO labels (name, color) VALUES ('Actor', '#1F77B4')")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert store.document("sha256:r").memo == "" and store.label("Actor").memo == ""
        store.set_memo("document", "sha256:r", "Riyadh talks")
        assert [h.owner for h in store.search_memos("riyadh")] == ["sha256:r"]


def export_set(store: Store) -> dict:
    out = io.StringIO()
    export_json(store, out)
    return json.loads(out.getvalue())


def test_the_json_set_v4_carries_every_memo_and_the_import_gives_them_back(project, tmp_path):
    store, doc = project
    store.set_memo("document", doc, "Check the date.")
    store.set_memo("label", "Official", "Named people only.")
    store.set_memo("project", "", "Round 1.")
    data = export_set(store)
    assert data["version"] == 4 and data["memo"] == "Round 1."
    assert [d["memo"] for d in data["documents"]] == ["Check the date."]
    assert {lb["name"]: lb["memo"] for lb in data["labels"] if lb["memo"]} == {"Official": "Named people only."}
    assert all(lb["memo"] == "" for lb in data["labels"] if lb["name"] != "Official")
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        report = import_json(other, data)
        assert not report.not_imported
        assert (other.memo("document", doc), other.memo("label", "Official"), other.memo("project")) == (
            "Check the date.", "Named people only.", "Round 1.")


def test_an_import_never_overwrites_a_memo_the_project_has(project, tmp_path):
    store, doc = project
    store.set_memo("document", doc, "Theirs.")
    store.set_memo("project", "", "Their project.")
    data = export_set(store)
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        other.add_document("Witkoff met Driscoll in Riyadh.\nSeven people were killed.", "Mine")
        other.add_label("Official")
        other.set_memo("project", "", "Mine.")
        next(lb for lb in data["labels"] if lb["name"] == "Official")["memo"] = "About people."
        report = import_json(other, data)
        assert (other.memo("document", doc), other.memo("label", "Official"), other.memo("project")) == ("", "", "Mine.")
        assert report.not_imported == {
            "memos on documents or codes the project already has (an import adds memos only with what it adds)": 2,
            "project memo (the project has a memo of its own)": 1}


def test_a_version_3_set_without_memos_still_reads(project, tmp_path):
    store, doc = project
    data = export_set(store)
    data["version"] = 3
    del data["memo"]
    for item in data["documents"] + data["labels"]:
        del item["memo"]
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        report = import_json(other, data)
        assert report.added == 1 and other.memo("document", doc) == "" and other.memo("project") == ""


@pytest.mark.parametrize("where", ["top", "document", "label"])
def test_a_memo_that_is_not_text_is_refused_and_nothing_changes(project, tmp_path, where):
    store, _ = project
    data = export_set(store)
    target = {"top": data, "document": data["documents"][0], "label": data["labels"][0]}[where]
    target["memo"] = 7
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        labels = other.labels()
        with pytest.raises(InputError, match=r"memo that is not text\.$"):
            import_json(other, data)
        assert other.documents() == [] and other.labels() == labels and other.memo("project") == ""


def test_undoing_an_import_takes_out_every_memo_it_brought(project, tmp_path):
    store, doc = project
    store.set_memo("document", doc, "Check the date.")
    store.set_memo("project", "", "Round 1.")
    data = export_set(store)
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        batch = other.adopt_import(import_json(other, data).rows)
        assert other.search_memos("round") and other.memo("project") == "Round 1."
        other.undo_import(batch)
        assert other.memo("project") == "" and other.documents() == [] and other.search_memos("date") == []
        other.redo_import(batch)
        assert (other.memo("project"), other.memo("document", doc)) == ("Round 1.", "Check the date.")


# ------------------------------------------------------------------------- REFI-QDA
def test_refi_qda_carries_the_memos_of_the_project_sources_and_codes_both_ways(project, tmp_path):
    store, doc = project
    store.set_memo("document", doc, "Check the date <with the press office> & the wire.")
    store.set_memo("label", "Official", "Named people only.\nNever groups.")
    store.update_label("Official", description="A person in office")
    store.set_memo("project", "", "Pilot coding, round 1.")
    path = tmp_path / "memos.qdpx"
    export_qdpx(store, path)
    qde = zipfile.ZipFile(path).read("project.qde").decode()
    assert "<Description>Pilot coding, round 1.</Description>\n</Project>" in qde
    assert "<Description>Check the date &lt;with the press office&gt; &amp; the wire.</Description>" in qde
    assert "<Description>A person in office</Description><NoteRef targetGUID=" in qde  # description kept apart
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        report = import_qdpx(other, path)
        assert report.not_imported == {}
        assert other.memo("project") == "Pilot coding, round 1."
        assert other.memo("document", doc) == "Check the date <with the press office> & the wire."
        assert (other.label("Official").memo, other.label("Official").description) == (
            "Named people only.\nNever groups.", "A person in office")
        assert [lb.name for lb in other.labels() if lb.memo] == ["Official"]


def test_a_note_that_no_code_refers_to_is_counted_as_not_imported(project, tmp_path):
    store, _ = project
    store.set_memo("label", "Official", "Named people only.")
    path = tmp_path / "memos.qdpx"
    export_qdpx(store, path)
    with zipfile.ZipFile(path) as zf:
        entries = {name: zf.read(name) for name in zf.namelist()}
    entries["project.qde"] = re.sub(rb'<NoteRef targetGUID="[^"]+"/>', b"", entries["project.qde"])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        report = import_qdpx(other, path)
        assert other.label("Official").memo == ""
        assert report.not_imported == {
            "project notes (annotator keeps memos on the project, documents and codes, and notes on annotations)": 1}


VALIDATOR = Path("/work/shared/interop/validate_qde.py")


@pytest.mark.skipif(not VALIDATOR.exists() or importlib.util.find_spec("xmlschema") is None,
                    reason="the REFI-QDA schema and xmlschema are not here")
def test_an_export_with_every_kind_of_memo_is_valid_refi_qda(project, tmp_path):
    store, doc = project
    store.set_memo("document", doc, "A source memo.")
    store.set_memo("label", "Voices", "A code memo.")
    store.set_memo("project", "", "A project memo.")
    path = tmp_path / "memos.qdpx"
    export_qdpx(store, path)
    run = subprocess.run([sys.executable, str(VALIDATOR), str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_set_file_streamed_from_disk_carries_the_memos(project, tmp_path):
    store, doc = project
    store.set_memo("project", "", "Round 1.")
    store.set_memo("document", doc, "Check the date.")
    path = tmp_path / "set.json"
    path.write_text(json.dumps(export_set(store)), encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite", create=True) as other:
        import_json_file(other, path)
        assert (other.memo("project"), other.memo("document", doc)) == ("Round 1.", "Check the date.")
