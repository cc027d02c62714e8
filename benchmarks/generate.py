"""Deterministic benchmark data: varied prose, overlapping spans, and ready-made project files.

Everything here is seeded (``random.Random(seed)``): the same arguments give the
same texts, span bounds, labels, ids, notes and timestamps on every machine
(document ids are the sha256 of the text, so they match too; only the
``added`` column of ``documents`` records the wall clock).

The text is meant to look like news copy to the layout engine and the span
index, not to be readable: paragraphs of 1-9 sentences built from a Zipf-weighted
vocabulary of function words, generated content words, people's and place
names, numbers in several formats (years, percentages, money, decimals), a
spread of punctuation (curly quotes, em dashes, parentheses, ellipses), words
with accents, some Cyrillic, Greek and CJK words, and an emoji now and then
(astral code points, flags, skin-tone modifiers) so the code-point/UTF-16 map
is exercised.

Spans come in clusters like real tagging: a phrase, often a nested phrase
inside it, sometimes an overlapping phrase that runs past its end, sometimes a
sentence-long span around it, and now and then a paragraph-long one; all over
the four labels of the default scheme.

Usage::

    python benchmarks/generate.py big      [--out big.sqlite] [--spans 50000] [--chars 3000000]
    python benchmarks/generate.py exchange [--out exchange.sqlite] [--n 1000000] [--docs 8]
    python benchmarks/generate.py sample   # print a few paragraphs

The benchmark scripts call :func:`big_project` and :func:`exchange_project`,
which build the file once into a cache folder (``$ANNOTATOR_BENCH_DATA`` or
``<tmp>/annotator-bench``) and reuse it afterwards.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from annotator.core.model import Annotation
from annotator.core.store import Store

#: The default scheme's labels (resources/labels.json) with how often each is used.
LABELS = ("Claim", "Actor", "Figure", "Plan point")
LABEL_WEIGHTS = (35, 30, 20, 15)
ANNOTATORS = ("amira", "bernd", "chloé", "dmytro")
STATUSES = ("pending", "accepted", "rejected")
STATUS_WEIGHTS = (80, 15, 5)

FUNCTION_WORDS = ["the", "of", "and", "to", "a", "in", "that", "is", "was", "for", "on", "with", "as", "by", "at", "from", "it", "he", "she", "they", "said", "but", "not", "be", "have", "had", "has", "were", "are", "which", "this", "would", "will", "or", "an", "his", "her", "their", "its", "more", "after", "who", "been", "also", "than", "up", "out", "about", "over", "into", "some", "could", "two", "new", "when", "one", "all", "there", "other", "only", "first", "what", "we", "can", "last", "year", "between", "against", "while", "before", "under", "no", "because", "most", "three", "where", "during", "since", "any", "officials", "people", "government"]

_CONSONANTS = "bcdfghjklmnprstvwz"
_CLUSTERS = ("br", "cr", "dr", "fl", "gr", "pl", "pr", "sk", "st", "str", "th", "tr", "sh", "ch", "kv", "zh")
_VOWELS = "aeiouy"
_ACCENTED = "éèêëàâäôöüûçñßøåíóú"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюя"
_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
_CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你"
_EMOJI = ("😀", "👍🏽", "🇺🇦", "🇪🇺", "🔥", "📈", "🕊️", "✅", "⚠️", "🙏", "💬", "🚀")
_OPEN_CLOSE = (("“", "”"), ("‘", "’"), ("(", ")"), ("«", "»"), ('"', '"'))
_ENDS = (".", ".", ".", ".", ".", ".", "!", "?", "…", ";")


class Vocabulary:
    """A seeded vocabulary: content words, names, places, and Zipf-like weights."""

    def __init__(self, rng: random.Random, size: int = 8000):
        self.rng = rng
        words: set[str] = set()
        while len(words) < size:
            words.add(self._word(rng.randint(1, 4)))
        self.words = sorted(words)
        rng.shuffle(self.words)
        # Zipf-like weights, cumulative for bisect (much faster than rng.choices per call).
        self.cum: list[float] = []
        total = 0.0
        for k in range(len(self.words)):
            total += 1.0 / (k + 2) ** 0.9
            self.cum.append(total)
        self.total = total
        self.first_names = sorted({self._word(rng.randint(2, 3)).capitalize() for _ in range(300)})
        self.surnames = sorted({self._word(rng.randint(2, 4)).capitalize() for _ in range(500)})
        self.places = sorted({self._word(rng.randint(2, 3)).capitalize() + rng.choice(("", "", "ia", "sk", "burg", "ov"))
                              for _ in range(200)})
        self.orgs = [f"the {rng.choice(('Ministry of', 'Council of', 'Bank of', 'Office of'))} "
                     f"{self._word(rng.randint(2, 3)).capitalize()}" for _ in range(60)]

    def _word(self, syllables: int) -> str:
        rng = self.rng
        out = []
        for _ in range(syllables):
            onset = rng.choice(_CLUSTERS) if rng.random() < 0.2 else rng.choice(_CONSONANTS)
            vowel = rng.choice(_ACCENTED) if rng.random() < 0.03 else rng.choice(_VOWELS)
            out.append(onset + vowel + (rng.choice(_CONSONANTS) if rng.random() < 0.35 else ""))
        return "".join(out)

    def content_word(self) -> str:
        return self.words[bisect.bisect_left(self.cum, self.rng.random() * self.total)]


def _number(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return str(rng.randint(1, 999))
    if r < 0.4:
        return str(rng.randint(1950, 2031))
    if r < 0.55:
        return f"{rng.randint(0, 99)}.{rng.randint(0, 9)}%"
    if r < 0.7:
        return f"{rng.choice(('$', '€', '£', ''))}{rng.randint(1, 950)}{rng.choice(('bn', 'm', ' million', ' billion'))}"
    if r < 0.85:
        return f"{rng.randint(1, 99):,}{rng.choice((',', ''))}{rng.randint(100, 999)}"
    return f"{rng.randint(1, 28)} {rng.choice(('January', 'March', 'May', 'June', 'September', 'November'))}"


def _foreign(rng: random.Random) -> str:
    alphabet = rng.choice((_CYRILLIC, _CYRILLIC, _GREEK, _CJK))
    n = rng.randint(2, 4) if alphabet is _CJK else rng.randint(3, 9)
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_sentence(vocab: Vocabulary) -> str:
    """One sentence of 4-40 tokens."""
    rng = vocab.rng
    n = rng.randint(4, 40)
    tokens: list[str] = []
    quote_open: str | None = None
    for i in range(n):
        r = rng.random()
        if r < 0.42:
            tok = rng.choice(FUNCTION_WORDS)
        elif r < 0.80:
            tok = vocab.content_word()
        elif r < 0.87:
            tok = f"{rng.choice(vocab.first_names)} {rng.choice(vocab.surnames)}" if rng.random() < 0.5 \
                else rng.choice(vocab.surnames)
        elif r < 0.91:
            tok = rng.choice(vocab.places)
        elif r < 0.92:
            tok = rng.choice(vocab.orgs)
        elif r < 0.975:
            tok = _number(rng)
        elif r < 0.995:
            tok = _foreign(rng)
        else:
            tok = rng.choice(_EMOJI)
        p = rng.random()
        if p < 0.07:
            tok += ","
        elif p < 0.085:
            tok += rng.choice((";", ":", " —", " –"))
        elif p < 0.09 and quote_open is None and i < n - 3:
            quote_open = rng.choice(_OPEN_CLOSE)[1]
            tok = {"”": "“", "’": "‘", ")": "(", "»": "«", '"': '"'}[quote_open] + tok
        elif p < 0.1 and quote_open is not None:
            tok += quote_open
            quote_open = None
        tokens.append(tok)
    if quote_open is not None:
        tokens[-1] += quote_open
    first = tokens[0]
    tokens[0] = first[:1].upper() + first[1:]
    return " ".join(tokens) + rng.choice(_ENDS)


def make_paragraph(vocab: Vocabulary) -> str:
    rng = vocab.rng
    if rng.random() < 0.04:  # a heading or a one-line dateline
        return " ".join(vocab.content_word() for _ in range(rng.randint(2, 8))).capitalize()
    return " ".join(make_sentence(vocab) for _ in range(rng.randint(1, 9)))


def make_text(rng: random.Random, chars: int, vocab: Vocabulary | None = None) -> str:
    """About ``chars`` code points (exactly, cut at a word end) of varied paragraphs separated by blank lines."""
    vocab = vocab or Vocabulary(rng)
    parts: list[str] = []
    n = 0
    while n < chars:
        p = make_paragraph(vocab)
        parts.append(p)
        n += len(p) + 2
    text = "\n\n".join(parts)[:chars]
    cut = max(text.rfind(" "), text.rfind("\n"))
    return text[:cut] if cut > chars * 0.99 else text


# ----------------------------------------------------------------------------- spans
_WORD = re.compile(r"\S+")


def make_spans(rng: random.Random, text: str, n: int) -> list[tuple[int, int, str]]:
    """``n`` spans ``(start, end, label)`` over ``text``: nested and overlapping clusters on word bounds.

    Per cluster: a phrase of 1-6 words; with probability 0.35 a nested phrase
    inside it, 0.25 an overlapping phrase that starts inside it and runs past
    its end, 0.15 a sentence-long span (12-40 words) around it; 1 in 200
    clusters also gets a paragraph-long span (60-250 words, crossing paragraph
    breaks). Trailing punctuation is trimmed so quotes read like real tags.
    """
    starts, ends = [], []
    for m in _WORD.finditer(text):
        starts.append(m.start())
        end = m.end()
        while end - 1 > m.start() and text[end - 1] in ",.;:!?…”’)»\"":
            end -= 1
        ends.append(end)
    words = len(starts)
    label = lambda: rng.choices(LABELS, LABEL_WEIGHTS)[0]
    spans: list[tuple[int, int, str]] = []

    def add(i: int, k: int) -> None:
        i = max(0, min(i, words - 1))
        j = max(i, min(i + k - 1, words - 1))
        spans.append((starts[i], ends[j], label()))

    # Clusters are spread evenly (with jitter), so every page has spans.
    per_cluster = 1 + 0.35 + 0.25 + 0.15 + 0.005
    clusters = int(n / per_cluster) + 1
    step = words / clusters
    for c in range(clusters):
        i = int(c * step + rng.random() * step * 0.8)
        k = rng.choice((1, 1, 1, 2, 2, 3, 3, 4, 5, 6))
        add(i, k)
        if k > 1 and rng.random() < 0.35:  # nested
            inner = rng.randint(1, k - 1)
            add(i + rng.randint(0, k - inner), inner)
        if rng.random() < 0.25:  # overlapping: starts inside, ends after
            add(i + rng.randint(0, k - 1), k + rng.randint(1, 6))
        if rng.random() < 0.15:  # sentence-long, around the phrase
            add(i - rng.randint(0, 8), rng.randint(12, 40))
        if rng.random() < 0.005:  # paragraph-long
            add(i - rng.randint(0, 30), rng.randint(60, 250))
    # Exactly n: drop duplicates of bounds+label, then trim or top up with plain phrases.
    seen: set[tuple[int, int, str]] = set()
    unique = [s for s in spans if not (s in seen or seen.add(s))]
    while len(unique) < n:
        i = rng.randrange(words)
        k = rng.randint(1, 4)
        s = (starts[i], ends[min(i + k - 1, words - 1)], label())
        if s not in seen:
            seen.add(s)
            unique.append(s)
    if len(unique) > n:
        unique = rng.sample(unique, n)
    unique.sort()
    return unique


_NOTES = (
    "check against the agency wire", "second source needed", "contradicts the other report",
    "figure differs from the ministry's", 'quoted as "preliminary", see para 2', "=SUM(A1:A3) looks like a formula",
    "-5% in the other report", "translation: «мы готовы»", "unclear who said this,\nask the desk", "✅ verified",
)
_EPOCH = datetime(2025, 11, 20, 6, 0, tzinfo=timezone.utc)


def _stamp(seconds: int) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_annotations(rng: random.Random, doc_id: str, text: str, spans: list[tuple[int, int, str]]):
    """Annotation objects for ``spans`` with seeded ids, annotators, notes, statuses and times."""
    out = []
    for start, end, label in spans:
        created = rng.randint(0, 30 * 86400)
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        note = rng.choice(_NOTES) if rng.random() < 0.08 else ""
        out.append(Annotation(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            document=doc_id, label=label, start=start, end=end, quote=text[start:end],
            annotator=rng.choice(ANNOTATORS), note=note, status=status,
            created=_stamp(created), modified=_stamp(created + (rng.randint(0, 86400) if rng.random() < 0.2 else 0)),
        ))
    return out


# -------------------------------------------------------------------------- projects
def cache_dir() -> Path:
    folder = Path(os.environ.get("ANNOTATOR_BENCH_DATA") or Path(tempfile.gettempdir()) / "annotator-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _insert(store: Store, anns: list[Annotation], batch: int = 50_000) -> None:
    for annotator in ANNOTATORS:
        store.ensure_annotator(annotator)
    for k in range(0, len(anns), batch):
        store.insert_annotations(anns[k:k + batch])


def build_big_project(path: Path, spans: int = 50_000, chars: int = 3_000_000, seed: int = 20251120) -> dict:
    """A project with one ``chars``-code-point document carrying ``spans`` overlapping annotations,
    plus a short second document (so the right pane shows something small, as in real use)."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    text = make_text(rng, chars, vocab)
    small = make_text(rng, 4000, vocab)
    tmp = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    store = Store.open(tmp)
    doc, _ = store.add_document(text, "A very long report", "Benchmark Wire", "2025-11-21")
    store.add_document(small, "A short report", "Benchmark Daily", "2025-11-22")
    anns = make_annotations(rng, doc.id, text, make_spans(rng, text, spans))
    _insert(store, anns)
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.replace(path)
    return {"document": doc.id, "chars": len(text), "bytes": len(text.encode()), "spans": len(anns)}


