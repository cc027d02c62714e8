"""What a span run and a pair run share in the window: asking the model in the background, and caching its answers.

:func:`ask_in_background` runs a job (a pure ``annotator.core.llm`` run taking the background ``progress``) behind
the cancellable progress dialog with a client of its own; *Cancel* aborts the request under way
(``ChatClient.abort``). :func:`cache_answers` is the run's one write: the new raw answers, so the same run later
answers from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.lazy import lazy_module
from annotator.core.llm.endpoint import Endpoint, api_key
from annotator.gui.background import run_in_background
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # import-linter reads this import: the contracts still see the dependency
    from annotator.core.llm import client as llm_client
else:
    llm_client = lazy_module("annotator.core.llm.client")


def ask_in_background(status: Status, title: str, endpoint: Endpoint, job: Callable, text: str = ""):
    """``job(client)`` returns the background job (``job(progress)``); its result, or None when it was cancelled or
    failed (the status line or an error box says so)."""
    client = llm_client.ChatClient(endpoint, api_key(endpoint))
    try:
        result = run_in_background(status.dialog_parent, title, job(client), text=text or None,
                                   on_cancel=client.abort)
    except CancelledError:
        result = None
    except AnnotatorError as exc:
        status.error(str(exc))
        return None
    finally:
        client.close()
    if result is None or result.summary.cancelled:
        status.show("Cancelled; nothing was changed.", 6000)
        return None
    return result


def cache_answers(session, status: Status, rows: list) -> None:
    """Keep the run's new raw answers in the project (not in a read-only one); a failure is said, not raised."""
    if not rows or session.store.readonly:
        return
    try:
        session.store.save_answers(rows)
    except AnnotatorError as exc:
        status.show(f"The answers were not cached: {exc}", 8000)
