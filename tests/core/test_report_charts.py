"""The report's charts as our own SVG: the bars' values, round ticks, dates, escaping, right-to-left and CJK text,
captions for what is left out, empty charts, and the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.core.report import gather
from annotator.core.report.charts import (LIGHT, MAX_GROUPS, activity_chart, actors_chart, agreement_chart,
                                          all_charts, date_ticks, labels_chart)
from annotator.core.report.svg import isolate, nice_ticks, right_to_left, tick_text, xml

ROOT = Path(__file__).resolve().parents[2]
NS = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Tom & "Jerry" <b>'
TITLES = ("الأخبار العربية", "חדשות בעברית", "中文新闻报道", "Emoji 🙂 news", HOSTILE)


@pytest.fixture
def many(store):
    """Five documents titled in Arabic, Hebrew, Chinese, with an emoji and with ``<&">``; two annotators."""
    text = "Steve Witkoff met officials. Talks were productive. Six people died."
    docs = [store.add_document(f"{text} ({i})", title, f"Source {i % 2}", "2025-11-25")[0]
            for i, title in enumerate(TITLES)]
    for i, doc in enumerate(docs):
        for n in range(i + 1):  # 1..5 Actor spans: bars of different lengths
            store.add_annotation(doc.id, "Actor", n, n + 5, "alice", created=f"2025-11-{20 + n}T10:00:00Z")
        store.add_annotation(doc.id, "Claim", 29, 50, "bob", created="2025-12-02T10:00:00Z")
    store.add_annotation(docs[0].id, "Claim", 29, 50, "alice", created="2025-12-02T11:00:00Z")
    return store, docs


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def bars(root: ET.Element) -> dict[str, float]:
    """Each titled rectangle's title and width."""
    return {g.find(f"{NS}title").text: float(g.find(f"{NS}rect").get("width"))
            for g in root.iter(f"{NS}g") if g.find(f"{NS}title") is not None and g.find(f"{NS}rect") is not None}


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def test_labels_chart_bars_are_as_long_as_their_counts(many):
    store, docs = many
    data = gather(store)
    chart = labels_chart(data)
    root = parse(chart.svg)
    widths = bars(root)
    actor = {i: widths[f"Actor in {title}: {i + 1} span{'s' if i else ''} kept (alice {i + 1})"]
             for i, title in enumerate(TITLES)}
    unit = actor[0]
    assert unit > 0 and all(actor[i] == pytest.approx((i + 1) * unit, abs=0.02) for i in actor)
    # The tick labels are round numbers placed where their value is: 0, 1, ... at ``unit`` apart.
    ticks = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text") if t.text in ("0", "1", "2", "3", "4", "5")}
    assert ticks["5"] - ticks["0"] == pytest.approx(5 * unit, abs=0.02)
    # Two annotators: who made them, each name isolated so that a right-to-left one turns nothing around it.
    assert "1 (\u2068alice\u2069 1, \u2068bob\u2069 1)" in chart.bar_texts
    assert "5 (\u2068alice\u2069 5)" in chart.bar_texts
    assert [t.text for t in chart.tips][:2] == [f"Claim in {TITLES[0]}: 1 span kept (alice 1, bob 1)",
                                                f"Actor in {TITLES[0]}: 1 span kept (alice 1)"]  # labels' order
    legend = texts(root)
    assert "Actor" in legend and "Claim" in legend
    fills = {r.get("fill") for r in root.iter(f"{NS}rect")}
    assert {lb.color for lb in store.labels() if lb.name in ("Actor", "Claim")} <= fills  # the labels' colours


def test_text_is_escaped_and_right_to_left_and_cjk_names_are_kept(many):
    store, _ = many
    svg = labels_chart(gather(store)).svg
    assert "&lt;b&gt;" in svg and "&amp;" in svg and "&quot;Jerry&quot;" in svg and "<b>" not in svg
    names = texts(parse(svg))
    assert HOSTILE in names and "中文新闻报道" in names and "Emoji 🙂 news" in names
    # Right-to-left names are isolated as right-to-left runs, so both Qt and browsers order them so.
    assert "\u2067الأخبار العربية\u2069" in names and "\u2067חדשות בעברית\u2069" in names
    assert right_to_left("חדשות abc") and not right_to_left("abc חדשות") and not right_to_left("123")
    assert not right_to_left(f"1 ({isolate('דוד')} 1)")  # a count with a Hebrew name stays left-to-right
    assert xml("a\x00b\x1fc & d") == "abc &amp; d"  # characters XML cannot hold are dropped
    assert "class=" not in svg and "<style" not in svg and "foreignObject" not in svg and " id=" not in svg