def build_exchange_project(path: Path, n: int = 1_000_000, docs: int = 8, chars_per_doc: int = 400_000,
                           seed: int = 20251121) -> dict:
    """A project with ``n`` annotations spread evenly over ``docs`` documents."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    tmp = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    store = Store.open(tmp)
    total = 0
    for d in range(docs):
        text = make_text(rng, chars_per_doc, vocab)
        doc, _ = store.add_document(text, f"Report {d + 1}", f"Source {d % 3 + 1}", f"2025-11-{20 + d % 9:02d}")
        count = n // docs + (1 if d < n % docs else 0)
        anns = make_annotations(rng, doc.id, text, make_spans(rng, text, count))
        _insert(store, anns)
        total += len(anns)
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.replace(path)
    return {"documents": docs, "annotations": total}


def _current(path: Path) -> Path:
    """Upgrade a cached project written by an older schema (the benchmarks' workers open copies read-only)."""
    from annotator.core.store import Store

    Store.open(path, create=False).close()
    return path


def big_project(spans: int = 50_000, chars: int = 3_000_000, seed: int = 20251120) -> Path:
    """The cached big-document project (built on first use)."""
    path = cache_dir() / f"big-{chars}-{spans}-{seed}.sqlite"
    if not path.exists():
        t0 = time.perf_counter()
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        build_big_project(path, spans, chars, seed)
        print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return _current(path)


def exchange_project(n: int = 1_000_000, docs: int = 8, seed: int = 20251121) -> Path:
    """The cached exchange project with ``n`` annotations (built on first use)."""
    path = cache_dir() / f"exchange-{n}-{docs}-{seed}.sqlite"
    if not path.exists():
        t0 = time.perf_counter()
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        build_exchange_project(path, n, docs, seed=seed)
        print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return _current(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    big = sub.add_parser("big", help="the 3 MB document with overlapping spans")
    big.add_argument("--out", type=Path)
    big.add_argument("--spans", type=int, default=50_000)
    big.add_argument("--chars", type=int, default=3_000_000)
    big.add_argument("--seed", type=int, default=20251120)
    ex = sub.add_parser("exchange", help="a project with N annotations over several documents")
    ex.add_argument("--out", type=Path)
    ex.add_argument("--n", type=int, default=1_000_000)
    ex.add_argument("--docs", type=int, default=8)
    ex.add_argument("--seed", type=int, default=20251121)
    sample = sub.add_parser("sample", help="print a few generated paragraphs")
    sample.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    if args.what == "sample":
        vocab = Vocabulary(random.Random(args.seed))
        print("\n\n".join(make_paragraph(vocab) for _ in range(6)))
        return
    if args.what == "big":
        path = args.out or big_project(args.spans, args.chars, args.seed)
        info = build_big_project(path, args.spans, args.chars, args.seed) if args.out else {"path": str(path)}
    else:
        path = args.out or exchange_project(args.n, args.docs, args.seed)
        info = build_exchange_project(path, args.n, args.docs, seed=args.seed) if args.out else {"path": str(path)}
    print(f"{path}: {info} ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
