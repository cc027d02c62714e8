"""Round trips through REFI-QDA, W3C Web Annotation and brat: the same documents and spans come back.

JSON -> format -> a new project -> JSON must give the same documents and the
same (document, start, end, label, annotator, note) for every annotation,
including emoji, combining accents, right-to-left text and line ends.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.formats.brat import export_brat, fragments
from annotator.core.formats.detect import import_foreign
from annotator.core.formats.json_set import Selection, export_json, import_json
from annotator.core.formats.qdpx import export_qdpx
from annotator.core.formats.w3c import export_w3c
from annotator.core.store import Store


def spans(store: Store) -> Counter:
    return Counter((a.document, a.start, a.end, a.label, a.annotator, a.note) for a in store.iter_annotations())


#: The line breaks brat leaves out of spans (those Python ends a line at).
BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def brat_spans(store: Store) -> Counter:
    """What brat can hold of the spans: without the line breaks at their ends, and none that is only line breaks."""
    held = Counter()
    for a in store.iter_annotations():
        start = a.start + len(a.quote) - len(a.quote.lstrip(BREAKS))
        end = a.end - (len(a.quote) - len(a.quote.rstrip(BREAKS)))
        if start < end:
            held[a.document, start, end, a.label, a.annotator, a.note] += 1
    return held


def documents(store: Store) -> dict[str, str]:
    return {d.id: store.document_text(d.id) for d in store.documents()}


def export(store: Store, fmt: str, folder: Path, selection: Selection | None = None) -> Path:
    if fmt == "qdpx":
        path = folder / "out.qdpx"
        export_qdpx(store, path, selection)
    elif fmt == "w3c":
        path = folder / "out.jsonld"
        with open(path, "w", encoding="utf-8") as fh:
            export_w3c(store, fh, selection)
    else:
        path = folder / "brat"
        export_brat(store, path, selection)
    return path


def into_new_project(path: Path, fmt: str, folder: Path, name: str = "new.sqlite") -> Store:
    fresh = Store.open(folder / name)
    import_foreign(fresh, fmt, path)
    return fresh


def annotated_documents(store: Store) -> dict[str, str]:
    used = {a.document for a in store.iter_annotations()}
    return {d: t for d, t in documents(store).items() if d in used}


# ------------------------------------------------------------ the rich fixture
def test_qdpx_round_trip_of_the_rich_set(store, rich, tmp_path):
    path = export(store, "qdpx", tmp_path)
    fresh = into_new_project(path, "qdpx", tmp_path)
    assert documents(fresh) == documents(store)
    assert spans(fresh) == spans(store)
    assert {(k.type, k.source, k.target) for k in fresh.links()} >= {
        (k.type, k.source, k.target) for k in rich["links"][:2]}
    assert {lb.name: lb.color for lb in fresh.labels()} == {lb.name: lb.color for lb in store.labels()}
    fresh.close()


def test_w3c_round_trip_keeps_status_and_link_types(store, rich, tmp_path):
    path = export(store, "w3c", tmp_path)
    fresh = into_new_project(path, "w3c", tmp_path)
    assert documents(fresh) == documents(store)
    assert spans(fresh) == spans(store)
    uuid_ids = {a.id for a in store.iter_annotations() if a.id != "-dash-id"}
    assert {a.id: a.status for a in fresh.iter_annotations() if a.id in uuid_ids} == {
        a.id: a.status for a in store.iter_annotations() if a.id in uuid_ids}
    assert {(k.type, k.note) for k in fresh.links()} == {(k.type, k.note) for k in store.links()}
    fresh.close()


def test_brat_round_trip_takes_the_annotator_from_the_folder(store, rich, tmp_path):
    path = export(store, "brat", tmp_path)
    assert sorted(p.name for p in path.iterdir() if p.is_dir()) == sorted({a.annotator for a in rich["anns"]})
    fresh = into_new_project(path, "brat", tmp_path)
    assert documents(fresh) == annotated_documents(store)
    assert spans(fresh) == spans(store)
    # links within one document and one annotator survive; the others cannot be said in brat
    assert {(k.type, k.annotator) for k in fresh.links()} == {("supports", "=bob")}
    fresh.close()


def test_reimporting_our_own_files_changes_nothing(store, rich, tmp_path, digest):
    for fmt in ("qdpx", "w3c", "brat"):
        path = export(store, fmt, tmp_path / fmt if fmt == "brat" else tmp_path)
        before = (spans(store), len(store.links()))
        report = import_foreign(store, fmt, path)
        assert report.added == 0 and report.links_added == 0, (fmt, report.summary())
        assert (spans(store), len(store.links())) == before


def test_exporting_twice_gives_the_same_guids(store, rich, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(store, first)
    export_qdpx(store, second)

    def guids(path):
        xml = zipfile.ZipFile(path).read("project.qde").decode()
        return sorted(part.split('"')[0] for part in xml.split('guid="')[1:])

    assert guids(first) == guids(second)
    assert sorted(zipfile.ZipFile(first).namelist()) == sorted(zipfile.ZipFile(second).namelist())


def test_filters_apply_to_every_format(store, rich, tmp_path):
    selection = Selection(annotator="alice", status="accepted")
    expected = Counter((a.document, a.start, a.end, a.label, a.annotator, a.note)
                       for a in store.iter_annotations(annotator="alice", status="accepted"))
    for fmt in ("qdpx", "w3c", "brat"):
        folder = tmp_path / fmt
        folder.mkdir()
        fresh = into_new_project(export(store, fmt, folder, selection), fmt, folder)
        assert spans(fresh) == expected, fmt
        fresh.close()


def test_brat_splits_spans_at_line_breaks():
    text = "one\ntwo\n\nthree"
    assert fragments(text, 0, len(text)) == [(0, 3), (4, 7), (9, 14)]
    assert fragments(text, 2, 5) == [(2, 3), (4, 5)]
    assert fragments(text, 3, 4) == []  # only a line break: brat cannot hold it
    assert fragments(text, 0, 4) == [(0, 3)]  # line breaks at either end are left out, as brat does
    assert fragments(text, 6, 10) == [(6, 7), (9, 10)]
    assert fragments("a\u2028b\x85c\td", 0, 7) == [(0, 1), (2, 3), (4, 7)]  # every break brat's reader ends a line at


# ------------------------------------------------------------ property tests
ALPHABET = st.sampled_from(list("ab c.\n") + ["\r\n", "\r", "🙂", "👩\u200d👧", "🇬🇧", "e\u0301", "ä", "שלום", "سلام",
                                              "\u200f", "字", "\t"])
TEXTS = st.lists(ALPHABET, min_size=3, max_size=40).map("".join)
LABELS = st.sampled_from(["Claim", "Plan point", "Ähnlich", "ادعاء", "🙂 tag"])
ANNOTATORS = st.sampled_from(["alice", "bob smith", "Zoë", "=carol"])
NOTES = st.lists(st.sampled_from(list("xy ,\n\t\"<&'") + ["🙂", "é", "\r\n", "עברית"]), max_size=8).map("".join)


@st.composite
def projects(draw):
    texts = draw(st.lists(TEXTS, min_size=1, max_size=3))
    anns = []
    for i in range(len(texts)):
        for _ in range(draw(st.integers(0, 6))):
            anns.append((i, draw(st.integers(0, 200)), draw(st.integers(1, 40)), draw(LABELS), draw(ANNOTATORS),
                         draw(NOTES)))
    return texts, anns


def _build(path: Path, texts: list[str], anns: list) -> Store:
    store = Store.open(path)
    docs = []
    for n, text in enumerate(texts):
        if not text.replace("\r", "").strip():
            text += " x"
        docs.append(store.add_document(f"{n}: {text}", f"Doc {n}")[0])
    for i, start, length, label, annotator, note in anns:
        doc = docs[i]
        start = start % doc.length
        end = min(doc.length, start + length)
        store.ensure_label(label)
        store.add_annotation(doc.id, label, start, end, annotator, note)
    return store


def _json_round(store: Store, folder: Path) -> Store:
    """What the JSON set of ``store`` gives in a new project (the starting point of every round trip)."""
    out = io.StringIO()
    export_json(store, out)
    fresh = Store.open(folder / "from-json.sqlite")
    import_json(fresh, json.loads(out.getvalue()))
    return fresh


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects(), fmt=st.sampled_from(["qdpx", "w3c", "brat"]))
def test_round_trip_through_every_format_is_lossless(tmp_path_factory, project, fmt):
    folder = tmp_path_factory.mktemp("round")
    texts, anns = project
    original = _build(folder / "p.sqlite", texts, anns)
    start = _json_round(original, folder)
    fresh = into_new_project(export(start, fmt, folder), fmt, folder)
    back = fresh
    held = {key[0] for key in brat_spans(start)}  # brat writes a document only with a span it can hold
    expected_docs = {d: t for d, t in documents(start).items() if d in held} if fmt == "brat" else documents(start)
    assert documents(back) == expected_docs
    assert spans(back) == (brat_spans(start) if fmt == "brat" else spans(start))
    for a in back.iter_annotations():
        assert back.document_text(a.document)[a.start:a.end] == a.quote
    for s in (original, start, fresh):
        s.close()


def test_cancelling_an_import_or_export_changes_nothing(tmp_path, digest):
    from annotator.core.errors import CancelledError

    source = Store.open(tmp_path / "big.sqlite")
    doc, _ = source.add_document("word " * 3000, "Many")
    rows = [(f"00000000-0000-4000-8000-{n:012d}", doc.id, "Claim", 5 * n, 5 * n + 4, "word", "alice", "", "pending",
             "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "", "", "") for n in range(2500)]
    with source.transaction():
        source.ensure_annotator("alice")
        source.insert_annotation_rows(rows)

    def cancel(done, total=None, text=None):
        raise CancelledError("Cancelled; nothing was changed.")

    target = Store.open(tmp_path / "target.sqlite")
    target.checkpoint()
    before = digest(target.path)
    for fmt in ("qdpx", "w3c", "brat"):
        path = export(source, fmt, tmp_path)
        try:
            import_foreign(target, fmt, path, progress=cancel)
        except CancelledError:
            pass
        else:
            raise AssertionError(f"{fmt}: the import did not stop")
        target.checkpoint()
        assert digest(target.path) == before, fmt
    for fmt, write in (("qdpx", lambda p: export_qdpx(source, p, progress=cancel)),
                       ("brat", lambda p: export_brat(source, p, progress=cancel))):
        out = tmp_path / f"cancelled-{fmt}"
        try:
            write(out)
        except CancelledError:
            pass
        assert not out.exists(), fmt
    source.close()
    target.close()
