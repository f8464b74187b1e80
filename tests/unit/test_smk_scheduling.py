"""lightmed.smk.scheduling: a finished run does not wait for Snakemake's rate-limiter timer."""

from __future__ import annotations

import threading

from lightmed.smk.scheduling import cancel_pending_timers


def test_pending_timers_are_cancelled_and_their_threads_end():
    fired = []
    timer = threading.Timer(30.0, lambda: fired.append(True))
    timer.start()
    done = threading.Timer(0.0, lambda: fired.append("done"))
    done.start()
    done.join(5)
    assert cancel_pending_timers() == 1  # the pending one; a timer that fired is left alone
    timer.join(5)
    assert not timer.is_alive()
    assert fired == ["done"]


def test_snakefile_cancels_timers_when_a_run_ends():
    from helpers import REPO

    text = (REPO / "Snakefile").read_text()
    for hook in ("onsuccess:", "onerror:"):
        block = text.split(hook, 1)[1].split("\n\n", 1)[0]
        assert "cancel_pending_timers()" in block, hook
