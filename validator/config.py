"""Configuration: `budgetlint.toml`, or `[tool.budgetlint]` in pyproject.toml.

The first folder from the working directory upward that holds either file gives the configuration
(budgetlint.toml first; a pyproject.toml counts only with a [tool.budgetlint] table); `--config PATH`
names one instead. Paths in it (`rules`, `tables`, `exclude` and `per-file-ignores` globs) are relative
to its folder. Command-line options override it key by key, except `--rules` and `--extend-select`, which add
to its values. Keys are checked strictly: an unknown or misspelt key is an error naming the file and
the key, and so is a rule id or prefix that matches no rule (with the closest id).

    rules = ["本省规则/"]
    tables = ["本省表格.yaml"]     # table kinds, titles and row aliases added to rules/tables.yaml
    select = ["T", "X", "SE", "G"]
    extend-select = ["NR"]
    ignore = ["D-03"]
    exclude = ["历年/**", "草稿"]
    fail-on = "warning"
    cache = ".budgetlint-cache"   # keep each file's outcome: a re-run checks only new or changed files
    [per-file-ignores]
    "历年/**" = ["SE"]
    [severity]
    SE-12 = "info"
    [grades]                      # the band table of every score-to-grade check (G-01)
    bands = {"优" = 90, "良" = 80, "合格" = 60, "不合格" = 0}   # TOML: non-ASCII keys are quoted
    [parameters]                  # named figures the rules declare (SE-07: full_marks)
    full_marks = 100
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .checking import CheckOptions, configured_rules
from .errors import ConfigError, SettingError, UnknownRuleIdError
from .findings import Severity
from .readers import DEFAULT_MAX_BYTES
from .ruleset import GradeCheck, Rule, declared_parameters

CONFIG_FILE = "budgetlint.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_TIMEOUT = 300.0  # seconds per file: far beyond a 300-page PDF, short of a hung run
TIMEOUT_RANGE = (0.1, 86_400.0)  # below a tenth of a second nothing is read; beyond a day is no limit
DEFAULT = "默认"
COMMAND_LINE = "命令行"

class _Strict(BaseModel):
    # built when first used: a check without a configuration file validates none of these
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class GradesSection(_Strict):
    bands: dict[str, Decimal] = Field(min_length=1)  # grade -> the score its band starts at
    synonyms: dict[str, str] = Field(default_factory=dict)  # a grade word as printed -> the band's name (优秀 -> 优)

    @model_validator(mode="after")
    def _synonyms_name_bands(self) -> GradesSection:
        stray = sorted(set(self.synonyms.values()) - self.bands.keys())
        if stray:
            raise ValueError(f"synonyms 指向不在 bands 中的等级：{'、'.join(stray)}")
        return self


class ConfigFile(_Strict):
    rules: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list, alias="extend-select")
    ignore: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-file-ignores")
    severity: dict[str, Severity] = Field(default_factory=dict)
    fail_on: Literal[Severity, "never"] | None = Field(None, alias="fail-on")
    max_bytes: int | None = Field(None, alias="max-bytes", ge=1)
    jobs: int | None = Field(None, ge=1)
    timeout: float | None = Field(None, ge=TIMEOUT_RANGE[0], le=TIMEOUT_RANGE[1], allow_inf_nan=False)
    cache: str | None = None
    grades: GradesSection | None = None
    parameters: dict[str, Decimal] = Field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    path: Path | None  # None: no configuration file
    values: ConfigFile = field(default_factory=ConfigFile)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


@dataclass(frozen=True)
class Settings:
    """The effective settings of a run: the options, the exit threshold, the parallelism, and where
    each key came from (the config file, the command line, or the default)."""

    options: CheckOptions
    fail_on: str
    jobs: int
    config: Path | None
    sources: dict[str, str]
    command_line: dict[str, Any] = field(default_factory=dict)  # the values given as options, by key
    cache: Path | None = None  # the folder of the outcome cache (None: no cache)


def discover(start: Path) -> Path | None:
    """The configuration file for a run started in `start`: the nearest folder upward that has one."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_FILE).is_file():
            return folder / CONFIG_FILE
        if (folder / PYPROJECT).is_file() and "budgetlint" in _tool_table(folder / PYPROJECT):
            return folder / PYPROJECT
    return None


