"""Functions the background tests run in a child process (importable there: the child gets the test's path)."""

from __future__ import annotations

import time


def count_slowly(n: int, pause: float, progress=None) -> int:
    """Report ``k of n`` for k = 1..n, pausing between steps; return ``n``."""
    for k in range(1, n + 1):
        if progress is not None:
            progress(k, n, f"{k} of {n}")
        time.sleep(pause)
    return n


def pausing_report(path, names, doc, label, progress=None):
    """The agreement dialog's child function, pausing after each step so that the parent sees every one."""
    from annotator.gui.dialogs.agreement import report_from_project

    def pausing(done, total, text):
        progress(done, total, text)
        time.sleep(0.05)

    return report_from_project(path, names, doc, label, pausing)
