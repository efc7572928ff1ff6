"""The rule expression language: parsed with Python's `ast` (never evaluated by Python), checked
against a small whitelist at load time, and compiled into closures.

    T1["本年收入合计", "决算数"] == sum_above(T1["本年收入合计", "决算数"])
    row["本年收入合计"] == row["财政拨款收入"] + row["上级补助收入"] + …
    absent_as_zero(T7[row.code, "本年支出/小计"]) <= row["本年支出合计"]

Names: the table kinds T1…T9 (and any kind the catalogue defines), the loop variable of
`for_each`, and the check's named `parameters` (numbers a configuration may change: full_marks).
A subscript picks a cell: `Table[row, column]`, `row[column]`, or `Table[column]` for a
table with a single data row. Row selectors: an integer is a 行次, a 3/5/7-digit string a 科目编码,
`"A>B"` the first row labelled B after the row labelled A, anything else a label; `|` separates
alternatives tried in order. Column selectors: an integer is a 栏次, a string matches the end of the
header path ("决算数", "本年支出/小计"). Functions: FUNCTIONS below, one entry each (the checker,
the compiler, the error messages and the README's list are made from it).

Claim rules (`kind: claim`) name the figures of a sentence by role instead: `total == sum(parts)`,
`rate == numerator / denominator * 100`; in a selector, {subject} stands for what the
sentence is about (T9["决算数/{subject}"] for a sentence on 因公出国（境）费).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .interval import EXACT_ZERO, CellRef, NotComputable, Quantity

# Far more than any rule needs (a sum of 60 cells is 60 deep), far less than Python's recursion limit
MAX_DEPTH = 200
# A constant beyond this is a mistake (9e999 is infinity); the figures are bounded likewise (numbers.py)
MAX_CONSTANT = 10**20
COMPARISONS = {ast.Eq: "==", ast.LtE: "<=", ast.GtE: ">=", ast.Lt: "<", ast.Gt: ">", ast.NotEq: "!="}
ROW_ATTRIBUTES = ("code", "label", "level", "ordinal", "row_no", "segment", "group")


class ExpressionError(ValueError):
    """A syntax or vocabulary mistake in a rule expression, found when the rule file is loaded."""


class Absent(Exception):
    """A table, row or cell the expression refers to is not in the document: the check is skipped."""


class TableAbsent(Absent):
    """The table itself is missing: even absent_as_zero skips rather than assume its rows are zero."""


class ScannedRowAbsent(Absent):
    """A row not found in a table read by OCR: a misread label may hide it, so even absent_as_zero
    skips rather than take it as zero."""


class Resolver:
    """What compiled expressions need from the engine: tables by kind, cells by selectors."""

    def table(self, name: str) -> Any: ...
    def cell(self, table: Any, row_selector: Any, column_selector: Any) -> CellRef: ...
    def row_cell(self, row_binding: Any, column_selector: Any) -> CellRef: ...
    def single_row_cell(self, table: Any, column_selector: Any) -> CellRef: ...
    def sum_above(self, ref: CellRef) -> Quantity: ...
    def total(self, table: Any, column_selector: Any, level: int) -> Quantity: ...
    def sum_below(self, ref: CellRef) -> Quantity: ...
    def sum_group(self, table: Any, column_selector: Any, groups: str) -> Quantity: ...
    def attainment(self, target: CellRef, result: CellRef) -> Quantity: ...
    def deviation(self, target: CellRef, result: CellRef) -> Quantity: ...
    def figure(self, bindings: dict[str, Any], role: str) -> Quantity: ...
    def figures(self, bindings: dict[str, Any], role: str) -> list[Quantity]: ...
    def evaluation_total(self, bindings: dict[str, Any]) -> Quantity: ...
    def subject_row(self, bindings: dict[str, Any], table: Any, column_selector: Any) -> CellRef: ...
    def subject(self, bindings: dict[str, Any]) -> str: ...
    def cell_quantity(self, ref: CellRef, bindings: dict[str, Any]) -> Quantity: ...


Env = tuple[Resolver, dict[str, Any]]  # resolver, loop bindings
Compiled = Callable[[Env], Any]


@dataclass(frozen=True)
class Assertion:
    """A compiled comparison `left OP right`."""

    source: str
    op: str
    left: Compiled
    right: Compiled


def parse(source: str, table_names: set[str], loop_names: set[str], value_names: Collection[str] = frozenset()) -> ast.expr:
    # YAML folded scalars keep the newline of a more-indented line; one logical line is meant.
    source = " ".join(line.strip() for line in source.strip().splitlines())
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(f"表达式语法错误（第{error.offset}个字符附近）：{source.strip()}") from None
    except (RecursionError, MemoryError, ValueError):  # nested thousands deep; an integer of 5,000 digits
        raise ExpressionError(f"表达式过长或嵌套过深（最多 {MAX_DEPTH} 层）：{source.strip()[:80]}…") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"表达式嵌套过深（最多 {MAX_DEPTH} 层，如 {MAX_DEPTH} 项相加）：{source.strip()[:80]}…")
    _Checker(table_names, loop_names | value_names, source).visit(tree)
    return tree


def _depth(tree: ast.AST) -> int:
    """How deep the tree goes, found without recursion (checking and compiling it recurse)."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def compile_assertion(source: str, table_names: set[str], loop_names: set[str],
                      value_names: frozenset[str] = frozenset(),
                      parameters: Mapping[str, Decimal] | None = None) -> Assertion:
    """`value_names` are the figure roles of a claim rule (total, parts, rate …), usable as values;
    `parameters` are named constants (a rule's `parameters`, which a configuration may override)."""
    parameters = parameters or {}
    tree = parse(source, table_names, loop_names, value_names | parameters.keys())
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or type(tree.ops[0]) not in COMPARISONS:
        raise ExpressionError(f"断言必须是一个比较（==、<=、>=、<、>、!=）：{source.strip()}")
    compiler = _Compiler(value_names, parameters)
    return Assertion(source.strip(), COMPARISONS[type(tree.ops[0])],
                     compiler.value(tree.left), compiler.value(tree.comparators[0]))


