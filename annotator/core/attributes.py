"""Attributes on spans: the rules for declaring them and for their values (no SQL here; the store keeps them).

A label declares the attributes its annotations may carry (:class:`~annotator.core.model.AttributeDecl`): a
``flag`` (present or not: its value is ``true``), a ``choice`` (one of a list) or free ``text`` on one line. An
annotation's attributes are a ``{name: value}`` dict; an attribute without a value is simply absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotator.core.errors import InputError
from annotator.core.model import ATTRIBUTE_TYPES, AttributeDecl

#: An attribute's name: letters, digits, ``_`` and ``-``, starting with a letter (brat's rule, so every format
#: can carry it).
_NAME = re.compile(r"[^\W\d_][\w-]*")
#: The value a flag has when it is set.
FLAG_ON = "true"
_FLAG_WORDS = {"true": True, "yes": True, "1": True, "on": True, "false": False, "no": False, "0": False,
               "off": False, "": False}


def check_decl(decl: AttributeDecl) -> AttributeDecl:
    """The declaration with its name and choices tidied, or an :class:`InputError` saying what is wrong."""
    name = decl.name.strip()
    if not _NAME.fullmatch(name):
        raise InputError(f"{name!r} cannot name an attribute; use letters, digits, _ and -, starting with a letter.")
    if decl.type not in ATTRIBUTE_TYPES:
        raise InputError(f"{decl.type!r} is not a kind of attribute; use one of {', '.join(ATTRIBUTE_TYPES)}.")
    choices = tuple(c.strip() for c in decl.choices if c.strip()) if decl.type == "choice" else ()
    if decl.type == "choice" and not choices:
        raise InputError(f"The attribute {name} is one of a list, so it needs at least one choice.")
    bad = [c for c in choices if not _NAME.fullmatch(c)]
    if bad:
        raise InputError(f"{bad[0]!r} cannot be a choice of {name}; use letters, digits, _ and -, "
                         "starting with a letter.")
    if len(set(choices)) != len(choices):
        raise InputError(f"The attribute {name} lists a choice twice.")
    return AttributeDecl(decl.label, name, decl.type, choices)


def check_decls(decls: Iterable[AttributeDecl]) -> list[AttributeDecl]:
    """Every declaration checked, and no name declared twice for one label."""
    out = [check_decl(d) for d in decls]
    seen: set[tuple[str, str]] = set()
    for d in out:
        if (d.label, d.name) in seen:
            raise InputError(f"{d.label} declares the attribute {d.name} twice.")
        seen.add((d.label, d.name))
    return out


def check_value(decl: AttributeDecl, value: str) -> str:
    """The value to store for ``decl`` ("" means: the annotation does not carry it), or an :class:`InputError`."""
    value = str(value).strip()
    if decl.type == "flag":
        if value.lower() not in _FLAG_WORDS:
            raise InputError(f"{decl.name} is a flag: its value is true or false, not {value!r}.")
        return FLAG_ON if _FLAG_WORDS[value.lower()] else ""
    if decl.type == "choice" and value and value not in decl.choices:
        raise InputError(f"{value!r} is not a choice of {decl.name}; use one of {', '.join(decl.choices)}.")
    if "\n" in value:
        raise InputError(f"The value of {decl.name} is one line of text.")
    return value


def check_values(label: str, decls: Iterable[AttributeDecl], values: dict[str, str]) -> dict[str, str]:
    """The values an annotation of ``label`` may carry, checked against its declarations (empty ones left out)."""
    known = {d.name: d for d in decls}
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(f"{label} declares no attribute {key!r}; add it in the label scheme first.")
        checked = check_value(known[key], value)
        if checked:
            out[key] = checked
    return out


def parse_filter(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` (or just ``KEY`` for a flag) as ``(key, value)``: the filter of the list and of ``segments``."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not key:
        raise InputError(f"{text!r} is not an attribute filter; write KEY=VALUE, such as certainty=reported.")
    return key, value if sep else FLAG_ON


def choices_text(choices: Iterable[str]) -> str:
    """Choices as the store keeps them: one per line."""
    return "\n".join(choices)


def choices_from(text: str) -> tuple[str, ...]:
    """Choices from the store's text (one per line)."""
    return tuple(c for c in text.split("\n") if c)


def attribute_choices(decls: Iterable[AttributeDecl]) -> list[tuple[str, str]]:
    """What a filter of spans by attribute offers: ``(text, "name=value")`` for every declared flag (``negated``)
    and every choice (``certainty = reported``), each once, in scheme order (:func:`parse_filter` reads the
    second back). Free text is not listed."""
    entries: dict[str, str] = {}
    for decl in decls:
        if decl.type == "flag":
            entries.setdefault(f"{decl.name}={FLAG_ON}", decl.name)
        for choice in decl.choices:
            entries.setdefault(f"{decl.name}={choice}", f"{decl.name} = {choice}")
    return [(text, key) for key, text in entries.items()]
