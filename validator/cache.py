"""Outcomes of checked files kept between runs (`budgetlint check --cache DIR`).

A file is checked again only when something that decides its outcome changed: its bytes (sha256), its
name (the reader goes by the suffix, a year may come from the name), the per-file-ignores that apply to
it, or the run's fingerprint: budgetlint's code and built-in rules, the extra rule files and table
catalogues, the options that change findings, the reader libraries and the OCR switch. A stale entry is
never matched again. Each outcome is committed as it arrives, so an interrupted run resumes where it
stopped. Outcomes are JSON in an SQLite database in WAL mode (two runs may share one cache); only
reproducible ones are kept: a timeout, a crashed worker or a bug may pass next time. A budget to compare
with others keeps what the comparison reads with its outcome (validator.kept_documents), so a re-run
reads no file that did not change.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sqlite3
import stat
import sys
import time
import types
from collections.abc import Callable, Iterator, MutableMapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from .checking import CheckOptions, FileOutcome, comparable, configured_catalogue, glob_root, ignored_rules
from .document_identity import Identity
from .errors import CacheError
from .findings import FileResult, Finding, Skip
from .kept_documents import KeptDocument, kept
from .packs import builtin_rules_dir
from .readers import read_document
from .version import __version__

DATABASE = "budgetlint-cache.sqlite3"
FORMAT = "budgetlint-cache/1"  # the key and the JSON of an outcome; another format never matches
T = TypeVar("T")

_BUSY_SECONDS = 60.0  # another run writing to the same cache: wait for its commit
# CheckOptions fields that do not decide a file's outcome, or enter the key in another form (the
# files' contents, the ignores that apply to each file)
_NOT_DECIDING = frozenset({"rules", "tables", "per_file_ignores", "root", "exclude", "force_exclude",
                           "keep_documents", "compare_documents"})
_READER_PACKAGES = ("pypdfium2", "openpyxl", "xlrd", "rapidocr", "onnxruntime", "opencv-python-headless")
# SQLite's messages, as a user reads them
_PROBLEMS = {"file is not a database": "文件已损坏或不是 SQLite 数据库",
             "database disk image is malformed": "数据库文件已损坏",
             "readonly database": "没有写入权限", "unable to open database file": "无法打开数据库文件",
             "database is locked": "数据库被另一个进程长时间占用", "disk I/O error": "磁盘读写错误",
             "database or disk is full": "磁盘空间不足"}
_NAMING_TEXTS = ("message", "error", "reason")  # the texts of an outcome that may name its file


class OutcomeCache:
    """The outcomes kept in `folder` for runs with these options; `hits` and `checked` count this run's files."""

    def __init__(self, folder: Path, options: CheckOptions) -> None:
        self.path = folder / DATABASE
        self.options = options
        self.fingerprint = fingerprint(options)
        self.hits = 0
        self.checked = 0
        self.failure: str | None = None  # why storing stopped during the run (the run goes on without it)
        self._root = glob_root(options)
        self._keys: dict[str, str] = {}  # path -> key, from lookup to store
        self._connection = _connect(folder, self.path)

    def __enter__(self) -> OutcomeCache:
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.close()

    def lookup(self, path: Path) -> FileOutcome | None:
        """The outcome kept for this file (its findings naming `path`), without its document (a budget's
        with what a comparison reads, when it was checked among others); None when there is none, or the
        file cannot be hashed (it is then checked as usual)."""
        key = self._key(path)
        if key is None:
            return None
        try:
            row = _patiently(lambda: self._connection.execute("SELECT outcome FROM outcomes WHERE key = ?",
                                                              (key,)).fetchone())
        except sqlite3.Error as error:
            raise CacheError(_problem(self.path, error)) from None
        if row is None:
            self._keys[str(path)] = key  # for store, without hashing the file again
            return None
        return outcome_from_dict(json.loads(row[0]), str(path))

    def store(self, path: Path, outcome: FileOutcome) -> None:
        """Keep a reproducible outcome, committed at once; a failure stops storing (said in `failure`)."""
        key = self._keys.pop(str(path), None) or self._key(path)
        if key is None or not outcome.reproducible or self.failure:
            return
        try:
            row = (key, json.dumps(outcome_to_dict(outcome), ensure_ascii=False))
            _patiently(lambda: self._connection.execute("INSERT OR REPLACE INTO outcomes VALUES (?, ?)", row))
        except sqlite3.Error as error:
            self.failure = _problem(self.path, error)

    def filled(self, files: list[Path], done: MutableMapping[int, FileOutcome],
               options: CheckOptions) -> tuple[list[Path], MutableMapping[int, FileOutcome]]:
        """Put the kept outcomes of `files` into `done` (by input position), each as the run needs it
        (`options`: the run's; _for_run); returns the files left to check and the mapping an executor
        fills for them (by their position among those left)."""
        if _as_kept(options) != _as_kept(self.options):
            raise ValueError("the cache was opened with other options than the run's")
        left = []
        for position, path in enumerate(files):
            outcome = self.lookup(path)
            if outcome is not None:
                outcome = _for_run(outcome, path, options)
            if outcome is None:
                left.append(position)
            else:
                done[position] = outcome
                self.hits += 1
        return [files[p] for p in left], _Storing(self, [files[p] for p in left], left, done)

    def _key(self, path: Path) -> str | None:
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode) or status.st_size > self.options.max_bytes:
                return None  # refused by the reader without reading it: quick to check again
            with path.open("rb") as file:
                content = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            return None
        ignored = ignored_rules(self.options, path, self._root)
        return hashlib.sha256(json.dumps([self.fingerprint, path.name, ignored, content]).encode()).hexdigest()


