"""Streaming import: ``import_json_file`` (ijson, three passes, batches) against the dict import.

For any layout of the file the streaming import must give exactly what
``import_json(store, parse_set(raw))`` gives: same project, same report, same
messages; bad files are refused before anything is written; a progress
callback can cancel, and then nothing changes.
"""

from __future__ import annotations

import io
import json
import random
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import CancelledError, InputError, SpanError
from annotator.core.formats import json_import
from annotator.core.formats.json_set import (
    export_json,
    import_json,
    import_json_file,
    parse_set,
)
from annotator.core.store import Store

DATA = Path(__file__).resolve().parent.parent / "data"


# --------------------------------------------------------------------- helpers
def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


def snapshot(store: Store) -> dict:
    """Everything an import can change, comparable across two projects (not the wall-clock columns)."""
    return {
        "annotations": sorted(
            (a.id, a.document, a.label, a.start, a.end, a.quote, a.annotator, a.note, a.status, a.created,
             a.modified, a.reviewer, a.reviewed, a.review_note) for a in store.annotations()
        ),
        "documents": [(d.id, d.title, d.source, d.published, d.url, d.length) for d in store.documents()],
        "texts": {d.id: store.document_text(d.id) for d in store.documents()},
        "labels": store.labels(),
        "annotators": store.annotators(),
        "links": sorted((k.id, k.type, k.source, k.target, k.annotator, k.note) for k in store.links()),
        "link_types": store.link_types(),
    }


def report_fields(report) -> tuple:
    return (report.added, report.skipped, report.reanchored, report.documents_added, report.labels_created,
            report.links_added)


def write_set(path: Path, data: dict, **dump_options) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, **dump_options), encoding="utf-8")
    return path




# ------------------------------------------------------ streaming import = dict import
def _both_imports(tmp_path: Path, raw: str, populate=None, name: str = "set.json", **options) -> tuple:
    """Import ``raw`` into two fresh projects, by dict and by file; returns (dict result, file result)."""
    path = tmp_path / name
    path.write_text(raw, encoding="utf-8")
    results = []
    for kind in ("dict", "file"):
        with Store.open(tmp_path / f"{kind}.sqlite") as target:
            if populate:
                populate(target)
            if kind == "dict":
                report = import_json(target, parse_set(raw, name), name=name, **options)
            else:
                report = import_json_file(target, path, **options)
            results.append((report_fields(report), snapshot(target)))
    return results[0], results[1]


def _set(store: Store) -> dict:
    out = io.StringIO()
    export_json(store, out)
    return json.loads(out.getvalue())


def _preload(data: dict, count: int):
    """A population step that imports the set's first ``count`` annotations beforehand (None for 0)."""
    def populate(target):
        import_json(target, dict(data, annotations=data["annotations"][:count], links=[]))
    return populate if count else None


SHIFTED = range(0, 11, 2)


def _variants(data: dict) -> dict:
    shifted = json.loads(json.dumps(data))
    for i in SHIFTED:
        shifted["annotations"][i]["start"] += 3  # the quote no longer matches: re-anchored
        shifted["annotations"][i]["end"] += 3
    duplicated = json.loads(json.dumps(data))
    duplicated["annotations"] = duplicated["annotations"] + duplicated["annotations"][:4]
    duplicated["annotations"].insert(2, dict(duplicated["annotations"][0], note="a different note, same id"))
    no_labels = dict(data, labels=[])
    renamed_labels = json.loads(json.dumps(data))
    for a in renamed_labels["annotations"]:
        a["label"] = "New " + a["label"]
    return {"plain": data, "shifted": shifted, "duplicated": duplicated, "labels from annotations": no_labels,
            "unknown labels": renamed_labels}


