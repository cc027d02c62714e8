"""annotator init and annotator scheme: a team shares one label scheme."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.scheme import RESERVED_KEYS
from annotator.core.store import Store


def test_init_from_a_scheme_and_share_it(tmp_path, capsys):
    base = tmp_path / "base.sqlite"
    assert main(["init", str(base)]) == 0
    scheme = tmp_path / "team.json"
    assert main(["scheme", str(base), "--export", str(scheme)]) == 0
    data = json.loads(scheme.read_text(encoding="utf-8"))
    assert [lb["name"] for lb in data["labels"]] == ["Claim", "Actor", "Figure", "Plan point"]
    data["labels"].append({"name": "Location", "color": "#56B4E9", "shortcut": "5", "description": "A place"})
    scheme.write_text(json.dumps(data), encoding="utf-8")
    new = tmp_path / "new.sqlite"
    assert main(["init", str(new), "--scheme", str(scheme)]) == 0
    with Store.open(new) as store:
        assert [lb.name for lb in store.labels()][-1] == "Location" and store.documents() == []
    assert main(["scheme", str(base), "--import", str(scheme)]) == 0
    assert "1 label added, 4 updated." in capsys.readouterr().out
    assert main(["scheme", str(base)]) == 0
    assert '"Location"' in capsys.readouterr().out


def test_init_refuses_an_existing_file_and_bad_schemes(tmp_path, capsys):
    existing = tmp_path / "p.sqlite"
    existing.write_bytes(b"keep me")
    assert main(["init", str(existing)]) == 2
    assert existing.read_bytes() == b"keep me"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "annotator.label-scheme", "version": 1, "labels": [{"name": "X", "color": "red"}]}',
                   encoding="utf-8")
    target = tmp_path / "q.sqlite"
    assert main(["init", str(target), "--scheme", str(bad)]) == 2
    assert not target.exists()
    assert "colour" in capsys.readouterr().err


def _scheme_with_key(path, key: str) -> None:
    path.write_text(json.dumps({"format": "annotator.label-scheme", "version": 1, "labels": [
        {"name": "Claim", "color": "#0072B2", "shortcut": "1"},
        {"name": "Source", "color": "#56B4E9", "shortcut": key}]}), encoding="utf-8")


def test_init_and_import_refuse_a_key_the_window_keeps(tmp_path, capsys):
    """Issue 20, D5: N writes a note in the window; a scheme giving it to a label is refused on every path."""
    project = tmp_path / "p.sqlite"
    assert main(["init", str(project)]) == 0
    before = Store.open(project).labels()
    for key in ("n", "N"):
        scheme = tmp_path / f"scheme-{key}.json"
        _scheme_with_key(scheme, key)
        target = tmp_path / f"new-{key}.sqlite"
        assert main(["init", str(target), "--scheme", str(scheme)]) == 2
        assert not target.exists()
        assert "The key N is already used by Write note in the window" in capsys.readouterr().err
        assert main(["scheme", str(project), "--import", str(scheme)]) == 2
        assert "'Source'" in capsys.readouterr().err
    with Store.open(project) as store:
        assert store.labels() == before


def test_the_store_refuses_a_reserved_key(tmp_path):
    with Store.open(tmp_path / "p.sqlite", create=True) as store:
        for key in RESERVED_KEYS:
            with pytest.raises(InputError, match="already used by"):
                store.add_label("Source", shortcut=key.lower())
            with pytest.raises(InputError, match="already used by"):
                store.update_label("Claim", shortcut=key)
        assert "Source" not in {lb.name for lb in store.labels()}
        assert store.label("Claim").shortcut == "1"
