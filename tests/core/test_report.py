"""The comparison report: its data, the self-contained HTML page, the page layout rules and the CLI command."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.core.crosssource import discrepancies
from annotator.core.errors import InputError
from annotator.core.report import build_report, gather, write_html
from annotator.core.report.data import choose_pair, kept_tallies, sentence_around
from annotator.core.report.layout import Unit, paginate

HOSTILE = "<script>alert('quote')</script>"
TEXT_A = (f"Officials said at least six people died. The envoy wrote {HOSTILE} in a note. "
          "Путин встретился с Виткоффом. السلام ممكن قريبا 🙂.\nSteve Witkoff said talks were “productive”.")
TEXT_B = "Reuters reported seven people died. Steve Witkoff met officials. Witkoff said talks were productive."


def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


@pytest.fixture
def compared(store):
    """Two sources with linked figures, a hostile quote, note and title, claims said by actors, two annotators."""
    a, _ = store.add_document(TEXT_A, "<img src=x onerror=alert(1)> FT", "Financial Times", "2025-11-25",
                              "javascript:alert(1)")
    b, _ = store.add_document(TEXT_B, "Reuters story", "Reuters", "2025-11-26", "https://example.test/r")
    add = store.add_annotation
    six = add(a.id, "Figure", *span(TEXT_A, "at least six people"), "alice")
    seven = add(b.id, "Figure", *span(TEXT_B, "seven people"), "alice", note="</td><b>bold</b> & <script>x</script>")
    store.add_link("contradicts", six.id, seven.id, "alice")
    add(a.id, "Claim", *span(TEXT_A, HOSTILE), "alice", note=HOSTILE)
    w_a = add(a.id, "Actor", *span(TEXT_A, "Steve Witkoff"), "alice")
    w_b = add(b.id, "Actor", *span(TEXT_B, "Witkoff said"[:7]), "alice")
    store.add_link("same as", w_a.id, w_b.id, "alice")
    c_a = add(a.id, "Claim", *span(TEXT_A, "talks were “productive”"), "alice")
    c_b = add(b.id, "Claim", *span(TEXT_B, "talks were productive"), "alice")
    store.add_link("said by", c_a.id, w_a.id, "alice")
    store.add_link("said by", c_b.id, w_b.id, "alice")
    add(a.id, "Actor", *span(TEXT_A, "Steve Witkoff"), "bob")
    add(a.id, "Claim", *span(TEXT_A, "السلام ممكن"), "bob", note="Arabic 🙂")
    add(a.id, "Actor", *span(TEXT_A, "Путин"), "bob")
    return store, a, b


class Page(HTMLParser):
    """Every tag, attribute and text run of a page, and whether the tags nest properly."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "path", "use", "rect", "circle", "line", "polyline",
            "polygon", "stop", "ellipse"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.table_rows: dict[str, int] = {}
        self._table: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table.append(attrs.get("id", ""))
        if tag == "tr" and self._table and self.stack[-1] == "tbody":
            self.table_rows[self._table[-1]] = self.table_rows.get(self._table[-1], 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
        if tag == "table":
            self._table.pop()

    def handle_data(self, data):
        self.texts.append(data)


def test_html_is_one_self_contained_page(compared, tmp_path):
    store, _, _ = compared
    out = tmp_path / "report.html"
    write_html(store, out)
    page = out.read_text(encoding="utf-8")
    parsed = Page(page)
    assert parsed.errors == [] and parsed.stack == []
    names = [t for t, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "img" not in names and "iframe" not in names
    assert names.count("svg") == 5  # every chart inline
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for key in ("href", "xlink:href"):
            value = attrs.get(key)
            assert value is None or value.startswith(("#", "https://")), (tag, attrs)  # in-page references and the one web link
    assert "url(http" not in page and "@import" not in page


def test_hostile_text_is_shown_as_text(compared, tmp_path):
    store, _, _ = compared
    out = tmp_path / "report.html"
    write_html(store, out, all_spans=True)  # the hostile claim is in no link: only the appendix lists it
    page = out.read_text(encoding="utf-8")
    text = "".join(Page(page).texts)
    assert HOSTILE in text  # the quote and the note, as text
    assert "</td><b>bold</b> & <script>x</script>" in text
    assert "<img src=x onerror=alert(1)> FT" in text
    assert "javascript:alert(1)" in text and 'href="javascript' not in page
    assert "Путин" in text and "السلام ممكن" in text and "🙂" in text


def test_html_holds_every_discrepancy_with_its_sentences(compared, tmp_path):
    store, _, _ = compared
    expected = discrepancies(store)
    assert {d.kind for d in expected} == {"figure", "actor"}
    data, _ = build_report(store)
    out = tmp_path / "report.html"
    write_html(store, out)
    page = Page(out.read_text(encoding="utf-8"))
    assert page.table_rows["discrepancies"] == len(expected)
    text = " ".join(" ".join(page.texts).split())
    for d in expected:
        for value in (d.left_value, d.right_value, d.left.quote, d.right.quote):
            assert value in text
    assert "Officials said at least six people died." in text  # the sentence around the quote
    assert "Reuters reported seven people died." in text
    assert page.table_rows["spans"] == len(data.spans) == 6  # the figures, actors and claims linked
    assert page.table_rows["documents"] == 2


def test_claims_by_actor_are_counted_per_source(compared):
    store, a, b = compared
    data = gather(store)
    assert data.sources == ["Financial Times", "Reuters"]
    (row,) = data.actors
    assert row.actor.name in ("Steve Witkoff", "Witkoff")
    assert row.count("Financial Times") == 1 and row.count("Reuters") == 1


def test_label_counts_and_activity(compared):
    store, a, b = compared
    data = gather(store)
    counts = {doc: {label: t.kept for label, t in c.items()} for doc, c in data.label_counts.items()}
    assert counts[a.id]["Claim"] == 3 and counts[a.id]["Actor"] == 3 and counts[b.id]["Figure"] == 1
    assert data.source_counts["Reuters"]["Claim"].spans == 1
    assert data.label_counts[a.id]["Actor"].spans == 2  # alice and bob tagged the same "Steve Witkoff"
    assert sum(sum(c.values()) for c in data.activity.values()) == store.annotation_count()
    assert data.agreement_pair == ("alice", "bob")
    assert set(data.agreement) >= {"Actor", "Claim"}


def test_documents_filter_keeps_only_pairs_inside(compared):
    store, a, _ = compared
    data = gather(store, [a.id])
    assert [d.id for d in data.documents] == [a.id]
    assert data.figures == []  # the linked figure's other end is in the other document
    (row,) = data.actors
    assert list(row.by_source) == ["Financial Times"] and data.sources == ["Financial Times"]
    assert all(s.annotation.document == a.id for s in data.spans)
    with pytest.raises(InputError):
        gather(store, ["sha256:nope"])


def test_choose_pair():
    assert choose_pair({"a": 3, "b": 5, "c": 1}) == ("b", "a")
    assert choose_pair({"a": 3}) is None
    assert choose_pair({"a": 3, "b": 1}, ["b", "a"]) == ("b", "a")
    with pytest.raises(InputError, match="no annotator 'z'"):
        choose_pair({"a": 3, "b": 1}, ["a", "z"])
    with pytest.raises(InputError, match="exactly two"):
        choose_pair({"a": 3, "b": 1}, ["a", "a"])


def test_sentence_around():
    text = "First one. Then he said hello there! Last."
    c = sentence_around(text, text.index("hello"), text.index("hello") + 5)
    assert (c.before, c.quote, c.after) == ("Then he said ", "hello", " there!")
    arabic = "قال الوزير. السلام ممكن الآن؟ نعم."
    c = sentence_around(arabic, arabic.index("ممكن"), arabic.index("ممكن") + 4)
    assert c.before == "السلام " and c.after == " الآن؟"
    long = "word " * 200
    c = sentence_around(long, 500, 504, reach=50)
    assert c.cut_before and c.cut_after and len(c.before) <= 50


def test_cli_report_html_and_errors(compared, project_path, tmp_path, capsys, digest):
    store, a, _ = compared
    store.close()
    before = digest(project_path)
    out = tmp_path / "r.html"
    assert main(["report", str(project_path), "-o", str(out), "--doc", "Reuters story"]) == 0
    assert "Reuters story" in out.read_text(encoding="utf-8")
    assert "written to" in capsys.readouterr().err
    assert main(["report", str(project_path), "-o", str(tmp_path / "r.txt")]) == 2
    assert "html or .pdf" in capsys.readouterr().err
    assert main(["report", str(project_path), "-o", str(out), "--pair", "alice", "zed"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "zed" in err
    assert main(["report", str(tmp_path / "missing.sqlite"), "-o", str(out)]) == 2
    capsys.readouterr()
    assert digest(project_path) == before
    assert not (tmp_path / "missing.sqlite").exists()


# ---------------------------------------------------------------------------- pages
def test_rows_never_straddle_a_page_break():
    units = [Unit(30, keep_with_next=True), Unit(20, keep_with_next=True)] + [Unit(45, header=20)] * 30
    placed = paginate(units, 200)
    for p in placed:
        assert p.y + units[p.index].height <= 200
    repeats = [p for p in placed if p.repeat_header]
    assert repeats and all(p.y == 20 for p in repeats)  # the header sits above the first row of each page
    pages = {p.page for p in placed}
    assert len(repeats) == len(pages) - 1


def test_heading_stays_with_what_follows():
    units = [Unit(150), Unit(30, keep_with_next=True), Unit(60)]
    placed = paginate(units, 200)
    assert placed[1].page == placed[2].page == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 500), st.booleans(), st.sampled_from([0.0, 15.0])), min_size=1, max_size=60),
       st.floats(100, 400))
