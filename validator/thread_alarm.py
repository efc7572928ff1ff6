"""An alarm for a thread other than the main one (a Dask worker runs each task in a thread, where
SIGALRM cannot reach: Python runs signal handlers in the main thread only).

A timer raises the exception in the checking thread through CPython's PyThreadState_SetAsyncExc.
Like a signal handler's, it strikes between two Python instructions: a long call inside a native
library (PDFium, OCR) is stopped when it returns, a blocking sleep or read when it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


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
            _raise_in(target, None)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """CPython's PyThreadState_SetAsyncExc: `exception` raised in the thread, or (None) withdrawn if not raised yet."""
    import ctypes  # here: a check that never runs in a thread does not import it at start-up

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                               ctypes.py_object() if exception is None else ctypes.py_object(exception))
