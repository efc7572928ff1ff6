"""What goes wrong in the tool itself, as opposed to findings about the checked documents."""

from __future__ import annotations


class BudgetlintError(Exception):
    """Base of the tool's own errors."""


class ReadError(BudgetlintError):
    """An input cannot be read: it becomes an error finding for that file, the batch goes on."""


class RuleError(BudgetlintError):
    """A rule file is invalid: names the file, the line and what is wrong (exit code 2)."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class ConfigError(BudgetlintError):
    """A configuration file is invalid: names the file and the key (exit code 2)."""

    def __init__(self, path: str, key: str | None, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")


class SettingError(BudgetlintError):
    """A setting that names nothing the loaded rules know (a parameter, a severity override's rule):
    the configuration layer adds the file it came from."""

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"{key}: {problem}")


class UnknownRuleIdError(BudgetlintError):
    """A rule id or prefix (in select, ignore, extend-select or per-file-ignores) that matches no rule:
    a typo there would silently switch checks off, so it is a usage error (exit code 2)."""

    def __init__(self, key: str, prefix: str, suggestion: str | None) -> None:
        self.key, self.prefix, self.suggestion = key, prefix, suggestion
        guess = f"，是否想写 {suggestion}？" if suggestion else ""
        self.problem = f"“{prefix}”不是任何规则的编号或前缀{guess}（budgetlint rules 列出全部规则）"
        super().__init__(f"{key}: {self.problem}")


class CacheError(BudgetlintError):
    """The outcome cache's database cannot be opened or read (exit code 2)."""


class ExecutorError(BudgetlintError):
    """The cluster asked for cannot run the check (its scheduler unreachable, the dask extra not
    installed, a worker without the same budgetlint): nothing is checked (exit code 2)."""
