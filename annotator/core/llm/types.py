"""The records of model suggestions, shared by the engine, the CLI and the window (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.errors import AnnotatorError

#: The relations a cross-source pair may have, and the link type accepting one creates.
RELATIONS = {"agrees": "same as", "compatible": "supports", "contradicts": "contradicts"}


class ModelError(AnnotatorError):
    """The model endpoint is out of reach, refuses, times out, or answers something unusable.

    The message is one sentence an analyst can act on ("Nothing answers at http://localhost:11434/v1: is
    Ollama running?"). ``kind`` is a short key counted in run summaries: ``unreachable``, ``timeout``,
    ``refused``, ``not_compatible``, ``bad_json``, ``too_large``, ``remote_not_allowed``.
    """

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Provenance:
    """Who suggested a span: the model, the prompt version and when it answered (UTC, ISO 8601 ``Z``)."""

    model: str
    prompt_version: str
    when: str
    host: str = ""

    def origin(self, reason: str) -> str:
        """The annotation's ``origin`` when the analyst accepts the suggestion (never its note)."""
        where = f" at {self.host}" if self.host else ""
        return f"model {self.model}{where}, prompt {self.prompt_version}, {self.when}: {reason}"


@dataclass(frozen=True)
class ModelSuggestion:
    """A span a model suggested, anchored in the stored text: ``text[start:end] == quote``."""

    document: str
    label: str
    start: int
    end: int
    quote: str
    reason: str
    confidence: float  # 0..1, as the model said (0.5 when it said nothing usable)
    provenance: Provenance

    @property
    def origin(self) -> str:
        return self.provenance.origin(self.reason)

    def to_json(self) -> dict:
        return {"document": self.document, "label": self.label, "start": self.start, "end": self.end,
                "quote": self.quote, "reason": self.reason, "confidence": self.confidence,
                "model": self.provenance.model, "prompt_version": self.provenance.prompt_version,
                "origin": self.origin}


@dataclass(frozen=True)
class PairSuggestion:
    """A span in another report that states the same thing as annotation ``source`` (anchored like a
    :class:`ModelSuggestion`), and how the two relate: a key of :data:`RELATIONS`."""

    source: str  # the annotation id of the claim or figure asked about
    document: str
    label: str  # the source's label: accepting tags the target span with it (unless it is tagged so already)
    start: int
    end: int
    quote: str
    relation: str
    reason: str
    provenance: Provenance

    @property
    def link_type(self) -> str:
        return RELATIONS[self.relation]

    @property
    def origin(self) -> str:
        return self.provenance.origin(f"{self.relation}: {self.reason}")

    def to_json(self) -> dict:
        return {"source": self.source, "document": self.document, "label": self.label, "start": self.start,
                "end": self.end, "quote": self.quote, "relation": self.relation, "link_type": self.link_type,
                "reason": self.reason, "model": self.provenance.model,
                "prompt_version": self.provenance.prompt_version, "origin": self.origin}


@dataclass
class Summary:
    """What a run did, for the status line, the CLI and the tests: every answer is accounted for."""

    asked: int = 0  # requests sent to the model
    cached: int = 0  # chunks answered from the cache
    kept: int = 0  # anchored suggestions returned (after merging)
    not_in_text: int = 0  # quotes not found in the text (dropped)
    ambiguous: int = 0  # quotes found several times with nothing to choose between them (dropped)
    unknown_label: int = 0  # answers naming a label that was not asked for (dropped)
    invalid: int = 0  # answers without a usable quote (not text, empty, over 2,000 characters; dropped)
    merged: int = 0  # overlapping answers of one label merged into another
    failed: int = 0  # requests that failed (bad JSON, too large, timeout, ...)
    failures: dict[str, int] = field(default_factory=dict)  # ModelError.kind -> count
    messages: list[str] = field(default_factory=list)  # one sentence per distinct failure
    cancelled: bool = False

    def fail(self, error: ModelError) -> None:
        self.failed += 1
        self.failures[error.kind] = self.failures.get(error.kind, 0) + 1
        if str(error) not in self.messages:
            self.messages.append(str(error))

    def line(self) -> str:
        """One line: "12 suggestions from 4 requests (2 cached); 3 quotes not in the text dropped; …"."""
        parts = [f"{self.kept} suggestion{'s' if self.kept != 1 else ''} from {self.asked} "
                 f"request{'s' if self.asked != 1 else ''}" + (f" ({self.cached} cached)" if self.cached else "")]
        for count, what in ((self.not_in_text, "not in the text"), (self.ambiguous, "found more than once"),
                            (self.unknown_label, "with a label not asked for"),
                            (self.invalid, "without a usable quote")):
            if count:
                parts.append(f"{count} answer{'s' if count != 1 else ''} {what} dropped")
        if self.merged:
            parts.append(f"{self.merged} overlapping answer{'s' if self.merged != 1 else ''} merged")
        if self.failed:
            parts.append(f"{self.failed} request{'s' if self.failed != 1 else ''} failed")
        if self.cancelled:
            parts.append("cancelled")
        return "; ".join(parts)