def load(path: Path | None) -> Config:
    """The configuration in `path` (None: no file, everything default). Raises ConfigError."""
    if path is None:
        return Config(None)
    data = _toml(path)
    prefix = ""
    if path.name == PYPROJECT:
        data, prefix = _tool_table(path).get("budgetlint"), "tool.budgetlint."
        if data is None:
            raise ConfigError(str(path), None, "没有 [tool.budgetlint] 表")
    try:
        return Config(path, ConfigFile.model_validate(data))
    except ValidationError as error:
        # A misspelt key shows up as unknown: name it first, as the rule-file loader does
        problem = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        key = prefix + ".".join(str(k) for k in problem["loc"])
        message = "未知的配置项" if problem["type"] == "extra_forbidden" else problem["msg"]
        raise ConfigError(str(path), key, message) from None


def resolve(config: Config, given: dict[str, Any], show_rounding: bool = False,
            keep_documents: bool = False, force_exclude: bool = False) -> Settings:
    """Merge the configuration with the command-line values in `given` (by config key: "select",
    "fail-on" …; only the options actually given). Raises ConfigError for a setting no rule knows."""
    values = config.values
    where = config.path.name if config.path else DEFAULT
    sources: dict[str, str] = {}

    def pick(key: str, from_file: Any, default: Any) -> Any:
        if key in given:
            sources[key] = COMMAND_LINE
            return given[key]
        sources[key] = where if from_file is not None else DEFAULT
        return default if from_file is None else from_file

    def join(key: str, from_file: list[Any]) -> tuple[Any, ...]:
        """A key whose command-line values add to the file's."""
        sources[key] = " + ".join(s for s, present in ((where, from_file), (COMMAND_LINE, given.get(key)))
                                  if present) or DEFAULT
        return (*from_file, *given.get(key, ()))

    rules = join("rules", [config.folder / p for p in values.rules])
    extend_select = join("extend-select", values.extend_select)
    for key, present in (("tables", values.tables), ("per-file-ignores", values.per_file_ignores),
                         ("severity", values.severity), ("grades", values.grades), ("parameters", values.parameters)):
        sources[key] = where if present else DEFAULT
    grades = values.grades
    bands = tuple(sorted(grades.bands.items(), key=lambda band: band[1], reverse=True)) if grades else ()
    options = CheckOptions(
        rules=rules,
        tables=tuple(config.folder / p for p in values.tables),
        select_ids=_tuple(pick("select", values.select, None)),
        extend_select_ids=extend_select or None,
        ignore_ids=_tuple(pick("ignore", values.ignore, None)),
        severities=dict(values.severity),
        grade_bands=bands,
        grade_synonyms=dict(grades.synonyms) if grades else {},
        parameters=dict(values.parameters),
        per_file_ignores=tuple((glob, tuple(prefixes)) for glob, prefixes in values.per_file_ignores.items()),
        exclude=tuple(pick("exclude", values.exclude or None, ())),
        force_exclude=force_exclude,
        root=config.folder,
        max_bytes=pick("max-bytes", values.max_bytes, DEFAULT_MAX_BYTES),
        show_rounding=show_rounding,
        keep_documents=keep_documents,
        timeout=pick("timeout", values.timeout, DEFAULT_TIMEOUT),
    )
    fail_on = pick("fail-on", values.fail_on, "error")
    jobs = pick("jobs", values.jobs, os.cpu_count() or 1)
    cache = pick("cache", config.folder / values.cache if values.cache else None, None)
    return Settings(options, fail_on, jobs, config.path, sources, dict(given), cache)


