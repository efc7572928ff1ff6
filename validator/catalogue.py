"""The catalogue of standard tables (rules/tables.yaml): which kind a title names, row aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import yaml
from pydantic import BaseModel, ConfigDict

from .labels import label_key, normalise
from .packs import builtin_rules_dir

# A leading unit name and year often precede the standard title: "XX局2023年度收入决算表".
_YEAR_PREFIX = re.compile(r"^.*?\d{4}年(?:度)?")


class _TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    titles: list[str]
    rows: dict[str, list[str]] = {}


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: dict[str, _TableSpec]


@dataclass(frozen=True)
class TableKind:
    id: str
    name: str
    titles: tuple[str, ...]
    row_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # normalised key -> keys


@dataclass(frozen=True)
class Catalogue:
    kinds: dict[str, TableKind]
    # (kind id, normalised title), longest title first
    title_suffixes: tuple[tuple[str, str], ...]

    def kind_of(self, title: str) -> str | None:
        """The kind whose standard title the printed title ends with (longest title first)."""
        text = label_key(title)
        candidates = [text]
        stripped = _YEAR_PREFIX.sub("", text)
        if stripped != text:
            candidates.append(stripped)
        for kind_id, suffix in self.title_suffixes:
            if any(c.endswith(suffix) for c in candidates):
                return kind_id
        return None

    def aliases(self, kind: str | None, key: str) -> tuple[str, ...]:
        if kind is None or kind not in self.kinds:
            return (key,)
        return (key, *self.kinds[kind].row_aliases.get(key, ()))


@cache
def builtin_catalogue() -> Catalogue:
    text = builtin_rules_dir().joinpath("tables.yaml").read_text(encoding="utf-8")
    parsed = _CatalogueFile.model_validate(yaml.safe_load(text))
    kinds = {}
    for kind_id, spec in parsed.tables.items():
        aliases = {label_key(k): tuple(label_key(a) for a in v) for k, v in spec.rows.items()}
        kinds[kind_id] = TableKind(kind_id, spec.name, tuple(spec.titles), aliases)
    suffixes = sorted(((k.id, normalise(t)) for k in kinds.values() for t in k.titles), key=lambda p: -len(p[1]))
    return Catalogue(kinds, tuple(suffixes))
