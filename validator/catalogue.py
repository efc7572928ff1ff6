"""The catalogue of standard tables (rules/tables.yaml): which kind a title names, row aliases.

A user's tables.yaml (given with --rules, or named by the configuration's `tables`) has the same
form and adds to the built-in catalogue: a new kind with its name and titles, or more titles and row
aliases for a kind already there (and, if it gives a `name`, the name findings call that table by).
Nothing is ever removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import builtin_cache
from .errors import RuleError
from .labels import label_key, normalise
from .packs import builtin_rules_dir

if TYPE_CHECKING:
    import yaml

CATALOGUE_FILE = "tables.yaml"
# The built-in catalogues, one per kind of document: 决算 tables, then 预算 tables
BUILTIN_CATALOGUE_FILES = (CATALOGUE_FILE, "budget_tables.yaml")
# What a disclosure is: its tables and their titles differ, so each kind has its own catalogue
DocumentSort = Literal["决算", "预算"]
# A leading unit name and year often precede the standard title: "XX局2023年度收入决算表".
_YEAR_PREFIX = re.compile(r"^.*?\d{4}年(?:度)?")
# A kind is a name in rule expressions (T5["行政运行", "项目支出"]): upper case, unlike functions and loop variables.
KindId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]


class _TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None  # required for a new kind
    titles: list[str] = Field(default_factory=list)  # at least one for a new kind
    rows: dict[str, list[str]] = Field(default_factory=dict)


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: DocumentSort | None = None  # the kind of document its tables belong to (None: any)
    tables: dict[KindId, _TableSpec]


@dataclass(frozen=True)
class TableKind:
    id: str
    name: str
    titles: tuple[str, ...]
    row_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # normalised key -> keys
    document: DocumentSort | None = None  # 决算 or 预算 tables; None: a user's table of either


@dataclass(frozen=True)
class Catalogue:
    kinds: dict[str, TableKind]
    # (kind id, normalised title), longest title first
    title_suffixes: tuple[tuple[str, str], ...]

    def kind_of(self, title: str) -> str | None:
        """The kind whose standard title the printed title ends with (longest title first)."""
        return _kind_of(self.title_suffixes, title)

    def aliases(self, kind: str | None, key: str) -> tuple[str, ...]:
        if kind is None or kind not in self.kinds:
            return (key,)
        return (key, *self.kinds[kind].row_aliases.get(key, ()))


_EMPTY = Catalogue({}, ())


@lru_cache(maxsize=4096)  # titles repeat: fourteen 自评表 in a file, the same tables in every file of a batch
def _kind_of(title_suffixes: tuple[tuple[str, str], ...], title: str) -> str | None:
    text = label_key(title)
    stripped = _YEAR_PREFIX.sub("", text)
    suffixes = tuple(suffix for _, suffix in title_suffixes)
    if not (text.endswith(suffixes) or stripped.endswith(suffixes)):  # one test for a title of no kind
        return None
    for kind_id, suffix in title_suffixes:
        if text.endswith(suffix) or stripped.endswith(suffix):
            return kind_id
    return None


@cache
def builtin_catalogue() -> Catalogue:
    catalogue = _EMPTY
    for file in BUILTIN_CATALOGUE_FILES:
        catalogue = _with_builtin_file(catalogue, file)
    return catalogue


def _with_builtin_file(base: Catalogue, file: str) -> Catalogue:
    """The file's parse kept between runs (builtin_cache); its nodes, which give a mistake its line,
    only parsed for a mistake (none in a release)."""
    name, text = f"rules/{file}", builtin_rules_dir().joinpath(file).read_text(encoding="utf-8")
    data = builtin_cache.parsed(name, text, lambda name, text: _parsed(name, text)[0])
    return _with_tables(base, name, data, lambda: _parsed(name, text)[1])


def merged_catalogue(paths: Sequence[Path]) -> Catalogue:
    """The built-in catalogue with these users' catalogues added, in order. Raises RuleError."""
    catalogue = builtin_catalogue()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RuleError(str(path), None, f"无法读取表格目录：{error}") from None
        catalogue = extended(catalogue, str(path), text)
    return catalogue


def extended(base: Catalogue, name: str, text: str) -> Catalogue:
    """`base` with the kinds, titles and row aliases of the catalogue file `text` added; RuleError
    naming the file and line of a mistake."""
    data, node = _parsed(name, text)
    return _with_tables(base, name, data, lambda: node)


def _parsed(name: str, text: str) -> tuple[Any, yaml.Node]:
    # PyYAML is imported only where a file is parsed (a twentieth of a one-file check's start-up)
    from .yamlnodes import load_rule_yaml

    return load_rule_yaml(name, text, "表格目录")


def _with_tables(base: Catalogue, name: str, data: Any, node: Callable[[], yaml.Node]) -> Catalogue:
    """`base` with the tables of a catalogue file's data added; `node()` gives the file's YAML nodes,
    which a mistake's line is read from."""
    try:
        parsed = _CatalogueFile.model_validate(data)
    except ValidationError as error:
        from .yamlnodes import first_problem

        raise RuleError(name, *first_problem(error, node())) from None
    kinds = dict(base.kinds)
    for kind_id, spec in parsed.tables.items():
        old = kinds.get(kind_id)
        if old is None and (spec.name is None or not spec.titles):
            from .yamlnodes import line_of

            raise RuleError(name, line_of(node(), ("tables", kind_id)),
                            f"tables.{kind_id}: 新的表格须给出 name 和至少一个 titles"
                            f"（已有的表格：{'、'.join(base.kinds) or '无'}）")
        aliases = dict(old.row_aliases) if old else {}
        for label, more in spec.rows.items():
            key = label_key(label)
            aliases[key] = _added(aliases.get(key, ()), (label_key(a) for a in more))
        kinds[kind_id] = TableKind(kind_id, spec.name or old.name,  # type: ignore[union-attr]
                                   _added(old.titles if old else (), spec.titles), aliases,
                                   old.document if old else parsed.document)
    suffixes = sorted(((k.id, normalise(t)) for k in kinds.values() for t in k.titles), key=lambda p: -len(p[1]))
    return Catalogue(kinds, tuple(suffixes))


def _added(present: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    """`present` and then each of `more` not yet in it."""
    return tuple(dict.fromkeys((*present, *more)))