def compile_value(source: str, table_names: set[str]) -> Compiled:
    """A figure alone (`B1["收入总计", "本年收入/预算数"]`): what a rule comparing two documents
    reads in each of them."""
    return _Compiler(frozenset()).value(parse(source, table_names, set()))


@dataclass(frozen=True)
class Condition:
    """A compiled `where:` filter, and the (row attribute, value) pairs every row it keeps must have
    (its `row.group == "指标"` terms joined by `and`), so that a loop can visit only the rows an index
    gives for them instead of testing every row of the table."""

    test: Callable[[Env], bool]
    required: tuple[tuple[str, object], ...]
    indexed: bool = False  # it is one such term alone: the rows the index gives are those it keeps, untested


def compile_condition(source: str, loop_names: set[str]) -> Condition:
    """A `where:` filter on the loop variable: plain comparisons of row attributes, and/or/not."""
    tree = parse(source, set(), loop_names)
    terms = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    required = tuple(pair for term in terms if (pair := _required(term)))
    return Condition(_compile_plain(tree), required, indexed=len(terms) == 1 and len(required) == 1)


def _required(node: ast.expr) -> tuple[str, object] | None:
    """(attribute, constant) of a `row.attribute == constant` term (either way round), else None.
    The attribute is the Row field the selector reads (`label` reads the normalised `key`)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
        return None
    sides = (node.left, node.comparators[0])
    attributes = [s for s in sides if isinstance(s, ast.Attribute)]
    constants = [s for s in sides if isinstance(s, ast.Constant)]
    if len(attributes) != 1 or len(constants) != 1:
        return None
    attr = attributes[0].attr
    return ("key" if attr == "label" else attr), constants[0].value


class _Checker(ast.NodeVisitor):
    def __init__(self, tables: set[str], loops: set[str], source: str) -> None:
        self.tables, self.loops, self.source = tables, loops, source.strip()

    def fail(self, node: ast.AST, what: str) -> None:
        raise ExpressionError(f"{what}（第{getattr(node, 'col_offset', 0) + 1}个字符）：{self.source}")

    def generic_visit(self, node: ast.AST) -> None:
        allowed = (ast.Compare, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Constant, ast.Name, ast.Subscript,
                   ast.Tuple, ast.Call, ast.Attribute, ast.Load, ast.operator, ast.unaryop, ast.cmpop,
                   ast.boolop)
        if not isinstance(node, allowed):
            self.fail(node, f"不支持的写法 {type(node).__name__}")
        super().generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            self.fail(node, "只支持 + - * / 运算")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id not in self.tables and node.id not in self.loops:
            known = "、".join(sorted(self.tables | self.loops))
            self.fail(node, f"未知名称“{node.id}”（可用：{known}）")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not (isinstance(node.value, ast.Name) and node.value.id in self.loops and node.attr in ROW_ATTRIBUTES):
            self.fail(node, f"只能读取循环变量的属性 {'/'.join(ROW_ATTRIBUTES)}")

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            self.fail(node, f"只支持函数 {'、'.join(FUNCTIONS)}")
        function = FUNCTIONS[node.func.id]
        if len(node.args) != function.arity:
            self.fail(node, f"函数 {function.name} 需要 {function.arity} 个参数：{function.usage}")
        for arg in node.args:
            self.visit(arg)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not (node.value is None or isinstance(node.value, int | float | str)) or isinstance(node.value, bool):
            self.fail(node, "常量只能是数字、字符串或 None")
        if isinstance(node.value, int | float) and not abs(node.value) < MAX_CONSTANT:  # also NaN
            self.fail(node, f"数值常量超出范围（绝对值须小于 10^{len(str(MAX_CONSTANT)) - 1}）")


def _selector(node: ast.expr) -> Compiled:
    """A row or column selector: a constant, or an attribute of the loop variable."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str) and "{subject}" in value:
            return lambda env: value.replace("{subject}", env[0].subject(env[1]))
        return lambda env: value
    if isinstance(node, ast.Attribute):
        name, attr = node.value.id, node.attr  # type: ignore[attr-defined]
        return lambda env: getattr(env[1][name].row, attr if attr != "label" else "key")
    raise ExpressionError("选择器只能是常量或循环变量的属性")


