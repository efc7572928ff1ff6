"""Where the built-in rule packs are: inside the installed wheel (validator.builtin_rules, built from the
top-level rules/ folder), or the rules/ folder itself when running from a source checkout."""

from __future__ import annotations

import importlib.util
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def builtin_rules_dir() -> Traversable:
    if importlib.util.find_spec("validator.builtin_rules") is not None:
        return resources.files("validator.builtin_rules")
    return Path(__file__).resolve().parent.parent / "rules"
