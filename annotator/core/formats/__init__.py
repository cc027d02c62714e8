"""Exchange formats, one module each: JSON set, CSV set, documents (articles and seeds)."""

#: Annotations every export reads from the store, writes and reports to ``progress`` at a time. Large enough
#: that what is done once a batch (a ``fetchmany``, a ``write``, a progress call that may repaint a dialog)
#: costs nothing next to the rows themselves; small enough that an export holds one batch in memory (a few
#: hundred KB) and a progress bar moves every 1,000 annotations, as the exporters' docstrings say.
BATCH = 1000
