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