def test_charts_are_the_same_bytes_on_every_run(many, tmp_path):
    store, _ = many
    data = gather(store)
    first = [c.svg for _, _, c in all_charts(data)]
    assert first == [c.svg for _, _, c in all_charts(gather(store))]
    probe = ("import hashlib, sys\nfrom annotator.core.store import Store\nfrom annotator.core.report import "
             "gather\nfrom annotator.core.report.charts import all_charts\n"
             "with Store.open(sys.argv[1], create=False, readonly=True) as s:\n"
             "    print(hashlib.sha256(''.join(c.svg for _, _, c in all_charts(gather(s))).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", probe, str(store.path)], capture_output=True, text=True,
                              check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed,
                                                         "PYTHONPATH": str(ROOT)}).stdout.strip()
               for seed in ("1", "2")}
    assert digests == {hashlib.sha256("".join(first).encode()).hexdigest()}


def test_activity_chart_has_dates_and_one_line_per_annotator(many):
    store, _ = many
    chart = activity_chart(gather(store))
    root = parse(chart.svg)
    assert len(list(root.iter(f"{NS}polyline"))) == 2
    labels = texts(root)
    assert "20 Nov" in labels and "2 Dec" in labels and "30 Nov" in labels  # every other day: 20 Nov to 2 Dec
    assert "annotations per day (2025)" in labels and "alice" in labels and "bob" in labels
    assert "bob: 5 annotations on 2025-12-02" in [t.text for t in chart.tips]


def test_date_ticks_are_round_days_months_or_years():
    days, unit = date_ticks(dt.date(2025, 11, 24), dt.date(2025, 11, 27))
    assert unit == "day" and days == [dt.date(2025, 11, d) for d in range(24, 28)]
    months, unit = date_ticks(dt.date(2024, 11, 15), dt.date(2025, 8, 2))
    assert unit == "month" and months[0] == dt.date(2024, 11, 1) and months[-1] == dt.date(2025, 9, 1)
    assert all(m.day == 1 and m.month % 2 == 1 for m in months)  # every other month: Jan, Mar, ... Nov
    years, unit = date_ticks(dt.date(2001, 3, 1), dt.date(2025, 1, 1))
    assert unit == "year" and years[0] == dt.date(2000, 1, 1) and len(years) <= 9


def test_nice_ticks():
    assert nice_ticks(0, 4257, 6, integer=True) == [0, 1000, 2000, 3000, 4000, 5000]
    assert nice_ticks(0, 3, 6, integer=True) == [0, 1, 2, 3]
    assert [tick_text(v, 0.25) for v in nice_ticks(-0.07, 1.0, 5)] == ["-0.25", "0.00", "0.25", "0.50", "0.75",
                                                                        "1.00"]
    assert tick_text(12500, 2500) == "12,500"


def test_agreement_chart_shows_each_measure(many):
    store, _ = many
    data = gather(store, pair=["alice", "bob"])
    chart = agreement_chart(data)
    names = [t.text for t in chart.tips]
    exact = data.agreement["Claim"]["exact"]
    assert f"Claim: span F1, exact {exact:.2f}" in names
    assert "\u2068alice\u2069 and \u2068bob\u2069 (1 = perfect agreement, 0 = chance)" in texts(parse(chart.svg))


def test_empty_charts_say_why(store):
    data = gather(store)
    for chart, message in ((labels_chart(data), "No annotations kept yet."),
                           (actors_chart(data), "No claims are linked to actors yet"),
                           (activity_chart(data), "No dated annotations yet."),
                           (agreement_chart(data), "Agreement needs two annotators.")):
        assert any(t.startswith(message) for t in texts(parse(chart.svg))), message
        assert chart.tips == ()


def test_what_is_left_out_is_said(store):
    for n in range(MAX_GROUPS + 2):
        doc, _ = store.add_document(f"Article {n} text.", f"Article {n}", "Wire")
        store.add_annotation(doc.id, "Actor", 0, 7, "alice")
    root = parse(labels_chart(gather(store)).svg)
    assert f"spans kept (accepted and pending); first {MAX_GROUPS} of {MAX_GROUPS + 2} documents" in texts(root)
    assert len(bars(root)) == MAX_GROUPS


def test_actors_chart_counts_claims_per_source(store):
    """The heat map's cells hold the claims each actor makes in each source; an empty cell is blank."""
    text = "Witkoff said talks were productive. Witkoff said more. Witkoff said nothing."
    for source, claims in (("Reuters", 2), ("AP", 1)):
        doc, _ = store.add_document(text + source, f"{source} story", source)
        actor = store.add_annotation(doc.id, "Actor", 0, 7, "alice")
        for k in range(claims):
            start = text.index("said", k * 30)
            claim = store.add_annotation(doc.id, "Claim", start, start + 4, "alice")
            store.add_link("said by", claim.id, actor.id, "alice")
    data = gather(store)
    chart = actors_chart(data, LIGHT)
    tips = [t.text for t in chart.tips]
    assert "2 claims by Witkoff in Reuters" in tips and "1 claim by Witkoff in AP" in tips
    cells = texts(parse(chart.svg))
    assert "2" in cells and "1" in cells and "Reuters" in cells and "AP" in cells
