"""What an import did: counts for the status bar and the CLI, and what was left out and why.

Every importer (the JSON set, another project, REFI-QDA, W3C Web Annotation, brat) fills one
:class:`ImportReport`; :meth:`ImportReport.summary` is the line (and the "Not imported" list) the analyst reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: At most this many "not imported" reasons are listed in a summary.
SUMMARY_LINES = 20


@dataclass
class ImportReport:
    """What an import did, for the status bar and the CLI."""

    added: int = 0
    skipped: int = 0
    reanchored: int = 0
    documents_added: int = 0
    labels_created: list[str] = field(default_factory=list)
    links_added: int = 0
    #: What the file held that was not imported, and why: reason -> how many (foreign formats fill this).
    not_imported: dict[str, int] = field(default_factory=dict)
    #: The rowid ranges ``(after, last]`` of the rows the import added, by table (``Store.rows_added_since``):
    #: the window adopts them to make the import one undoable step.
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)

    def leave_out(self, reason: str, count: int = 1) -> None:
        """Count ``count`` things of the file left out for ``reason`` (one line of the summary)."""
        self.not_imported[reason] = self.not_imported.get(reason, 0) + count

    def summary(self, verbose: bool = False) -> str:
        """The counts in one line (new labels as a number; ``verbose`` names them), then what was left out.

        A code system of 300 codes makes "300 new labels", not a 10 KB line.
        """
        parts = [f"{self.added} annotation{'s' if self.added != 1 else ''} imported"]
        if self.skipped:
            parts.append(f"{self.skipped} already present")
        if self.reanchored:
            parts.append(f"{self.reanchored} re-anchored by quote")
        if self.documents_added:
            parts.append(f"{self.documents_added} document{'s' if self.documents_added != 1 else ''} added")
        if self.labels_created:
            count = len(self.labels_created)
            parts.append(f"{count} new label{'s' if count != 1 else ''}"
                         + (": " + ", ".join(self.labels_created) if verbose else ""))
        if self.links_added:
            parts.append(f"{self.links_added} link{'s' if self.links_added != 1 else ''} imported")
        text = "; ".join(parts) + "."
        if self.not_imported:
            lines = [f"  {count} × {reason}" for reason, count in list(self.not_imported.items())[:SUMMARY_LINES]]
            if len(self.not_imported) > SUMMARY_LINES:
                lines.append(f"  … and {len(self.not_imported) - SUMMARY_LINES} more reasons")
            text += "\nNot imported:\n" + "\n".join(lines)
        return text

    def details(self, left_out: str = "Not imported") -> list[str]:
        """Every line of what the import left out and made, for a scrollable list: each reason something was left
        out first (``left_out`` says how: an export's report says "Not written"), then the new labels by name."""
        lines = [f"{left_out}: {count} × {reason}" for reason, count in self.not_imported.items()]
        lines += [f"New label: {name}" for name in self.labels_created]
        return lines