class _Storing(MutableMapping[int, FileOutcome]):
    """The outcomes of the files left to check, by position among them: each is stored in the cache as
    it arrives and put into the run's outcomes at the file's position in the input."""

    def __init__(self, cache: OutcomeCache, files: list[Path], positions: list[int],
                 done: MutableMapping[int, FileOutcome]) -> None:
        self._cache, self._files, self._positions, self._done = cache, files, positions, done
        self._set: set[int] = set()

    def __setitem__(self, index: int, outcome: FileOutcome) -> None:
        self._cache.store(self._files[index], outcome)
        self._done[self._positions[index]] = outcome
        self._set.add(index)
        self._cache.checked = len(self._set)

    def __getitem__(self, index: int) -> FileOutcome:
        if index not in self._set:
            raise KeyError(index)
        return self._done[self._positions[index]]

    def __delitem__(self, index: int) -> None:
        self._set.remove(index)
        del self._done[self._positions[index]]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._set))

    def __len__(self) -> int:
        return len(self._set)


def _as_kept(options: CheckOptions) -> CheckOptions:
    """The options but what only decides whether documents are kept alongside outcomes."""
    return dataclasses.replace(options, keep_documents=False, compare_documents=False)


def fingerprint(options: CheckOptions) -> str:
    """A digest of everything besides a file's bytes, name and ignores that decides its outcome."""
    deciding = {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name not in _NOT_DECIDING}
    parts = [FORMAT, __version__, sys.version_info[:2], _code_digest(), _libraries(),
             os.environ.get("BUDGETLINT_OCR"), deciding, [_contents(path) for path in (*options.rules, *options.tables)]]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """budgetlint's own code and built-in rule packs: any change checks every file again."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    for entry in sorted(builtin_rules_dir().iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


@functools.cache
def _libraries() -> dict[str, str | None]:
    """The versions of the libraries that read inputs (None: not installed), which decide what is read."""
    versions: dict[str, str | None] = {}
    for name in _READER_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _contents(path: Path) -> list[tuple[str, str | None]]:
    """A rule file or table catalogue, or every file under a rule folder: (name, digest of the bytes) each."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [(p.relative_to(path).as_posix() if path.is_dir() else p.name, _digest(p)) for p in files]


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _for_run(outcome: FileOutcome, path: Path, options: CheckOptions) -> FileOutcome | None:
    """The outcome with what the run needs besides: for reports that show the tables its document, read
    again (no rules run); for a budget to compare what the comparison reads, as kept (read again when the
    outcome was stored by a run that compared nothing). None when the file no longer reads (it is then
    checked again)."""
    compare = options.compare_documents and comparable(outcome.result)
    budget = outcome.kept if compare else None
    if not options.keep_documents and (budget or not compare):
        return dataclasses.replace(outcome, kept=budget)
    try:
        document = read_document(path, configured_catalogue(options), options.max_bytes)
    except Exception:  # ReadError or a bug: whatever it is, checking the file again reports it
        return None
    if compare and budget is None:
        assert outcome.result.document_identity is not None, "a budget compared has an identity"
        budget = kept(document, Identity(**outcome.result.document_identity))
    return dataclasses.replace(outcome, document=document if options.keep_documents else None, kept=budget)


