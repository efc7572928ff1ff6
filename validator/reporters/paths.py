"""File paths as CI tools want them: relative to the working directory (the repository root in a CI job)."""

from __future__ import annotations

from pathlib import Path


def relative_path(path: str) -> str:
    """`path` relative to the working directory when it lies below it, else as given; forward slashes."""
    given = Path(path)
    if given.is_absolute():
        try:
            return given.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return given.as_posix()
    return given.as_posix()