class _Compiler:
    def __init__(self, value_names: frozenset[str], parameters: Mapping[str, Decimal] | None = None) -> None:
        self.value_names = value_names
        self.parameters = parameters or {}

    def value(self, node: ast.expr) -> Compiled:
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float):
                raise ExpressionError(f"常量 {node.value!r} 不是数值（字符串只能用作行/栏选择器）")
            constant = Quantity.exact(node.value)
            return lambda env: constant
        if isinstance(node, ast.Name) and node.id in self.parameters:
            parameter = Quantity.exact(self.parameters[node.id])
            return lambda env: parameter
        if isinstance(node, ast.Name) and node.id in self.value_names:
            role = node.id
            return lambda env: env[0].figure(env[1], role)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.value(node.operand)
            return (lambda env: -inner(env)) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            operation = {ast.Add: Quantity.__add__, ast.Sub: Quantity.__sub__,
                         ast.Mult: Quantity.__mul__, ast.Div: Quantity.__truediv__}[type(node.op)]
            return lambda env: operation(left(env), right(env))
        if isinstance(node, ast.Subscript):
            ref = _compile_ref(node)
            return lambda env: env[0].cell_quantity(ref(env), env[1])
        if isinstance(node, ast.Call):
            return self.call(node)
        raise ExpressionError(f"这里需要一个数值：{ast.unparse(node)}")

    def call(self, node: ast.Call) -> Compiled:
        function = FUNCTIONS[node.func.id]  # type: ignore[attr-defined]
        compiled = function.build(self, node.args) if len(node.args) == function.arity else None
        if compiled is None:
            usages = "、".join(f.usage for f in FUNCTIONS.values())
            raise ExpressionError(f"函数用法不对：{ast.unparse(node)}（{usages}）")
        return compiled