def _connect(folder: Path, path: Path) -> sqlite3.Connection:
    """The database, created when new; anything that would stop storing is found here, before the run."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # each statement commits; an executor may hand over outcomes from a thread of its own
        connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as error:
        raise CacheError(_problem(path, error)) from None
    try:
        _patiently(lambda: _prepare(connection))
    except sqlite3.Error as error:
        connection.close()
        raise CacheError(_problem(path, error)) from None
    return connection


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")  # in WAL mode a commit survives a crash of the process
    connection.execute("CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, outcome TEXT NOT NULL)")
    connection.execute("SELECT count(*) FROM outcomes LIMIT 1").fetchone()
    connection.execute("BEGIN IMMEDIATE")  # can it be written?
    connection.execute("ROLLBACK")


def _patiently(call: Callable[[], T]) -> T:
    """The call, tried again while another run holds the database. SQLite's own wait (the connection's
    timeout) does not cover every case: two runs opening a new cache at once may each hold a read lock
    and want the file for themselves (to turn on WAL), and one is told "database is locked" at once
    rather than wait for the other. Such an answer is waited out, up to _BUSY_SECONDS in all."""
    deadline = time.monotonic() + _BUSY_SECONDS
    pause = 0.005
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            busy = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.25)


def _problem(path: Path, error: Exception) -> str:
    text = str(error)
    said = next((words for english, words in _PROBLEMS.items() if english in text), None)
    if isinstance(error, OSError) and error.strerror:
        said = error.strerror
    return f"无法使用缓存 {path}：{said or text}（删除该文件夹即可清空缓存）"


def outcome_to_dict(outcome: FileOutcome) -> dict[str, Any]:
    """The outcome as JSON data, its document left out (a budget's kept for comparison in)."""
    return {"result": dataclasses.asdict(outcome.result), "findings": [dataclasses.asdict(f) for f in outcome.findings],
            "skips": [dataclasses.asdict(s) for s in outcome.skips]
            } | ({"kept": dataclasses.asdict(outcome.kept)} if outcome.kept else {})


def outcome_from_dict(data: dict[str, Any], path: str) -> FileOutcome:
    """The outcome outcome_to_dict gave, naming `path` where it named the file it was stored for."""
    stored = data["result"]["path"]
    if stored != path:
        data = _renamed(data, stored, path)
    result, finding, skip, budget = _decoder(FileResult), _decoder(Finding), _decoder(Skip), _decoder(KeptDocument)
    assert result and finding and skip and budget
    return FileOutcome(result(data["result"]), list(map(finding, data["findings"])), list(map(skip, data["skips"])),
                       reproducible=True, kept=budget(data["kept"]) if "kept" in data else None)


def _renamed(data: Any, old: str, new: str, key: str | None = None) -> Any:
    """Every mention of the file's old path as the new one: the path fields, and the path inside messages."""
    if isinstance(data, dict):
        return {k: _renamed(v, old, new, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_renamed(v, old, new) for v in data]
    if data == old:
        return new
    if key in _NAMING_TEXTS and isinstance(data, str):
        return data.replace(old, new)
    return data


@functools.cache
def _decoder(kind: Any) -> Callable[[Any], Any] | None:
    """How a value of type `kind` (a dataclass, tuple, list or optional of them) is built from what
    dataclasses.asdict gave; None when it is that already (a string, a number, a dict). Made once per type."""
    origin, args = get_origin(kind), get_args(kind)
    if dataclasses.is_dataclass(kind):
        fields = {name: _decoder(hint) for name, hint in get_type_hints(kind).items()}
        converted = {name: decode for name, decode in fields.items() if decode}

        def build(data: dict[str, Any]) -> Any:
            for name, decode in converted.items():
                if data.get(name) is not None:
                    data[name] = decode(data[name])
            return kind(**data)
        return build
    if origin in (Union, types.UnionType):  # an optional value: None stays None (build does not decode it)
        return _decoder(next(a for a in args if a is not type(None)))
    if origin is tuple:
        if args[-1:] == (Ellipsis,):
            item = _decoder(args[0])
            return (lambda values: tuple(map(item, values))) if item else tuple
        items = [_decoder(a) or (lambda value: value) for a in args]
        return lambda values: tuple(decode(value) for decode, value in zip(items, values, strict=True))
    if origin is list and _decoder(args[0]):
        item = _decoder(args[0])
        return lambda values: list(map(item, values))
    return None
