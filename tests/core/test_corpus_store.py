"""Corpus-level store operations: label scheme editing, document deletion and restore, full-text search."""

from __future__ import annotations

import pytest

from annotator.core.errors import InputError
from annotator.core.formats.documents import import_seeds
from annotator.core.model import Label
from annotator.core.store import Store


@pytest.fixture
def seeded(tmp_path):
    store = Store.open(tmp_path / "p.sqlite")
    ft, wire = import_seeds(store)
    yield store, ft.id, wire.id
    store.close()


def tag(store, doc, quote, label, who="alice"):
    start = store.document_text(doc).index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who)


def test_rename_recolour_rekey_and_reorder_keep_annotations(seeded):
    store, ft, _ = seeded
    a = tag(store, ft, "Steve Witkoff", "Actor")
    store.update_label("Actor", new_name="Person", color="#56b4e9", shortcut="5", description="A named person")
    assert store.annotation(a.id).label == "Person"
    lb = store.label("Person")
    assert (lb.color, lb.shortcut, lb.description) == ("#56B4E9", "5", "A named person")
    with pytest.raises(InputError, match="already belongs to Claim"):
        store.update_label("Person", shortcut="1")
    with pytest.raises(InputError, match="not a colour"):
        store.update_label("Person", color="red")
    with pytest.raises(InputError, match="already a label"):
        store.update_label("Person", new_name="Claim")
    store.reorder_labels(["Figure", "Claim", "Plan point", "Person"])
    assert [lb.name for lb in store.labels()] == ["Figure", "Claim", "Plan point", "Person"]
    with pytest.raises(InputError):
        store.reorder_labels(["Figure"])


def test_delete_label_in_use_and_restore_exactly(seeded):
    store, ft, wire = seeded
    a, b = tag(store, ft, "Steve Witkoff", "Actor"), tag(store, wire, "Steve Witkoff", "Actor")
    c = tag(store, ft, "tremendous progress", "Claim")
    store.add_link("same as", a.id, b.id, "alice")
    store.add_link("said by", c.id, a.id, "alice")
    before = (store.labels(), store.annotations(), store.links())
    snapshot = store.delete_label("Actor")
    assert [x.quote for x in store.annotations()] == ["tremendous progress"] and store.links() == []
    store.restore_label(*snapshot)
    assert (store.labels(), store.annotations(), store.links()) == before


def test_scheme_export_and_merge(seeded):
    store, _, _ = seeded
    scheme = store.scheme()
    assert scheme["format"] == "annotator.label-scheme" and len(scheme["labels"]) == 4
    added, updated = store.import_scheme([Label("Location", "#D55E00", "5", "A place"),
                                          Label("Claim", "#000000", "9", "Said by someone")])
    assert added == ["Location"] and updated == ["Claim"]
    assert store.label("Claim").shortcut == "9" and store.label("Location").color == "#D55E00"


def test_delete_document_and_restore_exactly(seeded):
    store, ft, wire = seeded
    a, b = tag(store, ft, "Steve Witkoff", "Actor"), tag(store, wire, "Steve Witkoff", "Actor")
    store.add_link("same as", a.id, b.id, "alice")
    store.reject_suggestions(ft, [("Figure", 0, 5)])
    before = (store.documents(), store.annotations(), store.links(), store.rejected_suggestions(ft))
    snap = store.delete_document(ft)
    assert [d.id for d in store.documents()] == [wire] and store.links() == []
    assert store.search_documents("dispatch special envoy") == []
    store.restore_document(snap)
    assert (store.documents(), store.annotations(), store.links(), store.rejected_suggestions(ft)) == before
    assert store.search_documents("dispatch special envoy")


def test_full_text_search_finds_places_with_context(seeded):
    store, ft, wire = seeded
    hits = store.search_documents("Steve Witkoff")
    assert {h.document for h in hits} == {ft, wire}
    for h in hits:
        text = store.document_text(h.document)
        assert text[h.start:h.end] == h.match == "Steve Witkoff"
        assert h.before == text[max(0, h.start - 60):h.start]
    # Case and punctuation between words do not matter; words must be whole.
    assert store.search_documents("steve witkoff")[0].match == "Steve Witkoff"
    assert store.search_documents("Witk") == []
    with pytest.raises(InputError):
        store.search_documents("  …  ")


