"""The built-in rule packs and data files (vocabulary, subjects, parts) as parsed from YAML, kept
between runs.

Parsing them (with the node tree that gives each rule its line) is a sixth of a one-file check's
CPU time and is repeated by every process of a batch, though they only change with budgetlint
itself. So what a parse gives is kept as `marshal` data in the user's cache folder, one file per
YAML file, keyed by its name, its text and the version: a changed file or another release never
reads a stale copy. Anything wrong with the cache (no home, a read-only disk, a damaged or
foreign file) only means parsing again; a user's own files are never cached.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .version import __version__

T = TypeVar("T")


def cache_folder() -> Path:
    """$BUDGETLINT_RULE_CACHE, else budgetlint/ under $XDG_CACHE_HOME or ~/.cache."""
    if os.environ.get("BUDGETLINT_RULE_CACHE"):
        return Path(os.environ["BUDGETLINT_RULE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "budgetlint"


def parsed(name: str, text: str, parse: Callable[[str, str], T]) -> T:
    """`parse(name, text)`, from the cache when this very text was parsed before (its result must be
    plain data: dicts, lists, strings, numbers, None)."""
    key = hashlib.sha256(f"{__version__}\0{name}\0{text}".encode()).hexdigest()
    try:
        path = cache_folder() / f"{key}.marshal"
    except RuntimeError:  # no home folder to put it under
        return parse(name, text)
    try:
        return marshal.loads(path.read_bytes())  # type: ignore[no-any-return]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    result = parse(name, text)
    _store(path, result)
    return result


def yaml_data(name: str, text: str) -> Any:
    """A built-in data file's YAML as plain data, from the cache when this very text was parsed before."""
    return parsed(name, text, _yaml_data)


def _yaml_data(name: str, text: str) -> Any:
    import yaml  # only when the cache has no parse of the file: PyYAML is a twentieth of a one-file check

    from .yamlnodes import SAFE_LOADER

    return yaml.load(text, Loader=SAFE_LOADER)


def _store(path: Path, data: object) -> None:
    """Written to a temporary file and renamed: another process never reads half a file."""
    try:
        content = marshal.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except (OSError, ValueError):  # a read-only disk; data marshal cannot hold
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
