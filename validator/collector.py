"""The cyclic garbage collector kept off objects that live on: what start-up makes, and what lived
before a file was read and checked."""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def spared() -> Iterator[None]:
    """While a file is read or checked, what was alive before (the rules, the modules, the caller's data)
    is out of the cyclic collector's sight: its collections traverse the file's objects only. Nothing
    stays frozen after (what became garbage is collected as ever), and a process that froze objects
    itself is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def paused() -> Iterator[None]:
    """Start-up (importing the checks' modules, validating the rules) makes some 50,000 containers that all
    live as long as the process: the cyclic collector would go through them again and again (0.03 CPU-s
    of a one-file check) and find no garbage. Paused meanwhile; then they join the oldest generation
    (frozen and unfrozen at once), which a collection of the young objects leaves alone. A process that
    paused or froze the collector itself is left as it is."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def frozen_at_exit() -> None:
    """At exit, everything alive is frozen: the interpreter's last collections would go through every
    object of the run (0.04 CPU-s after a one-file check) only to free memory the process gives back
    anyway; the output is flushed and atexit's clean-ups run before. Registered once however often asked."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
