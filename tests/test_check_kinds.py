"""Check kinds come from one registry and expression functions from one table: what is not
registered fails loudly, and what is registered reaches the checker, the compiler and the README."""

import ast
import re
from pathlib import Path
from typing import Literal, get_args

import pytest

from validator.catalogue import builtin_catalogue
from validator.checks.common import Strict
from validator.checks.registry import CHECK_KINDS, PAIR_KINDS, UnknownCheckKindError
from validator.engine import Engine
from validator.expression import FUNCTIONS, ExpressionError, Function, compile_assertion, function_list
from validator.findings import SEVERITY_ORDER, SEVERITY_WORDS, Severity
from validator.model import Document
from validator.ruleset import RuleSpec, builtin_rules, load_rule_file

README = Path(__file__).parent.parent / "README.md"
TABLES = set(builtin_catalogue().kinds)


class _UnregisteredCheck(Strict):
    kind: Literal["no_such_kind"]


def test_a_check_of_an_unregistered_kind_is_an_internal_error_naming_the_kind():
    rule = builtin_rules()[0]
    spec = rule.spec.model_copy(update={"check": _UnregisteredCheck(kind="no_such_kind")})
    engine = Engine([type(rule)(spec, rule.path, rule.line)], builtin_catalogue())
    with pytest.raises(UnknownCheckKindError, match="“no_such_kind”未登记") as raised:
        engine.run(Document("x.txt", "text"))
    assert all(name in str(raised.value) for name in CHECK_KINDS)


def test_the_rule_schema_accepts_exactly_the_registered_kinds():
    schemas = get_args(RuleSpec.model_fields["check"].annotation)
    assert {get_args(schema.model_fields["kind"].annotation)[0] for schema in schemas} == set(CHECK_KINDS) | set(PAIR_KINDS)
    assert {r.spec.check.kind for r in builtin_rules()} <= set(CHECK_KINDS) | set(PAIR_KINDS)


def test_a_rule_file_naming_an_unknown_kind_says_which_kinds_there_are(tmp_path):
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text("rules:\n  - id: MY-01\n    title: t\n    severity: error\n    basis: b\n"
                         "    description: d\n    message: m\n    check: {kind: no_such_kind}\n"
                         "    examples: {pass: [{name: a}], fail: [{name: b}]}\n", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_kind") as raised:
        load_rule_file(rule_file)
    assert "'assert'" in str(raised.value) and "'text_pattern'" in str(raised.value)


def test_an_unknown_function_is_refused_with_the_names_of_the_table():
    with pytest.raises(ExpressionError) as raised:
        compile_assertion('no_such_function(T1["合计", "决算数"]) == 0', TABLES, set())
    listed = re.search(r"只支持函数 ([^（]+)", str(raised.value)).group(1).split("、")
    assert listed == list(FUNCTIONS)


def test_a_function_with_the_wrong_number_of_arguments_shows_how_it_is_written():
    with pytest.raises(ExpressionError, match=re.escape("函数 total 需要 3 个参数：total(表, 栏, 级次)")):
        compile_assertion('total(T5, "决算数") == 0', TABLES, set())


def test_a_function_added_to_the_table_is_checked_compiled_and_listed(monkeypatch):
    def build(compiler, args):
        inner = compiler.value(args[0])
        return lambda env: inner(env) * inner(env)

    square = Function("square", 1, "square(值)", "the value times itself", build)
    monkeypatch.setitem(FUNCTIONS, "square", square)
    assertion = compile_assertion("square(3) == 9", TABLES, set())
    assert assertion.left((None, {})).shown == 9
    assert "- `square(值)`: the value times itself" in function_list().splitlines()
    with pytest.raises(ExpressionError, match="square"):
        compile_assertion("no_such_function(1) == 1", TABLES, set())


def test_the_readme_lists_every_function_of_the_table_as_the_table_describes_it():
    readme = README.read_text(encoding="utf-8")
    assert function_list() in readme
    for function in FUNCTIONS.values():
        call = ast.parse(function.usage.replace("表[行, 栏]", "T[r, c]"), mode="eval").body
        assert isinstance(call, ast.Call) and call.func.id == function.name
        assert len(call.args) == function.arity


def test_severities_have_one_home_their_order_and_words_cover():
    assert get_args(Severity) == tuple(SEVERITY_WORDS) == ("error", "warning", "info")
    assert set(SEVERITY_ORDER) == set(SEVERITY_WORDS)