def rules_for(settings: Settings) -> list[Rule]:
    """The rules the settings give, loaded once to find configuration mistakes before a run.

    Raises RuleError for an invalid rule file, ConfigError for a parameter, severity or rule id in the
    file naming no rule, UnknownRuleIdError (its key the option: `--select`) for one given as an option.
    """
    try:
        return configured_rules(settings.options)
    except SettingError as error:
        raise ConfigError(str(settings.config), error.key, error.problem) from None
    except UnknownRuleIdError as error:
        if error.prefix in settings.command_line.get(error.key, ()):
            raise UnknownRuleIdError(f"--{error.key}", error.prefix, error.suggestion) from None
        raise ConfigError(str(settings.config), error.key, error.problem) from None


def effective(settings: Settings, rules: list[Rule]) -> tuple[dict[str, Any], dict[str, str]]:
    """What `budgetlint config` shows: every key with its value in effect, and where it came from.
    Grade bands and parameters not set in the configuration are the rules' own (G-01's bands,
    SE-07's full_marks)."""
    options = settings.options
    sources = dict(settings.sources)
    grade_rules = [r for r in rules if isinstance(r.spec.check, GradeCheck)]
    grades: dict[str, Any] = {}
    if grade_rules:
        check = grade_rules[0].spec.check
        assert isinstance(check, GradeCheck)
        grades = {"bands": {b.grade: b.minimum for b in check.bands}, "synonyms": dict(check.synonyms)}
        if sources["grades"] == DEFAULT:
            sources["grades"] = "规则 " + "、".join(r.id for r in grade_rules)
    declared = declared_parameters(rules)
    parameters = {name: next(iter(by_rule.values())) for name, by_rule in declared.items()}
    if sources["parameters"] == DEFAULT and declared:
        sources["parameters"] = "规则 " + "、".join(sorted({i for by_rule in declared.values() for i in by_rule}))
    return {
        "rules": [str(p) for p in options.rules],
        "tables": [str(p) for p in options.tables],
        "select": list(options.select_ids) if options.select_ids is not None else None,
        "extend-select": list(options.extend_select_ids or ()),
        "ignore": list(options.ignore_ids) if options.ignore_ids is not None else None,
        "exclude": list(options.exclude),
        "fail-on": settings.fail_on,
        "max-bytes": options.max_bytes,
        "jobs": settings.jobs,
        "timeout": options.timeout,
        "cache": str(settings.cache) if settings.cache else None,
        "per-file-ignores": {glob: list(prefixes) for glob, prefixes in options.per_file_ignores},
        "severity": dict(options.severities),
        "grades": grades,
        "parameters": parameters,
    }, sources


def as_json(settings: Settings, rules: list[Rule]) -> str:
    values, sources = effective(settings, rules)
    data = {"config": str(settings.config) if settings.config else None, "settings": values, "sources": sources}
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def as_toml(settings: Settings, rules: list[Rule]) -> str:
    """The effective settings as TOML, each key with where it came from."""
    lines = [f"# 配置文件：{settings.config}" if settings.config else "# 没有找到配置文件：全部为默认值"]
    tables = []
    values, sources = effective(settings, rules)
    for key, value in values.items():
        source = sources[key]
        if isinstance(value, dict):
            tables.append(f"\n[{key}]  # {source}")
            tables.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        elif value is not None:
            lines.append(f"{key} = {_toml_value(value)}  # {source}")
        else:
            lines.append(f"# {key} 未设置  # {source}")
    return "\n".join(lines + tables) + "\n"


def _toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read: a one-file check in a folder without one does not

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(str(path), None, f"无法读取：{error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), None, f"TOML 语法错误：{error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), None, f"不是 UTF-8 编码（第 {error.start + 1} 个字节；TOML 文件须为 UTF-8）") from None
    except RecursionError:
        raise ConfigError(str(path), None, "数组或表嵌套过深") from None


def _tool_table(path: Path) -> dict[str, Any]:
    """pyproject.toml's `tool` table ({} when it has none)."""
    tool = _toml(path).get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(str(path), "tool", f"应是表（[tool.…]），而不是 {type(tool).__name__} 值")
    return tool


def _toml_key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() and key.isascii() else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Decimal | int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)