def _compile_ref(node: ast.Subscript) -> Callable[[Env], CellRef]:
    keys = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if not isinstance(node.value, ast.Name) or len(keys) not in (1, 2):
        raise ExpressionError(f"单元格写法应为 表[行, 栏] 或 row[栏]：{ast.unparse(node)}")
    name = node.value.id
    selectors = [_selector(k) for k in keys]
    constants = [k.value for k in keys if isinstance(k, ast.Constant) and "{subject}" not in str(k.value)]
    if len(selectors) == 2:
        row_sel, col_sel = selectors
        if len(constants) == 2:  # most cells are named by constants: no selector to call for them
            row, column = constants
            return lambda env: env[0].cell(env[0].table(name), row, column)
        return lambda env: env[0].cell(env[0].table(name), row_sel(env), col_sel(env))
    (col_sel,) = selectors
    fixed = constants[0] if constants else _VARIES

    def one(env: Env) -> CellRef:
        resolver, bindings = env
        column = fixed if fixed is not _VARIES else col_sel(env)
        if name in bindings:
            return resolver.row_cell(bindings[name], column)
        return resolver.single_row_cell(resolver.table(name), column)

    return one


_VARIES = object()  # a selector read from the loop variable or the sentence, not a constant


def _compile_plain(node: ast.expr) -> Callable[[Env], Any]:
    """Conditions over loop-variable attributes: ==, !=, <, in-free comparisons, and/or/not."""
    if isinstance(node, ast.BoolOp):
        parts = [_compile_plain(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(p(env) for p in parts)
        return lambda env: any(p(env) for p in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _compile_plain(node.operand)
        return lambda env: not inner(env)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = _compile_plain(node.left), _compile_plain(node.comparators[0])
        ops: dict[type, Callable[[Any, Any], bool]] = {
            ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
            ast.Lt: lambda a, b: a is not None and a < b, ast.Gt: lambda a, b: a is not None and a > b,
            ast.LtE: lambda a, b: a is not None and a <= b, ast.GtE: lambda a, b: a is not None and a >= b}
        op = ops[type(node.ops[0])]
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.Constant | ast.Attribute):
        return _selector(node)
    raise ExpressionError(f"条件只能比较循环变量的属性：{ast.unparse(node)}")


@dataclass(frozen=True)
class Function:
    """An expression function: how it is written, what it gives, and how a call compiles (`build`
    returns None when the arguments have the right number but not the right form)."""

    name: str
    arity: int
    usage: str  # as messages write it, with Chinese placeholders
    description: str  # one line, for the README
    build: Callable[[_Compiler, list[ast.expr]], Compiled | None]


def _absent_as_zero(compiler: _Compiler, args: list[ast.expr]) -> Compiled:
    inner = compiler.value(args[0])

    def absent_as_zero(env: Env) -> Quantity:
        try:
            return inner(env)
        except (TableAbsent, ScannedRowAbsent):
            raise
        except Absent:
            return EXACT_ZERO

    return absent_as_zero


def _of_cell(method: str) -> Callable[[_Compiler, list[ast.expr]], Compiled | None]:
    """A resolver method of one cell (sum_above, sum_below)."""
    def build(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
        if not isinstance(args[0], ast.Subscript):
            return None
        ref = _compile_ref(args[0])
        return lambda env: getattr(env[0], method)(ref(env))
    return build


def _of_two_cells(method: str) -> Callable[[_Compiler, list[ast.expr]], Compiled | None]:
    """A resolver method of an indicator's target cell and result cell (attainment, deviation)."""
    def build(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
        if not all(isinstance(a, ast.Subscript) for a in args):
            return None
        target, result = _compile_ref(args[0]), _compile_ref(args[1])  # type: ignore[arg-type]
        return lambda env: getattr(env[0], method)(target(env), result(env))
    return build


def _total(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
    if not (isinstance(args[0], ast.Name) and isinstance(args[2], ast.Constant) and type(args[2].value) is int):
        return None
    table_name, col_sel, level = args[0].id, _selector(args[1]), args[2].value
    return lambda env: env[0].total(env[0].table(table_name), col_sel(env), level)


def _sum_group(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
    if not (isinstance(args[0], ast.Name) and isinstance(args[2], ast.Constant) and isinstance(args[2].value, str)):
        return None
    table_name, col_sel, groups = args[0].id, _selector(args[1]), args[2].value
    return lambda env: env[0].sum_group(env[0].table(table_name), col_sel(env), groups)


def _min(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
    if not isinstance(args[1], ast.Constant):
        return None
    inner, ceiling = compiler.value(args[0]), compiler.value(args[1])
    return lambda env: inner(env).at_most(ceiling(env))


def _sum(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
    if not (isinstance(args[0], ast.Name) and args[0].id in compiler.value_names):
        return None
    role = args[0].id

    def figure_sum(env: Env) -> Quantity:
        total = EXACT_ZERO
        for part in env[0].figures(env[1], role):
            total = total + part
        return total

    return figure_sum


def _evaluation_total(compiler: _Compiler, args: list[ast.expr]) -> Compiled:
    return lambda env: env[0].evaluation_total(env[1])


def _subject_row(compiler: _Compiler, args: list[ast.expr]) -> Compiled | None:
    if not isinstance(args[0], ast.Name):
        return None
    table_name, selector = args[0].id, _selector(args[1])
    return lambda env: env[0].cell_quantity(env[0].subject_row(env[1], env[0].table(table_name), selector(env)), env[1])


FUNCTIONS = {f.name: f for f in (
    Function("sum_above", 1, "sum_above(表[行, 栏])",
             "the cells above it in its column (its block of the table)", _of_cell("sum_above")),
    Function("absent_as_zero", 1, "absent_as_zero(值)",
             "the value, or 0 when its row or column is absent (never when the table is, or a scanned row)",
             _absent_as_zero),
    Function("total", 3, "total(表, 栏, 级次)",
             "the sum of every row of that code level in the column (1 = 类, 2 = 款, 3 = 项)", _total),
    Function("sum_below", 1, "sum_below(表[行, 栏])",
             "the rows right under it in its group, same column (年度资金总额's sources)", _of_cell("sum_below")),
    Function("sum_group", 3, "sum_group(表, 栏, \"组|组\")",
             "every row of those groups in the column (`sum_group(SE, \"分值\", \"资金管理|指标\")`)", _sum_group),
    Function("min", 2, "min(值, 常数)", "the value, at most the constant", _min),
    Function("sum", 1, "sum(角色)", "claim rules: the sum of a sentence's listed figures (`sum(parts)`)", _sum),
    Function("attainment", 2, "attainment(目标格, 实际格)",
             "an indicator's share of its target, at most 1 (reversed for \"≤\" targets)", _of_two_cells("attainment")),
    Function("deviation", 2, "deviation(目标格, 实际格)",
             "(result − target) / target × 100; a met \"≥/≤\" target may also be printed as 0",
             _of_two_cells("deviation")),
    Function("evaluation_total", 0, "evaluation_total()",
             "claim rules: the 总分 得分 of the 自评表 whose 项目名称 the sentence names", _evaluation_total),
    Function("subject_row", 2, "subject_row(表, 栏)",
             "claim rules: the cell of the row the sentence is about (\"…（类）…行政运行（项）\" → that 项)",
             _subject_row),
)}


def function_list() -> str:
    """The README's list of functions (a test keeps the README in step with FUNCTIONS)."""
    return "\n".join(f"- `{f.usage}`: {f.description}" for f in FUNCTIONS.values())


__all__ = ["Absent", "TableAbsent", "Assertion", "Condition", "ExpressionError", "NotComputable", "Resolver", "compile_assertion",
           "compile_condition"]
