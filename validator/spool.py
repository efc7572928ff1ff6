"""Spools: text or objects kept in a temporary file while a run goes on, to be used at its end (the JSON
report's findings come before its summary, a JUnit file's totals before its suites, the files after
one compared with others wait for the comparison, the budgets to compare are read back unit by unit).
The operating system's page cache holds them, not the process: memory stays flat however many files."""

from __future__ import annotations

import pickle
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO, Any, TextIO


class _Spool:
    """A temporary file made at the first write (most spools of a small run stay empty), deleted when closed."""

    def __init__(self) -> None:
        self._file: IO[Any] | None = None

    def _opened(self, mode: str, **text: str) -> IO[Any]:
        if self._file is None:
            self._file = tempfile.TemporaryFile(mode, **text)
            weakref.finalize(self, self._file.close)  # closed when dropped too (a run stopped by an error)
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class TextSpool(_Spool):
    """Text appended piece by piece, copied out once (or more) at the end."""

    def write(self, text: str) -> None:
        self._opened("w+", encoding="utf-8", newline="").write(text)

    def copy_to(self, out: TextIO, indent: str = "") -> None:
        """Everything written, each line after the first prefixed with `indent`."""
        if self._file is None:
            return
        self._file.seek(0)
        for number, line in enumerate(self._file):
            out.write(line if number == 0 else indent + line)
        self._file.seek(0, 2)


class PickleSpool(_Spool):
    """Objects appended one by one and read back in the same order."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def append(self, item: object) -> None:
        pickle.dump(item, self._opened("w+b"), pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Any]:
        if self._file is None:
            return
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)


class RecordSpool(_Spool):
    """Texts appended one by one, each read back by the place `append` gave, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self._end = 0

    def append(self, text: str) -> tuple[int, int]:
        """The text's place: (offset, length in bytes)."""
        data = text.encode()
        file = self._opened("w+b")
        file.seek(self._end)
        file.write(data)
        place = (self._end, len(data))
        self._end += len(data)
        return place

    def read(self, place: tuple[int, int]) -> str:
        assert self._file is not None, "read before anything was appended"
        offset, length = place
        self._file.seek(offset)
        return self._file.read(length).decode()
