"""The project store: the only package that speaks SQL (through sqlite-utils).

A project is one SQLite file. Every public method that writes runs in one
transaction (:meth:`Store.transaction`), so an operation lands completely or
not at all. Connections use WAL, ``synchronous=FULL`` and ``foreign_keys=ON``.
Errors surface as :mod:`annotator.core.errors` exceptions with messages for
analysts, and a failed operation leaves the file as it was.

:class:`Store` is assembled from one mixin per kind of data (``documents``,
``labels``, ``label_tree``, ``annotations``, ``attributes``, ``links``, ``search``, ``display``, ``retrieval``,
``imports``, ``team``, ``memos``, ``model_cache``, ``report_counts``) over :class:`StoreBase` (opening, transactions, metadata).
"""

from annotator.core.store.annotations import AnnotationsMixin
from annotator.core.store.attributes import AttributesMixin
from annotator.core.store.base import PALETTE, SQLITE_MAGIC, StoreBase, needs_upgrade
from annotator.core.store.changes import ChangesMixin
from annotator.core.store.display import DisplayMixin
from annotator.core.store.documents import DocumentsMixin
from annotator.core.store.imports import ImportsMixin
from annotator.core.store.label_tree import LabelTreeMixin
from annotator.core.store.labels import LabelsMixin
from annotator.core.store.report_counts import ReportCountsMixin
from annotator.core.store.retrieval import RetrievalMixin
from annotator.core.store.links import LinksMixin
from annotator.core.store.memos import MemoHit, MemosMixin
from annotator.core.store.model_cache import ModelCacheMixin
from annotator.core.store.search import Hit, SearchMixin
from annotator.core.store.team import TeamMixin


class Store(DocumentsMixin, LabelsMixin, LabelTreeMixin, AnnotationsMixin, AttributesMixin, LinksMixin, SearchMixin,
            DisplayMixin, ChangesMixin, RetrievalMixin, ImportsMixin, TeamMixin, MemosMixin, ModelCacheMixin,
            ReportCountsMixin, StoreBase):
    """One open project file. Use :meth:`Store.open`; close with :meth:`close` or a ``with`` block."""


__all__ = ["PALETTE", "SQLITE_MAGIC", "Hit", "MemoHit", "Store", "StoreBase", "needs_upgrade"]