@pytest.mark.parametrize("variant", ["plain", "shifted", "duplicated", "labels from annotations", "unknown labels"])
@pytest.mark.parametrize("as_annotator", [None, "carol"])
def test_streaming_import_gives_what_the_dict_import_gives(store, rich, tmp_path, monkeypatch, variant,
                                                            as_annotator):
    monkeypatch.setattr(json_import, "IMPORT_BATCH", 3)  # batch boundaries fall between duplicates
    data = _variants(_set(store))[variant]
    raw = json.dumps(data, ensure_ascii=False, indent=2)
    for preload in (0, 5):  # 5: the project already holds some of the set's annotations
        folder = tmp_path / str(preload)
        folder.mkdir()
        by_dict, by_file = _both_imports(folder, raw, populate=_preload(data, preload), as_annotator=as_annotator)
        assert by_file == by_dict
        (added, skipped, reanchored, documents_added, labels_created, links_added), snap = by_file
        assert added + skipped == len(data["annotations"])
        assert len(snap["annotations"]) == 11 and len(snap["documents"]) == 2
        assert documents_added == (0 if preload else 2)
        assert links_added == 3
        if not preload:
            assert skipped == (5 if variant == "duplicated" else 0)
            assert reanchored == (len(SHIFTED) if variant == "shifted" else 0)
        if as_annotator and not preload:
            assert {a[6] for a in snap["annotations"]} == {"carol"}
            assert [a.id for a in snap["annotators"]] == ["carol"]
        elif not as_annotator:
            assert {a.id: a.name for a in snap["annotators"]}["=bob"] == "=Bob"
        if variant == "unknown labels" and not preload:
            assert set(labels_created) >= {a["label"] for a in data["annotations"]}


def test_streaming_import_of_the_frozen_v1_set(store, tmp_path):
    raw = (DATA / "annotation-set-v1.json").read_text(encoding="utf-8")
    by_dict, by_file = _both_imports(tmp_path, raw, name="annotation-set-v1.json")
    assert by_file == by_dict
    assert by_file[0] == (3, 0, 0, 1, ["Quotation"], 1)


def test_importing_the_same_file_twice_skips_everything(store, rich, tmp_path):
    path = write_set(tmp_path / "set.json", _set(store))
    with Store.open(tmp_path / "copy.sqlite") as target:
        first = import_json_file(target, path)
        second = import_json_file(target, path)
        assert report_fields(first)[:2] == (11, 0)
        assert report_fields(second) == (0, 11, 0, 0, [], 0)
    assert report_fields(import_json_file(store, path)) == (0, 11, 0, 0, [], 0)


def _shuffled_layout(data: dict, rng: random.Random) -> str:
    """The same set with keys in another order, at every level, and arbitrary whitespace."""
    def shuffle(value):
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffle(v) for k, v in items}
        if isinstance(value, list):
            return [shuffle(v) for v in value]
        return value
    raw = json.dumps(shuffle(data), ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 0, 1, 7, "\t"]),
                     separators=rng.choice([(",", ":"), (", ", ": "), (" ,\n", " :  ")]))
    return "\n \t\r\n" + raw + "\n\n  "


@pytest.mark.parametrize("seed", range(6))
def test_any_layout_imports(store, rich, tmp_path, seed):
    data = _set(store)
    raw = _shuffled_layout(data, random.Random(seed))
    by_dict, by_file = _both_imports(tmp_path, raw)
    assert by_file == by_dict
    assert by_file[0][0] == 11


def test_annotations_before_documents_and_links_first(store, rich, tmp_path):
    data = _set(store)
    order = ["links", "annotations", "annotators", "version", "documents", "labels", "format"]
    raw = json.dumps({key: data[key] for key in order}, ensure_ascii=False)
    assert _both_imports(tmp_path, raw)[1][0][0] == 11


def test_a_key_given_twice_counts_once_as_in_json(store, rich, tmp_path):
    """JSON allows a key twice and Python's json keeps the last value; so does the streaming import."""
    data = _set(store)
    first = json.dumps(dict(data, annotations=data["annotations"][:3], links=[]), ensure_ascii=False)[:-1]
    stray = {"annotations.item": {"id": "stray"}, "links.item": 5, "annotations": {"item": {"id": "x"}}}
    raw = (first + ", " + json.dumps(stray)[1:-1] + ', "annotations": ' + json.dumps(data["annotations"][5:])
           + ', "links": []}')
    by_dict, by_file = _both_imports(tmp_path, raw)
    assert by_file == by_dict
    assert by_file[0][:2] == (6, 0)