def test_pagination_property(spec, page_height):
    units = [Unit(h, keep_with_next=k, header=hd) for h, k, hd in spec]
    placed = paginate(units, page_height)
    assert [p.index for p in placed] == list(range(len(units)))
    last = (0, 0.0)
    for p in placed:
        u = units[p.index]
        assert (p.page, p.y) >= last  # in reading order
        if p.pages == 1:
            assert p.y + u.height <= page_height + 1e-6  # never cut
        else:
            assert u.height > page_height - p.y  # only what cannot fit on any page runs on
        last = (p.page + p.pages - 1, p.y if p.pages == 1 else 0.0)


def test_user_guide_ships_with_the_package():
    from annotator.core import paths

    guide = paths.guide_path()
    assert guide.is_file() and "## 5. See the picture" in guide.read_text(encoding="utf-8")
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"docs/guide.md" = "annotator/_data/docs/guide.md"' in pyproject


# ---------------------------------------------------------------------------- what the review kept
def test_label_counts_keep_what_the_review_kept(store, tmp_path):
    """Two annotators tag the same claim, one claim is rejected: one Claim kept, made by both; rejected listed."""
    doc, _ = store.add_document(TEXT_B, "Reuters story", "Reuters")
    add = store.add_annotation
    add(doc.id, "Claim", *span(TEXT_B, "talks were productive"), "alice", status="accepted")
    add(doc.id, "Claim", *span(TEXT_B, "talks were productive"), "bob")
    add(doc.id, "Claim", *span(TEXT_B, "Reuters reported"), "bob", status="rejected")
    add(doc.id, "Figure", *span(TEXT_B, "seven people"), "alice")
    data = gather(store)
    claim = data.label_counts[doc.id]["Claim"]
    assert (claim.spans, claim.by_annotator, claim.kept) == (1, {"alice": 1, "bob": 1}, 2)
    assert claim.breakdown() == "alice 1, bob 1"
    assert data.source_counts["Reuters"]["Claim"].spans == 1
    assert data.spans_in(doc.id) == 2 and data.annotation_count == 3 and data.rejected == 1
    only_rejected = [row for row in store.tally_rows() if row[3] == "rejected"]
    assert kept_tallies(only_rejected, []) == {}
    assert data.by_status["annotator"]["bob"] == {"pending": 1, "rejected": 1}
    out = tmp_path / "kept.html"
    write_html(store, out, all_spans=True)
    page = Page(out.read_text(encoding="utf-8"))
    assert page.table_rows["label-counts"] == 2  # Claim and Figure
    assert page.table_rows["all-spans"] == 4  # every span listed, with its status
    assert page.table_rows["annotator-status"] == 2 and page.table_rows["label-status"] == 2
    text = " ".join(" ".join(page.texts).split())
    assert "Status" in text and "rejected" in text and "alice 1, bob 1" in text
    assert "1 rejected, never counted" in text
