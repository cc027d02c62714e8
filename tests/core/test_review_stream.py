"""The streamed review (issue 24): the same items as categorize_many, in the same order, one component at a time.

Covers: equality with the whole-list function (hypothesis, and on stored projects), streaming (the first item
before the last span is read), bounded memory (tracemalloc: ten times the spans, far less than ten times the
peak), determinism, progress, Ctrl+C on a real ``review --json`` process, and an interrupted --accept-agreed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.cli_compare_commands import item_json, item_line, write_json
from annotator.core import decisions
from annotator.core.errors import CancelledError
from annotator.core.model import Annotation
from annotator.core.review import categorize_many, review_groups, stream_groups
from annotator.core.store import Store

NAMES = ["amira", "bernd", "chloé"]
LABELS = ["Actor", "Claim", "Figure"]


def in_reading_order(by_annotator: dict[str, list[Annotation]], names: list[str]) -> list[tuple[int, Annotation]]:
    side = {n: k for k, n in enumerate(names)}
    spans = [(side[a.annotator], a) for n in names for a in by_annotator[n]]
    return sorted(spans, key=lambda m: (m[1].document, m[1].start, m[1].end, m[1].id))


span = st.tuples(
    st.integers(0, 2),  # annotator
    st.sampled_from(["d1", "d2"]),
    st.sampled_from(LABELS[:2]),
    st.integers(0, 40),
    st.integers(0, 8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=40), st.integers(2, 3))
def test_streamed_groups_equal_the_whole_list(spans, count):
    """Nested, chained, repeated and empty spans, two or three annotators: the same groups in the same order."""
    names = NAMES[:count]
    by_annotator: dict[str, list[Annotation]] = {n: [] for n in names}
    for k, (who, doc, label, start, length) in enumerate(spans):
        name = names[who % count]
        by_annotator[name].append(Annotation(f"s{k:03d}", doc, label, start, start + length, "", name))
    assert list(stream_groups(in_reading_order(by_annotator, names), names)) == categorize_many(by_annotator)


def make_project(path: Path, spans: int, seed: int = 1, docs: int = 3, shuffle: bool = False) -> list[str]:
    """A project with ``docs`` documents and ``spans`` random spans of three annotators (about one span per 30
    characters, so that the density, and the size of the components, does not depend on ``spans``)."""
    rng = random.Random(seed)
    rows = []
    with Store.open(path, create=True) as store:
        for name in NAMES:
            store.ensure_annotator(name)
        for label in LABELS:
            if label not in {lab.name for lab in store.labels()}:
                store.add_label(label)
        per_doc = spans // docs
        for d in range(docs):
            words = [rng.choice(["plan", "point", "Mayor", "said", "12", "roads", "—", "city"])
                     for _ in range(per_doc * 6)]
            text = f"Doc {d}: " + " ".join(words)
            doc, _ = store.add_document(text, f"Document {d}")
            for k in range(per_doc):
                start = rng.randrange(0, len(text) - 30)
                end = start + rng.randrange(1, 30)
                who = NAMES[rng.randrange(3)]
                if k and rng.random() < 0.3:  # a colleague's span at the same place, the same or another label
                    start, end = rows[-1][3], rows[-1][4]
                rows.append((doc.id, LABELS[rng.randrange(3)], who, start, end, text[start:end]))
        anns = [Annotation(f"a{k:06d}", d, label, s, e, quote, who) for k, (d, label, who, s, e, quote) in
                enumerate(rows)]
        if shuffle:
            rng.shuffle(anns)
        store.insert_annotations(anns)
        return [doc.id for doc in store.documents()]


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "p.sqlite"
    make_project(path, 3000)
    return path


@pytest.mark.parametrize("names", [NAMES[:2], NAMES])
def test_review_groups_from_a_store_equal_the_old_function(project, names):
    with Store.open(project, create=False, readonly=True) as store:
        old = categorize_many({n: store.annotations(annotator=n) for n in names})
        assert list(review_groups(store, names)) == old
        light = list(review_groups(store, names, full=False))
        doc = store.documents()[1].id
        assert list(review_groups(store, names, doc)) == [g for g in old if g.document == doc]
    assert [item_json(g) for g in light] == [item_json(g) for g in old]
    assert [json.loads(item_line(g)) for g in light] == [item_json(g) for g in old]


def test_the_first_item_comes_before_the_last_span_is_read():
    names = NAMES[:2]
    spans = [(k % 2, Annotation(f"i{k:04d}", "d", "Actor", 10 * k, 10 * k + 5, "", names[k % 2])) for k in range(1000)]
    pulled = []

    def reading():
        for member in spans:
            pulled.append(member)
            yield member

    groups = stream_groups(reading(), names)
    first = next(groups)
    assert first.start == 0 and len(pulled) <= 2  # the next span, after the first one's end, closed it
    assert len(list(groups)) == 999


def test_a_store_review_yields_before_reading_everything(tmp_path):
    """Progress counts the spans read: when the first group comes, fewer than all were read."""
    path = tmp_path / "big.sqlite"
    make_project(path, 10_000)
    calls = []
    with Store.open(path, create=False, readonly=True) as store:
        groups = review_groups(store, NAMES[:2], progress=lambda done, total: calls.append((done, total)))
        next(groups)
        total = calls[0][1]
        assert total > 6000 and all(done < total for done, _ in calls)
        rest = list(groups)
    assert calls[-1] == (total, total) and rest


def test_progress_may_cancel(project):
    def cancel(done, total):
        if done:
            raise CancelledError("stopped")

    with Store.open(project, create=False, readonly=True) as store, pytest.raises(CancelledError):
        list(review_groups(store, NAMES, progress=cancel))


def streamed_peak(path: Path) -> int:
    with Store.open(path, create=False, readonly=True) as store:
        tracemalloc.start()
        try:
            write_json(review_groups(store, NAMES[:2], full=False), _Null())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


class _Null(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def test_memory_does_not_follow_the_project(tmp_path):
    """Ten times the spans (at the same density): the streamed review's peak grows far less than ten times."""
    small, large = tmp_path / "small.sqlite", tmp_path / "large.sqlite"
    make_project(small, 3_000, docs=2)
    make_project(large, 30_000, docs=20)
    small_peak, large_peak = streamed_peak(small), streamed_peak(large)
    assert large_peak < 3 * small_peak, (small_peak, large_peak)


