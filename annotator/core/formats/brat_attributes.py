"""Attributes on spans in brat standoff: ``A`` lines and ``annotation.conf``'s ``[attributes]`` section.

A flag is a binary attribute (``A1<TAB>negated T3``), a choice a multi-valued one (``A2<TAB>certainty T3
reported``; ``M`` lines, brat's older name, read the same). brat has no free text: a text attribute is written as a
multi-valued one whose values are those the export wrote, with white space as ``_`` (as label names), and a
comment line ``#annotator:text NAME`` before its declaration tells annotator to read it back as free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotator.core.model import AttributeDecl

#: The comment line that marks a free-text attribute in ``annotation.conf`` (brat skips comment lines).
TEXT_MARK = "#annotator:text"
_DECLARATION = re.compile(r"^(\S+)\s+(.*)$")


def value_out(value: str) -> str:
    """A value as an ``A`` line holds it: white space runs become ``_``."""
    return "_".join(value.split())


def a_line(aid: str, name: str, tid: str, decl: AttributeDecl | None, value: str) -> str:
    """The ``A`` line of one attribute of the span ``tid``."""
    if decl is not None and decl.type == "flag":
        return f"{aid}\t{name} {tid}"
    return f"{aid}\t{name} {tid} {value_out(value)}"


def parse_a_line(line: str) -> tuple[str, str, str] | None:
    """``(name, T id, value)`` of an ``A``/``M`` line (``true`` for a binary one), or None if malformed."""
    parts = line.split("\t", 2)
    fields = parts[1].split() if len(parts) >= 2 else []
    if len(fields) == 2:
        return fields[0], fields[1], "true"
    if len(fields) == 3:
        return fields[0], fields[1], fields[2]
    return None


def value_in(decl_type: str | None, value: str) -> str:
    """An ``A`` line's value as annotator keeps it: a free-text value's ``_`` become spaces again."""
    return value.replace("_", " ") if decl_type == "text" else value


def conf_section(decls: Iterable[AttributeDecl], label_name, used: dict[str, set[str]]) -> list[str]:
    """The ``[attributes]`` lines: one declaration per attribute name, for every label declaring it (``Arg:``);
    ``used`` holds the free-text values the export wrote, by attribute name."""
    by_name: dict[str, list[AttributeDecl]] = {}
    for d in decls:
        by_name.setdefault(d.name, []).append(d)
    lines = []
    for name, group in by_name.items():
        args = "|".join(label_name(d.label) for d in group)
        kind = group[0].type
        if kind == "flag":
            lines.append(f"{name}\tArg:{args}")
            continue
        if kind == "text":
            lines.append(f"{TEXT_MARK} {name}")
            values = sorted(used.get(name, ()))
        else:
            values = list(dict.fromkeys(c for d in group for c in d.choices))
        lines.append(f"{name}\tArg:{args}" + (f", Value:{'|'.join(values)}" if values else ""))
    return lines


def read_conf_section(lines: Iterable[str], label_of, all_labels: list[str]) -> list[AttributeDecl]:
    """Declarations from ``[attributes]`` lines: binary ones are flags, multi-valued ones choices (free text
    after :data:`TEXT_MARK`); ``Arg:<ENTITY>`` declares on every label. ``label_of`` maps a brat name to ours."""
    out: list[AttributeDecl] = []
    texts: set[str] = set()
    for raw in lines:
        line = raw.strip()
        if line.startswith(TEXT_MARK):
            texts.update(line[len(TEXT_MARK):].split())
            continue
        match = _DECLARATION.match(line)
        if not line or line.startswith("#") or not match:
            continue
        name, rest = match.groups()
        args: list[str] = []
        values: list[str] = []
        for part in rest.split(","):
            key, _, val = part.strip().partition(":")
            if key == "Arg":
                args = all_labels if "<ENTITY>" in val.split("|") else [label_of(a) for a in val.split("|") if a]
            elif key == "Value":
                values = [v for v in val.split("|") if v]
        kind = "text" if name in texts else "choice" if values else "flag"
        out.extend(AttributeDecl(label, name, kind, tuple(values) if kind == "choice" else ()) for label in args)
    return out
