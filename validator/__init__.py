"""budgetlint: a linter for Chinese government final-account disclosures (部门/单位决算公开).

    from validator import check
    report = check(["disclosure.txt"])
    report.to_dict()  # the same content as `budgetlint check --format json`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import check


def __getattr__(name: str) -> Any:
    # Imported lazily so that `budgetlint --version` stays fast.
    if name == "check":
        from .api import check

        return check
    raise AttributeError(name)


__all__ = ["__version__", "check"]
