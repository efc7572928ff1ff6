"""The 政府收支分类科目 as data (rules/subjects.yaml): each code's name in force, and the names past
reforms retired with the last year each was in force. A code the catalogue does not hold is never judged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict

from .builtin_cache import yaml_data
from .labels import normalise
from .packs import builtin_rules_dir

SUBJECTS_FILE = "subjects.yaml"


class _Renamed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    retired: dict[str, int]  # old name -> the last year it was in force


class _SubjectsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    subjects: dict[str, str | _Renamed]


@dataclass(frozen=True)
class Retired:
    code: str
    name: str  # as the classification wrote it
    last_year: int
    current: str  # the code's name in force today


class Subjects:
    def __init__(self, entries: dict[str, str | _Renamed]) -> None:
        self.current = {code: e if isinstance(e, str) else e.name for code, e in entries.items()}
        self.retired = [Retired(code, old, year, e.name) for code, e in entries.items() if isinstance(e, _Renamed)
                        for old, year in e.retired.items()]
        self._in_force = {same_name_key(name) for name in self.current.values()}

    def retired_in(self, name: str, year: int, code: str | None = None) -> Retired | None:
        """The retired name `name` is in a document of `year`: printed with its code, a name that code
        carried before; printed alone, a name no code carries any more (住房公积金 left 30311 but is
        30113's name)."""
        key = same_name_key(name)
        if code is None and key in self._in_force or code is not None and key == same_name_key(
                self.current.get(code, "")):
            return None
        return next((r for r in self.retired if same_name_key(r.name) == key and year > r.last_year
                     and code in (None, r.code)), None)

    def retired_names(self, level: int | None = None) -> list[Retired]:
        """The retired names of subjects of one level (1 类, 2 款, 3 项), or all."""
        return [r for r in self.retired if level is None or len(r.code) == 2 * level + 1]


def same_name_key(name: str) -> str:
    """Two names of one subject compare equal: printed widths, spaces, 与/和 and a class's trailing
    支出 ("一般公共服务（类）支出" names 一般公共服务支出) do not count."""
    key = normalise(name)
    return key[:-2] if key.endswith("支出") else key


@cache
def subjects() -> Subjects:
    text = builtin_rules_dir().joinpath(SUBJECTS_FILE).read_text(encoding="utf-8")
    return Subjects(_SubjectsFile.model_validate(yaml_data(f"rules/{SUBJECTS_FILE}", text)).subjects)