def review_json(path: Path, capsys, *names: str) -> str:
    assert main(["review", str(path), *names, "--json"]) == 0
    return capsys.readouterr().out


def test_review_json_is_the_old_items_and_the_same_every_run(tmp_path, capsys):
    path, shuffled = tmp_path / "p.sqlite", tmp_path / "q.sqlite"
    make_project(path, 2000)
    make_project(shuffled, 2000, shuffle=True)  # the same spans stored in another order
    first = review_json(path, capsys, "amira", "bernd")
    assert review_json(path, capsys, "amira", "bernd") == first
    assert review_json(shuffled, capsys, "amira", "bernd") == first
    with Store.open(path, create=False, readonly=True) as store:
        old = categorize_many({n: store.annotations(annotator=n) for n in ("amira", "bernd")})
    assert json.loads(first) == [item_json(g) for g in old]
    assert first.startswith("[\n{") and first.count("\n") == len(old) + 2  # one item a line


def test_review_text_is_unchanged(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    make_project(path, 500)
    assert main(["review", str(path), "amira", "bernd"]) == 0
    lines = capsys.readouterr().out.splitlines()
    with Store.open(path, create=False, readonly=True) as store:
        old = categorize_many({n: store.annotations(annotator=n) for n in ("amira", "bernd")})
    assert len(lines) == len(old) + 1 and lines[0].startswith(old[0].category)
    assert lines[-1].startswith("agreed ")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ctrl_c_stops_review_json_cleanly(tmp_path):
    """SIGINT after the first byte: exit 130, the message, the project byte for byte as it was."""
    path = tmp_path / "p.sqlite"
    make_project(path, 6000)
    before = digest(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "review", str(path), "amira", "bernd", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.read(1) == b"["  # then not read: the review waits on the full pipe, still running
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"interrupted; nothing was changed" in err
    assert len(out) < 300 * 6000  # cut short
    assert digest(path) == before
    assert not list(tmp_path.glob("p.sqlite-*"))  # no journal left behind


def test_an_interrupted_accept_agreed_accepts_nothing(project):
    with Store.open(project, create=False) as store:
        agreed = [[m for _, m in g.members] for g in review_groups(store, NAMES[:2]) if g.category == "agreed"]
        assert len(agreed) > 10
        before = [(a.id, a.status, a.reviewer) for a in store.iter_annotations()]

        def interrupted():
            yield from agreed[:10]
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            decisions.accept_agreed(store, interrupted(), "amira")
        assert [(a.id, a.status, a.reviewer) for a in store.iter_annotations()] == before


def test_accept_agreed_from_the_command_line(project, capsys):
    with Store.open(project, create=False, readonly=True) as store:
        agreed = [g for g in categorize_many({n: store.annotations(annotator=n) for n in NAMES[:2]})
                  if g.category == "agreed"]
    assert main(["review", str(project), "amira", "bernd", "--accept-agreed", "--reviewer", "amira"]) == 0
    assert capsys.readouterr().out.startswith(f"{len(agreed)} agreed spans accepted")
    with Store.open(project, create=False, readonly=True) as store:
        assert all(store.annotation(a.id).status == "accepted" for g in agreed for _, a in g.members)
