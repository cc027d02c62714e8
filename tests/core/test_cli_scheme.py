"""annotator init and annotator scheme: a team shares one label scheme."""

from __future__ import annotations

import json

from annotator.cli import main
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
