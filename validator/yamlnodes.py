"""YAML read once into both its data and its node tree (the nodes carry the line of every value),
and the line and words of the first problem pydantic finds in it."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .errors import RuleError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; always the safe loader

# What aliases (*name) may add to a document, in nodes and scalar characters: a few repeated header
# rows need hundreds; nested aliases ("billion laughs") would need gigabytes or hours.
ALIAS_BUDGET = 100_000


class HostileYamlError(yaml.YAMLError):
    """A document whose aliases expand beyond ALIAS_BUDGET or refer to themselves, a mapping with a
    key twice (YAML keeps the last silently: a second `tables:` would drop the first's tables), or a
    value its tag cannot hold."""

    def __init__(self, problem: str, line: int | None = None) -> None:  # line: 0-based, as yaml.Mark
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = yaml.Mark("", 0, line, 0, None, None) if line is not None else None


def load_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, root node); raises yaml.YAMLError with a problem_mark on a syntax error, HostileYamlError
    before anything is built for aliases beyond the budget and for duplicate keys."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_shape(node)
        data = loader.construct_document(node) if node is not None else None
    except ValueError as error:  # a value its tag cannot hold: an integer of 5,000 digits, 2023-13-45
        raise HostileYamlError(f"无法读取的值：{error}") from None
    finally:
        loader.dispose()
    return data, node


def _check_shape(root: yaml.Node) -> None:
    """The expanded size of every node, each computed once (so this is linear in the nodes written,
    however far aliases would expand), depth first without recursion; and every mapping's keys."""
    size: dict[int, int] = {}
    written = 0  # the size of the distinct nodes: what the document holds without expanding aliases
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            own = 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
            written += own
            size[id(node)] = own + sum(size[id(child)] for child in children)
            continue
        if id(node) in open_nodes:
            raise HostileYamlError("别名引用了包含它自身的节点（递归别名）", node.start_mark.line)
        open_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
    expanded = size[id(root)]
    if expanded - written > ALIAS_BUDGET:
        raise HostileYamlError(f"别名（*名称）展开后增加约 {expanded - written:,} 个节点和字符，超过 {ALIAS_BUDGET:,} "
                               "的上限，不像决算文件")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_keys(node: yaml.MappingNode) -> None:
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                raise HostileYamlError(f"键“{key.value}”重复出现（后一个会静默覆盖前一个）", key.start_mark.line)
            seen.add(key.value)


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
