"""Model suggestions kept in the project: the raw answers of models (a cache) and the hosts allowed to be asked.

Both are local to this file: team sync pushes neither (the outbox triggers are per table and none is on these).
The answers are kept as the model gave them, under keys made by :func:`annotator.core.llm.spans.cache_keys`, and
anchored again when read, so a better anchoring applies to old answers too. See migration ``0013_model``.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import InputError
from annotator.core.store.base import StoreBase
from annotator.core.timeutil import now

#: How many keys one query names (SQLite's limit on parameters is far above it).
KEY_BATCH = 500


class ModelCacheMixin(StoreBase):
    def cached_answers(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """The cached answers among ``keys``: key -> (answer JSON text, when it arrived)."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, tuple[str, str]] = {}
        for at in range(0, len(wanted), KEY_BATCH):
            batch = wanted[at:at + KEY_BATCH]
            marks = ", ".join("?" * len(batch))
            for key, answer, created in self._read(
                    f"SELECT key, answer, created FROM model_answers WHERE key IN ({marks})", batch):
                out[key] = (answer, created)
        return out

    def save_answers(self, rows: Iterable[tuple[str, str, str, str, str, str]]) -> int:
        """Keep answers ``(key, document, model, prompt_version, answer, when)`` (one transaction; a key already
        kept is replaced). Answers of documents no longer in the project are skipped. Returns how many were kept."""
        rows = list(rows)
        if not rows:
            return 0
        with self.transaction():
            present = {r[0] for r in self._read("SELECT id FROM documents")}
            kept = [row for row in rows if row[1] in present]
            self.db.conn.executemany(
                "INSERT INTO model_answers (key, document, model, prompt_version, answer, created) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, "
                "created = excluded.created, model = excluded.model, prompt_version = excluded.prompt_version, "
                "document = excluded.document", kept)
        return len(kept)

    def model_runs(self, documents: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """The (model, prompt version) pairs with cached answers (for ``documents`` only, when given), sorted."""
        if documents is None:
            rows = self._read("SELECT DISTINCT model, prompt_version FROM model_answers")
        else:
            found: set[tuple[str, str]] = set()
            docs = list(dict.fromkeys(documents))
            for at in range(0, len(docs), KEY_BATCH):
                batch = docs[at:at + KEY_BATCH]
                found.update(self._read("SELECT DISTINCT model, prompt_version FROM model_answers "
                                        f"WHERE document IN ({', '.join('?' * len(batch))})", batch))
            rows = list(found)
        return sorted((model, version) for model, version in rows)

    def cached_runs_for(self, model: str, prompt_version: str) -> dict[str, tuple[str, str]]:
        """Every cached answer of ``model`` with ``prompt_version``: key -> (answer JSON text, when)."""
        return {key: (answer, created) for key, answer, created in self._read(
            "SELECT key, answer, created FROM model_answers WHERE model = ? AND prompt_version = ?",
            [model, prompt_version])}

    def forget_answers(self, document: str | None = None) -> int:
        """Drop the cached answers (of ``document`` only, when given); returns how many were dropped."""
        with self.transaction():
            if document is None:
                cursor = self.db.conn.execute("DELETE FROM model_answers")
            else:
                cursor = self.db.conn.execute("DELETE FROM model_answers WHERE document = ?", [document])
            return cursor.rowcount

    # -- consent ------------------------------------------------------------------------------------------

    def model_hosts_allowed(self) -> set[str]:
        """The remote hosts the analyst allowed model requests to, for this project (lower case)."""
        return {host for (host,) in self._read("SELECT host FROM model_hosts")}

    def allow_model_host(self, host: str) -> None:
        """Allow model requests to ``host`` ("api.example.com" or with its port) for this project."""
        name = clean_host(host)
        with self.transaction():
            self.db.conn.execute("INSERT INTO model_hosts (host, allowed) VALUES (?, ?) ON CONFLICT (host) DO NOTHING",
                                 [name, now()])

    def forbid_model_host(self, host: str) -> None:
        """Withdraw the consent for ``host`` (nothing happens when it was not allowed)."""
        with self.transaction():
            self.db.conn.execute("DELETE FROM model_hosts WHERE host = ?", [clean_host(host)])


def clean_host(host: str) -> str:
    """A host as consent keeps it: stripped, lower case; one sentence when it is not a host name."""
    name = (host or "").strip().lower()
    if not name or "/" in name or any(ch.isspace() for ch in name) or "@" in name:
        raise InputError(f"{host!r} is not a host name (give it as api.example.com or api.example.com:8443).")
    return name
