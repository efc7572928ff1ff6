"""YAML read once into both its data and its node tree (the nodes carry the line of every value),
and the line and words of the first problem pydantic finds in it."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .errors import RuleError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; always the safe loader


def load_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, root node); raises yaml.YAMLError with a problem_mark on a syntax error."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def load_rule_yaml(name: str, text: str, what: str) -> tuple[Any, yaml.Node]:
    """(data, root node) of a file of the rules (a rule file, a table catalogue: `what`); RuleError
    naming the file, and the line of a syntax error."""
    try:
        data, node = load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RuleError(name, mark.line + 1 if mark else None, f"YAML 语法错误：{error}") from None
    if node is None:
        raise RuleError(name, None, f"{what}为空")
    return data, node


def first_problem(error: ValidationError, node: yaml.Node) -> tuple[int | None, str]:
    """(line, "where: what") of the validation problem to show; a misspelt key shows up twice (unknown
    key, required key missing), so the typo comes first."""
    problems = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = problems[0]
    loc = tuple(first["loc"])
    where = ".".join(str(k) for k in loc)
    more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
    return line_of(node, loc), f"{where}: {first['msg']}{more}"


def line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int | None:
    """The YAML line of the node at a pydantic error location (1-based)."""
    return _deepest(node, loc)[1]


def _deepest(node: yaml.Node, loc: tuple[Any, ...]) -> tuple[int, int]:
    """(keys matched, line) following `loc` as far as the YAML goes. A key may also be pydantic's own
    (a union's tag such as `assert`, which can collide with a real key), so both readings are tried."""
    line = node.start_mark.line + 1
    if not loc:
        return 0, line
    key, rest = loc[0], loc[1:]
    child = None
    if isinstance(node, yaml.MappingNode):
        child = next((v for k, v in node.value if k.value == key), None)
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        child = node.value[key]
    skipped = _deepest(node, rest)
    if child is None:
        return skipped
    matched, child_line = _deepest(child, rest)
    return (matched + 1, child_line) if matched + 1 > skipped[0] else skipped
