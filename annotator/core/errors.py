"""Typed errors whose messages are written for analysts, not programmers.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``;
the GUI shows it in a dialog. Every operation that raises one of these leaves
the project file exactly as it was.
"""


class AnnotatorError(Exception):
    """Base class: something the user can understand and act on."""

    exit_code = 2


class ProjectError(AnnotatorError):
    """The project file cannot be opened or written."""


class NotAProjectError(ProjectError):
    """The file is not SQLite, or is SQLite but not an annotator project."""


class NewerProjectError(ProjectError):
    """The project was written by a newer version of annotator."""


class ReadOnlyProjectError(ProjectError):
    """The project (or its folder) cannot be written."""


class ProjectLockedError(ProjectError):
    """Another program holds a lock on the project."""


class InputError(AnnotatorError):
    """A file or value given by the user is unusable (format, encoding, range)."""


class SpanError(InputError):
    """Offsets outside the text, an empty span, or a quote that does not match."""


class NotFoundError(AnnotatorError):
    """A document, label or annotation that the user named does not exist."""


class CancelledError(AnnotatorError):
    """The analyst cancelled a long operation; nothing was changed.

    Long operations take an optional ``progress(done, total)`` callback
    (``total`` may be None when unknown); the callback raises this to stop
    the work, and the operation's transaction rolls back.
    """


class ProjectDetachedError(ProjectError):
    """The project file or its write-ahead log was deleted or replaced on disk while it was open.

    The store stops writing (nothing more is committed) but can still be read, so what it sees can be saved to a
    new file (:meth:`~annotator.core.store.base.StoreBase.save_copy`).
    """


class TeamError(AnnotatorError):
    """The team server (PostgreSQL) is out of reach, refuses the connection or the operation, or its database is
    not annotator's (or is newer than this annotator); see ``annotator.core.team``."""
