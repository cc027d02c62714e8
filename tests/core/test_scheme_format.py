"""The label scheme file: write -> read round trip, the default scheme, and every kind of bad input."""

from __future__ import annotations

import io
import json

import pytest

from annotator.core.errors import InputError
from annotator.core.formats.scheme import (
    FORMAT,
    parse_scheme,
    read_scheme_file,
    scheme_text,
    write_scheme,
)
from annotator.core.model import Label
from annotator.core.paths import resources_dir
from annotator.core.scheme import default_scheme


def scheme(*labels, **top) -> str:
    data = {"format": FORMAT, "version": 2, "labels": list(labels)}
    data.update(top)
    return json.dumps(data)


def test_round_trip_keeps_every_field_and_the_order(store):
    store.add_label("Lieu · place ✓", "#d55e00", "", 'A "place", with quotes\nand a line break')
    store.update_label("Lieu · place ✓", shortcut="é")
    store.reorder_labels(["Figure", "Lieu · place ✓", "Claim", "Actor", "Plan point"])
    out = io.StringIO()
    assert write_scheme(store, out) == 5
    labels = parse_scheme(out.getvalue(), "team.json")
    assert labels == [Label(lb.name, lb.color.upper(), lb.shortcut, lb.description, i)
                      for i, lb in enumerate(store.labels())]
    assert json.loads(out.getvalue()) == store.scheme()


def test_written_default_scheme_is_the_shipped_file(store, tmp_path):
    out = io.StringIO()
    write_scheme(store, out)
    assert out.getvalue() == (resources_dir() / "labels.json").read_text(encoding="utf-8")
    path = tmp_path / "labels.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert read_scheme_file(path) == default_scheme()


def test_empty_scheme_round_trips():
    assert parse_scheme(scheme_text({"labels": []})) == []


def test_colours_are_upper_cased_and_optional_fields_default():
    labels = parse_scheme(scheme({"name": " Place ", "color": "#56b4e9"}, {"name": "Date", "color": "#000000",
                                                                          "shortcut": None, "description": None}))
    assert labels == [Label("Place", "#56B4E9", "", "", 0), Label("Date", "#000000", "", "", 1)]


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + scheme({"name": "Place", "color": "#56B4E9"}).encode())
    assert [lb.name for lb in read_scheme_file(path)] == ["Place"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"format": "annotator.label-scheme", "version": 1, "labels": [', r"team\.json is not valid JSON .*line 1"),
        ("", r"team\.json is not valid JSON"),
        ("[]", r"team\.json is not an annotator label scheme"),
        (scheme(format="annotator.annotation-set"), "not an annotator label scheme"),
        (json.dumps({"version": 1, "labels": []}), "not an annotator label scheme"),
        (scheme(version=4), r"newer annotator \(scheme version 4\); update annotator"),
        (scheme(version="1"), 'no valid "version"'),
        (scheme(version=True), 'no valid "version"'),
        (scheme(version=0), 'no valid "version"'),
        (json.dumps({"format": FORMAT, "version": 1}), 'no "labels" list'),
        (scheme(labels={"name": "Place"}), 'no "labels" list'),
        (scheme("Place"), r"Label 1 in team\.json is not an object"),
        (scheme({"color": "#56B4E9"}), r"Label 1 in team\.json has no name"),
        (scheme({"name": "Claim", "color": "#0072B2"}, {"name": "  ", "color": "#56B4E9"}), "Label 2 .* has no name"),
        (scheme({"name": 7, "color": "#56B4E9"}), "has no name"),
        (scheme({"name": "Place"}), r"'Place' in team\.json has no colour"),
        (scheme({"name": "Place", "color": "blue"}), r"'blue', which is not #RRGGBB"),
        (scheme({"name": "Place", "color": "#56B4E"}), "not #RRGGBB"),
        (scheme({"name": "Place", "color": "#56B4E9", "shortcut": "12"}), "single character"),
        (scheme({"name": "Place", "color": "#56B4E9", "shortcut": 5}), "single character"),
        (scheme({"name": "Place", "color": "#56B4E9", "description": ["a"]}), "description that is not text"),
        (scheme({"name": "Place", "color": "#56B4E9"}, {"name": "Place", "color": "#000000"}),
         r"names the label 'Place' twice"),
        (scheme({"name": "Place", "color": "#56B4E9", "shortcut": "5"},
                {"name": "Date", "color": "#000000", "shortcut": "5"}),
         r"the key 5 belongs to both 'Place' and 'Date'"),
    ],
)
def test_bad_schemes_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(InputError, match=message):
        parse_scheme(raw, "team.json")


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match=r"missing\.json cannot be read"):
        read_scheme_file(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(scheme({"name": "Café", "color": "#56B4E9"}).replace("\\u00e9", "é").encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.json is not UTF-8"):
        read_scheme_file(latin)
    with pytest.raises(InputError, match="cannot be read"):
        read_scheme_file(tmp_path)  # a folder