def test_streaming_import_from_open_files(store, rich, tmp_path):
    raw = json.dumps(_set(store), ensure_ascii=False).encode("utf-8")
    expected = None
    sources = {
        "binary file": lambda: open(write_set(tmp_path / "a.json", _set(store)), "rb"),  # noqa: SIM115
        "bytes in memory, after a prefix": lambda: _after_prefix(b"ignored prefix" + raw, 14),
        "a pipe that cannot seek": lambda: _Pipe(raw),
        "with a byte order mark": lambda: io.BytesIO(b"\xef\xbb\xbf" + raw),
    }
    for i, (label, make) in enumerate(sources.items()):
        with Store.open(tmp_path / f"{i}.sqlite") as target, make() as fh:
            report = import_json_file(target, fh)
            snap = snapshot(target)
        assert report_fields(report)[0] == 11, label
        expected = expected or snap
        assert snap == expected, label


def _after_prefix(raw: bytes, offset: int) -> io.BytesIO:
    fh = io.BytesIO(raw)
    fh.seek(offset)
    return fh


class _Pipe(io.RawIOBase):
    def __init__(self, raw: bytes):
        self._data = io.BytesIO(raw)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_streaming_and_dict_imports_agree_on_random_sets(data):
    """Random annotations (some broken by a shifted offset, some repeated) in a random layout."""
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    text = data.draw(st.text(st.sampled_from(["a", "b", " ", "🙂", "é", "\n", "=", "x"]), min_size=5, max_size=60))
    if not text.strip():
        text += "x"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Store.open(tmp / "source.sqlite") as source:
            d, _ = source.add_document(text, "Doc")
            text = source.document_text(d.id)
            for _ in range(data.draw(st.integers(0, 12))):
                start = data.draw(st.integers(0, len(text) - 1))
                end = data.draw(st.integers(start + 1, len(text)))
                label = data.draw(st.sampled_from(["Claim", "Actor", "Neu 🏷"]))
                source.ensure_label(label)
                source.add_annotation(d.id, label, start, end, data.draw(st.sampled_from(["a", "b", "c"])))
            exported = _set(source)
        anns = exported["annotations"]
        for a in anns:
            if data.draw(st.booleans()):
                a["start"] += 1  # re-anchored when the quote still occurs, refused otherwise
                a["end"] += 1
        exported["annotations"] = anns + [dict(a) for a in anns if data.draw(st.booleans())]
        raw = _shuffled_layout(exported, rng)
        outcomes = []
        for kind in ("dict", "file"):
            path = tmp / "set.json"
            path.write_text(raw, encoding="utf-8")
            with Store.open(tmp / f"{kind}.sqlite") as target:
                try:
                    if kind == "dict":
                        report = import_json(target, parse_set(raw, "set.json"), name="set.json")
                    else:
                        report = import_json_file(target, path)
                    outcomes.append((report_fields(report), snapshot(target)))
                except InputError as exc:
                    outcomes.append((type(exc), str(exc), snapshot(target)))
        assert outcomes[0] == outcomes[1]


# ---------------------------------------------------------------- bad files
def _closed_project(path: Path, populate=None) -> None:
    with Store.open(path) as s:
        if populate:
            populate(s)


def _refused(tmp_path: Path, digest, content: bytes, name: str = "bad.json", **options) -> str:
    """Import ``content`` into a populated project; checks that nothing changed and returns the message."""
    path = tmp_path / name
    path.write_bytes(content)
    project = tmp_path / "target.sqlite"
    _closed_project(project, lambda s: s.add_document("An article about peace.", "Peace"))
    before = digest(project)
    with Store.open(project) as target, pytest.raises(InputError) as info:
        import_json_file(target, path, **options)
    assert digest(project) == before
    message = str(info.value)
    assert "\n" not in message and message.endswith(".")
    return message


