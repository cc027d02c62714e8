"""Gold tags for the sample corpus (benchmarks/data/sample_gold.json): resolved to code-point offsets and added to a
project, so that benchmarks/model_suggest.py can score a model on the seeds without a reviewed project of its own.

An entry names a label and a quote; with ``"all": true`` every whole-word occurrence is a tag, except one inside a
longer tag of the same label ("Trump" inside "Donald Trump"); without it, the first occurrence. A quote that is not
in its article raises (tests/llm/test_sample_gold.py keeps the file true to the seeds).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).with_name("data") / "sample_gold.json"
SEEDS = ROOT / "seeds"


def resolve(text: str, entries: list[dict]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` of every tag ``entries`` name in ``text``, longer quotes placed first."""
    placed: list[tuple[str, int, int]] = []
    for entry in sorted(entries, key=lambda e: -len(e["quote"])):
        label, quote = entry["label"], entry["quote"]
        spans = [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(quote) + r"(?!\w)", text)]
        if not spans:
            raise ValueError(f"{quote!r} ({label}) is not in the article")
        for start, end in spans if entry.get("all") else spans[:1]:
            if not any(lab == label and s <= start and end <= e for lab, s, e in placed):
                placed.append((label, start, end))
    return sorted(placed, key=lambda t: (t[1], t[2], t[0]))


def sample_gold() -> dict[str, list[tuple[str, int, int]]]:
    """Per seed file name, its gold tags."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    return {name: resolve((SEEDS / name).read_text(encoding="utf-8"), entries) for name, entries in gold.items()}


def tag_sample_gold(store, user: str = "gold") -> list[str]:
    """Add the gold tags to a project holding the seeds (as imported by ``import_seeds``) and mark both documents
    reviewed; returns their ids."""
    titles = {d["file"]: d["title"] for d in json.loads((SEEDS / "metadata.json").read_text("utf-8"))["documents"]}
    by_title = {d.title: d.id for d in store.documents()}
    ids = []
    for name, tags in sample_gold().items():
        doc = by_title[titles[name]]
        with store.transaction():
            for label, start, end in tags:
                store.add_annotation(doc, label, start, end, user)
        store.mark_done(doc, user)
        ids.append(doc)
    return ids
