"""The :class:`Store`: one mixin per kind of data over :class:`StoreBase` (see the package's docstring)."""

from annotator.core.store.annotations import AnnotationsMixin
from annotator.core.store.attributes import AttributesMixin
from annotator.core.store.base import StoreBase
from annotator.core.store.changes import ChangesMixin
from annotator.core.store.display import DisplayMixin
from annotator.core.store.documents import DocumentsMixin
from annotator.core.store.imports import ImportsMixin
from annotator.core.store.label_tree import LabelTreeMixin
from annotator.core.store.labels import LabelsMixin
from annotator.core.store.links import LinksMixin
from annotator.core.store.memos import MemosMixin
from annotator.core.store.model_cache import ModelCacheMixin
from annotator.core.store.report_counts import ReportCountsMixin
from annotator.core.store.retrieval import RetrievalMixin
from annotator.core.store.search import SearchMixin
from annotator.core.store.team import TeamMixin


class Store(DocumentsMixin, LabelsMixin, LabelTreeMixin, AnnotationsMixin, AttributesMixin, LinksMixin, SearchMixin,
            DisplayMixin, ChangesMixin, RetrievalMixin, ImportsMixin, TeamMixin, MemosMixin, ModelCacheMixin,
            ReportCountsMixin, StoreBase):
    """One open project file. Use :meth:`Store.open`; close with :meth:`close` or a ``with`` block."""