GOOD_HEAD = '{"format": "annotator.annotation-set", "version": 1, '


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "just some notes\n",
        GOOD_HEAD + '"documents": [',
        GOOD_HEAD + '"documents": [], "annotations": [{"id": "a"},',
        GOOD_HEAD + '"documents": [], "annotations": []\n\n  } extra',
        '{"type": "FeatureCollection", "features": []}',
        "[1, 2, 3]",
        '"annotator.annotation-set"',
        '{"format": "annotator.label-scheme", "version": 1, "labels": []}',
        '{"format": "annotator.annotation-set", "version": 5, "documents": [], "annotations": []}',
        '{"format": "annotator.annotation-set", "version": "1", "documents": [], "annotations": []}',
        '{"format": "annotator.annotation-set", "version": true, "documents": [], "annotations": []}',
        '{"format": "annotator.annotation-set", "version": 1.0, "documents": [], "annotations": []}',
        '{"format": "annotator.annotation-set", "version": 0, "documents": [], "annotations": []}',
        '{"format": "annotator.annotation-set", "documents": [], "annotations": []}',
        '{"version": 1, "documents": [], "annotations": []}',
        GOOD_HEAD + '"annotations": []}',
        GOOD_HEAD + '"documents": {}, "annotations": []}',
        GOOD_HEAD + '"documents": [], "annotations": {}}',
        GOOD_HEAD + '"documents": [], "annotations": null}',
        GOOD_HEAD + '"documents": [], "annotations": [], "links": 3}',
        GOOD_HEAD + '"documents": [], "annotations": [], "labels": {"name": "x"}}',
        GOOD_HEAD + '"documents": [], "annotations": [], "annotators": "alice"}',
    ],
)
def test_unusable_files_are_refused_with_the_sentence_of_the_dict_import(tmp_path, digest, raw):
    with pytest.raises(InputError) as info:
        parse_set(raw, "bad.json")
    assert _refused(tmp_path, digest, raw.encode("utf-8")) == str(info.value)