def test_annotation_search_covers_quotes_and_notes(seeded):
    store, ft, _ = seeded
    a = tag(store, ft, "Steve Witkoff", "Actor")
    assert [x.id for x in store.search_annotations("witkoff")] == [a.id]
    store.update_annotation(a.id, note="special envoy to Moscow")
    assert [x.id for x in store.search_annotations("Moscow")] == [a.id]
    store.delete_annotation(a.id)
    assert store.search_annotations("witkoff") == []


def test_search_on_a_generated_corpus_matches_a_plain_scan(tmp_path):
    import random
    import re

    rng = random.Random(7)
    words = ("envoy", "Moscow", "plan", "ceasefire", "Kyiv", "talks", "minister", "peace", "security", "said")
    store = Store.open(tmp_path / "corpus.sqlite")
    texts = {}
    with store.transaction():
        for i in range(150):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(20, 120))) + f". Report {i}."
            doc, _ = store.add_document(text, f"Report {i}")
            texts[doc.id] = text
    for query in ("peace plan", "Kyiv", "security said", "minister"):
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, query.split())) + r"(?!\w)", re.I)
        expected = sorted((d, m.start()) for d, t in texts.items() for m in pattern.finditer(t))
        found = sorted((h.document, h.start) for h in store.search_documents(query, limit=100_000))
        assert found == expected, query
    store.close()


def test_search_in_other_scripts_finds_a_name_as_each_script_writes_it(tmp_path):
    store = Store.open(tmp_path / "scripts.sqlite")
    russian, _ = store.add_document("Спецпосланник Стив Виткофф прибыл в Москву.", "RU")
    store.add_document("Спецпосланець Стів Віткофф прибув до Москви.", "UA")
    arabic, _ = store.add_document("وصل المبعوث الخاص ستيف ويتكوف إلى موسكو.", "AR")
    english, _ = store.add_document("Envoy Steve Witkoff met a patent lawyer. Putin waited.", "EN")
    assert [h.document for h in store.search_documents("Witkoff")] == [english.id]  # the plain search
    hits = store.search_documents("Witkoff", other_scripts=True)
    assert sorted(h.match for h in hits) == sorted(["Виткофф", "Віткофф", "ويتكوف", "Witkoff"])
    for h in hits:
        assert store.document_text(h.document)[h.start:h.end] == h.match
    # A phrase keeps its order in every script, and the other way round: Cyrillic finds Latin and Arabic.
    assert {h.match for h in store.search_documents("Steve Witkoff", other_scripts=True)} == {
        "Стив Виткофф", "Стів Віткофф", "ستيف ويتكوف", "Steve Witkoff"}
    assert store.search_documents("Witkoff Steve", other_scripts=True) == []
    assert {h.document for h in store.search_documents("Виткофф", other_scripts=True)} == {
        russian.id, arabic.id, english.id}  # Ukrainian "Віткофф" is another spelling in the same script
    # Words whose letters differ are not matched ("Putin" is not "patent"); a word no other script has is plain.
    assert [h.match for h in store.search_documents("Putin", other_scripts=True)] == ["Putin"]
    assert [h.match for h in store.search_documents("lawyer", other_scripts=True)] == ["lawyer"]
    # Documents added later are learnt; quotes of annotations are found as the documents spell them.
    later, _ = store.add_document("Уиткофф и Виткофф — один человек.", "RU2")
    assert later.id in {h.document for h in store.search_documents("Witkoff", other_scripts=True)}
    start = store.document_text(arabic.id).index("ويتكوف")
    ann = store.add_annotation(arabic.id, "Actor", start, start + len("ويتكوف"), "alice")
    assert store.search_annotations("Witkoff") == []
    assert [a.id for a in store.search_annotations("Witkoff", other_scripts=True)] == [ann.id]
    with pytest.raises(InputError):
        store.search_documents("  …  ", other_scripts=True)
    store.close()
