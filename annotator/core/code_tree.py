"""The label tree as views show it: each code's children, path and counts (its own and with the codes under it).

Pure Python, no Qt and no SQL: :class:`CodeTree` is built from the store's labels (``Label.parent``) and its
``label_counts()``, and the Codes dock's item model is a thin adapter over it. A tag changes one count:
:meth:`CodeTree.add_counts` adjusts that code and its ancestors and says which codes changed, so the dock repaints
a few cells instead of re-reading the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.core.model import Label

#: Between the names of a code's path: "Figure › Casualties".
PATH_SEPARATOR = " › "


@dataclass
class CodeNode:
    """One code of the tree; ``parent`` is None at the top."""

    label: Label
    parent: CodeNode | None = None
    children: list[CodeNode] = field(default_factory=list)
    own: int = 0
    total: int = 0
    #: This code's place among its parent's children (or among the top codes).
    row: int = 0

    @property
    def name(self) -> str:
        return self.label.name


class CodeTree:
    """The codes in scheme order, nested under their parents, with counts."""

    def __init__(self, labels: Iterable[Label], counts: Mapping[str, int] | None = None):
        labels = list(labels)
        self.nodes: dict[str, CodeNode] = {lb.name: CodeNode(lb) for lb in labels}
        self.top: list[CodeNode] = []
        for lb in labels:
            node = self.nodes[lb.name]
            parent = self.nodes.get(lb.parent or "")
            if parent is None or self._would_cycle(node, parent):
                self.top.append(node)
            else:
                node.parent = parent
                parent.children.append(node)
        for siblings in [self.top, *(n.children for n in self.nodes.values())]:
            for row, node in enumerate(siblings):
                node.row = row
        self.set_counts(counts or {})

    @staticmethod
    def _would_cycle(node: CodeNode, parent: CodeNode) -> bool:
        """A parent chain that leads back to ``node`` (the store refuses cycles; this guards a damaged file)."""
        seen = parent
        while seen is not None:
            if seen is node:
                return True
            seen = seen.parent
        return False

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Every code's own count from ``counts`` (label -> annotations); the totals follow."""
        for node in self.nodes.values():
            node.own = int(counts.get(node.name, 0))
        for node in self.top:
            self._sum(node)

    def _sum(self, top: CodeNode) -> int:
        order, todo = [], [top]
        while todo:  # parents before children; summed back to front, so children first
            node = todo.pop()
            order.append(node)
            todo.extend(node.children)
        for node in reversed(order):
            node.total = node.own + sum(child.total for child in node.children)
        return top.total

    def add_counts(self, diff: Mapping[str, int]) -> set[str]:
        """Add ``diff`` (label -> +/-n) to the codes' own counts and their ancestors' totals; the names changed."""
        changed: set[str] = set()
        for name, n in diff.items():
            node = self.nodes.get(name)
            if node is None or not n:
                continue
            node.own += n
            while node is not None:
                node.total += n
                changed.add(node.name)
                node = node.parent
        return changed

    def path(self, name: str) -> list[str]:
        """The names from the top of the tree down to ``name``."""
        node = self.nodes[name]
        out = []
        while node is not None:
            out.append(node.name)
            node = node.parent
        return out[::-1]

    def path_text(self, name: str) -> str:
        """``"Figure › Casualties"``."""
        return PATH_SEPARATOR.join(self.path(name))

    def depth(self) -> int:
        """How many levels the tree has (0 when empty)."""
        deepest = 0
        for name in self.nodes:
            deepest = max(deepest, len(self.path(name)))
        return deepest


def label_paths(labels: Iterable[Label]) -> dict[str, str]:
    """Each label's path as text (``"Figure › Casualties"``), by name."""
    tree = CodeTree(labels)
    return {name: tree.path_text(name) for name in tree.nodes}
