"""Undoable edits: each is a core function call plus one ``QUndoCommand`` (see :mod:`.annotations`)."""
