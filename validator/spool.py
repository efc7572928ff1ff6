"""Spools: text or objects kept in a temporary file while a run goes on, to be used at its end (the JSON
report's findings come before its summary, a JUnit file's totals before its suites, the files after
one compared with others wait for the comparison). The operating system's page cache holds them, not
the process: memory stays flat however many files."""

from __future__ import annotations

import pickle
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO, Any, TextIO


class TextSpool:
    """Text appended piece by piece, copied out once (or more) at the end."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None  # made at the first write: most spools of a small run stay empty

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
            weakref.finalize(self, self._file.close)  # closed when dropped too (a run stopped by an error)
        self._file.write(text)

    def copy_to(self, out: TextIO, indent: str = "") -> None:
        """Everything written, each line after the first prefixed with `indent`."""
        if self._file is None:
            return
        self._file.seek(0)
        for number, line in enumerate(self._file):
            out.write(line if number == 0 else indent + line)
        self._file.seek(0, 2)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class PickleSpool:
    """Objects appended one by one and read back in the same order."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self.count = 0

    def append(self, item: object) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()
            weakref.finalize(self, self._file.close)
        pickle.dump(item, self._file, pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Any]:
        if self._file is None:
            return
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
