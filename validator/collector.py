"""The cyclic garbage collector kept off what lived before a file was read and checked."""

from __future__ import annotations

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
