"""The cyclic collector paused for the start and resumed once the window is built (issue 20)."""

from __future__ import annotations

import gc

import pytest

from annotator.core.gcpause import gc_paused, pause_for_start, resume_after_start


@pytest.fixture
def collector_restored():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_the_start_pauses_the_collector_until_resumed(collector_restored):
    gc.enable()
    pause_for_start()
    assert not gc.isenabled()
    frozen = gc.get_freeze_count()
    kept = [object() for _ in range(10)], {"a": [1]}
    resume_after_start()
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen  # what the start built is out of the collector's sight
    del kept
    gc.unfreeze()  # this test process is not a start: later tests see the collector as before


def test_a_collector_turned_off_by_someone_else_stays_off(collector_restored):
    with gc_paused():
        pause_for_start()
        resume_after_start()
        assert not gc.isenabled()
    gc.unfreeze()


def test_resuming_without_a_pause_leaves_the_collector_on(collector_restored):
    gc.enable()
    resume_after_start()
    assert gc.isenabled()
    gc.unfreeze()
