"""Python's cycle collector, paused while a clinic's picture is read and built.

A network's evaluation makes hundreds of thousands of small objects (rows, signals,
evidence, transitions) that form no reference cycles, yet as they pile up the collector
rescans the whole heap again and again: a quarter of the evaluation time of a 1,000-patient
network. Reference counting still frees everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block; it resumes after unless it was already off.

    Nested or concurrent pauses are safe: only the pause that found it on turns it back on
    (another thread's evaluation may resume it early: merely slower, never left off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