def test_truncated_exports_are_refused(store, rich, tmp_path, digest):
    raw = json.dumps(_set(store), ensure_ascii=False, indent=2).encode("utf-8")
    for cut in (1, len(raw) // 3, len(raw) // 2, len(raw) - 3, len(raw) - 1):
        piece = raw[:cut]
        while True:  # cut on a character boundary: a cut inside one is reported as not UTF-8
            try:
                piece.decode("utf-8")
                break
            except UnicodeDecodeError:
                piece = piece[:-1]
        message = _refused(tmp_path, digest, piece, name="cut.json")
        assert re.fullmatch(r"cut\.json is not valid JSON \(it may be truncated or damaged: "
                            r"line \d+, column \d+\)\.", message), message
        # A cut file ends where the parser stops: at its end, as ``json`` says too when not inside a string.
        lines = piece.decode("utf-8").split("\n")
        assert message.endswith(f"line {len(lines)}, column {len(lines[-1]) + 1}).")


def test_damage_is_located_deep_in_a_big_file(tmp_path, digest):
    annotations = [{"id": f"a{i}", "document": "sha256:x", "label": "Claim", "start": 0, "end": 1}
                   for i in range(20000)]
    raw = json.dumps({"format": "annotator.annotation-set", "version": 1, "documents": [],
                      "annotations": annotations}, indent=1)
    broken = raw.replace('"id": "a15000"', '"id": ?a15000"', 1)  # about 1.6 MB in
    with pytest.raises(InputError) as info:
        parse_set(broken, "bad.json")
    assert _refused(tmp_path, digest, broken.encode()) == str(info.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path, digest):
    content = (GOOD_HEAD + '"documents": [], "annotations": [], "note": "café"}').encode("cp1252")
    assert _refused(tmp_path, digest, content) == f"{tmp_path / 'bad.json'} is not a UTF-8 text file."
    # also when the bad byte comes after many good ones (another chunk) and outside any string
    content = (GOOD_HEAD + '"documents": [], "pad": "' + "x" * 200_000 + '", "annotations": []}').encode()
    assert "not a UTF-8 text file" in _refused(tmp_path, digest, content[:-1] + b"\xff}")


def test_a_missing_file_is_refused(tmp_path, digest):
    project = tmp_path / "target.sqlite"
    _closed_project(project)
    before = digest(project)
    with Store.open(project) as target, pytest.raises(InputError) as info:
        import_json_file(target, tmp_path / "nope.json")
    assert str(info.value) == f"{tmp_path / 'nope.json'} cannot be read (No such file or directory)."
    assert digest(project) == before


def test_a_bad_annotation_deep_in_the_file_undoes_every_batch(store, rich, tmp_path, digest, monkeypatch):
    monkeypatch.setattr(json_import, "IMPORT_BATCH", 2)
    data = _set(store)
    data["annotations"][8]["quote"] = "nowhere in the text"
    path = write_set(tmp_path / "set.json", data)
    project = tmp_path / "target.sqlite"
    _closed_project(project)
    before = digest(project)
    with Store.open(project) as target:
        with pytest.raises(SpanError, match="Annotation 9 of set.json"):
            import_json_file(target, path)
        assert target.annotation_count() == 0 and target.documents() == []
    assert digest(project) == before


def test_a_bad_link_undoes_the_streaming_import(store, rich, tmp_path, digest):
    data = _set(store)
    data["links"][2]["target"] = "no-such-annotation"
    path = write_set(tmp_path / "set.json", data)
    project = tmp_path / "target.sqlite"
    _closed_project(project)
    before = digest(project)
    with Store.open(project) as target, pytest.raises(InputError, match="Link 3 of set.json"):
        import_json_file(target, path)
    assert digest(project) == before


def test_an_empty_as_name_is_refused(store, rich, tmp_path):
    path = write_set(tmp_path / "set.json", _set(store))
    with Store.open(tmp_path / "copy.sqlite") as target, pytest.raises(InputError, match="--as"):
        import_json_file(target, path, as_annotator="  ")


def test_an_annotator_that_is_not_text_is_an_input_error(store, rich, tmp_path):
    data = _set(store)
    data["annotations"][1]["annotator"] = 42
    path = write_set(tmp_path / "set.json", data)
    with Store.open(tmp_path / "copy.sqlite") as target, pytest.raises(InputError, match="Annotation 2 of"):
        import_json_file(target, path)


# ----------------------------------------------------------- progress, cancel
def _big_set(tmp_path: Path, n: int = 2500) -> Path:
    text = "word " * (n + 10)
    with Store.open(tmp_path / "source.sqlite") as source:
        d, _ = source.add_document(text, "Many")
        doc_id = d.id
    annotations = [{"id": f"id-{i}", "document": doc_id, "label": "Claim", "start": 5 * i, "end": 5 * i + 4,
                    "quote": "word", "annotator": "alice"} for i in range(n)]
    data = {"format": "annotator.annotation-set", "version": 1,
            "documents": [{"id": doc_id, "title": "Many", "text": text}], "annotations": annotations,
            "links": [{"id": "l1", "type": "supports", "source": "id-0", "target": "id-1"}]}
    return write_set(tmp_path / "big.json", data)


def test_streaming_import_reports_progress(tmp_path):
    path = _big_set(tmp_path)
    calls = []
    with Store.open(tmp_path / "copy.sqlite") as target:
        report = import_json_file(target, path, progress=lambda done, total: calls.append((done, total)))
    assert report.added == 2500 and report.links_added == 1
    assert calls == [(0, None), (0, None), (1000, 2500), (2000, 2500), (2500, 2500)]
    calls.clear()
    with Store.open(tmp_path / "copy2.sqlite") as target:
        import_json(target, json.loads(path.read_text(encoding="utf-8")), progress=lambda *a: calls.append(a))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


@pytest.mark.parametrize("when", [(0, None), (1000, 2500), (2000, 2500), (2500, 2500)])
def test_cancelling_from_progress_changes_nothing(tmp_path, digest, when):
    path = _big_set(tmp_path)
    project = tmp_path / "target.sqlite"
    _closed_project(project, lambda s: s.add_document("An article about peace.", "Peace"))
    before = digest(project)

    def progress(done, total):
        if (done, total) == when:
            raise CancelledError("Import cancelled; nothing was changed.")

    with Store.open(project) as target:
        with pytest.raises(CancelledError):
            import_json_file(target, path, progress=progress)
        assert target.annotation_count() == 0 and len(target.documents()) == 1
    assert digest(project) == before
    with Store.open(project) as target:  # and the project takes the same import afterwards
        assert import_json_file(target, path).added == 2500
