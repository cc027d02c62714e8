"""A project of many tiny spans for the report's scale tests, built fast with the store's bulk insert (no Qt)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.store import Store

SENTENCE = "Officials said {n} people came. Witkoff said talks went well. "
STATUSES = ("pending", "accepted", "rejected", "pending")
LABELS = ("Claim", "Actor", "Figure", "Plan point")


def spans_project(path: Path, n: int, docs: int = 2) -> Path:
    """``n`` tiny spans over ``docs`` documents by alice and bob, plus one linked figure pair and one claim said
    by an actor (so the default report has linked spans to compare)."""
    with Store.open(path) as store:
        texts = ["".join(SENTENCE.format(n=k + d) for k in range(400)) for d in range(docs)]
        ids = [store.add_document(t, f"Report {d}", f"Source {d}", "2025-11-25")[0].id for d, t in enumerate(texts)]
        for who in ("alice", "bob"):
            store.ensure_annotator(who)
        six = store.add_annotation(ids[0], "Figure", 15, 16, "alice")
        seven = store.add_annotation(ids[1 % docs], "Figure", 15, 16, "bob")
        store.add_link("contradicts", six.id, seven.id, "alice")
        claim = store.add_annotation(ids[0], "Claim", 41, 62, "alice")
        actor = store.add_annotation(ids[0], "Actor", 34, 41, "alice")
        store.add_link("said by", claim.id, actor.id, "alice")
        rows = []
        for i in range(n - 4):
            d = i % docs
            start = (i * 7) % (len(texts[d]) - 8)
            end = start + 1 + i % 6
            rows.append((f"span-{i:07d}", ids[d], LABELS[i % 4], start, end, texts[d][start:end],
                         ("alice", "bob")[i // docs % 2], "", STATUSES[i % 4], "2025-11-25T10:00:00Z",
                         "2025-11-25T10:00:00Z", "", "", ""))
        with store.bulk_annotation_load():
            for k in range(0, len(rows), 10_000):
                store.insert_annotation_rows(rows[k : k + 10_000])
    return path
