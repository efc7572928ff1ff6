"""An alarm for a thread other than the main one (a Dask worker runs each task in a thread, where
SIGALRM cannot reach: Python runs signal handlers in the main thread only).

A timer raises the exception in the checking thread through CPython's PyThreadState_SetAsyncExc.
Like a signal handler's, it strikes between two Python instructions: a long call inside a native
library (PDFium, OCR) is stopped when it returns, a blocking sleep or read when it ends.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
_raise_in.argtypes = (ctypes.c_ulong, ctypes.py_object)


@contextmanager
def thread_alarm(seconds: float, exception: type[BaseException]) -> Iterator[None]:
    """Raise `exception` in this thread if the block takes longer than `seconds`: only inside it, or in
    the block's own clean-up, never after it."""
    target = threading.get_ident()
    lock = threading.Lock()  # the timer raises only while the block runs; the clean-up withdraws a late one
    finished = False

    def strike() -> None:
        with lock:
            if not finished:
                _raise_in(target, exception)

    timer = threading.Timer(seconds, strike)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            finished = True
            _raise_in(target, ctypes.py_object())  # a NULL exception withdraws one not raised yet
