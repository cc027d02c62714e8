"""The command line's progress on standard error: silent for quick work, a bar on a terminal, plain lines every few
seconds elsewhere, erased or closed when the work ends (annotator/cli_progress.py). A fake clock: no timing."""

from __future__ import annotations

import io

from annotator.cli_progress import LINE_EVERY_S, QUIET_S, Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_quick_work_shows_nothing():
    out, clock = io.StringIO(), Clock()
    with Progress("Reading", out, tty=False, clock=clock) as progress:
        for done in range(0, 1000, 100):
            clock.now += 0.1
            progress(done, 1000)
    assert out.getvalue() == ""


def test_plain_lines_every_few_seconds_and_a_last_line():
    out, clock = io.StringIO(), Clock()
    with Progress("Writing the report", out, tty=False, clock=clock) as progress:
        clock.now += QUIET_S
        progress(250_000, 1_000_000)
        clock.now += 1
        progress(300_000, 1_000_000)  # too soon for another line
        clock.now += LINE_EVERY_S
        progress(900_000, 1_000_000)
    assert out.getvalue().splitlines() == [
        "Writing the report: 25% (250,000 of 1,000,000)",
        "Writing the report: 90% (900,000 of 1,000,000)",
        "Writing the report: done (1,000,000)",
    ]


def test_a_bar_on_a_terminal_is_erased_at_the_end_and_before_a_message():
    out, clock = io.StringIO(), Clock()
    with Progress("Comparing", out, tty=True, clock=clock) as progress:
        clock.now += QUIET_S
        progress(5, 10)
        drawn = out.getvalue()
        assert drawn.startswith("Comparing: [############............] 50% (5 of 10)")
        progress.say("a warning")
        assert out.getvalue().endswith("\r" + " " * len(drawn) + "\ra warning\n")
        clock.now += 1
        progress(7, None)  # unknown total: the count only
        assert out.getvalue().endswith("Comparing: 7")
    assert out.getvalue().endswith("\r" + " " * len("Comparing: 7") + "\r")


def test_an_interrupted_run_prints_no_done_line():
    out, clock = io.StringIO(), Clock()
    try:
        with Progress("Backing up", out, tty=False, clock=clock) as progress:
            clock.now += QUIET_S
            progress(1, 4)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert out.getvalue().splitlines() == ["Backing up: 25% (1 of 4)"]
