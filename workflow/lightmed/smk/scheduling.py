"""The end of a run: the Snakemake process exits when its last job has finished.

Snakemake's job rate limiter (``--max-jobs-per-timespan``, default ``100/1s``) re-evaluates the
schedule one timespan after every scheduling round that had jobs to start, with a
``threading.Timer`` (``JobScheduler._schedule_reevalutation``, Snakemake 8 and 9). The timer
thread is not a daemon, and Python waits for such threads at exit, so the round that starts
``rule all`` keeps a finished run alive for up to one more second: about 1 s of every run that
ran jobs, measured on a figure-style rerun (15.9 s to the last job's end, 17.3 s to exit). The
timespan's unit has no finer step than ``s`` (``100/100ms`` reads as 100 minutes), and ``0s``
would re-evaluate in a busy loop, so the profile cannot shorten it.
"""

from __future__ import annotations

import threading


def cancel_pending_timers() -> int:
    """Cancel every ``threading.Timer`` that has not fired yet; how many.

    Called from the Snakefile's ``onsuccess`` and ``onerror`` handlers, which Snakemake runs in
    the main process after its scheduler has returned: no job is running or waiting then, and
    the scheduler's timers only wake a loop that has ended.
    """
    timers = [
        thread
        for thread in threading.enumerate()
        if isinstance(thread, threading.Timer) and not thread.finished.is_set()
    ]
    for timer in timers:
        timer.cancel()
    return len(timers)
